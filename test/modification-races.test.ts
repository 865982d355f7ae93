// Order modifications (v2) racing invoices, and each other, on one order of a file-backed database as a server
// runs it. What is accepted must be what some one-at-a-time order of the same calls would have accepted, a
// refused call changes nothing, and an order is never left invoiced above its final value.
import assert from 'node:assert/strict'
import { it, type TestContext } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import type { LightMyRequestResponse } from 'fastify'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { api, errorCode, handledOrder } from './api.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { assertInvariants, ledgerSum, type LedgerView } from './invoice-invariants.ts'
import { assertLegalLog, eventsOf } from './workflow-log.ts'

/** handledOrder's: 1 × SKU 1001 at 4000, 1000 of shipping. */
const VALUE = 5000
const UNIT = 4000

/** `202`, or the status and the envelope's code: `409 SalesOrderSystem014`. */
const outcome = (res: LightMyRequestResponse): string =>
  res.statusCode < 300 ? String(res.statusCode) : `${res.statusCode} ${errorCode(res)}`

const tally = (outcomes: readonly string[]): Record<string, number> =>
  outcomes.reduce<Record<string, number>>((counts, o) => ({ ...counts, [o]: (counts[o] ?? 0) + 1 }), {})

const outputInvoice = (invoiceNumber: string, invoiceValue: number) => ({
  type: 'Output',
  invoiceNumber,
  invoiceValue,
  issuanceDate: '2026-03-02',
})

interface Model {
  value: number
  invoiced: number
  status: string
  /** What the request accepted and not processed yet takes off the value. */
  pending: number | null
}

/** The spec's rules for one call at a time: an Output invoice of `value` cents. */
function invoiceStep(m: Model, value: number): [Model, string] {
  if (m.status !== 'handling') return [m, '409 OMS012']
  if (m.pending !== null) return [m, '409 SalesOrderSystem014']
  const invoiced = m.invoiced + value
  if (invoiced > m.value) return [m, '400 OMS016']
  return [{ ...m, invoiced, status: invoiced === m.value ? 'invoiced' : 'handling' }, '200']
}

/** PATCH of a request lowering the value by `decrease`. */
function requestStep(m: Model, decrease: number): [Model, string] {
  if (m.status !== 'handling') return [m, '400 CHK0124']
  if (m.value - decrease < m.invoiced) return [m, '400 SalesOrderSystem046']
  return [{ ...m, pending: decrease }, '202']
}

/** The worker's processing: a partly invoiced order brought down to what is invoiced is invoiced in full. */
function processStep(m: Model): Model {
  if (m.pending === null) return m
  const value = m.value - m.pending
  const status = m.invoiced > 0 && m.invoiced === value ? 'invoiced' : m.status
  return { ...m, value, status, pending: null }
}

interface Round {
  /** Invoiced before the race. */
  first: number
  decrease: number
  change: object
  invoices: number[]
}

const discount = (value: number) => ({
  decrease: value,
  change: { reason: 'Goodwill discount', manualDiscountValue: value },
})
const removal = {
  decrease: UNIT,
  change: { reason: 'Out of stock', remove: { items: [{ id: '1001', quantity: 1 }] } },
}

/**
 * Whether some one-at-a-time order of the calls, the change's processing after its request, gives exactly
 * `outcomes` (the change's first, then each invoice's) and ends at `end`.
 */
function serializable(start: Model, round: Round, outcomes: readonly string[], end: Model): boolean {
  const [asked, ...invoiced] = outcomes
  const run = (m: Model, change: 'ask' | 'process' | 'over', left: readonly number[]): boolean => {
    if (change === 'over' && left.length === 0) return isDeepStrictEqual(m, end)
    const byChange = (): boolean => {
      if (change === 'process') return run(processStep(m), 'over', left)
      const [next, seen] = requestStep(m, round.decrease)
      return seen === asked && run(next, 'process', left)
    }
    const byInvoice = (n: number): boolean => {
      const [next, seen] = invoiceStep(m, round.invoices[n] ?? assert.fail())
      const others = left.filter((other) => other !== n)
      return seen === invoiced[n] && run(next, change, others)
    }
    return (change !== 'over' && byChange()) || left.some(byInvoice)
  }
  return run(
    start,
    'ask',
    round.invoices.map((_, n) => n),
  )
}

