// Order modifications (v2, the order-system API): what a change request does to an order (its plan), and the
// steps of its life: asked for, acknowledged, applied (done), or canceled by the store, by a refusal found on
// the way, or after its retries ran out. Pure.
import { AppError, type ErrorCode } from '../../platform/errors.ts'
import {
  MAX_TOTAL,
  orderValue,
  type Logistics,
  type Modification,
  type ModificationLine,
  type ModificationOutcome,
  type ModificationRequest,
  type ModificationSettings,
  type ModificationStatus,
  type ModificationTarget,
  type ModificationUnits,
  type Order,
} from '../orders/order.ts'
import type { ModificationEventData } from '../orders/order.schemas.ts'
import { isInProgress, modificationInProgress, requestInProgress } from '../orders/order-modification.ts'
import { isFullyInvoiced, packagedValue, unitsLeft } from '../orders/order-packages.ts'
import { charge, chargeablePayment, refund } from '../orders/order-payment.ts'
import type { OrderStatus } from '../orders/order-status.ts'
import { fire, record, type Draft, type Rule, type WorkflowContext } from '../orders/order-workflow.ts'
import {
  addToLine,
  appendLine,
  assertOwnSale,
  freeShippingLike,
  lineUniqueId,
  newLine,
  takeFromLine,
} from './order-lines.ts'

/** VTEX names waiting-for-fulfillment and ready-for-invoicing too, statuses Ordo's workflow does not have. */
const MODIFIABLE: readonly OrderStatus[] = ['handling']

/** Requests one order keeps, canceled ones included: bounds the order's document. */
export const MAX_MODIFICATIONS = 100

/** A change request as the store asks for it. */
export interface ModificationAsk {
  requestId: string
  workflowId: string
  reason: string
  request: ModificationRequest
  settings: ModificationSettings
}

export interface Plan {
  /** The order as the modification leaves it, payments aside. */
  order: Order
  outcome: ModificationOutcome
}

/**
 * What the request does to the order as it is: every refusal of the request, as VTEX's codes name them, is
 * thrown from here, so that a preview, the request and its processing refuse alike.
 */
export function plan(
  order: Order,
  request: ModificationRequest,
  settings: ModificationSettings,
  lineIds: string,
): Plan {
  assertSomething(request)
  const operations: ModificationOutcome['operations'] = []
  let current = order
  let place = 0
  const take = (units: ModificationUnits[]) => {
    const from: ModificationLine[] = []
    for (const unit of units) {
      const taken = takeUnits(current, unit)
      current = taken.order
      from.push(taken.line)
    }
    return from
  }
  const put = (target: ModificationTarget) => {
    assertLogisticsMatch(order, target)
    const to: ModificationLine[] = []
    target.items.forEach((unit, index) => {
      const entries = target.logistics.filter((entry) => entry.itemIndex === index)
      const joined = putUnits(current, unit, entries, settings, lineUniqueId(lineIds, place++))
      current = joined.order
      to.push(joined.line)
    })
    if (target.client) current = { ...current, client: { ...current.client, ...target.client } }
    return to
  }
  // Every unit leaves before any joins, so that units replaced by the same SKU at the same price rejoin their line.
  const removed = request.remove ? take(request.remove) : []
  const replaced = request.replace.map(({ from, to }) => ({ from: take(from), to }))
  if (request.remove) operations.push({ kind: 'remove', from: removed, to: [] })
  for (const { from, to } of replaced) operations.push({ kind: 'replace', from, to: put(to) })
  if (request.add) operations.push({ kind: 'add', from: [], to: put(request.add) })
  const manual = request.manualIncrementValue - request.manualDiscountValue
  current = { ...current, totals: { ...current.totals, change: current.totals.change + manual } }

  const totals = {
    items: current.totals.items - order.totals.items,
    discounts: current.totals.discounts - order.totals.discounts,
    shipping: current.totals.shipping - order.totals.shipping,
    tax: current.totals.tax - order.totals.tax,
    manual,
  }
  const outcome = { totals, value: orderValue(current) - orderValue(order), operations }
  assertValue(order, current, outcome, settings)
  return { order: current, outcome }
}

