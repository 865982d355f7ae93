// Every committed change of an order is one new version with at least one event of its kind; a request that
// changes nothing writes nothing.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { OrderEvent } from '../src/modules/orders/order-event.ts'
import { createShopperToken } from '../src/modules/access/access.service.ts'
import { api } from './api.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { allEventsOf, twoPaymentOrder } from './workflow-log.ts'

async function versionOf(test: TestApp, orderId: string): Promise<number> {
  const row = await test.deps.db
    .selectFrom('orders')
    .select('version')
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow()
  return Number(row.version)
}

describeEachDialect('an event for every change', (dialect) => {
  it('bumps the version once per change and records events of its kind; a no-op writes nothing', async (t) => {
    const test = await startTestApp(t, dialect)
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const placed = (await api(test).placeOk(twoPaymentOrder('EVENTS'))).orders[0]
    assert.ok(placed)
    const order = placed
    const [first, second] = order.paymentData.transactions[0]?.payments.map((p) => p.id) ?? []
    assert.ok(first && second)
    const ana = api(test, {
      VtexIdclientAutCookie: (await createShopperToken(test.deps, 'acme', 'ana@example.com')).token,
    })

    let seen = (await allEventsOf(test.deps.db, order.orderId)).length
    /** Runs a request, then checks the order moved one version on and logged what `expected` says. */
    /** `visible`: whether Get order shows the change, and so moves its lastChange. */
    async function change(
      label: string,
      send: () => Promise<{ statusCode: number; body: string }>,
      expected: (events: OrderEvent[]) => boolean,
      visible = true,
    ): Promise<OrderEvent[]> {
      const before = await versionOf(test, order.orderId)
      const lastChange = (await api(test).getOk(order.orderId)).lastChange
      test.clock.advanceMinutes(1)
      const res = await send()
      assert.ok(res.statusCode < 300, `${label}: ${res.body}`)
      const all = await allEventsOf(test.deps.db, order.orderId)
      const added = all.slice(seen)
      seen = all.length
      assert.equal(await versionOf(test, order.orderId), before + 1, `${label}: one new version`)
      assert.ok(added.length > 0, `${label}: at least one event`)
      assert.ok(
        added.every((e) => e.orderVersion === before + 1),
        `${label}: its events carry the new version`,
      )
      assert.ok(expected(added), `${label}: ${JSON.stringify(added.map((e) => e.kind))}`)
      assert.equal(
        (await api(test).getOk(order.orderId)).lastChange,
        visible ? test.clock.now().toISOString() : lastChange,
        `${label}: Get order's lastChange`,
      )
      return added
    }
    const only = (kind: OrderEvent['kind']) => (events: OrderEvent[]) => events.every((e) => e.kind === kind)

    const approval = await change(
      'the first of two payment approvals',
      () => api(test).notifyPayment(order.orderId, first),
      only('payment'),
      false,
    )
    assert.deepEqual(
      approval.map((e) => [e.kind, e.data, e.state, e.origin]),
      [
        [
          'payment',
          { paymentId: first, action: 'approval', value: 2000 },
          'payment-pending',
          { account: 'acme', key: test.admin.appKey },
        ],
      ],
    )

    const noOp = await api(test).notifyPayment(order.orderId, first)
    assert.equal(noOp.statusCode, 200)
    assert.equal(await versionOf(test, order.orderId), 2, 'a repeated notification writes no version')
    assert.equal((await allEventsOf(test.deps.db, order.orderId)).length, seen, 'and no event')

    await change(
      'the second approval',
      () => api(test).notifyPayment(order.orderId, second),
      (events) =>
        events[0]?.kind === 'payment' &&
        events.slice(1).every((e) => e.kind === 'transition') &&
        events.at(-1)?.state === 'ready-for-handling',
    )

    const logged = await change(
      'an interaction',
      () =>
        api(test).send('POST', `/api/oms/pvt/orders/${order.orderId}/interactions`, {
          source: 'ERP',
          message: 'Imported',
        }),
      only('interaction'),
      false,
    )
    assert.deepEqual(logged[0]?.data, { source: 'ERP', message: 'Imported' })

    const requested = await change(
      "the customer's cancellation request",
      () => ana.userCancel(order.orderId, { reason: 'Changed my mind' }),
      (events) =>
        events[0]?.kind === 'cancellation-request' && events.slice(1).every((e) => e.kind === 'transition'),
    )
    const requestId = (requested[0]?.data as { requestId: string }).requestId

    await change(
      "the store's denial",
      () => api(test).deny(order.orderId, { cancellationRequestId: requestId, denyReason: 'Shipped' }),
      (events) => events[0]?.kind === 'cancellation-request' && events.at(-1)?.state === 'ready-for-handling',
    )

    await change('start handling', () => api(test).startHandling(order.orderId), only('transition'))

    const canceled = await change(
      'cancel',
      () => api(test).cancel(order.orderId, { reason: 'Out of stock' }),
      (events) => events.some((e) => e.kind === 'transition') && events.some((e) => e.kind === 'payment'),
    )
    assert.deepEqual(
      canceled.filter((e) => e.kind === 'payment').map((e) => e.data),
      [
        { paymentId: first, action: 'refund', value: 2000 },
        { paymentId: second, action: 'refund', value: 3000 },
      ],
    )

    const refused = await api(test).cancel(order.orderId)
    assert.equal(refused.statusCode, 409)
    assert.equal(
      (await allEventsOf(test.deps.db, order.orderId)).length,
      seen,
      'a refused change writes nothing',
    )
  })
})