/** The order as Get order shows it, with what its invoices add up to. */
async function modelOf(test: TestApp, orderId: string): Promise<{ order: OrderDocument; model: Model }> {
  const order = await api(test).getOk(orderId)
  const invoiced = order.packageAttachment.packages
    .filter((p) => p.type === 'Output')
    .reduce((sum, p) => sum + p.invoiceValue, 0)
  return { order, model: { value: order.value, invoiced, status: order.status, pending: null } }
}

/** Each on handledOrder's order (5000) with `first` already invoiced: one change and invoices at once. */
const CHANGE_ROUNDS: Round[] = [
  // One after the other, in either order, all are accepted. An invoice sent while the request waits for the
  // worker gets SalesOrderSystem014.
  { first: 0, ...discount(1000), invoices: [2000, 2000] },
  // Invoiced first, the removal brings the value down to exactly what is invoiced, which invoices the order.
  { first: 500, ...removal, invoices: [500] },
  // Invoiced first: the removal would go below it (SalesOrderSystem046); removed first: the invoice is too much.
  { first: 500, ...removal, invoices: [1500] },
  // Down to what is invoiced: the request invoices the order, or the invoices beat it and it comes too late.
  { first: 3000, ...discount(2000), invoices: [1000, 1000] },
  { first: 0, ...removal, invoices: [VALUE] },
  // Three fit the order as it is, two the order discounted.
  { first: 0, ...discount(1000), invoices: [1500, 1500, 1500] },
]
const REPEATS = 2

/**
 * Starts every call at once, call `lead` (modulo their number) before the others: the first started tends to
 * be the first served, so that each call leads in some round. The answers come in call order.
 */
async function race<T>(calls: readonly (() => PromiseLike<T>)[], lead: number): Promise<T[]> {
  const shift = lead % calls.length
  const started = [...calls.slice(shift), ...calls.slice(0, shift)]
  // inject() sends a request only once its answer is awaited: each is awaited here, in the order started.
  const answers = await Promise.all(started.map(async (call) => call()))
  const back = calls.length - shift
  return [...answers.slice(back), ...answers.slice(0, back)]
}

const changes = (orderId: string) => `/api/order-system/orders/${orderId}/changes`

interface ChangeRequest {
  requestId: string
  reason: string
  status: string
}

/** The order's modification requests, oldest first. */
async function requestsOf(test: TestApp, orderId: string): Promise<ChangeRequest[]> {
  const res = await api(test).send('GET', changes(orderId))
  assert.equal(res.statusCode, 200, res.body)
  return res.json<{ requests: ChangeRequest[] }>().requests
}

