// Concurrent calls on one order and concurrent intakes: exactly one winner, one event per transition, no lost write.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { createShopperToken } from '../src/modules/access/access.service.ts'
import { api, errorCode, type PlacedGroupBody } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp } from './harness.ts'
import {
  APPROVAL_STATES,
  assertLegalLog,
  eventsByOrder,
  eventsOf,
  INTAKE_STATES,
  statesOf,
  twoPaymentOrder,
} from './workflow-log.ts'

const countBy = (responses: readonly LightMyRequestResponse[]): Record<number, number> =>
  responses.reduce<Record<number, number>>((counts, res) => {
    counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1
    return counts
  }, {})

describeEachDialect('concurrency', (dialect) => {
  it('100 concurrent start-handling calls: one 204, 99 409, one start-handling and one handling event', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await api(test).approvedOrder(singleOrder('RACE-SH'))
    test.clock.advanceMinutes(30)
    await test.runDueJobs()
    assert.equal((await api(test).getOk(order.orderId)).status, 'ready-for-handling')

    const responses = await Promise.all(
      Array.from({ length: 100 }, () => api(test).startHandling(order.orderId)),
    )
    assert.deepEqual(countBy(responses), { 204: 1, 409: 99 })
    for (const res of responses.filter((r) => r.statusCode === 409)) assert.equal(errorCode(res), 'OMS003')

    const events = await eventsOf(test.deps.db, order.orderId)
    assert.deepEqual(statesOf(events), [
      ...INTAKE_STATES,
      ...APPROVAL_STATES,
      'ready-for-handling',
      'start-handling',
      'handling',
    ])
    assertLegalLog(events, (await api(test).getOk(order.orderId)).status, order.orderId)
  })

  it('100 concurrent cancels: one 200, 99 409, one cancel and one canceled event', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await api(test).approvedOrder(singleOrder('RACE-CANCEL'))

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => api(test).cancel(order.orderId, { reason: `call ${i}` })),
    )
    assert.deepEqual(countBy(responses), { 200: 1, 409: 99 })
    const winner = responses.findIndex((r) => r.statusCode === 200)
    for (const res of responses.filter((r) => r.statusCode === 409)) assert.equal(errorCode(res), 'OMS012')

    const events = await eventsOf(test.deps.db, order.orderId)
    assert.deepEqual(statesOf(events), [...INTAKE_STATES, ...APPROVAL_STATES, 'cancel', 'canceled'])
    const canceled = await api(test).getOk(order.orderId)
    assertLegalLog(events, canceled.status, order.orderId)
    assert.equal(canceled.cancelReason, `call ${winner}`, 'the stored order is the winner’s')
    const row = await test.deps.db
      .selectFrom('orders')
      .select('version')
      .where('order_id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    assert.equal(Number(row.version), 3, 'intake, approval, cancel: three writes')
  })

  it('concurrent notifications of both payments: both approved, the order moves once', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = (await api(test).placeOk(twoPaymentOrder('RACE-PAY'))).orders[0]
    assert.ok(order)
    const ids = order.paymentData.transactions[0]?.payments.map((p) => p.id) ?? []
    assert.equal(ids.length, 2)
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api(test).notifyPayment(order.orderId, ids[i % 2] ?? '')),
    )
    assert.deepEqual(countBy(responses), { 200: 40 })
    const events = await eventsOf(test.deps.db, order.orderId)
    assert.deepEqual(statesOf(events), [...INTAKE_STATES, ...APPROVAL_STATES])
    assertLegalLog(events, 'window-to-cancel', order.orderId)
    const timeouts = await test.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'order-timeout')
      .execute()
    // The one asked for at intake (30 days to be paid) and one for the grace period, however many approvals ran.
    assert.equal(timeouts.length, 2, 'one grace-period job besides the one of intake')
  })

  it('a mixed crowd of workflow calls on a few orders leaves every log a legal walk', async (t) => {
    const test = await startTestApp(t, dialect)
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const orders = await Promise.all(
      Array.from({ length: 4 }, (_, i) => api(test).approvedOrder(singleOrder(`CROWD-${i}`))),
    )
    const shopper = api(test, {
      VtexIdclientAutCookie: (await createShopperToken(test.deps, 'acme', 'ana@example.com')).token,
    })
    const calls = orders.flatMap((order) =>
      Array.from({ length: 15 }, (_, i) => {
        switch (i % 5) {
          case 0:
            return api(test).startHandling(order.orderId)
          case 1:
            return shopper.userCancel(order.orderId)
          case 2:
            return api(test).cancel(order.orderId)
          case 3:
            return api(test).deny(order.orderId, { cancellationRequestId: 'unknown' })
          default:
            return api(test).startHandling(order.orderId)
        }
      }),
    )
    const responses = await Promise.all(calls)
    for (const res of responses) assert.ok([200, 204, 400, 409].includes(res.statusCode), res.body)
    const logs = await eventsByOrder(
      test.deps.db,
      orders.map((o) => o.orderId),
    )
    for (const order of orders) {
      const events = logs.get(order.orderId) ?? []
      assertLegalLog(events, 'canceled', order.orderId)
      assert.equal(statesOf(events).filter((s) => s === 'canceled').length, 1)
      assert.ok(statesOf(events).filter((s) => s === 'handling').length <= 1)
    }
  })

  it('50 concurrent intakes with one Idempotency-Key create one order group', async (t) => {
    const test = await startTestApp(t, dialect)
    const body = singleOrder('IDEM-RACE')
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api(test).place(body, { 'idempotency-key': 'race-key' })),
    )
    assert.deepEqual(countBy(responses), { 201: 50 })
    const groups = new Set(responses.map((r) => r.json<PlacedGroupBody>().orderGroup))
    assert.equal(groups.size, 1)
    assert.deepEqual(
      responses.map((r) => r.headers['idempotent-replayed']).sort(),
      [...Array.from({ length: 49 }, () => 'true'), 'false'].sort(),
    )
    const db = test.deps.db
    const groupRows = await db.selectFrom('order_groups').select('order_group').execute()
    assert.deepEqual(
      groupRows.map((r) => r.order_group),
      [...groups],
    )
    const orderRows = await db.selectFrom('orders').select(['order_id', 'order_group']).execute()
    assert.equal(orderRows.length, 1)
    assert.deepEqual(statesOf(await eventsOf(db, orderRows[0]?.order_id ?? '')), INTAKE_STATES)
  })

  it('200 concurrent distinct intakes get 200 distinct order ids and sequences', async (t) => {
    const test = await startTestApp(t, dialect)
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api(test).place(singleOrder(`MANY-${i}`))),
    )
    assert.deepEqual(countBy(responses), { 201: 200 })
    const orders = responses.map((r) => {
      const [order] = r.json<PlacedGroupBody>().orders
      assert.ok(order)
      return order
    })
    assert.equal(new Set(orders.map((o) => o.orderId)).size, 200)
    assert.equal(new Set(orders.map((o) => o.sequence)).size, 200)
    assert.equal(new Set(orders.map((o) => o.orderGroup)).size, 200)
    assert.deepEqual(
      orders.map((o) => o.marketplaceOrderId).sort(),
      Array.from({ length: 200 }, (_, i) => `ERP-MANY-${i}`).sort(),
    )
    const db = test.deps.db
    const counted = await db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(counted.n), 200)
    const groups = await db
      .selectFrom('order_groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(groups.n), 200)
    const logs = await eventsByOrder(
      db,
      orders.map((o) => o.orderId),
    )
    for (const [orderId, events] of logs) {
      assert.deepEqual(statesOf(events), INTAKE_STATES, orderId)
      assertLegalLog(events, 'payment-pending', orderId)
    }
  })
})
