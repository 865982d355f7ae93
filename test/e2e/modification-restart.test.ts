// Order modifications survive `kill -9`: killed with change requests acknowledged but not processed, and again
// amid their processing, a server restarted on the same database takes every request to done or canceled, and
// never leaves one half-applied: the order's items, its value and its payment ledger all moved as asked, or
// none of them did, and each step of the request happened once.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { ChangeBody, ChangeDetail } from '../../src/modules/changes/modification.schemas.ts'
import type { Timeline } from '../../src/modules/conversation/conversation.schemas.ts'
import type { OrderDocument } from '../../src/modules/orders/order.schemas.ts'
import { findOrder } from '../../src/modules/orders/order.repository.ts'
import type { PaymentTransaction } from '../../src/modules/payments/payment.schemas.ts'
import { exampleOrder } from '../fixtures.ts'
import { describeEachDialect } from '../harness.ts'
import { adminClient, eventually } from './client.ts'
import { sandbox } from './process.ts'

const ORDERS = 10

/** A worker that looks for due jobs as it starts, then once an hour (a request does not wake it): requests wait. */
const PARKED_WORKER = { ORDO_TIMER_INTERVAL_MS: '3600000' }
/**
 * Jobs a killed process held are taken over after 2 s instead of 30, and an idle worker looks for due jobs
 * every 100 ms instead of every second.
 */
const FAST_WORKER = { ORDO_JOB_LEASE_MS: '2000', ORDO_TIMER_INTERVAL_MS: '100' }
/** Looks again at once: the worker is through the requests in a few hundred ms. */
const AMID = { attempts: 5000, intervalMs: 1 }
const TAKEOVER = { attempts: 600, intervalMs: 50 }

/** Each order, as placed: 2 × 1001 at 4990 and 1 × 2002 at 2500, 1500 shipping, 13980 on one credit card. */
const placed = (i: number) => {
  const example = exampleOrder()
  return exampleOrder({
    marketplaceOrderId: `ERP-MOD-KILL-${i}`,
    items: example.items.map((item) => ({ ...item, seller: '1' })),
  })
}

/** Raising changes (charged on the card) alternate with lowering ones (refunded). */
const CHANGES: ChangeBody[] = [
  { reason: 'Two saucers more', add: { items: [{ id: '3003', quantity: 2, price: 700 }] } },
  { reason: 'One shirt less', remove: { items: [{ id: '1001', quantity: 1 }] } },
  {
    reason: 'A bigger mug instead',
    remove: { items: [{ id: '2002', quantity: 1 }] },
    add: { items: [{ id: '4004', quantity: 1, price: 3000 }] },
  },
  {
    reason: 'No shirts, gift wrap',
    remove: { items: [{ id: '1001', quantity: 2 }] },
    manualIncrementValue: 250,
  },
  {
    reason: 'One shirt more, at a discount',
    add: { items: [{ id: '1001', quantity: 1, price: 4990 }] },
    manualDiscountValue: 300,
  },
]
/** Orders whose request the store cancels as soon as it is accepted: a raising and a lowering one. */
const canceledByStore = (i: number) => i % 4 === 3

const changeOf = (i: number): ChangeBody => CHANGES[i % CHANGES.length] ?? assert.fail(`no change ${i}`)
const changes = (orderId: string) => `/api/order-system/orders/${encodeURIComponent(orderId)}/changes`

interface Asked {
  index: number
  orderId: string
  before: OrderDocument
  requestId: string
  /** What PATCH answered the request would move the order's value by. */
  acceptedChange: number
}

/** Units of the order by SKU and price; lines whose units all left do not count. */
function unitsOf(items: { id: string; sellingPrice: number; quantity: number }[]): Map<string, number> {
  const units = new Map<string, number>()
  for (const { id, sellingPrice, quantity } of items) {
    const key = `${id} at ${sellingPrice}`
    units.set(key, (units.get(key) ?? 0) + quantity)
  }
  for (const [key, quantity] of units) if (quantity === 0) units.delete(key)
  return units
}

/** The units `before` has once `change` is applied: removed ones leave at their line's price. */
function unitsAfter(before: OrderDocument, change: ChangeBody): Map<string, number> {
  const moved = [
    ...(change.remove?.items ?? []).map(({ id, quantity }) => {
      const line = before.items.find((item) => item.id === id) ?? assert.fail(`no ${id} in the order`)
      return { id, sellingPrice: line.sellingPrice, quantity: -quantity }
    }),
    ...(change.add?.items ?? []).map(({ id, quantity, price }) => ({
      id,
      sellingPrice: price ?? assert.fail(`add ${id} without a price`),
      quantity,
    })),
  ]
  return unitsOf([...before.items, ...moved])
}

