// Invoices and return invoices: what an ERP may invoice, what it may return, and what each does to the order
// and its payments. Pure.
import { AppError, validationFailed } from '../../platform/errors.ts'
import { orderValue, type Order, type Package, type PackageItem, type PackageType } from '../orders/order.ts'
import type { InvoiceEventData } from '../orders/order.schemas.ts'
import { allocate, isFullyInvoiced, packagedValue, roomFor, unitsLeft } from '../orders/order-packages.ts'
import { refund } from '../orders/order-payment.ts'
import { canTake } from '../orders/order-status.ts'
import { modificationInProgress } from '../orders/order-modification.ts'
import { fire, record, type Draft, type Rule, type WorkflowContext } from '../orders/order-workflow.ts'

/** Enough for real partial invoicing; bounds what one order's document can grow to. */
export const MAX_PACKAGES = 100

/** The invoice XML of all of an order's invoices: a Brazilian NF-e is 5–20 KB, so dozens fit. */
export const MAX_EMBEDDED_INVOICE_CHARACTERS = 1_048_576

export interface InvoiceInput {
  type: PackageType
  invoiceNumber: string
  /** Cents. */
  invoiceValue: number
  issuanceDate: string
  invoiceKey: string | null
  invoiceUrl: string | null
  embeddedInvoice: string | null
  courier: string | null
  trackingNumber: string | null
  trackingUrl: string | null
  dispatchedDate: string | null
  cfop: string | null
  extraValue: number
  volumes: number
  /** The SKUs invoiced; empty when the invoice names none and covers value only. */
  items: InvoiceItem[]
}

export interface InvoiceItem {
  /** The SKU id. */
  id: string
  /** Unit price in cents. */
  price: number
  quantity: number
  description: string | null
}

/**
 * POST …/invoice. An invoice number the order already has only renews the receipt, whatever the body says
 * (VTEX: "you cannot change other information, only the receipt"); the event records what was ignored.
 */
export const notifyInvoice =
  (input: InvoiceInput, receipt: string): Rule =>
  (draft, ctx) => {
    const { order } = draft
    const stored = order.packages.find((p) => p.invoiceNumber === input.invoiceNumber)
    if (stored) {
      return record(
        draft,
        order,
        'invoice',
        {
          ...eventData(stored, receipt, 'receipt'),
          ignored: ignoredFields(order, stored, input),
        },
        ctx,
      )
    }
    // VTEX wants more than 0; only an order worth nothing (free items, free shipping) is invoiced for 0.
    const open = orderValue(order) - packagedValue(order, 'Output')
    if (input.invoiceValue === 0 && !(input.type === 'Output' && open === 0)) {
      throw validationFailed('Invalid request body: invoiceValue must be more than 0 cents.')
    }
    return input.type === 'Output'
      ? invoice(draft, input, receipt, ctx)
      : acceptReturn(draft, input, receipt, ctx)
  }

/** An Output invoice: while the order is handling, within what is not invoiced yet; the last one invoices the order. */
function invoice(draft: Draft, input: InvoiceInput, receipt: string, ctx: WorkflowContext): Draft {
  const { order } = draft
  assertInvoiceable(order)
  assertNoModificationRunning(order, input)
  assertRoom(order, input)
  const items = packageItems(order, input, unitsLeft(order, 'Output'), 'remain to be invoiced')
  const open = orderValue(order) - packagedValue(order, 'Output')
  if (input.invoiceValue > open) {
    throw new AppError(
      'INVALID_INVOICE',
      `Invoice ${input.invoiceNumber} of ${input.invoiceValue} cents exceeds the ${open} cents of order ${order.orderId} not yet invoiced (its value is ${orderValue(order)} cents).`,
    )
  }
  const added = addPackage(draft, packageOf(input, items, 0), receipt, ctx)
  return isFullyInvoiced(added.order) ? fire(added, 'invoice', ctx) : added
}

/** An Input (return) invoice: once the order is invoiced in full, within what was invoiced and not returned; it refunds its value. */
function acceptReturn(draft: Draft, input: InvoiceInput, receipt: string, ctx: WorkflowContext): Draft {
  const { order } = draft
  if (order.status !== 'invoiced') {
    throw new AppError(
      'INVALID_INVOICE',
      `Order ${order.orderId} is ${order.status}: a return invoice (type Input) is accepted only once the order is invoiced in full.`,
    )
  }
  assertRoom(order, input)
  // Invoiced in full, the order's every unit is invoiced, whether or not its invoices listed items.
  const items = packageItems(order, input, unitsLeft(order, 'Input'), 'were invoiced and not yet returned')
  const open = packagedValue(order, 'Output') - packagedValue(order, 'Input')
  if (input.invoiceValue > open) {
    throw new AppError(
      'INVALID_INVOICE',
      `Return invoice ${input.invoiceNumber} of ${input.invoiceValue} cents exceeds the ${open} cents invoiced and not yet returned in order ${order.orderId}.`,
    )
  }
  const added = addPackage(draft, packageOf(input, items, input.invoiceValue), receipt, ctx)
  return refund(added, input.invoiceValue, ctx)
}

