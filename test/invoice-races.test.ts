// Concurrent invoices, and invoices racing a v1 change, on one order: sent through two `ordo serve` processes on one
// database, so that the race is real on SQLite too. What is accepted must be what some one-at-a-time order of the
// same calls would have accepted, and every rejected call changes nothing.
import assert from 'node:assert/strict'
import { it, type TestContext } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import type { HttpResult } from './e2e/process.ts'
import { startServers, type Servers } from './e2e/servers.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect } from './harness.ts'

const SERVERS = 2
const UNIT = 1000

/** One line of `units` units of UNIT plus UNIT of shipping: its value is UNIT × (units + 1). */
function unitsOrder(tag: string, units: number): IntakeBody {
  return exampleOrder({
    marketplaceOrderId: `ERP-${tag}`,
    items: [{ id: '1001', name: 'Blue T-shirt M', seller: '1', quantity: units, price: UNIT }],
    shippingData: {
      ...exampleOrder().shippingData,
      logisticsInfo: [{ itemIndex: 0, selectedSla: 'Normal', price: UNIT, shippingEstimate: '3bd' }],
    },
    paymentData: {
      payments: [
        {
          paymentSystem: '17',
          paymentSystemName: 'Promissory',
          group: 'promissory',
          value: UNIT * (units + 1),
        },
      ],
    },
  })
}

const outputInvoice = (invoiceNumber: string, invoiceValue: number) => ({
  type: 'Output',
  invoiceNumber,
  invoiceValue,
  issuanceDate: '2026-03-02',
})

/** `200`, or the status and the envelope's code: `400 OMS016`. */
function outcome(res: HttpResult): string {
  if (res.status === 200) return '200'
  const code = (res.body as { error?: { code?: unknown } } | undefined)?.error?.code
  return `${res.status} ${String(code)}`
}

/** How many calls each server accepted, call `n` having gone to server `n` modulo SERVERS: both, if the race is real. */
const acceptedPerServer = (outcomes: readonly string[]): number[] =>
  Array.from(
    { length: SERVERS },
    (_, server) => outcomes.filter((o, n) => o === '200' && n % SERVERS === server).length,
  )

const tally = (outcomes: readonly string[]): Record<string, number> =>
  outcomes.reduce<Record<string, number>>((counts, o) => ({ ...counts, [o]: (counts[o] ?? 0) + 1 }), {})

interface TimelineEntry {
  type: string
  version?: number
  action?: string
  invoiceNumber?: string
  invoiceValue?: number
}

/** What the races change, as every server serves it. */
interface Snapshot {
  status: string
  value: number
  totals: number
  invoicedDate: string | null
  /** `number=value` of each Output invoice, sorted. */
  outputs: string[]
  outputSum: number
  changes: number
  entries: TimelineEntry[]
}

const agree = (served: readonly HttpResult[]): boolean => new Set(served.map((res) => res.text)).size === 1

interface OrderBody {
  status: string
  value: number
  invoicedDate: string | null
  totals: { value: number }[]
  packageAttachment: { packages: { type: string; invoiceNumber: string; invoiceValue: number }[] }
  changesAttachment: { changesData?: unknown[] } | null
}

/**
 * A server hears of another process's commit within its commit watch's bound (src/db/commit-watch.ts) and may
 * serve its cached Get order until then: a disagreement is asked again, until the servers agree.
 */
