// Register modifications (VTEX's v1 changes call): items removed and added, a discount or an increment, with
// the order's totals, value and payments following. Pure.
import { AppError, validationFailed } from '../../platform/errors.ts'
import {
  MAX_TOTAL,
  orderValue,
  type ChangedItem,
  type Order,
  type OrderItem,
  type RegisteredChange,
} from '../orders/order.ts'
import type { ChangeEventData } from '../orders/order.schemas.ts'
import { allocate, isFullyInvoiced, packagedValue, roomFor, unitsLeft } from '../orders/order-packages.ts'
import { charge, chargeablePayment, refund } from '../orders/order-payment.ts'
import type { OrderStatus } from '../orders/order-status.ts'
import { fire, record, type Rule } from '../orders/order-workflow.ts'
import {
  addToLine,
  appendLine,
  assertOwnSale,
  freeShippingLike,
  lineUniqueId,
  newLine,
  takeFromLine,
} from './order-lines.ts'

/** VTEX refuses the 51st modification of an order. */
export const MAX_CHANGES = 50

/** VTEX also names waiting-for-fulfillment and ready-for-invoicing, statuses Ordo's workflow does not have. */
const CHANGEABLE: readonly OrderStatus[] = ['handling']

export interface ChangeInput {
  requestId: string
  reason: string | null
  /** Cents taken off the order's value. */
  discountValue: number
  /** Cents added to the order's value. */
  incrementValue: number
  itemsAdded: ItemUnits[]
  itemsRemoved: ItemUnits[]
}

export interface ItemUnits {
  /** The SKU id. */
  id: string
  /** Unit price in cents: what added units cost. Removed units leave at the order's own price. */
  price: number
  quantity: number
}

/**
 * POST …/changes. A request id the order already has returns that change's receipt and changes nothing.
 * `receipt` is the new change's; its new lines' unique ids derive from it.
 */
export const registerChange =
  (input: ChangeInput, receipt: string): Rule =>
  (draft, ctx) => {
    const { order } = draft
    // A retry answers with the first change's receipt, whatever it sends this time.
    if (order.changes.some((c) => c.requestId === input.requestId)) return draft
    assertChangeable(order)
    assertWellFormed(input)

    const removed = input.itemsRemoved.reduce<Changing>(removeUnits, { order, items: [] })
    const added = input.itemsAdded.reduce<Changing>(
      (acc, units, index) => addUnits(acc, units, lineUniqueId(receipt, index)),
      { order: removed.order, items: [] },
    )
    const totals = { ...added.order.totals }
    totals.change += input.incrementValue - input.discountValue
    const before = orderValue(order)
    const changed: Order = {
      ...added.order,
      totals,
      changes: [
        ...order.changes,
        {
          requestId: input.requestId,
          reason: input.reason ?? '',
          discountValue: input.discountValue,
          incrementValue: input.incrementValue,
          itemsAdded: added.items,
          itemsRemoved: removed.items,
          receipt,
          date: ctx.now,
        } satisfies RegisteredChange,
      ],
    }
    const after = orderValue(changed)
    assertValue(order, changed, before, after)

    const units = ({ id, quantity, price }: ChangedItem) => ({ id, quantity, price })
    const data: ChangeEventData = {
      requestId: input.requestId,
      receipt,
      reason: input.reason ?? '',
      discountValue: input.discountValue,
      incrementValue: input.incrementValue,
      itemsAdded: added.items.map(units),
      itemsRemoved: removed.items.map(units),
      valueChange: after - before,
    }
    const recorded = record(draft, changed, 'change', data, ctx)
    const paid =
      after > before
        ? charge(recorded, chargedPayment(order, after - before), after - before, ctx)
        : after < before
          ? refund(recorded, before - after, ctx)
          : recorded
    // Partly invoiced orders whose value came down to what is invoiced are now invoiced in full.
    return packagedValue(order, 'Output') > 0 && isFullyInvoiced(paid.order)
      ? fire(paid, 'invoice', ctx)
      : paid
  }

function assertWellFormed(input: ChangeInput): void {
  if (!input.reason?.trim())
    throw validationFailed('Field reason not set: say why the order is being modified.')
  const values = [input.discountValue, input.incrementValue, ...input.itemsAdded.map((i) => i.price)]
  if (values.some((value) => value < 0)) {
    throw new AppError(
      'CHANGE_NEGATIVE_VALUE',
      'The modification value needs to be greater or equal than zero.',
    )
  }
  const empty =
    input.itemsAdded.length === 0 &&
    input.itemsRemoved.length === 0 &&
    input.discountValue === 0 &&
    input.incrementValue === 0
  if (empty) {
    throw new AppError(
      'INVALID_CHANGE',
      'Invalid modification for order: it adds no items, removes none, and has no discount or increment.',
    )
  }
}

