// Random command sequences against the HTTP API, checked after every step against a model and against WORKFLOW.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { createShopperToken } from '../src/modules/access/access.service.ts'
import { canTake, isOrderStatus } from '../src/modules/orders/order-status.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { api, type PlacedGroupBody } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import {
  APPROVAL_STATES,
  assertLegalLog,
  eventsByOrder,
  INTAKE_STATES,
  statesOf,
  storedOrders,
  twoPaymentOrder,
} from './workflow-log.ts'

type Command =
  | { kind: 'intake'; twoPayments: boolean }
  | { kind: 'notify'; order: number; payment: number | 'next' }
  | { kind: 'advance'; minutes: number; runTimers: boolean }
  | { kind: 'start-handling'; order: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'user-cancel'; order: number; stranger: boolean }
  | { kind: 'deny'; order: number; rightId: boolean }
  | { kind: 'settings'; grace: number }

/** Takes the chosen order one step further along the workflow (`branch` picks between two ways on). */
type Progress = { kind: 'progress'; order: number; branch: boolean }

/** Every status code each endpoint documents (401/403 are documented on every guarded route). */
const DOCUMENTED: { [K in Command['kind']]: number[] } = {
  intake: [201, 400, 401, 403, 413, 422],
  notify: [200, 400, 401, 403, 404],
  advance: [],
  'start-handling': [204, 401, 403, 404, 409],
  cancel: [200, 400, 401, 403, 404, 409],
  'user-cancel': [200, 400, 401, 403, 404, 409],
  deny: [200, 400, 401, 403, 404, 409],
  settings: [200, 400, 401, 403],
}