async function changeRound(test: TestApp, round: Round, tag: string, lead: number): Promise<string[]> {
  const client = api(test)
  const orderId = await handledOrder(test, `RACE-${tag}`)
  if (round.first > 0) {
    const res = await client.invoice(orderId, outputInvoice(`NF-${tag}-first`, round.first))
    assert.equal(res.statusCode, 200, res.body)
  }
  const before = await modelOf(test, orderId)
  const numbers = round.invoices.map((_, n) => `NF-${tag}-${n}`)
  const answers = await race<LightMyRequestResponse | null>(
    [
      () => client.send('PATCH', changes(orderId), round.change),
      async () => {
        await test.runDueJobs()
        return null
      },
      ...round.invoices.map(
        (value, n) => () => client.invoice(orderId, outputInvoice(numbers[n] ?? '', value)),
      ),
    ],
    lead,
  )
  // The worker's run may have come before the request: the next one processes it.
  await test.runDueJobs()
  const outcomes = answers.flatMap((res) => (res ? [outcome(res)] : []))
  const after = await modelOf(test, orderId)
  const label = `round ${tag}: ${JSON.stringify({ ...round, outcomes })}`

  assertInvariants(after.order, label)
  assertLegalLog(await eventsOf(test.deps.db, orderId), after.order.status, label)
  assert.ok(serializable(before.model, round, outcomes, after.model), label)
  const accepted = outcomes[0] === '202'
  assert.equal(after.model.value, before.model.value - (accepted ? round.decrease : 0), label)
  const outputs = (order: OrderDocument) =>
    order.packageAttachment.packages.filter((p) => p.type === 'Output').map((p) => p.invoiceNumber)
  const issued = numbers.filter((_, n) => outcomes[n + 1] === '200')
  assert.deepEqual(outputs(after.order).sort(), [...outputs(before.order), ...issued].sort(), label)

  assert.deepEqual(
    (await requestsOf(test, orderId)).map((r) => r.status),
    accepted ? ['done'] : [],
    label,
  )
  const ledger = (await client.paymentTransaction(orderId)).json<LedgerView>()
  assert.equal(
    ledgerSum(ledger, 'refund'),
    accepted ? round.decrease : 0,
    `${label}: the decrease is refunded`,
  )
  return outcomes
}

async function changeRounds(t: TestContext, test: TestApp) {
  const seen: Record<string, number> = {}
  for (let n = 0; n < CHANGE_ROUNDS.length * REPEATS; n++) {
    const kind = n % CHANGE_ROUNDS.length
    const round = CHANGE_ROUNDS[kind] ?? assert.fail()
    // Another call leads each repeat, and the rounds' leads differ: the change, the worker's run, an invoice.
    const outcomes = await changeRound(test, round, `${n}`, kind + Math.floor(n / CHANGE_ROUNDS.length))
    const key = outcomes.join(' | ')
    seen[key] = (seen[key] ?? 0) + 1
  }
  t.diagnostic(`outcomes (change | invoices…): ${JSON.stringify(seen)}`)
}

/**
 * `crowd` PATCHes of the order at once, each a different discount: one 202, and the order follows that one.
 * Processed, it frees the order: the next crowd has a winner too.
 */
async function patchCrowd(test: TestApp, orderId: string, crowd: number) {
  const client = api(test)
  const earlier = await requestsOf(test, orderId)
  const { value } = await client.getOk(orderId)
  const discountOf = (n: number) => 100 * (n + 1)
  const reasonOf = (n: number) => `Discount ${n} of ${crowd}`
  const responses = await Promise.all(
    Array.from({ length: crowd }, (_, n) =>
      client.send('PATCH', changes(orderId), { reason: reasonOf(n), manualDiscountValue: discountOf(n) }),
    ),
  )
  const outcomes = responses.map(outcome)
  assert.deepEqual(tally(outcomes), { '202': 1, '409 SalesOrderSystem014': crowd - 1 })
  const winner = outcomes.indexOf('202')
  const { requestId } = responses[winner]?.json<{ requestId: string }>() ?? assert.fail()
  const asked = (await requestsOf(test, orderId)).slice(earlier.length)
  assert.deepEqual(
    asked.map((r) => [r.requestId, r.reason, r.status]),
    [[requestId, reasonOf(winner), 'waiting-acknowledgement']],
    'the refused requests left nothing',
  )
  await test.runDueJobs()
  assert.deepEqual(
    (await requestsOf(test, orderId)).map((r) => r.status),
    [...earlier, ...asked].map(() => 'done'),
  )
  assert.equal((await client.getOk(orderId)).value, value - discountOf(winner))
}

describeEachDialect('order modification races', (dialect) => {
  it('A change and an invoice racing on one order never leave it invoiced above its final value', async (t) => {
    await changeRounds(t, await startTestApp(t, dialect, { file: true }))
  })

  it('two concurrent PATCHes: exactly one proceeds, the other gets SalesOrderSystem014', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const orderId = await handledOrder(test, 'CROWD')
    for (const crowd of [2, 3, 8]) await patchCrowd(test, orderId, crowd)
  })
})