function assertSomething(request: ModificationRequest): void {
  const moves =
    (request.add?.items.length ?? 0) +
    (request.remove?.length ?? 0) +
    request.replace.reduce((sum, r) => sum + r.from.length + r.to.items.length, 0)
  const clientChange = [request.add, ...request.replace.map((r) => r.to)].some((t) => t?.client)
  const manual = request.manualDiscountValue + request.manualIncrementValue
  if (moves === 0 && manual === 0 && !clientChange) {
    throw new AppError(
      'INVALID_CHANGE',
      'Invalid change for order: the request adds, removes and replaces no item, and has no manual discount or increment.',
    )
  }
}

/** Units leave the line `uniqueId` names, or the one line of their SKU; invoiced units stay. */
function takeUnits(order: Order, unit: ModificationUnits): { order: Order; line: ModificationLine } {
  const itemIndex = lineOf(order, unit, 'remove')
  const line = order.items[itemIndex]
  if (!line) throw new Error(`Order ${order.orderId} has no item line ${itemIndex}.`)
  if (unit.quantity > line.quantity) {
    throw new AppError(
      'CHANGE_REMOVE_QUANTITY',
      `Invalid quantity to remove from item ${unit.id}: ${unit.quantity} asked, but its line ${line.uniqueId} in order ${order.orderId} has ${line.quantity}.`,
    )
  }
  const left = unitsLeft(order, 'Output')(itemIndex)
  if (unit.quantity > left) {
    throw new AppError(
      'CHANGE_ITEM_INVOICED',
      `Not allowed after the item invoice has been issued: ${line.quantity - left} of the ${line.quantity} units of item ${unit.id} (line ${line.uniqueId}) in order ${order.orderId} are invoiced, so at most ${left} can leave.`,
    )
  }
  return {
    order: takeFromLine(order, itemIndex, unit.quantity),
    line: { ...line, quantity: unit.quantity, itemIndex, logistics: null },
  }
}

/** The index of the line units are taken from (`remove`) or named to join (`add`). */
function lineOf(order: Order, unit: ModificationUnits, use: 'remove' | 'add'): number {
  const { orderId } = order
  if (unit.uniqueId !== null) {
    const index = order.items.findIndex((line) => line.uniqueId === unit.uniqueId)
    if (index >= 0 && order.items[index]?.id === unit.id) return index
    const why = `order ${orderId} has no line ${unit.uniqueId} of SKU ${unit.id}`
    if (use === 'remove') throw new AppError('CHANGE_REMOVE_ITEM', `Invalid item to remove: ${why}.`)
    throw new AppError('CHANGE_ITEM_NOT_FOUND', `Invalid id for item ${unit.id}: ${why}.`)
  }
  const lines = order.items.flatMap((line, index) =>
    line.id === unit.id && line.quantity > 0 ? [index] : [],
  )
  const [only] = lines
  if (only === undefined) {
    throw new AppError(
      'CHANGE_REMOVE_ITEM',
      `Invalid item to remove: order ${orderId} has no units of SKU ${unit.id}.`,
    )
  }
  if (lines.length > 1) {
    const ids = lines.map((index) => order.items[index]?.uniqueId).join(', ')
    throw new AppError(
      'CHANGE_ITEM_AMBIGUOUS',
      `Cannot match item ${unit.id}: order ${orderId} has ${lines.length} lines of that SKU; name one by its uniqueId (${ids}).`,
    )
  }
  return only
}

type PutUnit = ModificationTarget['items'][number]

/**
 * Units join the line `uniqueId` names, or the line of their SKU at the same price and measure; otherwise they
 * come in as a new line. Their price is the request's, or that of the order's line of the SKU.
 */