// `order` picks one of the run's orders (modulo their number); -1 names an order that does not exist.
const orderIndex = fc.oneof({ weight: 12, arbitrary: fc.nat(1) }, { weight: 1, arbitrary: fc.constant(-1) })
// `next` approves the first payment still pending; an index past the order's payments names no payment.
const paymentIndex = fc.oneof(
  { weight: 6, arbitrary: fc.constant('next' as const) },
  { weight: 2, arbitrary: fc.nat(1) },
  { weight: 1, arbitrary: fc.constant(7) },
)
const command: fc.Arbitrary<Command | Progress> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('progress'), order: fc.nat(1), branch: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('intake'), twoPayments: fc.boolean() }) },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('notify'), order: orderIndex, payment: paymentIndex }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance'),
      minutes: fc.integer({ min: 1, max: 40 }),
      // Sometimes the job worker is behind: the clock moves, the timeout jobs wait.
      runTimers: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('start-handling'), order: orderIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel'), order: orderIndex }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('user-cancel'),
      order: orderIndex,
      stranger: fc.oneof(
        { weight: 4, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deny'),
      order: orderIndex,
      rightId: fc.oneof(
        { weight: 4, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settings'), grace: fc.constantFrom(0, 30) }) },
)

type Resting =
  | 'payment-pending'
  | 'window-to-cancel'
  | 'ready-for-handling'
  | 'handling'
  | 'cancellation-requested'
  | 'canceled'

/** What the model expects of one order. */
interface ModelOrder {
  orderId: string
  paymentIds: string[]
  payments: ('pending' | 'approved' | 'voided' | 'refunded')[]
  status: Resting
  graceEndsAt: number | null
  resumeTo: 'ready-for-handling' | 'handling' | null
  /** Every event the order's log must hold, in order. */
  states: string[]
}

interface Run {
  test: TestApp
  grace: number
  orders: ModelOrder[]
  owner: Record<string, string>
  stranger: Record<string, string>
}

const MISSING_ORDER = '0000000000000-99'
const CANCELLABLE: Resting[] = [
  'payment-pending',
  'window-to-cancel',
  'ready-for-handling',
  'handling',
  'cancellation-requested',
]
let placedCount = 0

/** A grace period that is over has ended, whether or not the timer has run yet. */
function settleInModel(order: ModelOrder, now: number): void {
  if (order.status === 'window-to-cancel' && order.graceEndsAt !== null && order.graceEndsAt <= now) {
    order.status = 'ready-for-handling'
    order.graceEndsAt = null
    order.states.push('ready-for-handling')
  }
}

function cancelInModel(order: ModelOrder): void {
  order.status = 'canceled'
  order.states.push('cancel', 'canceled')
  order.payments = order.payments.map((p) => (p === 'pending' ? 'voided' : p === 'approved' ? 'refunded' : p))
  order.graceEndsAt = null
  order.resumeTo = null
}

/** The command that moves the order on from where the model has it; random runs reach deep statuses this way. */
function resolve(run: Run, cmd: Command | Progress): Command {
  if (cmd.kind !== 'progress') return cmd
  const index = run.orders.length === 0 ? -1 : cmd.order % run.orders.length
  const order = run.orders[index]
  switch (order?.status) {
    case undefined:
    case 'canceled':
      return { kind: 'intake', twoPayments: cmd.branch }
    case 'payment-pending':
      return { kind: 'notify', order: index, payment: 'next' }
    case 'window-to-cancel': {
      const left = (order.graceEndsAt ?? 0) - run.test.clock.now().getTime()
      if (left <= 0) {
        return cmd.branch
          ? { kind: 'start-handling', order: index }
          : { kind: 'user-cancel', order: index, stranger: false }
      }
      return { kind: 'advance', minutes: Math.ceil(left / 60_000), runTimers: cmd.branch }
    }
    case 'ready-for-handling':
      return cmd.branch
        ? { kind: 'start-handling', order: index }
        : { kind: 'user-cancel', order: index, stranger: false }
    case 'handling':
      return { kind: 'user-cancel', order: index, stranger: false }
    case 'cancellation-requested':
      return cmd.branch ? { kind: 'deny', order: index, rightId: true } : { kind: 'cancel', order: index }
  }
}

/** Runs one command against the API and the model; returns the response (none for clock moves). */
async function step(run: Run, cmd: Command): Promise<LightMyRequestResponse | undefined> {
  const { test } = run
  const client = api(test)
  const pick = (index: number): ModelOrder | undefined =>
    index < 0 || run.orders.length === 0 ? undefined : run.orders[index % run.orders.length]
  const expectStatus = (res: LightMyRequestResponse, status: number) =>
    assert.equal(res.statusCode, status, `${JSON.stringify(cmd)} answered ${res.statusCode} ${res.body}`)

  switch (cmd.kind) {
    case 'intake': {
      const tag = `PROP-${++placedCount}`
      const res = await client.place(cmd.twoPayments ? twoPaymentOrder(tag) : singleOrder(tag))
      expectStatus(res, 201)
      const [placed] = res.json<PlacedGroupBody>().orders
      assert.ok(placed)
      const paymentIds = placed.paymentData.transactions[0]?.payments.map((p) => p.id) ?? []
      run.orders.push({
        orderId: placed.orderId,
        paymentIds,
        payments: paymentIds.map(() => 'pending'),
        status: 'payment-pending',
        graceEndsAt: null,
        resumeTo: null,
        states: [...INTAKE_STATES],
      })
      return res
    }
    case 'notify': {
      const order = pick(cmd.order)
      const index =
        cmd.payment === 'next' ? Math.max(0, order?.payments.indexOf('pending') ?? 0) : cmd.payment
      const paymentId = order?.paymentIds[index] ?? `UNKNOWN-${index}`
      const res = await client.notifyPayment(order?.orderId ?? MISSING_ORDER, paymentId)
      const payment = order?.payments[index]
      if (!order || payment === undefined) expectStatus(res, 404)
      else if (payment === 'voided' || payment === 'refunded') expectStatus(res, 400)
      else {
        expectStatus(res, 200)
        // Every change of an order, even one that finds the payment approved already, ends an overdue grace period.
        settleInModel(order, test.clock.now().getTime())
        order.payments[index] = 'approved'
        if (payment === 'pending' && order.payments.every((p) => p === 'approved')) {
          assert.equal(order.status, 'payment-pending')
          order.states.push(...APPROVAL_STATES)
          if (run.grace === 0) {
            order.states.push('ready-for-handling')
            order.status = 'ready-for-handling'
          } else {
            order.status = 'window-to-cancel'
            order.graceEndsAt = test.clock.now().getTime() + run.grace * 60_000
          }
        }
      }
      return res
    }
    case 'advance': {
      test.clock.advanceMinutes(cmd.minutes)
      if (cmd.runTimers) {
        await test.runDueJobs()
        for (const order of run.orders) settleInModel(order, test.clock.now().getTime())
      }
      return undefined
    }
    case 'start-handling': {
      const order = pick(cmd.order)
      const res = await client.startHandling(order?.orderId ?? MISSING_ORDER)
      if (order) settleInModel(order, test.clock.now().getTime())
      if (!order) expectStatus(res, 404)
      else if (order.status !== 'ready-for-handling') expectStatus(res, 409)
      else {
        expectStatus(res, 204)
        order.status = 'handling'
        order.states.push('start-handling', 'handling')
      }
      return res
    }
    case 'cancel': {
      const order = pick(cmd.order)
      const res = await client.cancel(order?.orderId ?? MISSING_ORDER, { reason: 'property' })
      if (order) settleInModel(order, test.clock.now().getTime())
      if (!order) expectStatus(res, 404)
      else if (!CANCELLABLE.includes(order.status)) expectStatus(res, 409)
      else {
        expectStatus(res, 200)
        cancelInModel(order)
      }
      return res
    }
    case 'user-cancel': {
      const order = pick(cmd.order)
      const res = await api(test, cmd.stranger ? run.stranger : run.owner).userCancel(
        order?.orderId ?? MISSING_ORDER,
      )
      if (order && !cmd.stranger) settleInModel(order, test.clock.now().getTime())
      if (!order || cmd.stranger) expectStatus(res, 404)
      else if (order.status === 'payment-pending' || order.status === 'window-to-cancel') {
        expectStatus(res, 200)
        cancelInModel(order)
      } else if (order.status === 'ready-for-handling' || order.status === 'handling') {
        expectStatus(res, 200)
        order.resumeTo = order.status
        order.status = 'cancellation-requested'
        order.states.push('request-cancel', 'cancellation-requested')
      } else expectStatus(res, 409)
      return res
    }
    case 'deny': {
      const order = pick(cmd.order)
      let requestId = 'not-a-request'
      if (order && cmd.rightId) {
        const requests = (await client.getOk(order.orderId)).cancellationRequests ?? []
        requestId = requests.at(-1)?.id ?? requestId
      }
      const res = await client.deny(order?.orderId ?? MISSING_ORDER, { cancellationRequestId: requestId })
      if (!order) expectStatus(res, 404)
      else if (order.status === 'cancellation-requested' && cmd.rightId && order.resumeTo) {
        expectStatus(res, 200)
        order.status = order.resumeTo
        order.resumeTo = null
        order.states.push(order.status)
      } else expectStatus(res, 400)
      return res
    }
    case 'settings': {
      const res = await client.send('PUT', '/api/ordo/pvt/settings', {
        cancellationGracePeriodMinutes: cmd.grace,
      })
      expectStatus(res, 200)
      run.grace = cmd.grace
      return res
    }
  }
}

/** The invariants every step must keep, for every order of the run. */
async function checkOrders(run: Run, after: string): Promise<void> {
  const ids = run.orders.map((o) => o.orderId)
  const [logs, stored] = await Promise.all([
    eventsByOrder(run.test.deps.db, ids),
    storedOrders(run.test.deps.db, ids),
  ])
  for (const order of run.orders) {
    const label = `${order.orderId} after ${after}`
    const events = logs.get(order.orderId) ?? []
    const row = stored.get(order.orderId)
    assert.ok(row, label)
    assert.equal(row.status, row.documentStatus, `${label}: indexed status and document disagree`)
    assert.ok(isOrderStatus(row.status), label)
    assert.equal(canTake(row.status, 'auto'), false, `${label}: left in the transient status ${row.status}`)
    assertLegalLog(events, row.status, label)
    assert.deepEqual(statesOf(events), order.states, `${label}: the event log differs from the model`)
    assert.equal(row.status, order.status, label)
    assert.deepEqual(row.payments, order.payments, `${label}: payments`)
  }
}

async function checkDocuments(run: Run): Promise<void> {
  for (const order of run.orders) {
    const document: OrderDocument = await api(run.test).getOk(order.orderId)
    assert.equal(document.status, order.status)
    assert.equal(document.allowCancellation, order.status !== 'canceled')
  }
}

describeEachDialect('workflow under random command sequences', (dialect) => {
  it('answers only documented codes and logs only edges of WORKFLOW, one event per transition', async (t) => {
    const test = await startTestApp(t, dialect)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 30),
        fc.array(command, { minLength: 10, maxLength: 25, size: 'max' }),
        async (grace, commands) => {
          const settings = await api(test).send('PUT', '/api/ordo/pvt/settings', {
            cancellationGracePeriodMinutes: grace,
          })
          assert.equal(settings.statusCode, 200)
          const run: Run = {
            test,
            grace,
            orders: [],
            owner: {
              VtexIdclientAutCookie: (await createShopperToken(test.deps, 'acme', 'ana@example.com')).token,
            },
            stranger: {
              VtexIdclientAutCookie: (await createShopperToken(test.deps, 'acme', 'bruno@example.com')).token,
            },
          }
          for (const [index, generated] of [
            { kind: 'intake', twoPayments: true } as const,
            ...commands,
          ].entries()) {
            const cmd = resolve(run, generated)
            const res = await step(run, cmd)
            if (res) {
              assert.ok(res.statusCode < 500, `${JSON.stringify(cmd)}: ${res.statusCode} ${res.body}`)
              assert.ok(
                DOCUMENTED[cmd.kind].includes(res.statusCode),
                `${cmd.kind} answered the undocumented ${res.statusCode}`,
              )
            }
            await checkOrders(run, `step ${index} ${JSON.stringify(cmd)}`)
          }
          await checkDocuments(run)
        },
      ),
      { numRuns: dialect === 'postgres' ? 60 : 100 },
    )
  })
})
