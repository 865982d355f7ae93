// Random sequences of invoices, returns, tracking updates and v1 changes on one order in handling, through the HTTP
// API. After every step the order must agree with a model and keep the invariants, and a refused call must
// have changed nothing: Get order, payment-transaction and the timeline read as before, byte for byte.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import {
  assertInvariants,
  assertUnchanged,
  ledgerSum,
  ORDER_SKUS,
  STRANGER_SKU,
  snapshot,
  type LedgerView,
  type OrderView,
  type Snapshot,
} from './invoice-invariants.ts'

/** The SKUs a command may name: those the order starts with, one a change may add, one never in the order. */
const ADDED_SKU = '9001'
const SKUS = [...ORDER_SKUS, ADDED_SKU, STRANGER_SKU]

/** How many units an item of a command names, resolved against the model: all that is left, one, one too many. */
type Quantity = 'rest' | 'one' | 'over'
interface ItemPick {
  sku: number
  quantity: Quantity
}

/** An invoice value resolved against what is left to invoice (or to return): all of it, a share, more, one cent. */
type Amount = 'rest' | 'share' | 'over' | 'cent'

/** A body the endpoint must refuse whatever the order's state. */
type BrokenInvoice =
  | 'number-space'
  | 'number-long'
  | 'value-zero'
  | 'value-negative'
  | 'value-fraction'
  | 'value-text'
  | 'no-date'

interface InvoiceCommand {
  kind: 'invoice'
  type: 'Output' | 'Input'
  amount: Amount
  share: number
  items: ItemPick[] | null
  /** Resends the number of one of the order's invoices (by index), with this body. */
  repeat: number | null
  broken: BrokenInvoice | null
  valueAsString: boolean
  omitType: boolean
  tracked: boolean
  dispatch: 'none' | 'dispatchDate-null' | 'dispatchedDate-null' | 'dispatchedDate'
}

interface PatchCommand {
  kind: 'patch'
  /** One of the order's invoices by index; null names an invoice the order does not have. */
  target: number | null
  trackingNumber: boolean
  trackingUrl: boolean
  courier: boolean
  dispatch: 'none' | 'dispatchDate-null' | 'dispatchedDate'
}

interface TrackingCommand {
  kind: 'tracking'
  target: number | null
  isDelivered: boolean
  /** Indexes into TRACKING_EVENTS: a small pool, so the same event comes again. */
  events: number[]
}

interface ChangeCommand {
  kind: 'change'
  /** Resends the requestId of one of the accepted changes (by index), with this body. */
  repeat: number | null
  reason: 'given' | 'empty' | 'missing'
  discountValue: number
  incrementValue: number
  removed: ItemPick[]
  added: { sku: number; quantity: number }[]
  addedPrice: number
}

type Command = InvoiceCommand | PatchCommand | TrackingCommand | ChangeCommand | { kind: 'cancel' }

const TRACKING_EVENTS = [
  { city: 'São Paulo', state: 'SP', description: 'Coletado', date: '2026-03-03T10:00:00.000Z' },
  { city: 'Curitiba', state: 'PR', description: 'Em trânsito', date: '2026-03-04T08:30:00.000Z' },
  { city: 'Rio de Janeiro', state: 'RJ', description: 'Saiu para entrega', date: '2026-03-05T07:00:00.000Z' },
  { city: 'Rio de Janeiro', state: 'RJ', description: 'Entregue', date: '2026-03-05T15:45:00.000Z' },
]

const itemPick: fc.Arbitrary<ItemPick> = fc.record({
  sku: fc.oneof({ weight: 8, arbitrary: fc.nat(2) }, { weight: 1, arbitrary: fc.constantFrom(3, 4) }),
  quantity: fc.constantFrom<Quantity>('rest', 'rest', 'one', 'over'),
})
const itemPicks = fc.array(itemPick, { minLength: 1, maxLength: 3 })
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, weight: number, otherwise: T) =>
  fc.oneof({ weight, arbitrary }, { weight: 10 - weight, arbitrary: fc.constant(otherwise) })
const money = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 800 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 1_000_000) },
)

