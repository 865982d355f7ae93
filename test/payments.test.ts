// Payments as VTEX keeps them: one transaction per order group, shared by its orders; one notification moves
// the whole group; Get order and payment-transaction tell the same story; money formatted in the order's currency.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import type { PaymentTransaction } from '../src/modules/payments/payment.schemas.ts'
import { api, errorCode } from './api.ts'
import { BRL_STORE_PREFERENCES, exampleOrder, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { APPROVAL_STATES, assertLog, INTAKE_STATES } from './workflow-log.ts'

const transactionOf = (order: OrderDocument) => {
  const transaction = order.paymentData.transactions[0]
  assert.ok(transaction)
  return transaction
}

async function paymentTransaction(test: TestApp, orderId: string): Promise<PaymentTransaction> {
  const res = await api(test).send('GET', `/api/oms/pvt/orders/${orderId}/payment-transaction`)
  assert.equal(res.statusCode, 200, res.body)
  return res.json<PaymentTransaction>()
}

describeEachDialect('payments of an order group', (dialect) => {
  it('shares one transaction across the group and moves every order on with one notification', async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(
      exampleOrder({
        paymentData: {
          payments: [
            { paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: 10000 },
            { paymentSystem: '125', paymentSystemName: 'Pix', group: 'instantPayment', value: 3980 },
          ],
        },
      }),
    )
    const [first, second] = placed.orders
    assert.ok(first && second)
    // The partner accepts the marketplace's order for it: its placement is delivered.
    await test.runDueJobs()
    const one = transactionOf(first)
    const two = transactionOf(second)
    assert.equal(one.transactionId, two.transactionId, 'one transaction for the group')
    assert.deepEqual(
      one.payments.map((p) => [p.id, p.value]),
      two.payments.map((p) => [p.id, p.value]),
    )
    assert.deepEqual(
      one.payments.map((p) => p.value),
      [10000, 3980],
      'payment values are for the whole group',
    )
    assert.deepEqual([first.value, second.value], [10980, 3000])

    const [visa, pix] = one.payments.map((p) => p.id)
    assert.ok(visa && pix)
    assert.equal((await api(test).notifyPayment(first.orderId, visa)).statusCode, 200)
    for (const order of placed.orders) {
      assert.equal((await api(test).getOk(order.orderId)).status, 'payment-pending', 'one of two payments')
    }
    // Notified through the other order of the group: the same payment of the same transaction.
    assert.equal((await api(test).notifyPayment(second.orderId, pix)).statusCode, 200)
    // The store's order enters its grace period; the marketplace's waits for its seller.
    for (const [order, rest] of [
      [first, 'window-to-cancel'],
      [second, 'waiting-seller-handling'],
    ] as const) {
      const now = await api(test).getOk(order.orderId)
      assert.equal(now.status, rest, `${order.orderId} moved on`)
      assert.equal(now.authorizedDate, test.clock.now().toISOString())
    }
    const money = await paymentTransaction(test, second.orderId)
    assert.deepEqual(
      money.events.map((e) => [e.type, e.paymentId, e.value]),
      [['approval', pix, 3000]],
      "the second order's share: the Pix payment pays for it entirely",
    )
    assert.equal(money.status, 'Approved')
  })

  it('keeps Get order and payment-transaction in agreement after one order of the group is canceled', async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    const [first, second] = placed.orders
    assert.ok(first && second)
    const payment = transactionOf(first).payments[0]?.id
    assert.ok(payment)
    assert.equal((await api(test).cancel(second.orderId, { reason: 'Partner out of stock' })).statusCode, 200)

    const agree = async (orderId: string, active: boolean, status: string, paymentStatus: string) => {
      const document = await api(test).getOk(orderId)
      const transaction = await paymentTransaction(test, orderId)
      assert.equal(transactionOf(document).isActive, active, `${orderId}: Get order isActive`)
      assert.equal(transaction.isActive, active, `${orderId}: payment-transaction isActive`)
      assert.equal(transaction.status, status, orderId)
      assert.equal(transaction.transactionId, transactionOf(document).transactionId)
      assert.deepEqual(
        transaction.payments.map((p) => p.id),
        transactionOf(document).payments.map((p) => p.id),
      )
      assert.deepEqual(
        transaction.payments.map((p) => p.status),
        [paymentStatus],
      )
    }
    await agree(second.orderId, false, 'Cancelled', 'voided')
    await agree(first.orderId, true, 'Authorizing', 'pending')

    // The payment still arrives for what was not canceled.
    assert.equal((await api(test).notifyPayment(second.orderId, payment)).statusCode, 200)
    assert.equal((await api(test).getOk(first.orderId)).status, 'window-to-cancel')
    assert.equal((await api(test).getOk(second.orderId)).status, 'canceled')
    await agree(first.orderId, true, 'Approved', 'approved')
    await agree(second.orderId, false, 'Cancelled', 'voided')

    assert.equal((await api(test).cancel(first.orderId)).statusCode, 200)
    await agree(first.orderId, false, 'Refunded', 'refunded')
    const late = await api(test).notifyPayment(first.orderId, payment)
    assert.equal(late.statusCode, 400, 'every share of the payment was returned')
    assert.equal(errorCode(late), 'OMS010')
  })

  it('refuses a payment of another group, and one whose every share was closed', async (t) => {
    const test = await startTestApp(t, dialect)
    const a = (await api(test).placeOk(singleOrder('PAY-A'))).orders[0]
    const b = (await api(test).placeOk(singleOrder('PAY-B'))).orders[0]
    assert.ok(a && b)
    const bPayment = transactionOf(b).payments[0]?.id ?? ''
    const foreign = await api(test).notifyPayment(a.orderId, bPayment)
    assert.equal(foreign.statusCode, 404)
    assert.equal(errorCode(foreign), 'OMS009')
    assert.equal((await api(test).cancel(b.orderId)).statusCode, 200)
    const closed = await api(test).notifyPayment(b.orderId, bPayment)
    assert.equal(closed.statusCode, 400)
    assert.equal(errorCode(closed), 'OMS010')
  })

  it("cancels the whole group when the gateway denies a payment, voiding each order's share", async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    const [first, second] = placed.orders
    assert.ok(first && second)
    await test.runDueJobs()
    const paymentId = transactionOf(first).payments[0]?.id ?? ''
    test.clock.advanceMinutes(3)
    // As a gateway integration sends it: a POST with no body at all.
    const denied = await test.app.inject({
      method: 'POST',
      url: `/api/ordo/pvt/orders/${second.orderId}/payments/${paymentId}/payment-denial`,
      headers: test.headers,
    })
    assert.equal(denied.statusCode, 200, denied.body)
    for (const order of placed.orders) {
      const now = await api(test).getOk(order.orderId)
      assert.equal(now.status, 'canceled')
      assert.equal(now.cancellationData?.RequestedByPaymentNotification, true)
      assert.equal(now.cancellationData?.RequestedByUser, false)
      assert.equal(now.cancellationData?.Reason, `Payment ${paymentId} was denied.`)
      await assertLog(test, order.orderId, [...INTAKE_STATES, 'payment-denied', 'cancel', 'canceled'])
      const transaction = await paymentTransaction(test, order.orderId)
      assert.deepEqual(
        transaction.payments.map((p) => p.status),
        ['voided'],
      )
    }
    // Once denied, neither a notification nor another denial changes anything.
    for (const call of [
      api(test).notifyPayment(first.orderId, paymentId),
      api(test).send(
        'POST',
        `/api/ordo/pvt/orders/${first.orderId}/payments/${paymentId}/payment-denial`,
        {},
      ),
    ]) {
      const res = await call
      assert.equal(res.statusCode, 400, res.body)
      assert.equal(errorCode(res), 'OMS010')
    }
  })

  it('refuses to deny an approved payment, an unknown one, and keeps the reason it is given', async (t) => {
    const test = await startTestApp(t, dialect)
    const paid = await api(test).approvedOrder(singleOrder('DENY-LATE'))
    const paidPayment = transactionOf(paid).payments[0]?.id ?? ''
    const deny = (orderId: string, paymentId: string, body: unknown = {}) =>
      api(test).send('POST', `/api/ordo/pvt/orders/${orderId}/payments/${paymentId}/payment-denial`, body)
    const late = await deny(paid.orderId, paidPayment)
    assert.equal(late.statusCode, 400, late.body)
    assert.equal(errorCode(late), 'OMS010')
    assert.match(late.json<{ error: { message: string } }>().error.message, /already approved.*cancel order/)
    assert.equal((await api(test).getOk(paid.orderId)).status, paid.status)

    const order = (await api(test).placeOk(singleOrder('DENY-REASON'))).orders[0]
    assert.ok(order)
    assert.equal((await deny(order.orderId, 'no-such-payment')).statusCode, 404)
    assert.equal(
      (await deny(order.orderId, transactionOf(order).payments[0]?.id ?? '', { reason: 7 })).statusCode,
      400,
    )
    const ok = await deny(order.orderId, transactionOf(order).payments[0]?.id ?? '', {
      reason: 'Card declined.',
    })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal((await api(test).getOk(order.orderId)).cancellationData?.Reason, 'Card declined.')
  })

  it('takes payments that arrive approved as paid: no notification, straight to the grace period', async (t) => {
    const test = await startTestApp(t, dialect)
    const body = singleOrder('ARRIVED-PAID')
    const placed = await api(test).placeOk({
      ...body,
      paymentData: {
        payments: body.paymentData.payments.map((p) => ({ ...p, status: 'approved' as const })),
      },
    })
    const [order] = placed.orders
    assert.ok(order)
    assert.equal(order.status, 'window-to-cancel')
    assert.equal(order.authorizedDate, test.clock.now().toISOString())
    await assertLog(test, order.orderId, [...INTAKE_STATES, ...APPROVAL_STATES])
    const transaction = await paymentTransaction(test, order.orderId)
    assert.equal(transaction.status, 'Approved')
    assert.deepEqual(
      transaction.events.map((e) => e.type),
      ['approval'],
    )
    const refused = await api(test).place({
      ...singleOrder('ARRIVED-ODD'),
      paymentData: { payments: body.paymentData.payments.map((p) => ({ ...p, status: 'captured' })) },
    } as never)
    assert.equal(refused.statusCode, 400, refused.body)
  })
})