/**
 * VTEX accepts an invoice while a modification runs and may end invoiced above the order's final value; Ordo
 * waits for the modification's end, which decides what there is to invoice.
 */
function assertNoModificationRunning(order: Order, input: InvoiceInput): void {
  const running = modificationInProgress(order)
  if (!running) return
  throw new AppError(
    'CHANGE_IN_PROGRESS',
    `Invoice ${input.invoiceNumber} cannot be accepted while modification ${running.requestId} of order ${order.orderId} is in progress (${running.status}): send it once GET /api/order-system/orders/${order.orderId}/changes/${running.requestId} shows inProgress false.`,
  )
}

/** Bounds what one order's document can grow to: invoices, and the invoice XML they carry. */
function assertRoom(order: Order, input: InvoiceInput): void {
  if (order.packages.length >= MAX_PACKAGES) {
    throw new AppError(
      'INVALID_INVOICE',
      `Order ${order.orderId} already has ${MAX_PACKAGES} invoices, the most one order can have.`,
    )
  }
  const xml = order.packages.reduce((sum, p) => sum + p.embeddedInvoice.length, 0)
  if (xml + (input.embeddedInvoice?.length ?? 0) > MAX_EMBEDDED_INVOICE_CHARACTERS) {
    throw new AppError(
      'INVALID_INVOICE',
      `Invoice ${input.invoiceNumber} would take the invoice XML (embeddedInvoice) of order ${order.orderId} past ${MAX_EMBEDDED_INVOICE_CHARACTERS} characters, the most one order keeps.`,
    )
  }
}

function assertInvoiceable(order: Order): void {
  const id = order.orderId
  if (canTake(order.status, 'invoice', order.workflow.flow)) return
  const why = order.cancellation
    ? 'is canceled and cannot be invoiced'
    : order.status === 'invoiced'
      ? 'is already invoiced in full; send a return invoice (type Input) for returned items'
      : order.pendingCancellation
        ? 'has a cancellation request waiting; accept it (cancel) or deny it before invoicing'
        : `is ${order.status}; invoices are accepted only while it is handling (start handling first)`
  throw new AppError('INVALID_TRANSITION', `Order ${id} ${why}.`)
}

/**
 * The invoice's items on the order's lines: each SKU's units go to the lines that carry it, within what `room`
 * leaves each line. Without items, the invoice covers value only.
 */
function packageItems(
  order: Order,
  input: InvoiceInput,
  room: (itemIndex: number) => number,
  roomMeans: string,
): PackageItem[] {
  const taken = new Map<number, number>()
  const left = (index: number) => room(index) - (taken.get(index) ?? 0)
  return input.items.flatMap((item) => {
    const lines = allocate(order, item.id, item.quantity, left)
    if (!lines) {
      const what = order.items.some((line) => line.id === item.id)
        ? `lists ${item.quantity} of item ${item.id}, but only ${roomFor(order, item.id, left)} of it ${roomMeans}`
        : `lists item ${item.id}, which is not in the order`
      throw new AppError(
        'INVALID_INVOICE',
        `Invoice ${input.invoiceNumber} ${what} (order ${order.orderId}).`,
      )
    }
    for (const { itemIndex, quantity } of lines) taken.set(itemIndex, (taken.get(itemIndex) ?? 0) + quantity)
    return lines.map(({ itemIndex, quantity }) => ({
      itemIndex,
      quantity,
      price: item.price,
      description: item.description,
    }))
  })
}

/**
 * A seller's invoice as its marketplace's order takes it: the same invoice, its items named by SKU (the two
 * orders list the same SKUs, each on its own lines).
 */