function putUnits(
  order: Order,
  unit: PutUnit,
  entries: ModificationTarget['logistics'],
  settings: ModificationSettings,
  uniqueId: string,
): { order: Order; line: ModificationLine } {
  const named = unit.uniqueId !== null ? lineOf(order, unit, 'add') : -1
  const template = order.items[named] ?? order.items.find((line) => line.id === unit.id)
  // A gift's selling price (0) is no price for units the customer pays for.
  const sold = [order.items[named], ...order.items].find((line) => line?.id === unit.id && !line.isGift)
  const price = unit.price ?? sold?.sellingPrice
  if (price === undefined) {
    const why = template ? 'has it only as a gift' : 'does not have it'
    throw new AppError(
      'CHANGE_PRICE_UNKNOWN',
      `The price of item ${unit.id} is unknown, as order ${order.orderId} ${why}: send price (the unit price in cents) for it.`,
    )
  }
  const measurementUnit = unit.measurementUnit ?? template?.measurementUnit ?? 'un'
  const unitMultiplier = unit.unitMultiplier ?? template?.unitMultiplier ?? 1
  const joins = (index: number) => {
    const line = order.items[index]
    return (
      line !== undefined &&
      line.id === unit.id &&
      !line.isGift &&
      line.sellingPrice === price &&
      line.measurementUnit === measurementUnit &&
      line.unitMultiplier === unitMultiplier
    )
  }
  const join = named >= 0 ? (joins(named) ? named : -1) : order.items.findIndex((_, index) => joins(index))
  const templateIndex = Math.max(0, template ? order.items.indexOf(template) : 0)
  const logistics = logisticsOf(order, entries, settings, templateIndex)
  const joined = order.items[join]
  if (joined) {
    let changed = addToLine(order, join, unit.quantity)
    if (logistics) changed = reship(changed, join, logistics)
    const line = { ...joined, quantity: unit.quantity, itemIndex: join, logistics }
    return { order: changed, line }
  }
  const units = { id: unit.id, quantity: unit.quantity, price, measurementUnit, unitMultiplier }
  const line = newLine(template, units, uniqueId)
  const ships = logistics ?? freeShippingLike(order, templateIndex)
  return {
    order: appendLine(order, line, ships),
    line: { ...line, itemIndex: order.items.length, logistics: ships },
  }
}

/** Units joining a line with shipping of their own: the line ships that way, at its price plus theirs. */
function reship(order: Order, itemIndex: number, logistics: Logistics): Order {
  const logisticsOfLines = order.shipping.logistics.map((entry) =>
    entry.itemIndex === itemIndex
      ? {
          ...entry,
          selectedSla: logistics.selectedSla,
          deliveryChannel: logistics.deliveryChannel,
          price: entry.price + logistics.price,
          listPrice: entry.listPrice + logistics.listPrice,
          sellingPrice: entry.sellingPrice + logistics.sellingPrice,
        }
      : entry,
  )
  const totals = { ...order.totals, shipping: order.totals.shipping + logistics.price }
  return { ...order, shipping: { ...order.shipping, logistics: logisticsOfLines }, totals }
}

/** How the units of one item ship, from the request's logisticsInfo entry for it, if any: as the line it copies otherwise. */
function logisticsOf(
  order: Order,
  entries: ModificationTarget['logistics'],
  settings: ModificationSettings,
  templateIndex: number,
): Logistics | null {
  const [entry, other] = entries
  if (!entry) return null
  if (other) {
    throw new AppError(
      'CHANGE_LOGISTICS_AMBIGUOUS',
      `Logistics info is ambiguous: shippingData.logisticsInfo has ${entries.length} entries for itemIndex ${entry.itemIndex}.`,
    )
  }
  const { address } = order.shipping
  if (entry.addressId !== address.addressId) {
    throw new AppError(
      'CHANGE_ADDRESS_INVALID',
      `Invalid address: order ${order.orderId} ships to address ${address.addressId}, not ${entry.addressId}.`,
    )
  }
  const base = freeShippingLike(order, templateIndex)
  // compensateShippingChanges: the order keeps its freight; the modification changes items and prices only.
  const price = settings.compensateShippingChanges ? 0 : entry.price
  return {
    ...base,
    selectedSla: entry.selectedSla,
    deliveryChannel: entry.deliveryChannel,
    price,
    listPrice: price,
    sellingPrice: price,
  }
}

function assertLogisticsMatch(order: Order, target: ModificationTarget): void {
  const stray = target.logistics.find((entry) => entry.itemIndex >= target.items.length)
  if (stray) {
    throw new AppError(
      'CHANGE_LOGISTICS_NOT_FOUND',
      `Logistics info not found: shippingData.logisticsInfo names itemIndex ${stray.itemIndex}, but the request's items for order ${order.orderId} end at ${target.items.length - 1}.`,
    )
  }
}