function assertChangeable(order: Order): void {
  if (!CHANGEABLE.includes(order.status)) {
    throw new AppError(
      'CHANGE_NOT_ALLOWED',
      `It is only allowed to register an order modification when the order is in handling: status = handling, waiting for fulfillment or ready for invoicing. Order ${order.orderId} is ${order.status}.`,
    )
  }
  assertOwnSale(order)
  // A canceled request changed nothing; one in progress or done has, or will have.
  if (order.modifications.some((m) => m.status !== 'canceled')) {
    throw new AppError(
      'CHANGE_VERSIONS_MIXED',
      `Order ${order.orderId} has order modifications (PATCH /api/order-system/orders/${order.orderId}/changes); register modifications (v1) and order modifications (v2) cannot be mixed on one order.`,
    )
  }
  if (order.changes.length >= MAX_CHANGES) {
    throw new AppError(
      'CHANGE_LIMIT_EXCEEDED',
      `Max allowed modifications for order exceeded: ${MAX_CHANGES}.`,
    )
  }
}

function assertValue(order: Order, changed: Order, before: number, after: number): void {
  const { items, discounts, tax, change } = changed.totals
  if (after > MAX_TOTAL || [items, discounts, tax, change].some((total) => Math.abs(total) > MAX_TOTAL)) {
    throw new AppError(
      'INVALID_CHANGE',
      `Invalid modification for order: it would take order ${order.orderId}'s totals beyond ${MAX_TOTAL} cents, the most an order can have.`,
    )
  }
  if (after <= 0) {
    throw new AppError(
      'CHANGE_EXCEEDS_VALUE',
      `The value of the modification exceeds the order's price: it would take order ${order.orderId} from ${before} to ${after} cents.`,
    )
  }
  const invoiced = packagedValue(order, 'Output')
  if (after < invoiced) {
    throw new AppError(
      'CHANGE_BELOW_INVOICED',
      `The modification would take order ${order.orderId} to ${after} cents, below the ${invoiced} cents already invoiced.`,
    )
  }
}

/** A change that raises the value is charged on a payment that can be charged again; refunds go to any. */
function chargedPayment(order: Order, value: number): string {
  const payment = chargeablePayment(order)
  if (!payment) {
    throw new AppError(
      'CHANGE_PAYMENT_METHOD',
      `It's not allowed to make modifications in orders without a credit card payment, promissory card, cash, or credit control: none of order ${order.orderId}'s payments can be charged the ${value} cents this change adds.`,
    )
  }
  return payment.id
}

interface Changing {
  order: Order
  items: ChangedItem[]
}

const changedItem = (line: OrderItem, quantity: number): ChangedItem => ({
  id: line.id,
  name: line.name,
  quantity,
  price: line.sellingPrice,
  unitMultiplier: line.unitMultiplier,
})

/** Units leave the lines of their SKU that have units not yet invoiced, with those lines' prices and tax. */
function removeUnits({ order, items }: Changing, units: ItemUnits): Changing {
  if (!order.items.some((line) => line.id === units.id)) {
    throw new AppError(
      'CHANGE_ITEM_NOT_FOUND',
      `Invalid id for item ${units.id}: order ${order.orderId} has no item with that SKU.`,
    )
  }
  const room = unitsLeft(order, 'Output')
  const taken = allocate(order, units.id, units.quantity, room)
  if (!taken) {
    throw new AppError(
      'CHANGE_INVALID_QUANTITY',
      `Invalid quantity to remove from item ${units.id}: ${units.quantity} asked, but order ${order.orderId} has ${roomFor(order, units.id, room)} of it not yet invoiced.`,
    )
  }
  const removed = taken.map(({ itemIndex, quantity }) =>
    changedItem(order.items[itemIndex] as OrderItem, quantity),
  )
  const left = taken.reduce((acc, { itemIndex, quantity }) => takeFromLine(acc, itemIndex, quantity), order)
  return { order: left, items: [...items, ...removed] }
}

/** Units join the line of their SKU sold at the same price, or come in as a new line at the price given. */
function addUnits({ order, items }: Changing, units: ItemUnits, uniqueId: string): Changing {
  const same = order.items.findIndex((line) => line.id === units.id && line.sellingPrice === units.price)
  const existing = order.items[same]
  if (existing) {
    return {
      order: addToLine(order, same, units.quantity),
      items: [...items, changedItem(existing, units.quantity)],
    }
  }
  const templateIndex = Math.max(
    0,
    order.items.findIndex((line) => line.id === units.id),
  )
  const line = newLine(order.items[templateIndex], units, uniqueId)
  const added = appendLine(order, line, freeShippingLike(order, templateIndex))
  return { order: added, items: [...items, changedItem(line, units.quantity)] }
}