export const invoiceOfPackage = (order: Order, pkg: Package): InvoiceInput => ({
  type: pkg.type,
  invoiceNumber: pkg.invoiceNumber,
  invoiceValue: pkg.invoiceValue,
  issuanceDate: pkg.issuanceDate,
  invoiceKey: pkg.invoiceKey,
  invoiceUrl: pkg.invoiceUrl,
  embeddedInvoice: pkg.embeddedInvoice === '' ? null : pkg.embeddedInvoice,
  courier: pkg.courier,
  trackingNumber: pkg.trackingNumber,
  trackingUrl: pkg.trackingUrl,
  dispatchedDate: pkg.dispatchedDate,
  cfop: pkg.cfop,
  extraValue: pkg.extraValue,
  volumes: pkg.volumes,
  items: pkg.items.map((item) => ({
    id: order.items[item.itemIndex]?.id ?? '',
    price: item.price,
    quantity: item.quantity,
    description: item.description,
  })),
})

/** Invoices of a marketplace order come from its seller (invoiceOfPackage), not from the marketplace's calls. */
export const assertOwnInvoice: Rule = (draft) => {
  if (draft.order.workflow.flow === 'marketplace') {
    throw new AppError(
      'INVALID_TRANSITION',
      `Order ${draft.order.orderId} is fulfilled by seller ${draft.order.seller.id}: its invoices are sent to the seller's order, which sends them here.`,
    )
  }
  return draft
}

function packageOf(input: InvoiceInput, items: PackageItem[], refundedValue: number): Package {
  return {
    type: input.type,
    invoiceNumber: input.invoiceNumber,
    invoiceValue: input.invoiceValue,
    invoiceKey: input.invoiceKey,
    invoiceUrl: input.invoiceUrl,
    issuanceDate: input.issuanceDate,
    items,
    courier: input.courier,
    trackingNumber: input.trackingNumber,
    trackingUrl: input.trackingUrl,
    dispatchedDate: input.dispatchedDate,
    embeddedInvoice: input.embeddedInvoice ?? '',
    cfop: input.cfop,
    volumes: input.volumes,
    extraValue: input.extraValue,
    refundedValue,
    tracking: null,
  }
}

function addPackage(draft: Draft, pkg: Package, receipt: string, ctx: WorkflowContext): Draft {
  const order = { ...draft.order, packages: [...draft.order.packages, pkg] }
  return record(draft, order, 'invoice', { ...eventData(pkg, receipt, 'issued'), ignored: [] }, ctx)
}

const eventData = (
  pkg: Package,
  receipt: string,
  action: InvoiceEventData['action'],
): Omit<InvoiceEventData, 'ignored'> => ({
  action,
  invoiceType: pkg.type,
  invoiceNumber: pkg.invoiceNumber,
  invoiceValue: pkg.invoiceValue,
  receipt,
})

type Comparable = string | number | null

/** The fields an invoice stores as sent. */
const COMPARED = [
  'type',
  'invoiceValue',
  'issuanceDate',
  'invoiceKey',
  'invoiceUrl',
  'courier',
  'trackingNumber',
  'trackingUrl',
  'dispatchedDate',
  'cfop',
  'volumes',
  'extraValue',
] as const satisfies readonly (keyof Package & keyof InvoiceInput)[]

/** The fields of a repeated invoice that differ from the stored one: what a correction would have changed. */
function ignoredFields(order: Order, stored: Package, sent: InvoiceInput): InvoiceEventData['ignored'] {
  const skuOf = (index: number) => order.items[index]?.id ?? `#${index}`
  const fields: [string, Comparable, Comparable][] = [
    ...COMPARED.map((field): [string, Comparable, Comparable] => [field, stored[field], sent[field]]),
    ['embeddedInvoice', ...xmlSummaries(stored.embeddedInvoice, sent.embeddedInvoice ?? '')],
    ['items', itemList(stored.items.map((i) => ({ ...i, id: skuOf(i.itemIndex) }))), itemList(sent.items)],
  ]
  return fields.filter(([, a, b]) => a !== b).map(([field, stored, sent]) => ({ field, stored, sent }))
}

/** The invoice XML can be long: the log says how long, and whether a text of the same length differs. */
function xmlSummaries(stored: string, sent: string): [string, string] {
  if (stored === sent) return ['', '']
  const size = (text: string) => `${text.length} characters`
  return [size(stored), stored.length === sent.length ? `${size(sent)}, a different text` : size(sent)]
}

/** Units per SKU and unit price, as `1001×2@4990, 1002×1@990`: the same items however they were split over lines. */
function itemList(items: readonly { id: string; quantity: number; price: number }[]): string {
  const units = new Map<string, { id: string; price: number; quantity: number }>()
  for (const { id, quantity, price } of items) {
    const key = JSON.stringify([id, price])
    const sum = units.get(key)
    units.set(key, { id, price, quantity: (sum?.quantity ?? 0) + quantity })
  }
  return [...units.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, { id, quantity, price }]) => `${id}×${quantity}@${price}`)
    .join(', ')
}