describeEachDialect('order modifications after kill -9', (dialect) => {
  it('every request ends done or canceled after restarts, and its order moved wholly or not at all', async (t) => {
    const box = await sandbox(t, dialect)
    const first = await box.serve(PARKED_WORKER)
    const { call, approvedOrder } = adminClient(first)
    await call(first, 'PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })

    const handling = await Promise.all(
      Array.from({ length: ORDERS }, async (_, index) => {
        const orderId = await approvedOrder(first, placed(index))
        await call(first, 'POST', `/api/oms/pvt/orders/${orderId}/start-handling`)
        const before = (await call(first, 'GET', `/api/oms/pvt/orders/${orderId}`)) as OrderDocument
        assert.equal(before.value, 13980)
        return { index, orderId, before }
      }),
    )
    const requestedFrom = Date.now()
    const asked: Asked[] = await Promise.all(
      handling.map(async ({ index, orderId, before }) => {
        const accepted = (await call(first, 'PATCH', changes(orderId), changeOf(index))) as {
          requestId: string
          totalChangeValue: number
        }
        const { requestId } = accepted
        if (canceledByStore(index)) {
          await call(first, 'POST', `${changes(orderId)}/${requestId}/cancel`, {
            reason: 'The customer changed their mind',
          })
        }
        return { index, orderId, before, requestId, acceptedChange: accepted.totalChangeValue }
      }),
    )
    // Every request is acknowledged, its job written with it, and none processed.
    await first.stop('SIGKILL')

    // The second server's clock starts before the requests were made, so its worker finds none due as it
    // starts; moved on once the server listens, it has the worker take them all up at its next look. The test
    // watches the database itself (the server, busy with the worker's writes, would answer too late) and kills
    // the server as soon as one request is done: amid the others.
    const handle = box.open()
    const modificationsNow = async () =>
      (await Promise.all(asked.map((a) => findOrder(handle.db, a.before.hostname, a.orderId)))).flatMap(
        (order) => order?.modifications ?? [],
      )
    box.setClock(new Date(requestedFrom - 1000).toISOString())
    const second = await box.serve({ ...box.clockEnv, ...FAST_WORKER })
    box.setClock(new Date().toISOString())
    await eventually(
      'the second worker to take the requests up',
      async () => (await modificationsNow()).some((m) => m.status === 'done'),
      AMID,
    )
    await second.stop('SIGKILL')
    const leftBySecond = new Map<string, number>()
    for (const { status } of await modificationsNow())
      leftBySecond.set(status, (leftBySecond.get(status) ?? 0) + 1)
    t.diagnostic(`the second server died with: ${JSON.stringify(Object.fromEntries(leftBySecond))}`)

    // On the wall clock again, so that a job that fails is retried after its backoff.
    const server = await box.serve(FAST_WORKER)
    const detail = async ({ orderId, requestId }: Asked) =>
      (await call(server, 'GET', `${changes(orderId)}/${requestId}`)) as ChangeDetail
    await eventually(
      'every request done or canceled after the last restart',
      async () => (await Promise.all(asked.map(detail))).every((d) => !d.inProgress),
      TAKEOVER,
    )

    await Promise.all(
      asked.map(async (a) => {
        const { before, orderId, requestId } = a
        const what = `order ${orderId} (change ${a.index % CHANGES.length})`
        const { status, totalChangeValue } = await detail(a)
        assert.equal(status, canceledByStore(a.index) ? 'canceled' : 'done', what)
        assert.equal(totalChangeValue, a.acceptedChange, what)
        const done = status === 'done'

        const after = (await call(server, 'GET', `/api/oms/pvt/orders/${orderId}`)) as OrderDocument
        if (done) {
          assert.equal(after.value, before.value + totalChangeValue, what)
          assert.deepEqual(unitsOf(after.items), unitsAfter(before, changeOf(a.index)), what)
        } else {
          assert.deepEqual(
            [after.value, after.items, after.totals],
            [before.value, before.items, before.totals],
            what,
          )
        }

        const ledger = (await call(
          server,
          'GET',
          `/api/oms/pvt/orders/${orderId}/payment-transaction`,
        )) as PaymentTransaction
        const moved = done ? totalChangeValue : 0
        assert.deepEqual(
          ledger.events.map((e) => [e.type, e.value]),
          [
            ['approval', before.value],
            ...(moved > 0 ? [['charge', moved]] : moved < 0 ? [['refund', -moved]] : []),
          ],
          `${what}: the money moved`,
        )

        const timeline = (await call(server, 'GET', `/api/ordo/pvt/orders/${orderId}/timeline`)) as Timeline
        const steps = timeline.entries.flatMap((e) => (e.type === 'modification' ? [e] : []))
        assert.deepEqual(
          steps.map((s) => [s.requestId, s.action, s.valueChange]),
          done
            ? [
                [requestId, 'requested', null],
                [requestId, 'acknowledged', null],
                [requestId, 'done', totalChangeValue],
              ]
            : [
                [requestId, 'requested', null],
                [requestId, 'canceled', null],
              ],
          `${what}: its steps`,
        )
      }),
    )
  })
})