describeEachDialect('money formatting', (dialect) => {
  it("follows the order's currency and locale", async (t) => {
    const test = await startTestApp(t, dialect)
    const reais = await api(test).placeOk(singleOrder('BRL'))
    assert.deepEqual(reais.orders[0]?.storePreferencesData, BRL_STORE_PREFERENCES)
    const dollars = await api(test).placeOk({
      ...singleOrder('USD-2'),
      clientPreferencesData: { locale: 'en-US' },
      storePreferencesData: { countryCode: 'USA', currencyCode: 'USD', timeZone: 'Eastern Standard Time' },
    })
    const preferences = dollars.orders[0]?.storePreferencesData
    assert.equal(preferences?.currencyFormatInfo.CurrencyDecimalSeparator, '.')
    assert.equal(preferences?.currencyFormatInfo.CurrencyGroupSeparator, ',')
    assert.equal(preferences?.currencySymbol, '$')
    assert.equal(preferences?.currencyLocale, 1033)
    assert.equal(preferences?.currencyFormatInfo.StartsWithCurrencySymbol, true)

    for (const [field, body] of [
      ['currencyCode', { storePreferencesData: { currencyCode: 'XYZ' } }],
      ['locale', { clientPreferencesData: { locale: 'not a locale' } }],
    ] as const) {
      const res = await api(test).place({ ...singleOrder(`BAD-${field}`), ...body })
      assert.equal(res.statusCode, 400, res.body)
      assert.match(res.body, new RegExp(field))
    }
  })
})