async function snapshot(cluster: Servers, orderId: string): Promise<Snapshot> {
  const path = `/api/oms/pvt/orders/${orderId}`
  const ask = () => Promise.all(cluster.servers.map((_, n) => cluster.send(n, 'GET', path)))
  let served = await ask()
  for (let asked = 1; !agree(served) && asked < 1000; asked++) {
    served = await ask()
  }
  for (const res of served) assert.equal(res.status, 200, res.text)
  assert.ok(agree(served), 'every server serves the same order')
  const order = served[0]?.body as OrderBody
  const timeline = await cluster.send(0, 'GET', `/api/ordo/pvt/orders/${orderId}/timeline`)
  assert.equal(timeline.status, 200, timeline.text)
  const outputs = order.packageAttachment.packages.filter((p) => p.type === 'Output')
  for (const p of outputs) assert.ok(Number.isInteger(p.invoiceValue), `invoiceValue ${p.invoiceValue}`)
  return {
    status: order.status,
    value: order.value,
    totals: order.totals.reduce((sum, total) => sum + total.value, 0),
    invoicedDate: order.invoicedDate,
    outputs: outputs.map((p) => `${p.invoiceNumber}=${p.invoiceValue}`).sort(),
    outputSum: outputs.reduce((sum, p) => sum + p.invoiceValue, 0),
    changes: order.changesAttachment?.changesData?.length ?? 0,
    entries: (timeline.body as { entries: TimelineEntry[] }).entries,
  }
}

/** The order's rules for invoiced, Σ Output and value, read from both ends of the race. */
function assertConsistent(order: Snapshot): void {
  assert.ok(order.outputSum <= order.value, `Σ Output ${order.outputSum} > value ${order.value}`)
  assert.equal(order.totals, order.value, 'Σ totals = value')
  assert.equal(order.status, order.outputSum === order.value ? 'invoiced' : 'handling')
  assert.equal(order.invoicedDate !== null, order.status === 'invoiced', `invoicedDate ${order.invoicedDate}`)
}

/**
 * The timeline only grew, by one version per accepted call (a rejected one wrote nothing), with one entry of each
 * kind per accepted call of that kind. `accepted.invoice`: `number=value` of each accepted invoice.
 */
function assertLogGrewBy(before: Snapshot, after: Snapshot, accepted: { invoice: string[]; change: number }) {
  assert.deepEqual(after.entries.slice(0, before.entries.length), before.entries, 'the log only grows')
  const added = after.entries.slice(before.entries.length)
  const versions = new Set(added.flatMap((e) => (e.version === undefined ? [] : [e.version])))
  assert.equal(versions.size, accepted.invoice.length + accepted.change, JSON.stringify(added))
  const invoices = added.filter((e) => e.type === 'invoice')
  assert.deepEqual(
    invoices.map((e) => `${e.action} ${e.invoiceNumber}=${e.invoiceValue}`).sort(),
    accepted.invoice.map((invoice) => `issued ${invoice}`).sort(),
  )
  assert.equal(added.filter((e) => e.type === 'change').length, accepted.change)
}

/** Sends every invoice at once, spread over the servers; resolves to each one's outcome, in order. */
async function raceInvoices(
  cluster: Servers,
  orderId: string,
  invoices: { number: string; value: number }[],
) {
  const responses = await Promise.all(
    invoices.map((invoice, n) =>
      cluster.send(
        n,
        'POST',
        `/api/oms/pvt/orders/${orderId}/invoice`,
        outputInvoice(invoice.number, invoice.value),
      ),
    ),
  )
  return responses.map(outcome)
}

/**
 * 50 invoices of one order at once. Accepted: some set A with Σ A ≤ value. It is what some serial order gives iff
 * every rejection fits one: an OMS012 (the order was no longer in handling) needs Σ A = value; an OMS016 (too much)
 * of v needs Σ of some part of A below the value plus v above it, the largest such part being A without its
 * smallest invoice when Σ A = value, and A itself otherwise.
 */