const invoiceCommand: fc.Arbitrary<InvoiceCommand> = fc.record({
  kind: fc.constant('invoice'),
  type: fc.constantFrom<InvoiceCommand['type']>('Output', 'Output', 'Input'),
  amount: fc.constantFrom<Amount>('rest', 'rest', 'share', 'share', 'over', 'cent'),
  share: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  items: fc.option(itemPicks, { freq: 2 }),
  repeat: sometimes<number | null>(fc.nat(5), 2, null),
  broken: sometimes<BrokenInvoice | null>(
    fc.constantFrom<BrokenInvoice>(
      'number-space',
      'number-long',
      'value-zero',
      'value-negative',
      'value-fraction',
      'value-text',
      'no-date',
    ),
    1,
    null,
  ),
  valueAsString: fc.boolean(),
  omitType: fc.boolean(),
  tracked: fc.boolean(),
  dispatch: fc.constantFrom('none', 'dispatchDate-null', 'dispatchedDate-null', 'dispatchedDate'),
})

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 20, arbitrary: invoiceCommand },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('patch'),
      target: sometimes<number | null>(fc.nat(5), 8, null),
      trackingNumber: sometimes<boolean>(fc.constant(false), 1, true),
      trackingUrl: fc.boolean(),
      courier: fc.boolean(),
      dispatch: fc.constantFrom('none', 'dispatchDate-null', 'dispatchedDate'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('tracking'),
      target: sometimes<number | null>(fc.nat(5), 8, null),
      isDelivered: fc.boolean(),
      events: fc.array(fc.nat(TRACKING_EVENTS.length - 1), { maxLength: 3 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('change'),
      repeat: sometimes<number | null>(fc.nat(5), 2, null),
      reason: sometimes<ChangeCommand['reason']>(fc.constantFrom('empty', 'missing'), 1, 'given'),
      discountValue: money,
      incrementValue: money,
      removed: fc.array(itemPick, { maxLength: 2 }),
      added: fc.array(fc.record({ sku: fc.nat(3), quantity: fc.integer({ min: 1, max: 2 }) }), {
        maxLength: 2,
      }),
      addedPrice: fc.integer({ min: 100, max: 3000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel') }) },
)

/** The order each run starts from: 2 or 3 lines of seller 1, each with its own shipping. */
const orderShape = fc.array(
  fc.record({
    quantity: fc.integer({ min: 1, max: 3 }),
    price: fc.integer({ min: 100, max: 5000 }),
    shipping: fc.integer({ min: 0, max: 800 }),
  }),
  { minLength: 2, maxLength: 3 },
)

interface Line {
  sku: string
  price: number
  quantity: number
}

interface ModelPackage {
  type: 'Output' | 'Input'
  invoiceNumber: string
  invoiceValue: number
  items: Map<string, number>
  trackingNumber: string | null
  trackingUrl: string | null
  courier: string | null
  events: (typeof TRACKING_EVENTS)[number][]
  /** The last tracking status sent, if any. */
  status: { isDelivered: boolean; deliveredDate: string | null } | null
}

/** What the model expects of the run's order. */
interface Model {
  orderId: string
  status: 'handling' | 'invoiced' | 'canceled'
  lines: Line[]
  shipping: number
  /** Σ (incrementValue − discountValue) of the accepted changes: the Change total. */
  change: number
  packages: ModelPackage[]
  changes: { requestId: string; receipt: string }[]
  receipts: Set<string>
  /** Σ of the refund and charge entries of the payment ledger. */
  refunded: number
  charged: number
}

/** An outcome the spec allows for a call: a status code and, for errors, the VTEX error code when it names one. */
interface Outcome {
  status: number
  code?: string
}

interface TimelineView {
  entries: { type: string }[]
}

/** A plain invoice of half (`share`) or all (`rest`) of what is left to invoice or return. */
const plainInvoice = (type: InvoiceCommand['type'], amount: Amount): InvoiceCommand => ({
  kind: 'invoice',
  type,
  amount,
  share: 0.5,
  items: null,
  repeat: null,
  broken: null,
  valueAsString: false,
  omitType: false,
  tracked: false,
  dispatch: 'none',
})
/**
 * Every run ends by retrying its first change with an empty body (a repeated requestId answers the first receipt
 * whatever the body), then invoicing what is left and returning half of it, so each run reaches the last statuses.
 */
const FINALE: Command[] = [
  {
    kind: 'change',
    repeat: 0,
    reason: 'given',
    discountValue: 0,
    incrementValue: 0,
    removed: [],
    added: [],
    addedPrice: 100,
  },
  plainInvoice('Output', 'rest'),
  plainInvoice('Input', 'share'),
]

const OK: Outcome = { status: 200 }
let runCount = 0
let invoiceCount = 0

const orderValue = (model: Model): number =>
  model.lines.reduce((sum, line) => sum + line.price * line.quantity, model.shipping + model.change)
const ofType = (model: Model, type: ModelPackage['type']) => model.packages.filter((p) => p.type === type)
const sumValues = (packages: readonly ModelPackage[]): number =>
  packages.reduce((sum, p) => sum + p.invoiceValue, 0)
const unitsBySku = (packages: readonly ModelPackage[], sku: string): number =>
  packages.reduce((sum, p) => sum + (p.items.get(sku) ?? 0), 0)
const ordered = (model: Model, sku: string): number => model.lines.find((l) => l.sku === sku)?.quantity ?? 0
/** Units of a SKU invoiced: those the Output invoices list, and every unit once the order is invoiced in full. */
const invoiced = (model: Model, sku: string): number =>
  model.status === 'invoiced' ? ordered(model, sku) : unitsBySku(ofType(model, 'Output'), sku)
const returned = (model: Model, sku: string): number => unitsBySku(ofType(model, 'Input'), sku)

function intakeBody(shape: readonly { quantity: number; price: number; shipping: number }[]): IntakeBody {
  const total = shape.reduce((sum, l) => sum + l.quantity * l.price + l.shipping, 0)
  runCount += 1
  return exampleOrder({
    marketplaceOrderId: `ERP-INVOICE-PROP-${runCount}`,
    items: shape.map((line, index) => ({
      id: ORDER_SKUS[index] ?? '',
      name: `Item ${ORDER_SKUS[index] ?? ''}`,
      seller: '1',
      quantity: line.quantity,
      price: line.price,
    })),
    shippingData: {
      ...exampleOrder().shippingData,
      logisticsInfo: shape.map((line, itemIndex) => ({
        itemIndex,
        selectedSla: 'Normal',
        price: line.shipping,
        shippingEstimate: '3bd',
      })),
    },
    paymentData: {
      payments: [{ paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: total }],
    },
  })
}

/** The distinct items of a pick list with their quantities, resolved against what is left of each SKU. */
function resolveItems(picks: readonly ItemPick[], left: (sku: string) => number) {
  const seen = new Set<string>()
  return picks.flatMap((pick) => {
    const sku = SKUS[pick.sku] ?? STRANGER_SKU
    if (seen.has(sku)) return []
    seen.add(sku)
    const rest = left(sku)
    const quantity = pick.quantity === 'one' ? 1 : pick.quantity === 'over' ? rest + 1 : Math.max(rest, 1)
    return [{ sku, quantity }]
  })
}

function resolveAmount(cmd: InvoiceCommand, left: number): number {
  switch (cmd.amount) {
    case 'rest':
      return Math.max(left, 1)
    case 'share':
      return Math.max(1, Math.floor(left * cmd.share))
    case 'over':
      return left + 1 + Math.floor(cmd.share * 1000)
    case 'cent':
      return 1
  }
}

const BROKEN_VALUES: Partial<Record<BrokenInvoice, unknown>> = {
  'value-zero': 0,
  'value-negative': -500,
  'value-fraction': 12.5,
  'value-text': '12abc',
}

interface Step {
  res: LightMyRequestResponse
  expected: Outcome[]
  /** Applies an accepted call to the model, given what Ordo answers after it. */
  accept: (after: Snapshot) => void
  /** The timeline entry type an accepted call adds; null when it adds none. */
  entry: string | null
  /** An accepted call that changes nothing Get order shows (a repeated invoice number or requestId, a tracking
   * call with nothing new). */
  unchanged: boolean
  /** The receipt an accepted call must answer: a repeated requestId's first one. */
  receipt?: string
}

/** A call whose answer the model decides: accepted exactly when none of `refusals` applies. */
const decided = (
  res: LightMyRequestResponse,
  refusals: Outcome[],
  entry: string,
  accept: Step['accept'],
): Step => ({ res, expected: refusals.length > 0 ? refusals : [OK], entry, unchanged: false, accept })

async function invoiceStep(test: TestApp, model: Model, cmd: InvoiceCommand): Promise<Step> {
  const repeated =
    cmd.repeat === null || model.packages.length === 0
      ? undefined
      : model.packages[cmd.repeat % model.packages.length]
  const broken = repeated ? null : cmd.broken
  const output = cmd.type === 'Output'
  const outputs = ofType(model, 'Output')
  const left = output
    ? orderValue(model) - sumValues(outputs)
    : sumValues(outputs) - sumValues(ofType(model, 'Input'))
  const invoiceValue = resolveAmount(cmd, left)
  const items =
    cmd.items &&
    resolveItems(cmd.items, (sku) =>
      output ? ordered(model, sku) - invoiced(model, sku) : invoiced(model, sku) - returned(model, sku),
    )
  const n = ++invoiceCount
  const invoiceNumber =
    repeated?.invoiceNumber ??
    (broken === 'number-space'
      ? `NF ${n}`
      : broken === 'number-long'
        ? `NF-${n}-`.padEnd(65, '0')
        : `NF-${n}`)
  const sentValue = broken && broken in BROKEN_VALUES ? BROKEN_VALUES[broken] : invoiceValue
  const body: Record<string, unknown> = {
    ...(cmd.omitType && output ? {} : { type: cmd.type }),
    invoiceNumber,
    invoiceValue: cmd.valueAsString && typeof sentValue === 'number' ? String(sentValue) : sentValue,
    ...(broken === 'no-date'
      ? {}
      : { issuanceDate: cmd.valueAsString ? '2026-03-02' : '2026-03-02T12:00:00.000Z' }),
    invoiceKey: cmd.tracked ? `KEY-${n}` : null,
    ...(cmd.tracked
      ? {
          trackingNumber: `TRK-${n}`,
          courier: 'Correios',
          trackingUrl: `https://t.example/${n}`,
        }
      : {}),
    ...(cmd.dispatch === 'dispatchDate-null' ? { dispatchDate: null } : {}),
    ...(cmd.dispatch === 'dispatchedDate-null' ? { dispatchedDate: null } : {}),
    ...(cmd.dispatch === 'dispatchedDate' ? { dispatchedDate: '2026-03-02T18:00:00.000Z' } : {}),
    ...(items
      ? {
          items: items.map(({ sku, quantity }) => ({
            id: sku,
            price: model.lines.find((l) => l.sku === sku)?.price ?? 100,
            quantity,
          })),
        }
      : {}),
  }
  const res = await api(test).invoice(model.orderId, body)
  if (repeated) return { res, expected: [OK], accept: () => {}, entry: 'invoice', unchanged: true }

  const expected: Outcome[] = []
  if (broken === 'number-space' || broken === 'number-long') expected.push({ status: 400, code: 'OMS001' })
  else if (broken) expected.push({ status: 400 })
  const refused = { status: 400, code: 'OMS016' }
  if (output) {
    if (model.status !== 'handling') expected.push({ status: 409, code: 'OMS012' })
    if (!broken?.startsWith('value') && sumValues(outputs) + invoiceValue > orderValue(model))
      expected.push(refused)
  } else {
    if (model.status !== 'invoiced') expected.push(refused)
    // A canceled order refuses every invoice: as a state conflict or as a return before anything was invoiced.
    if (model.status === 'canceled') expected.push({ status: 409, code: 'OMS012' })
    if (!broken?.startsWith('value') && sumValues(ofType(model, 'Input')) + invoiceValue > sumValues(outputs))
      expected.push(refused)
  }
  for (const { sku, quantity } of items ?? []) {
    const room = output
      ? ordered(model, sku) - invoiced(model, sku)
      : invoiced(model, sku) - returned(model, sku)
    if (!model.lines.some((l) => l.sku === sku) || quantity > room) expected.push(refused)
  }
  return decided(res, expected, 'invoice', () => {
    model.packages.push({
      type: cmd.type,
      invoiceNumber,
      invoiceValue,
      items: new Map((items ?? []).map(({ sku, quantity }) => [sku, quantity])),
      trackingNumber: cmd.tracked ? `TRK-${n}` : null,
      trackingUrl: cmd.tracked ? `https://t.example/${n}` : null,
      courier: cmd.tracked ? 'Correios' : null,
      events: [],
      status: null,
    })
    if (output && sumValues(ofType(model, 'Output')) === orderValue(model)) model.status = 'invoiced'
    if (!output) model.refunded += invoiceValue
  })
}

const UNKNOWN_INVOICE: Outcome = { status: 404, code: 'OMS017' }
const targetOf = (model: Model, target: number | null) =>
  target === null || model.packages.length === 0 ? undefined : model.packages[target % model.packages.length]

async function patchStep(test: TestApp, model: Model, cmd: PatchCommand): Promise<Step> {
  const pkg = targetOf(model, cmd.target)
  invoiceCount += 1
  const body = {
    ...(cmd.trackingNumber ? { trackingNumber: `TRK-P${invoiceCount}` } : {}),
    ...(cmd.trackingUrl ? { trackingUrl: `https://t.example/P${invoiceCount}` } : {}),
    ...(cmd.courier ? { courier: `Courier ${invoiceCount}` } : {}),
    ...(cmd.dispatch === 'dispatchDate-null' ? { dispatchDate: null } : {}),
    ...(cmd.dispatch === 'dispatchedDate' ? { dispatchedDate: '2026-03-03T09:00:00.000Z' } : {}),
  }
  const res = await api(test).updateTracking(
    model.orderId,
    pkg?.invoiceNumber ?? `NF-NONE-${invoiceCount}`,
    body,
  )
  const expected = [...(pkg ? [] : [UNKNOWN_INVOICE]), ...(cmd.trackingNumber ? [] : [{ status: 400 }])]
  return decided(res, expected, 'tracking', () => {
    assert.ok(pkg)
    if (body.trackingNumber !== undefined) pkg.trackingNumber = body.trackingNumber
    if (body.trackingUrl !== undefined) pkg.trackingUrl = body.trackingUrl
    if (body.courier !== undefined) pkg.courier = body.courier
  })
}

async function trackingStep(test: TestApp, model: Model, cmd: TrackingCommand): Promise<Step> {
  const pkg = targetOf(model, cmd.target)
  const events = cmd.events
    .map((index) => TRACKING_EVENTS[index % TRACKING_EVENTS.length])
    .filter((e) => e !== undefined)
  const deliveredDate = cmd.isDelivered ? '2026-03-05T15:45:00.000Z' : null
  invoiceCount += 1
  const res = await api(test).trackingStatus(model.orderId, pkg?.invoiceNumber ?? `NF-NONE-${invoiceCount}`, {
    isDelivered: cmd.isDelivered,
    deliveredDate,
    events,
  })
  const news = pkg ? events.filter((e, i) => !pkg.events.includes(e) && events.indexOf(e) === i) : []
  const status = { isDelivered: cmd.isDelivered, deliveredDate }
  const step = decided(res, pkg ? [] : [UNKNOWN_INVOICE], 'tracking', () => {
    assert.ok(pkg)
    pkg.events.push(...news)
    pkg.status = status
  })
  // A call that tells nothing new writes nothing.
  const same =
    news.length === 0 &&
    pkg?.status?.isDelivered === status.isDelivered &&
    pkg.status.deliveredDate === deliveredDate
  return same ? { ...step, entry: null, unchanged: true } : step
}

async function changeStep(test: TestApp, model: Model, cmd: ChangeCommand): Promise<Step> {
  const repeated =
    cmd.repeat === null || model.changes.length === 0
      ? undefined
      : model.changes[cmd.repeat % model.changes.length]
  // A repeated requestId comes with a well-formed body: only the requestId decides the answer.
  const reason = repeated ? 'given' : cmd.reason
  const discountValue = repeated ? Math.abs(cmd.discountValue) : cmd.discountValue
  const incrementValue = repeated ? Math.abs(cmd.incrementValue) : cmd.incrementValue
  const removed = resolveItems(cmd.removed, (sku) => ordered(model, sku) - invoiced(model, sku))
  // Each SKU once, and never one the change also removes: which would go first is not the spec's business.
  const seen = new Set(removed.map((r) => r.sku))
  const added = cmd.added.flatMap(({ sku: index, quantity }) => {
    const sku = SKUS[index] ?? ADDED_SKU
    if (seen.has(sku)) return []
    seen.add(sku)
    return [{ sku, quantity, price: model.lines.find((l) => l.sku === sku)?.price ?? cmd.addedPrice }]
  })
  const priceOf = (sku: string) => model.lines.find((l) => l.sku === sku)?.price ?? 100
  invoiceCount += 1
  const requestId = repeated?.requestId ?? `REQ-${invoiceCount}`
  const body = {
    requestId,
    ...(reason === 'missing' ? {} : { reason: reason === 'given' ? 'Adjusted by the ERP' : '' }),
    discountValue,
    incrementValue,
    itemsAdded: added.map(({ sku, quantity, price }) => ({ id: sku, price, quantity })),
    itemsRemoved: removed.map(({ sku, quantity }) => ({ id: sku, price: priceOf(sku), quantity })),
  }
  const res = await api(test).registerChange(model.orderId, body)
  if (repeated)
    return { res, expected: [OK], entry: null, unchanged: true, receipt: repeated.receipt, accept: () => {} }

  const before = orderValue(model)
  const after =
    before -
    discountValue +
    incrementValue -
    removed.reduce((sum, r) => sum + r.quantity * priceOf(r.sku), 0) +
    added.reduce((sum, a) => sum + a.quantity * a.price, 0)
  const expected: Outcome[] = []
  if (reason !== 'given') expected.push({ status: 400 })
  if (discountValue < 0 || incrementValue < 0) expected.push({ status: 400, code: 'CHK0098' })
  if (model.status !== 'handling') expected.push({ status: 400, code: 'CHK0124' })
  if (model.changes.length >= 50) expected.push({ status: 400, code: 'OMS018' })
  for (const { sku, quantity } of removed) {
    if (!model.lines.some((l) => l.sku === sku)) expected.push({ status: 404, code: 'CHK0022' })
    else if (quantity > ordered(model, sku) - invoiced(model, sku))
      expected.push({ status: 400, code: 'CHK0023' })
  }
  if (discountValue === 0 && incrementValue === 0 && removed.length === 0 && added.length === 0)
    expected.push({ status: 400, code: 'OMS019' })
  if (after <= 0) expected.push({ status: 400, code: 'CHK0034' })
  if (after < sumValues(ofType(model, 'Output'))) expected.push({ status: 400, code: 'OMS020' })
  return decided(res, expected, 'change', () => {
    for (const { sku, quantity } of removed) {
      const line = model.lines.find((l) => l.sku === sku)
      assert.ok(line)
      line.quantity -= quantity
    }
    for (const { sku, quantity, price } of added) {
      const line = model.lines.find((l) => l.sku === sku)
      if (line) line.quantity += quantity
      else model.lines.push({ sku, price, quantity })
    }
    model.change += incrementValue - discountValue
    assert.equal(orderValue(model), after)
    if (after < before) model.refunded += before - after
    else model.charged += after - before
    model.changes.push({ requestId, receipt: res.json<{ receipt: string }>().receipt })
    const outputs = sumValues(ofType(model, 'Output'))
    if (outputs > 0 && outputs === after) model.status = 'invoiced'
  })
}

async function cancelStep(test: TestApp, model: Model): Promise<Step> {
  const res = await api(test).cancel(model.orderId, { reason: 'property' })
  const partly = ofType(model, 'Output').length > 0
  const expected: Outcome[] =
    model.status === 'handling'
      ? partly
        ? [{ status: 400, code: 'OMS006' }]
        : [OK]
      : [{ status: 400 }, { status: 409 }]
  return decided(res, expected, 'transition', (after) => {
    model.status = 'canceled'
    // Canceling refunds the payments: the ledger's refunds are what it shows now.
    model.refunded = ledgerSum(JSON.parse(after.transaction) as LedgerView, 'refund')
  })
}

function run(test: TestApp, model: Model, cmd: Command): Promise<Step> {
  switch (cmd.kind) {
    case 'invoice':
      return invoiceStep(test, model, cmd)
    case 'patch':
      return patchStep(test, model, cmd)
    case 'tracking':
      return trackingStep(test, model, cmd)
    case 'change':
      return changeStep(test, model, cmd)
    case 'cancel':
      return cancelStep(test, model)
  }
}

/** Get order and payment-transaction agree with the model. */
function assertModel(model: Model, order: OrderView, ledger: LedgerView, label: string): void {
  assert.equal(order.status, model.status, `${label}: status`)
  assert.equal(order.value, orderValue(model), `${label}: value`)
  assert.equal(
    order.totals.find((t) => t.id === 'Change')?.value ?? 0,
    model.change,
    `${label}: Change total`,
  )
  for (const line of model.lines)
    assert.equal(
      order.items.filter((i) => i.id === line.sku).reduce((s, i) => s + i.quantity, 0),
      line.quantity,
      `${label}: quantity of SKU ${line.sku}`,
    )
  assert.equal(
    order.changesAttachment?.changesData.length ?? 0,
    model.changes.length,
    `${label}: changesData`,
  )
  const packages = order.packageAttachment.packages
  assert.deepEqual(
    packages.map((p) => [p.type, p.invoiceNumber, p.invoiceValue]),
    model.packages.map((p) => [p.type, p.invoiceNumber, p.invoiceValue]),
    `${label}: packages`,
  )
  for (const [index, expected] of model.packages.entries()) {
    const pkg = packages[index]
    assert.ok(pkg)
    const items = new Map<string, number>()
    for (const item of pkg.items) {
      const sku = order.items[item.itemIndex]?.id ?? '?'
      items.set(sku, (items.get(sku) ?? 0) + item.quantity)
    }
    assert.deepEqual(items, expected.items, `${label}: items of ${pkg.invoiceNumber}`)
    assert.deepEqual(
      [pkg.trackingNumber, pkg.trackingUrl, pkg.courier],
      [expected.trackingNumber, expected.trackingUrl, expected.courier],
      `${label}: tracking fields of ${pkg.invoiceNumber}`,
    )
    assert.equal(
      pkg.restitutions.Refund?.value ?? null,
      expected.type === 'Input' ? expected.invoiceValue : null,
      `${label}: restitutions of ${pkg.invoiceNumber}`,
    )
    if (expected.status === null)
      assert.equal(pkg.courierStatus, null, `${label}: courierStatus of ${pkg.invoiceNumber}`)
    else {
      assert.ok(pkg.courierStatus, `${label}: courierStatus of ${pkg.invoiceNumber}`)
      assert.equal(pkg.courierStatus.finished, expected.status.isDelivered)
      assert.equal(pkg.courierStatus.deliveredDate ?? null, expected.status.deliveredDate)
      assert.deepEqual(
        pkg.courierStatus.data.map((d) => [d.city, d.state, d.description, d.lastChange]),
        expected.events.map((e) => [e.city, e.state, e.description, e.date]),
        `${label}: tracking events of ${pkg.invoiceNumber}`,
      )
    }
  }
  assert.equal(ledgerSum(ledger, 'refund'), model.refunded, `${label}: refunds in the ledger`)
  assert.equal(ledgerSum(ledger, 'charge'), model.charged, `${label}: charges in the ledger`)
}

/** How often the runs of one dialect reached each interesting place: a run that never gets there proves little. */
interface Reached {
  invoiced: number
  partial: number
  returns: number
  changes: number
  tracking: number
  unchanged: number
  refused: number
}

async function checkStep(
  test: TestApp,
  model: Model,
  step: Step,
  before: Snapshot,
  label: string,
  reached: Reached,
) {
  const { res, expected } = step
  assert.ok(res)
  const answer =
    res.statusCode < 300
      ? { status: res.statusCode }
      : { status: res.statusCode, code: res.json<{ error: { code: string } }>().error.code }
  assert.ok(
    expected.some((o) => o.status === answer.status && (o.code === undefined || o.code === answer.code)),
    `${label}: answered ${res.statusCode} ${res.body}, expected one of ${JSON.stringify(expected)}`,
  )
  const after = await snapshot(test, model.orderId)
  if (res.statusCode >= 300) {
    const error = res.json<{ error: { code: unknown; message: unknown; exception: unknown } }>().error
    assert.ok(
      typeof error.code === 'string' && typeof error.message === 'string' && error.exception === null,
      res.body,
    )
    assertUnchanged(before, after, `${label}: a refused call`)
    reached.refused += 1
  } else {
    const receipt = res.json<{ date: unknown; orderId: unknown; receipt: unknown }>()
    if (step.entry !== 'transition') {
      assert.equal(receipt.orderId, model.orderId, res.body)
      assert.ok(
        typeof receipt.date === 'string' && typeof receipt.receipt === 'string' && receipt.receipt !== '',
        res.body,
      )
      if (step.receipt === undefined) {
        assert.ok(!model.receipts.has(receipt.receipt), `${label}: receipt ${receipt.receipt} given twice`)
        model.receipts.add(receipt.receipt)
      } else
        assert.equal(
          receipt.receipt,
          step.receipt,
          `${label}: a repeated requestId answers the first receipt`,
        )
    }
    if (step.unchanged) {
      // A call with nothing new still adds its timeline entry when it has one.
      assertUnchanged(
        before,
        after,
        `${label}: a call with nothing new`,
        step.entry === null ? [] : ['timeline'],
      )
      reached.unchanged += 1
    }
    step.accept(after)
    if (step.entry) {
      const seen = JSON.parse(before.timeline) as TimelineView
      const added = (JSON.parse(after.timeline) as TimelineView).entries.slice(seen.entries.length)
      assert.ok(
        added.some((e) => e.type === step.entry),
        `${label}: no ${step.entry} entry in ${JSON.stringify(added)}`,
      )
    }
  }
  const order = JSON.parse(after.order) as OrderView
  assertInvariants(order, label)
  assertModel(model, order, JSON.parse(after.transaction) as LedgerView, label)
  return after
}

describeEachDialect('invoices, returns, tracking and v1 changes under random sequences', (dialect) => {
  it('keeps every invariant after every step, and a refused call changes nothing', async (t) => {
    const test = await startTestApp(t, dialect)
    const grace = await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    assert.equal(grace.statusCode, 200, grace.body)
    const reached: Reached = {
      invoiced: 0,
      partial: 0,
      returns: 0,
      changes: 0,
      tracking: 0,
      unchanged: 0,
      refused: 0,
    }
    await fc.assert(
      fc.asyncProperty(
        orderShape,
        fc.array(command, { minLength: 6, maxLength: 18 }),
        async (shape, commands) => {
          const body = intakeBody(shape)
          const placed = await api(test).handlingOrder(body)
          assert.equal(placed.status, 'handling')
          const model: Model = {
            orderId: placed.orderId,
            status: 'handling',
            lines: shape.map((line, index) => ({
              sku: ORDER_SKUS[index] ?? '',
              price: line.price,
              quantity: line.quantity,
            })),
            shipping: shape.reduce((sum, line) => sum + line.shipping, 0),
            change: 0,
            packages: [],
            changes: [],
            receipts: new Set(),
            refunded: 0,
            charged: 0,
          }
          assert.equal(placed.value, orderValue(model))
          let before = await snapshot(test, model.orderId)
          let partial = false
          for (const [index, cmd] of [...commands, ...FINALE].entries()) {
            // Every write moves lastChange: a refused call that wrote anything shows in Get order.
            test.clock.advanceMinutes(1)
            const step = await run(test, model, cmd)
            before = await checkStep(
              test,
              model,
              step,
              before,
              `step ${index} ${JSON.stringify(cmd)}`,
              reached,
            )
            if (step.res.statusCode < 300) {
              if (cmd.kind === 'change' && !step.unchanged) reached.changes += 1
              if (cmd.kind === 'tracking' || cmd.kind === 'patch') reached.tracking += 1
            }
            if (model.status === 'handling' && ofType(model, 'Output').length > 0) partial = true
          }
          if (partial) reached.partial += 1
          if (model.status === 'invoiced') reached.invoiced += 1
          if (ofType(model, 'Input').length > 0) reached.returns += 1
        },
      ),
      { numRuns: dialect === 'postgres' ? 12 : 40, includeErrorInReport: true },
    )
    for (const [place, count] of Object.entries(reached))
      assert.ok(count > 0, `no run reached ${place}: ${JSON.stringify(reached)}`)
  })
})