function assertValue(
  order: Order,
  after: Order,
  outcome: ModificationOutcome,
  settings: ModificationSettings,
): void {
  const { orderId } = order
  const value = orderValue(after)
  const { items, discounts, shipping, tax, change } = after.totals
  if (value > MAX_TOTAL || [items, discounts, shipping, tax, change].some((t) => Math.abs(t) > MAX_TOTAL)) {
    throw new AppError(
      'INVALID_CHANGE',
      `Invalid change for order: it would take order ${orderId}'s totals beyond ${MAX_TOTAL} cents, the most an order can have.`,
    )
  }
  if (value <= 0) {
    throw new AppError(
      'CHANGE_EXCEEDS_VALUE',
      `The value of the modification exceeds the order's price: it would take order ${orderId} from ${orderValue(order)} to ${value} cents.`,
    )
  }
  const invoiced = packagedValue(order, 'Output')
  if (value < invoiced) {
    throw new AppError(
      'CHANGE_ITEM_INVOICED',
      `Not allowed after the item invoice has been issued: the modification would take order ${orderId} to ${value} cents, below the ${invoiced} cents already invoiced.`,
    )
  }
  if (outcome.value > 0 && !chargeablePayment(order, settings.customPaymentSystemsAllowed)) {
    throw new AppError(
      'CHANGE_PAYMENT_METHOD',
      `Cannot increase the value for this payment method: none of order ${orderId}'s payments is a credit card, a promissory note or a payment system in customPaymentSystemsAllowed, to charge the ${outcome.value} cents the modification adds.`,
    )
  }
}

/** Refusals that hold whatever the request asks: the order's own state. */
function assertModifiable(order: Order, processing: boolean): void {
  const { orderId } = order
  if (order.cancellation) {
    throw new AppError(
      'CHANGE_ORDER_CANCELED',
      `Cannot Change Cancelled Order: order ${orderId} is canceled.`,
    )
  }
  if (order.changes.length > 0) {
    throw new AppError(
      'CHANGE_VERSIONS_MIXED',
      `Order ${orderId} has modifications registered through POST /api/oms/pvt/orders/${orderId}/changes (v1); register modifications (v1) and order modifications (v2) cannot be mixed on one order.`,
    )
  }
  const running = modificationInProgress(order)
  if (running && !processing) {
    throw new AppError(
      'CHANGE_IN_PROGRESS',
      `Change In Progress: modification ${running.requestId} of order ${orderId} is ${running.status}; send the next one once it is done or canceled.`,
    )
  }
  if (!MODIFIABLE.includes(order.status)) {
    throw new AppError(
      'CHANGE_NOT_ALLOWED',
      `Invalid change for order: order ${orderId} is ${order.status}; orders are modified only while handling.`,
    )
  }
  assertOwnSale(order)
}

/** Preview: the plan of the request on the order as it is, with the refusals the request would get. */
export function preview(
  order: Order,
  request: ModificationRequest,
  settings: ModificationSettings,
  lineIds: string,
): Plan {
  assertModifiable(order, false)
  if (order.modifications.length >= MAX_MODIFICATIONS) {
    throw new AppError(
      'INVALID_CHANGE',
      `Order ${order.orderId} already has ${MAX_MODIFICATIONS} modification requests, the most one order keeps.`,
    )
  }
  return plan(order, request, settings, lineIds)
}

const logged = (
  modification: Modification,
  status: ModificationStatus,
  message: string,
  ctx: WorkflowContext,
): Modification => ({
  ...modification,
  status,
  log: [...modification.log, { date: ctx.now, status, message }],
})

/** The order with one of its modifications replaced by its next state, and the event that says so. */
function step(
  draft: Draft,
  order: Order,
  modification: Modification,
  action: ModificationEventData['action'],
  message: string | null,
  ctx: WorkflowContext,
): Draft {
  const modifications = order.modifications.map((m) =>
    m.requestId === modification.requestId ? modification : m,
  )
  const valueChange = modification.status === 'done' ? modification.outcome.value : null
  const data = {
    requestId: modification.requestId,
    action,
    status: modification.status,
    valueChange,
    message,
  }
  return record(draft, { ...order, modifications }, 'modification', data, ctx)
}

/** PATCH …/changes: refused at once if it would be refused when processed; otherwise it waits for the worker. */
export const requestModification =
  (ask: ModificationAsk): Rule =>
  (draft, ctx) => {
    const { order } = draft
    const { outcome } = preview(order, ask.request, ask.settings, ask.requestId)
    const asked: Modification = {
      ...ask,
      status: 'waiting-acknowledgement',
      date: ctx.now,
      outcome,
      log: [{ date: ctx.now, status: 'waiting-acknowledgement', message: 'Requested.' }],
      cancellation: null,
    }
    const withIt = { ...order, modifications: [...order.modifications, asked] }
    return step(draft, withIt, asked, 'requested', null, ctx)
  }