async function assertInvoiceRace(cluster: Servers, tag: string, units: number, values: number[]) {
  const orderId = await cluster.handlingOrder(unitsOrder(tag, units))
  const before = await snapshot(cluster, orderId)
  const invoices = values.map((value, n) => ({ number: `NF-${tag}-${n}`, value }))
  const outcomes = await raceInvoices(cluster, orderId, invoices)
  const after = await snapshot(cluster, orderId)

  const answers = tally(outcomes)
  for (const seen of Object.keys(answers)) {
    assert.ok(['200', '400 OMS016', '409 OMS012'].includes(seen), JSON.stringify(answers))
  }
  const accepted = invoices.filter((_, n) => outcomes[n] === '200')
  const sum = accepted.reduce((total, invoice) => total + invoice.value, 0)
  assert.equal(after.value, before.value, 'invoices do not change the value')
  assert.ok(sum <= after.value, `accepted ${sum} > value ${after.value}`)
  assert.deepEqual(after.outputs, accepted.map((i) => `${i.number}=${i.value}`).sort(), 'one package per 200')
  assertConsistent(after)
  const full = sum === after.value
  const smallest = Math.min(...accepted.map((i) => i.value))
  const largestPartBelow = full ? sum - smallest : sum
  invoices.forEach((invoice, n) => {
    const seen = outcomes[n]
    if (seen === '200') return
    if (seen === '409 OMS012') assert.ok(full, `${invoice.number}: 409 though the order never got invoiced`)
    else assert.ok(largestPartBelow + invoice.value > after.value, `${invoice.number} (${invoice.value}) fit`)
  })
  assertLogGrewBy(before, after, { invoice: accepted.map((i) => `${i.number}=${i.value}`), change: 0 })
  return { outcomes, after }
}

type Op = { kind: 'invoice'; value: number } | { kind: 'change'; decrease: number; body: object }

interface Model {
  value: number
  invoiced: number
  status: string
}

/** The spec's rules for one call at a time: the outcome of `op` on `m` and the order after it. */
function step(m: Model, op: Op): [Model, string] {
  if (op.kind === 'invoice') {
    if (m.status !== 'handling') return [m, '409 OMS012']
    const invoiced = m.invoiced + op.value
    if (invoiced > m.value) return [m, '400 OMS016']
    return [{ ...m, invoiced, status: invoiced === m.value ? 'invoiced' : 'handling' }, '200']
  }
  if (m.status !== 'handling') return [m, '400 CHK0124']
  const value = m.value - op.decrease
  if (value <= 0) return [m, '400 CHK0034']
  if (value < m.invoiced) return [m, '400 OMS020']
  return [{ ...m, value, status: value === m.invoiced ? 'invoiced' : 'handling' }, '200']
}

/** Whether some order of `ops`, one at a time from `start`, gives exactly `outcomes` and ends at `end`. */
function serializable(start: Model, ops: readonly Op[], outcomes: readonly string[], end: Model): boolean {
  const run = (m: Model, left: readonly number[]): boolean =>
    left.length === 0
      ? isDeepStrictEqual(m, end)
      : left.some((n) => {
          const op = ops[n]
          if (!op) return false
          const [next, seen] = step(m, op)
          return (
            seen === outcomes[n] &&
            run(
              next,
              left.filter((other) => other !== n),
            )
          )
        })
  return run(
    start,
    ops.map((_, n) => n),
  )
}

const discount = (value: number) => ({ decrease: value, body: { discountValue: value } })
const removal = (units: number) => ({
  decrease: units * UNIT,
  body: { itemsRemoved: [{ id: '1001', price: UNIT, quantity: units }] },
})

/** Each on an order of 4 units (value 5000) with `first` already invoiced: a change and invoices at once. */
const CHANGE_ROUNDS = [
  // Either way both are accepted and the order ends invoiced at 4000.
  { first: 1500, change: discount(1000), invoices: [2500] },
  // Invoiced first: the removal comes too late (CHK0124); removed first: the invoice is too much (OMS016).
  { first: 1500, change: removal(1), invoices: [3500] },
  // Invoiced first: the discount would go below it (OMS020); discounted first: the invoice is too much.
  { first: 1500, change: discount(1000), invoices: [3000] },
  { first: 0, change: removal(2), invoices: [1500, 1500, 2000] },
  { first: 0, change: discount(500), invoices: [2500, 2000, 500] },
]
const REPEATS = 3

/** Equal tenths: a rejected one always found the order full, since anything less and it would have fit. */
async function tenths(t: TestContext, cluster: Servers) {
  const values = Array.from({ length: 50 }, () => 1000)
  const { outcomes, after } = await assertInvoiceRace(cluster, 'TENTHS', 9, values)
  assert.deepEqual(tally(outcomes), { '200': 10, '409 OMS012': 40 })
  assert.equal(after.status, 'invoiced')
  t.diagnostic(`accepted per server: ${acceptedPerServer(outcomes).join(', ')}`)
}

