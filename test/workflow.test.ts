// The order workflow through HTTP: payments, the grace timer, handling, cancellation, requests, logs, settings.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Order } from '../src/modules/orders/order.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { createShopperToken } from '../src/modules/access/access.service.ts'
import { DEFAULT_SETTINGS } from '../src/modules/accounts/account-settings.ts'
import { api, errorCode } from './api.ts'
import { invoicePackage, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import {
  APPROVAL_STATES,
  assertLog,
  eventsOf,
  INTAKE_STATES,
  statesOf,
  twoPaymentOrder,
} from './workflow-log.ts'

const paymentIdsOf = (order: OrderDocument): string[] =>
  order.paymentData.transactions[0]?.payments.map((p) => p.id) ?? []

async function placeOne(test: TestApp, tag: string, body = singleOrder(tag)): Promise<OrderDocument> {
  const placed = await api(test).placeOk(body)
  const order = placed.orders[0]
  assert.ok(order)
  return order
}

/** Places an order and approves its payments: it rests in window-to-cancel (30-minute grace period). */
async function approvedOrder(test: TestApp, tag: string): Promise<OrderDocument> {
  const order = await api(test).approvedOrder(singleOrder(tag))
  assert.equal(order.status, 'window-to-cancel')
  return order
}

/** An approved order whose grace period the timer has ended. */
async function readyOrder(test: TestApp, tag: string): Promise<OrderDocument> {
  const order = await approvedOrder(test, tag)
  test.clock.advanceMinutes(30)
  await test.runDueJobs()
  return api(test).getOk(order.orderId)
}

async function handlingOrder(test: TestApp, tag: string): Promise<OrderDocument> {
  const order = await readyOrder(test, tag)
  const res = await api(test).startHandling(order.orderId)
  assert.equal(res.statusCode, 204, res.body)
  return order
}

/** Arrange-only: stands in for the invoice use case, which is not built yet. */
async function markInvoiced(test: TestApp, orderId: string, status: 'invoiced' | 'handling'): Promise<void> {
  const row = await test.deps.db
    .selectFrom('orders')
    .select('order_json')
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow()
  const order = JSON.parse(row.order_json) as Order
  const invoiced: Order = {
    ...order,
    status,
    invoicedDate: status === 'invoiced' ? test.clock.now().toISOString() : null,
    packages: [invoicePackage('Output', 1000)],
  }
  await test.deps.db
    .updateTable('orders')
    .set({ status, order_json: JSON.stringify(invoiced) })
    .where('order_id', '=', orderId)
    .execute()
}

const shopperHeaders = async (test: TestApp, email: string): Promise<Record<string, string>> => ({
  VtexIdclientAutCookie: (await createShopperToken(test.deps, 'acme', email)).token,
})

describeEachDialect('order workflow', (dialect) => {
  it('payment-notification: 404 for unknown payments, no move on the first of two, the walk on the second', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await placeOne(test, 'PAY', twoPaymentOrder('PAY'))
    const [first, second] = paymentIdsOf(order)
    assert.ok(first && second)

    const unknownPayment = await api(test).notifyPayment(order.orderId, 'NOT-A-PAYMENT')
    assert.equal(unknownPayment.statusCode, 404)
    assert.equal(errorCode(unknownPayment), 'OMS009')
    const unknownOrder = await api(test).notifyPayment('0000000000000-01', first)
    assert.equal(unknownOrder.statusCode, 404)
    assert.equal(errorCode(unknownOrder), 'OMS004')

    test.clock.advanceMinutes(1)
    const one = await api(test).notifyPayment(order.orderId, first)
    assert.equal(one.statusCode, 200, one.body)
    assert.equal(one.body, '')
    assert.equal((await api(test).getOk(order.orderId)).status, 'payment-pending')
    await assertLog(test, order.orderId, INTAKE_STATES)

    const repeated = await api(test).notifyPayment(order.orderId, first)
    assert.equal(repeated.statusCode, 200)
    await assertLog(test, order.orderId, INTAKE_STATES)

    test.clock.advanceMinutes(1)
    const both = await api(test).notifyPayment(order.orderId, second)
    assert.equal(both.statusCode, 200, both.body)
    const moved = await api(test).getOk(order.orderId)
    assert.equal(moved.status, 'window-to-cancel')
    assert.equal(moved.statusDescription, 'Janela para cancelamento')
    assert.equal(moved.authorizedDate, test.clock.now().toISOString())
    await assertLog(test, order.orderId, [...INTAKE_STATES, ...APPROVAL_STATES])
    const events = await eventsOf(test.deps.db, order.orderId)
    assert.deepEqual(
      events.map((e) => e.domain),
      [
        'Marketplace',
        'Marketplace',
        'Marketplace',
        'Marketplace',
        'Marketplace',
        'Marketplace',
        'Fulfillment',
        'Fulfillment',
      ],
    )
    assert.ok(events.every((e) => e.origin.key === test.admin.appKey))
    assert.deepEqual(
      events.map((e) => e.orderVersion),
      [1, 1, 1, 1, 3, 3, 3, 3],
      'version 1 at intake, 2 with the first approval, the repeat writes nothing, 3 with the second',
    )
    assert.deepEqual(
      events.slice(INTAKE_STATES.length).map((e) => [e.lastChange, e.currentChange]),
      [
        [order.creationDate, test.clock.now().toISOString()],
        ...APPROVAL_STATES.slice(1).map(() => [
          test.clock.now().toISOString(),
          test.clock.now().toISOString(),
        ]),
      ],
    )
  })

  it('ends the grace period by the timer once it is due, and only then', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await approvedOrder(test, 'GRACE')
    const approvedAt = test.clock.now().toISOString()

    test.clock.advanceMinutes(29)
    assert.equal(await test.runDueJobs(), 0)
    assert.equal((await api(test).getOk(order.orderId)).status, 'window-to-cancel')

    test.clock.advanceMinutes(1)
    assert.equal(await test.runDueJobs(), 1)
    const ready = await api(test).getOk(order.orderId)
    assert.equal(ready.status, 'ready-for-handling')
    assert.equal(ready.statusDescription, 'Pronto para o manuseio')
    assert.equal(await test.runDueJobs(), 0, 'a timer is applied once')

    await assertLog(test, order.orderId, [...INTAKE_STATES, ...APPROVAL_STATES, 'ready-for-handling'])
    const last = (await eventsOf(test.deps.db, order.orderId)).at(-1)
    assert.deepEqual(last && [last.domain, last.lastChange, last.currentChange, last.origin.key], [
      'Fulfillment',
      approvedAt,
      test.clock.now().toISOString(),
      'system',
    ])
  })

  it('leaves a canceled order alone when its grace timer fires', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await approvedOrder(test, 'GRACE-CANCEL')
    assert.equal((await api(test).cancel(order.orderId)).statusCode, 200)
    test.clock.advanceMinutes(30)
    assert.equal(await test.runDueJobs(), 1)
    await assertLog(test, order.orderId, [...INTAKE_STATES, ...APPROVAL_STATES, 'cancel', 'canceled'])
  })

  it('treats a grace period that is over as ended even before its timer has run', async (t) => {
    const test = await startTestApp(t, dialect)
    const ana = api(test, await shopperHeaders(test, 'ana@example.com'))
    const requested = await approvedOrder(test, 'LATE-REQUEST')
    const started = await approvedOrder(test, 'LATE-HANDLING')
    const canceled = await approvedOrder(test, 'LATE-CANCEL')
    test.clock.advanceMinutes(30) // the job worker is behind: no runDueJobs yet

    const request = await ana.userCancel(requested.orderId, { reason: 'Too late?' })
    assert.equal(request.statusCode, 200, request.body)
    assert.equal((await api(test).getOk(requested.orderId)).status, 'cancellation-requested')
    const handling = await api(test).startHandling(started.orderId)
    assert.equal(handling.statusCode, 204, handling.body)
    // Some clients send an explicit null reason.
    assert.equal((await api(test).cancel(canceled.orderId, { reason: null })).statusCode, 200)

    assert.equal(await test.runDueJobs(), 3)
    const approvedLog = [...INTAKE_STATES, ...APPROVAL_STATES]
    await assertLog(test, requested.orderId, [
      ...approvedLog,
      'ready-for-handling',
      'request-cancel',
      'cancellation-requested',
    ])
    await assertLog(test, started.orderId, [
      ...approvedLog,
      'ready-for-handling',
      'start-handling',
      'handling',
    ])
    await assertLog(test, canceled.orderId, [...approvedLog, 'ready-for-handling', 'cancel', 'canceled'])
    const receipt = request.json<{ receipt: string }>().receipt
    const stored = await api(test).getOk(requested.orderId)
    assert.equal(stored.cancellationRequests?.[0]?.id, receipt, "a request's receipt is its id")
  })

  it('start-handling: 409 OMS003 outside ready-for-handling, 204 once, 404 for an unknown order', async (t) => {
    const test = await startTestApp(t, dialect)
    const pending = await placeOne(test, 'SH-PENDING')
    const early = await api(test).startHandling(pending.orderId)
    assert.equal(early.statusCode, 409)
    assert.deepEqual(early.json(), {
      error: {
        code: 'OMS003',
        message: 'Order status should be ready-for-handling to perform this action',
        exception: null,
      },
    })

    const order = await approvedOrder(test, 'SH')
    const inWindow = await api(test).startHandling(order.orderId)
    assert.equal(inWindow.statusCode, 409)
    assert.equal(errorCode(inWindow), 'OMS003')

    test.clock.advanceMinutes(30)
    await test.runDueJobs()
    const started = await test.app.inject({
      method: 'POST',
      url: `/api/oms/pvt/orders/${order.orderId}/start-handling`,
      headers: { ...test.headers, 'content-type': 'application/json' },
      payload: '',
    })
    assert.equal(started.statusCode, 204, started.body)
    assert.equal(started.body, '')
    const handling = await api(test).getOk(order.orderId)
    assert.equal(handling.status, 'handling')
    assert.equal(handling.statusDescription, 'Preparando Entrega')

    const again = await api(test).startHandling(order.orderId)
    assert.equal(again.statusCode, 409)
    assert.equal(errorCode(again), 'OMS003')
    const missing = await api(test).startHandling('0000000000000-01')
    assert.equal(missing.statusCode, 404)
    assert.equal(errorCode(missing), 'OMS004')

    await assertLog(test, order.orderId, [
      ...INTAKE_STATES,
      ...APPROVAL_STATES,
      'ready-for-handling',
      'start-handling',
      'handling',
    ])
    await assertLog(test, pending.orderId, INTAKE_STATES)
  })

  it('cancel: 200 with a receipt from every resting status, then 409; 404 for an unknown order', async (t) => {
    const test = await startTestApp(t, dialect)
    // Made last-first: each helper that ends a grace period would end the earlier orders' too.
    const handling = await handlingOrder(test, 'C-HANDLING')
    const ready = await readyOrder(test, 'C-READY')
    const orders = {
      'payment-pending': await placeOne(test, 'C-PENDING'),
      'window-to-cancel': await approvedOrder(test, 'C-WINDOW'),
      'ready-for-handling': ready,
      handling,
    }
    test.clock.advanceMinutes(5)
    for (const [status, order] of Object.entries(orders)) {
      const before = statesOf(await eventsOf(test.deps.db, order.orderId))
      assert.equal(before.at(-1), status)
      // Real clients send their own metadata in the body: unknown fields are ignored.
      const res = await api(test).cancel(order.orderId, { reason: 'Out of stock', requestedBy: 'erp-42' })
      assert.equal(res.statusCode, 200, res.body)
      const receipt = res.json<{ date: string; orderId: string; receipt: string }>()
      assert.deepEqual(Object.keys(receipt).sort(), ['date', 'orderId', 'receipt'])
      assert.equal(receipt.orderId, order.orderId)
      assert.equal(receipt.date, test.clock.now().toISOString())
      assert.match(receipt.receipt, /^[0-9a-f]{32}$/)

      const canceled = await api(test).getOk(order.orderId)
      assert.equal(canceled.status, 'canceled')
      assert.equal(canceled.statusDescription, 'Cancelado')
      assert.equal(canceled.allowCancellation, false)
      assert.equal(canceled.cancelReason, 'Out of stock')
      assert.deepEqual(canceled.cancellationData, {
        RequestedByUser: false,
        RequestedBySystem: false,
        RequestedBySellerNotification: true,
        RequestedByPaymentNotification: false,
        Reason: 'Out of stock',
        CancellationDate: test.clock.now().toISOString(),
      })
      await assertLog(test, order.orderId, [...before, 'cancel', 'canceled'])

      const again = await api(test).cancel(order.orderId)
      assert.equal(again.statusCode, 409)
      assert.equal(errorCode(again), 'OMS012')
      await assertLog(test, order.orderId, [...before, 'cancel', 'canceled'])
    }
    const missing = await api(test).cancel('0000000000000-01')
    assert.equal(missing.statusCode, 404)
  })

  it('cancel accepts an empty JSON body and no body at all', async (t) => {
    const test = await startTestApp(t, dialect)
    for (const [tag, payload] of [
      ['EMPTY', ''],
      ['NONE', undefined],
    ] as const) {
      const order = await placeOne(test, tag)
      const res = await test.app.inject({
        method: 'POST',
        url: `/api/oms/pvt/orders/${order.orderId}/cancel`,
        headers: {
          ...test.headers,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload }),
      })
      assert.equal(res.statusCode, 200, res.body)
      assert.equal((await api(test).getOk(order.orderId)).cancellationData?.RequestedByUser, false)
    }
  })

  it('cancel: 400 OMS006 for invoiced and partially invoiced orders, which stay as they are', async (t) => {
    const test = await startTestApp(t, dialect)
    const invoiced = await handlingOrder(test, 'INV')
    await markInvoiced(test, invoiced.orderId, 'invoiced')
    const partial = await handlingOrder(test, 'PARTIAL')
    await markInvoiced(test, partial.orderId, 'handling')
    for (const order of [invoiced, partial]) {
      const before = await eventsOf(test.deps.db, order.orderId)
      const res = await api(test).cancel(order.orderId)
      assert.equal(res.statusCode, 400, res.body)
      assert.equal(errorCode(res), 'OMS006')
      const user = await api(test, await shopperHeaders(test, 'ana@example.com')).userCancel(order.orderId)
      assert.equal(user.statusCode, 400, user.body)
      assert.equal(errorCode(user), 'OMS006')
      assert.deepEqual(await eventsOf(test.deps.db, order.orderId), before)
    }
  })

  it('payment-transaction: status, payments and events through approvals, refunds and voids', async (t) => {
    const test = await startTestApp(t, dialect)
    const transaction = async (orderId: string) => {
      const res = await api(test).send('GET', `/api/oms/pvt/orders/${orderId}/payment-transaction`)
      assert.equal(res.statusCode, 200, res.body)
      return res.json<{
        status: string
        isActive: boolean
        transactionId: string
        merchantName: string
        payments: { id: string; value: number; status: string; connectorResponses: unknown }[]
        events: { type: string; paymentId: string; value: number; date: string }[]
      }>()
    }
    const order = await placeOne(test, 'TX', twoPaymentOrder('TX'))
    const [card, promissory] = paymentIdsOf(order)
    assert.ok(card && promissory)
    const placedAt = test.clock.now().toISOString()

    const fresh = await transaction(order.orderId)
    assert.equal(fresh.status, 'Authorizing')
    assert.equal(fresh.isActive, true)
    assert.equal(fresh.transactionId, order.paymentData.transactions[0]?.transactionId)
    assert.equal(fresh.merchantName, 'ACME')
    assert.deepEqual(
      fresh.payments.map((p) => [p.id, p.value, p.status]),
      [
        [card, 2000, 'pending'],
        [promissory, 3000, 'pending'],
      ],
    )
    assert.deepEqual(fresh.events, [])

    test.clock.advanceMinutes(1)
    const approvedAt = test.clock.now().toISOString()
    await api(test).notifyPayment(order.orderId, card)
    const half = await transaction(order.orderId)
    assert.equal(half.status, 'Authorizing')
    assert.deepEqual(
      half.payments.map((p) => p.status),
      ['approved', 'pending'],
    )
    assert.deepEqual(half.events, [{ type: 'approval', paymentId: card, value: 2000, date: approvedAt }])

    test.clock.advanceMinutes(1)
    const canceledAt = test.clock.now().toISOString()
    assert.equal((await api(test).cancel(order.orderId)).statusCode, 200)
    const closed = await transaction(order.orderId)
    assert.equal(closed.status, 'Refunded')
    assert.equal(closed.isActive, false)
    assert.deepEqual(
      closed.payments.map((p) => p.status),
      ['refunded', 'voided'],
    )
    assert.deepEqual(closed.events, [
      { type: 'approval', paymentId: card, value: 2000, date: approvedAt },
      { type: 'refund', paymentId: card, value: 2000, date: canceledAt },
      { type: 'void', paymentId: promissory, value: 3000, date: canceledAt },
    ])
    const voided = await api(test).notifyPayment(order.orderId, promissory)
    assert.equal(voided.statusCode, 400)
    assert.equal(errorCode(voided), 'OMS010')
    assert.notEqual(placedAt, canceledAt)

    const unpaid = await placeOne(test, 'TX-UNPAID')
    await api(test).cancel(unpaid.orderId)
    const cancelled = await transaction(unpaid.orderId)
    assert.equal(cancelled.status, 'Cancelled')
    assert.deepEqual(
      cancelled.events.map((e) => e.type),
      ['void'],
    )

    const paid = await api(test).approvedOrder(twoPaymentOrder('TX-PAID'))
    assert.equal((await transaction(paid.orderId)).status, 'Approved')
    test.clock.advanceMinutes(1)
    await api(test).cancel(paid.orderId)
    const refunded = await transaction(paid.orderId)
    assert.equal(refunded.status, 'Refunded')
    assert.deepEqual(
      refunded.events.map((e) => e.type),
      ['approval', 'approval', 'refund', 'refund'],
    )
    const missing = await api(test).send('GET', '/api/oms/pvt/orders/0000000000000-01/payment-transaction')
    assert.equal(missing.statusCode, 404)
  })

  it("user-cancel-request: at once inside the grace window, for the customer's own orders only", async (t) => {
    const test = await startTestApp(t, dialect)
    const ana = api(test, await shopperHeaders(test, 'Ana@Example.com'))
    const bruno = api(test, await shopperHeaders(test, 'bruno@example.com'))
    const order = await approvedOrder(test, 'UC-WINDOW')

    const stranger = await bruno.userCancel(order.orderId, { reason: 'Not mine' })
    assert.equal(stranger.statusCode, 404)
    assert.equal(errorCode(stranger), 'OMS004')
    assert.equal((await bruno.get(order.orderId)).statusCode, 403, 'a shopper token reads no Get order')
    assert.equal((await ana.startHandling(order.orderId)).statusCode, 403)
    assert.equal((await ana.cancel(order.orderId)).statusCode, 403)

    test.clock.advanceMinutes(10)
    const res = await ana.userCancel(order.orderId, { reason: 'Changed my mind' })
    assert.equal(res.statusCode, 200, res.body)
    const receipt = res.json<{ date: string; orderId: string; receipt: string }>()
    assert.equal(receipt.orderId, order.orderId)
    assert.equal(receipt.date, test.clock.now().toISOString())
    const canceled = await api(test).getOk(order.orderId)
    assert.equal(canceled.status, 'canceled')
    assert.equal(canceled.cancelReason, 'Changed my mind')
    assert.equal(canceled.cancellationData?.RequestedByUser, true)
    assert.equal(canceled.cancellationRequests, null)
    await assertLog(test, order.orderId, [...INTAKE_STATES, ...APPROVAL_STATES, 'cancel', 'canceled'])

    const again = await ana.userCancel(order.orderId)
    assert.equal(again.statusCode, 409)
    assert.equal(errorCode(again), 'OMS012')

    test.clock.advanceMinutes(30)
    assert.equal(await test.runDueJobs(), 1)
    assert.equal((await api(test).getOk(order.orderId)).status, 'canceled')

    const pending = await placeOne(test, 'UC-PENDING')
    assert.equal((await ana.userCancel(pending.orderId)).statusCode, 200)
    await assertLog(test, pending.orderId, [...INTAKE_STATES, 'cancel', 'canceled'])
  })

  it('user-cancel-request after the grace window records a request; deny returns to the interrupted status', async (t) => {
    const test = await startTestApp(t, dialect)
    const ana = api(test, await shopperHeaders(test, 'ana@example.com'))
    const bruno = api(test, await shopperHeaders(test, 'bruno@example.com'))

    for (const resumeTo of ['ready-for-handling', 'handling'] as const) {
      const order =
        resumeTo === 'handling'
          ? await handlingOrder(test, `UC-${resumeTo}`)
          : await readyOrder(test, `UC-${resumeTo}`)
      const before = statesOf(await eventsOf(test.deps.db, order.orderId))
      assert.equal((await bruno.userCancel(order.orderId)).statusCode, 404)

      test.clock.advanceMinutes(2)
      const requestedAt = test.clock.now().toISOString()
      const res = await ana.userCancel(order.orderId, { reason: 'Changed my mind' })
      assert.equal(res.statusCode, 200, res.body)
      const requested = await api(test).getOk(order.orderId)
      assert.equal(requested.status, 'cancellation-requested')
      assert.equal(requested.statusDescription, 'Cancelamento solicitado')
      assert.equal(requested.cancellationData, null)
      const [request] = requested.cancellationRequests ?? []
      assert.ok(request)
      assert.deepEqual(
        { ...request, id: 'x' },
        {
          id: 'x',
          reason: 'Changed my mind',
          cancellationRequestDate: requestedAt,
          requestedByUser: true,
          deniedBySeller: false,
          deniedBySellerReason: null,
          cancellationRequestDenyDate: null,
        },
      )
      await assertLog(test, order.orderId, [...before, 'request-cancel', 'cancellation-requested'])
      const events = await eventsOf(test.deps.db, order.orderId)
      assert.deepEqual(
        events.slice(-2).map((e) => [e.domain, e.origin.key]),
        [
          ['Marketplace', 'customer:ana@example.com'],
          ['Fulfillment', 'customer:ana@example.com'],
        ],
      )

      const twice = await ana.userCancel(order.orderId)
      assert.equal(twice.statusCode, 409)
      assert.equal((await api(test).startHandling(order.orderId)).statusCode, 409)

      const wrong = await api(test).deny(order.orderId, { cancellationRequestId: 'not-the-request' })
      assert.equal(wrong.statusCode, 400)
      assert.equal(errorCode(wrong), 'OMS011')
      const invalid = await api(test).deny(order.orderId, {})
      assert.equal(invalid.statusCode, 400)
      assert.equal(errorCode(invalid), 'OMS001')
      assert.equal((await ana.deny(order.orderId, { cancellationRequestId: request.id })).statusCode, 403)

      test.clock.advanceMinutes(3)
      const deniedAt = test.clock.now().toISOString()
      const denied = await api(test).deny(order.orderId, {
        cancellationRequestId: request.id,
        denyReason: 'Already packed',
      })
      assert.equal(denied.statusCode, 200, denied.body)
      const back = await api(test).getOk(order.orderId)
      assert.equal(back.status, resumeTo)
      assert.deepEqual(back.cancellationRequests, [
        {
          ...request,
          deniedBySeller: true,
          deniedBySellerReason: 'Already packed',
          cancellationRequestDenyDate: deniedAt,
        },
      ])
      await assertLog(test, order.orderId, [...before, 'request-cancel', 'cancellation-requested', resumeTo])
      const repeat = await api(test).deny(order.orderId, { cancellationRequestId: request.id })
      assert.equal(repeat.statusCode, 400)
      assert.equal(errorCode(repeat), 'OMS011')
    }

    // The store may accept a request instead, by canceling.
    const accepted = await readyOrder(test, 'UC-ACCEPT')
    await ana.userCancel(accepted.orderId)
    const request = (await api(test).getOk(accepted.orderId)).cancellationRequests?.[0]
    assert.ok(request)
    assert.equal((await api(test).cancel(accepted.orderId, { reason: 'Customer asked' })).statusCode, 200)
    await assertLog(test, accepted.orderId, [
      ...INTAKE_STATES,
      ...APPROVAL_STATES,
      'ready-for-handling',
      'request-cancel',
      'cancellation-requested',
      'cancel',
      'canceled',
    ])
    const late = await api(test).deny(accepted.orderId, { cancellationRequestId: request.id })
    assert.equal(late.statusCode, 400)
    assert.equal(errorCode(late), 'OMS011')
    const missing = await api(test).deny('0000000000000-01', { cancellationRequestId: request.id })
    assert.equal(missing.statusCode, 404)
  })

  it('interactions, conversation messages and the timeline tell the story of an order', async (t) => {
    const test = await startTestApp(t, dialect)
    const erp = await test.newKey(['IntegrationProfile - Fulfillment Oms'])
    const order = await placeOne(test, 'LOG')
    const paymentId = paymentIdsOf(order)[0]
    assert.ok(paymentId)

    test.clock.advanceMinutes(1)
    const logged = await api(test).send('POST', `/api/oms/pvt/orders/${order.orderId}/interactions`, {
      source: 'ERP',
      message: 'Customer called about delivery',
    })
    assert.equal(logged.statusCode, 200, logged.body)
    const receipt = logged.json<{ date: string; orderId: string; receipt: string }>()
    assert.equal(receipt.orderId, order.orderId)
    assert.equal(receipt.date, test.clock.now().toISOString())
    const badLog = await api(test).send('POST', `/api/oms/pvt/orders/${order.orderId}/interactions`, {
      source: 'ERP',
    })
    assert.equal(badLog.statusCode, 400)
    const missingLog = await api(test).send('POST', '/api/oms/pvt/orders/0000000000000-01/interactions', {
      source: 'ERP',
      message: 'x',
    })
    assert.equal(missingLog.statusCode, 404)

    test.clock.advanceMinutes(1)
    assert.equal((await api(test, erp).notifyPayment(order.orderId, paymentId)).statusCode, 200)
    test.clock.advanceMinutes(30)
    await test.runDueJobs()
    test.clock.advanceMinutes(1)
    assert.equal((await api(test).cancel(order.orderId)).statusCode, 200)

    const conversation = await api(test).send(
      'GET',
      `/api/oms/pvt/orders/${order.orderId}/conversation-message`,
    )
    assert.equal(conversation.statusCode, 200, conversation.body)
    const messages =
      conversation.json<{ subject: string; to: { email: string; role: string | null }[]; date: string }[]>()
    assert.equal(messages.length, 3)
    assert.match(messages[0]?.subject ?? '', /^We received your order/)
    assert.match(messages[1]?.subject ?? '', /payment .* has been approved/)
    assert.match(messages[2]?.subject ?? '', /has been canceled/)
    assert.deepEqual(
      messages[0]?.to.map((p) => [p.email, p.role]),
      [['ana@example.com', 'Customer']],
    )
    const noConversation = await api(test).send(
      'GET',
      '/api/oms/pvt/orders/0000000000000-01/conversation-message',
    )
    assert.equal(noConversation.statusCode, 404)

    const res = await api(test).timeline(order.orderId)
    assert.equal(res.statusCode, 200, res.body)
    const timeline = res.json<{
      orderId: string
      status: string
      entries: { type: string; date: string; state?: string; lastState?: string | null; by?: string | null }[]
    }>()
    assert.equal(timeline.orderId, order.orderId)
    assert.equal(timeline.status, 'canceled')
    const transitions = timeline.entries.filter((e) => e.type === 'transition')
    const events = await eventsOf(test.deps.db, order.orderId)
    assert.deepEqual(
      transitions.map((e) => [e.lastState, e.state, e.date]),
      events.map((e) => [e.lastState, e.state, e.currentChange]),
    )
    assert.deepEqual(
      transitions.map((e) => e.by),
      [
        ...INTAKE_STATES.map(() => test.admin.appKey),
        ...APPROVAL_STATES.map(() => erp['x-vtex-api-appkey']),
        'system',
        test.admin.appKey,
        test.admin.appKey,
      ],
    )
    assert.deepEqual(
      timeline.entries.map((e) => e.type),
      [
        'transition',
        'transition',
        'transition',
        'transition',
        'message',
        'interaction',
        'payment',
        'transition',
        'transition',
        'transition',
        'transition',
        'message',
        'transition',
        'transition',
        'transition',
        'payment',
        'message',
      ],
    )
    const dates = timeline.entries.map((e) => e.date)
    assert.deepEqual(dates, [...dates].sort())
    assert.equal((await api(test).timeline('0000000000000-01')).statusCode, 404)
    await assertLog(test, order.orderId, [
      ...INTAKE_STATES,
      ...APPROVAL_STATES,
      'ready-for-handling',
      'cancel',
      'canceled',
    ])
  })

  it('settings: 30 minutes by default, 0 skips the grace window, invalid values are refused', async (t) => {
    const test = await startTestApp(t, dialect)
    const settings = (body?: unknown) =>
      body === undefined
        ? api(test).send('GET', '/api/ordo/pvt/settings')
        : api(test).send('PUT', '/api/ordo/pvt/settings', body)
    const read = await settings()
    assert.equal(read.statusCode, 200)
    assert.deepEqual(read.json(), DEFAULT_SETTINGS)

    const zero = await settings({ cancellationGracePeriodMinutes: 0 })
    assert.equal(zero.statusCode, 200, zero.body)
    assert.deepEqual(zero.json(), { ...DEFAULT_SETTINGS, cancellationGracePeriodMinutes: 0 })

    for (const bad of [-1, 43_201, 2.5, 'thirty', [1, 2]]) {
      const res = await settings({ cancellationGracePeriodMinutes: bad })
      assert.equal(res.statusCode, 400, `${String(bad)}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001')
    }
    assert.deepEqual((await settings({})).json(), { ...DEFAULT_SETTINGS, cancellationGracePeriodMinutes: 0 })
    assert.deepEqual((await settings()).json(), { ...DEFAULT_SETTINGS, cancellationGracePeriodMinutes: 0 })
    const viewer = await test.newKey(['OMS - Read only'])
    assert.equal((await api(test, viewer).send('GET', '/api/ordo/pvt/settings')).statusCode, 403)

    const order = await api(test).approvedOrder(singleOrder('NO-GRACE'))
    assert.equal(order.status, 'ready-for-handling')
    await assertLog(test, order.orderId, [...INTAKE_STATES, ...APPROVAL_STATES, 'ready-for-handling'])
    const timeouts = await test.deps.db
      .selectFrom('jobs')
      .select('due_at')
      .where('kind', '=', 'order-timeout')
      .execute()
    // Only the 30 days the order had to be paid in, asked for as it was placed; none for a grace period.
    const thirtyDays = new Date(test.clock.now().getTime() + 30 * 86_400_000).toISOString()
    assert.deepEqual(timeouts, [{ due_at: thirtyDays }], 'a grace period of 0 minutes schedules no job')
    const ana = api(test, await shopperHeaders(test, 'ana@example.com'))
    assert.equal((await ana.userCancel(order.orderId)).statusCode, 200)
    assert.equal((await api(test).getOk(order.orderId)).status, 'cancellation-requested')

    assert.equal((await settings({ cancellationGracePeriodMinutes: 43_200 })).statusCode, 200)
    const long = await api(test).approvedOrder(singleOrder('LONG-GRACE'))
    assert.equal(long.status, 'window-to-cancel')
    test.clock.advanceMinutes(43_199)
    await test.runDueJobs()
    assert.equal((await api(test).getOk(long.orderId)).status, 'window-to-cancel')
    test.clock.advanceMinutes(1)
    await test.runDueJobs()
    assert.equal((await api(test).getOk(long.orderId)).status, 'ready-for-handling')
  })
})