/**
 * The worker's step of the modification in progress, if any: acknowledged once planned again on the order as
 * it is now, then applied with its money (a charge, or a refund) as one change. A refusal found on the way
 * cancels it, with the refusal as its cancellation data.
 */
export const advanceModification =
  (requestId: string): Rule =>
  (draft, ctx) => {
    const current = requestInProgress(draft.order, requestId)
    if (!current) return draft
    let planned: Plan
    try {
      assertModifiable(draft.order, true)
      planned = plan(draft.order, current.request, current.settings, current.requestId)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return cancel(draft, current, { reason: err.message, code: err.code, byUser: false }, ctx)
    }
    const { outcome } = planned
    if (current.status === 'waiting-acknowledgement') {
      const acknowledged = logged({ ...current, outcome }, 'waiting-confirmation', 'Acknowledged.', ctx)
      return step(draft, draft.order, acknowledged, 'acknowledged', null, ctx)
    }
    const done = logged({ ...current, outcome }, 'done', 'Done.', ctx)
    const applied = step(draft, planned.order, done, 'done', null, ctx)
    const paid =
      outcome.value > 0
        ? charge(applied, chargedPaymentId(draft.order, current.settings), outcome.value, ctx)
        : outcome.value < 0
          ? refund(applied, -outcome.value, ctx)
          : applied
    // A partly invoiced order whose value came down to what is invoiced is now invoiced in full.
    return packagedValue(draft.order, 'Output') > 0 && isFullyInvoiced(paid.order)
      ? fire(paid, 'invoice', ctx)
      : paid
  }

function chargedPaymentId(order: Order, settings: ModificationSettings): string {
  const payment = chargeablePayment(order, settings.customPaymentSystemsAllowed)
  if (!payment) throw new Error(`Order ${order.orderId} has no payment to charge; plan() checks that.`)
  return payment.id
}

interface CancellationCause {
  reason: string
  code: ErrorCode | null
  byUser: boolean
}

function cancel(
  draft: Draft,
  modification: Modification,
  cause: CancellationCause,
  ctx: WorkflowContext,
): Draft {
  const canceled = {
    ...logged(modification, 'canceled', cause.reason, ctx),
    cancellation: { date: ctx.now, ...cause },
  }
  return step(draft, draft.order, canceled, 'canceled', cause.reason, ctx)
}

export function findModification(order: Order, requestId: string): Modification {
  const found = order.modifications.find((m) => m.requestId === requestId)
  if (!found) {
    throw new AppError(
      'CHANGE_REQUEST_NOT_FOUND',
      `Change order request not found: order ${order.orderId} has no modification ${requestId}.`,
    )
  }
  return found
}

/** POST …/retry: the worker takes a request in progress again now, rather than after its backoff. */
export const retryModification =
  (requestId: string): Rule =>
  (draft, ctx) => {
    const found = findModification(draft.order, requestId)
    if (!isInProgress(found)) {
      throw new AppError(
        'CHANGE_CANNOT_RETRY',
        `Cannot Retry Change: modification ${requestId} of order ${draft.order.orderId} is ${found.status}.`,
      )
    }
    const retried = logged(found, found.status, 'Retried.', ctx)
    return step(draft, draft.order, retried, 'retried', null, ctx)
  }

/** POST …/cancel: only a request not processed yet; a done one is reverted by a new modification. */
export const cancelModification =
  (requestId: string, reason: string): Rule =>
  (draft, ctx) => {
    const found = findModification(draft.order, requestId)
    if (!isInProgress(found)) {
      const why =
        found.status === 'done'
          ? 'is done: a processed modification cannot be canceled; send a new modification to revert it'
          : 'is already canceled'
      throw new AppError(
        'CHANGE_CANNOT_CANCEL',
        `Modification ${requestId} of order ${draft.order.orderId} ${why}.`,
      )
    }
    return cancel(draft, found, { reason, code: null, byUser: true }, ctx)
  }

/** The worker's last attempt failed too: the request is canceled, and the order free for the next one. */
export const abandonModification =
  (requestId: string, attempts: number): Rule =>
  (draft, ctx) => {
    const current = requestInProgress(draft.order, requestId)
    if (!current) return draft
    const reason = `Canceled after ${attempts} failed attempts to process it; send it again, or ask the store's operator about request ${requestId}.`
    return cancel(draft, current, { reason, code: 'CHANGE_RETRIES_EXHAUSTED', byUser: false }, ctx)
  }