/** 300 to 2500 in steps of 100, Σ 70,000 on an order of 10,000: reached exactly in many ways, or not at all. */
async function mixed(t: TestContext, cluster: Servers) {
  const values = Array.from({ length: 50 }, (_, n) => 300 + ((n * 7) % 23) * 100)
  assert.ok(values.reduce((a, b) => a + b) > 6 * 10_000)
  const { outcomes, after } = await assertInvoiceRace(cluster, 'MIXED', 9, values)
  const perServer = acceptedPerServer(outcomes).join(', ')
  t.diagnostic(`${JSON.stringify(tally(outcomes))}, ended ${after.status}; accepted per server: ${perServer}`)
}

/** Each round a new order, a change and invoices at once; what happened must be what one order of them gives. */
async function changeRounds(t: TestContext, cluster: Servers) {
  const seen: Record<string, number> = {}
  for (let round = 0; round < CHANGE_ROUNDS.length * REPEATS; round++) {
    const { first, change, invoices } = CHANGE_ROUNDS[round % CHANGE_ROUNDS.length] ?? assert.fail()
    const orderId = await cluster.handlingOrder(unitsOrder(`CHANGE-${round}`, 4))
    const path = `/api/oms/pvt/orders/${orderId}`
    if (first > 0) {
      const res = await cluster.send(0, 'POST', `${path}/invoice`, outputInvoice(`NF-${round}-first`, first))
      assert.equal(res.status, 200, res.text)
    }
    const before = await snapshot(cluster, orderId)
    const ops: Op[] = [
      { kind: 'change', ...change },
      ...invoices.map((value) => ({ kind: 'invoice' as const, value })),
    ]
    const numbers = ops.map((_, n) => `NF-${round}-${n}`)
    const responses = await Promise.all(
      ops.map((op, n) =>
        op.kind === 'change'
          ? cluster.send(round + n, 'POST', `${path}/changes`, {
              requestId: `race-${round}`,
              reason: 'price adjustment',
              ...op.body,
            })
          : cluster.send(round + n, 'POST', `${path}/invoice`, outputInvoice(numbers[n] ?? '', op.value)),
      ),
    )
    const outcomes = responses.map(outcome)
    const after = await snapshot(cluster, orderId)
    const context = `round ${round}: ${JSON.stringify(ops.map((op, n) => [op, outcomes[n]]))}`

    assertConsistent(after)
    const changed = outcomes[0] === '200'
    assert.equal(after.value, before.value - (changed ? change.decrease : 0), context)
    assert.equal(after.changes, changed ? 1 : 0, context)
    const accepted = invoices.flatMap((value, n) =>
      outcomes[n + 1] === '200' ? [`${numbers[n + 1]}=${value}`] : [],
    )
    assert.deepEqual(after.outputs, [...before.outputs, ...accepted].sort(), context)
    const model = (order: Snapshot): Model => ({
      value: order.value,
      invoiced: order.outputSum,
      status: order.status,
    })
    assert.ok(serializable(model(before), ops, outcomes, model(after)), context)
    assertLogGrewBy(before, after, { invoice: accepted, change: changed ? 1 : 0 })
    const key = outcomes.join(' | ')
    seen[key] = (seen[key] ?? 0) + 1
  }
  t.diagnostic(`outcomes (change | invoices…): ${JSON.stringify(seen)}`)
}

describeEachDialect('invoice races', (dialect) => {
  // One pair of servers for the three races: starting one takes seconds on a loaded machine.
  it(`across ${SERVERS} server processes on one database`, async (t) => {
    const cluster = await startServers(t, dialect, SERVERS)
    await t.test(
      '50 invoices of a tenth of the value at once: 10 accepted, the order invoiced, 40 answered 409 OMS012',
      (t) => tenths(t, cluster),
    )
    await t.test(
      '50 invoices of mixed values, seven times the value in all: never more than the value accepted',
      (t) => mixed(t, cluster),
    )
    await t.test('a v1 change racing invoices never leaves the order invoiced above its final value', (t) =>
      changeRounds(t, cluster),
    )
  })
})
