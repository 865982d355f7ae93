// Changing a marketplace order's seller (VTEX's change seller), and the window to change seller: account acme
// sells the example order's second part for seller partner; partner2, another account, can take it over.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { putSeller } from '../src/modules/sellers/seller.service.ts'
import { api, errorCode } from './api.ts'
import { exampleOrder, PARTNER } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { eventsOf, statesOf } from './workflow-log.ts'

const WINDOW = '/api/checkout/pvt/configuration/window-to-change-seller'
const OTHER = { id: 'partner2', name: 'Second Partner', account: 'partner2' } as const

async function withTwoSellers(
  t: Parameters<typeof startTestApp>[0],
  dialect: Parameters<typeof startTestApp>[1],
) {
  const test = await startTestApp(t, dialect)
  await createAccount(test.deps, OTHER.account)
  await putSeller(
    test.deps,
    'acme',
    OTHER.id,
    { name: OTHER.name, account: OTHER.account },
    { operator: true },
  )
  const store = api(test)
  const partner = api(test, await test.newKey(['OMS - Full access'], PARTNER.account))
  const other = api(test, await test.newKey(['OMS - Full access'], OTHER.account))
  return { test, store, partner, other }
}

/** The example order placed, its partner part accepted by the partner; paid too when asked. */
async function sold(test: TestApp, tag: string, { paid }: { paid: boolean }) {
  const store = api(test)
  const placed = await store.placeOk(exampleOrder({ marketplaceOrderId: tag }))
  const [own, forPartner] = placed.orders
  assert.ok(own && forPartner)
  await test.runDueJobs()
  if (paid) {
    const paymentId = own.paymentData.transactions[0]?.payments[0]?.id ?? ''
    assert.equal((await store.notifyPayment(own.orderId, paymentId)).statusCode, 200)
    await test.runDueJobs()
  }
  return { own, orderId: forPartner.orderId, sellerOrderId: `SLR-${forPartner.orderId}` }
}

const changeSeller = (test: TestApp, orderId: string, body: unknown) =>
  api(test).send('PUT', `/api/checkout/pvt/orders/${orderId}/sellers`, body)

const statusOf = async (client: ReturnType<typeof api>, orderId: string) =>
  (await client.getOk(orderId)).status

describeEachDialect('change seller', (dialect) => {
  it('keeps an order its seller canceled in the window to change seller, where another seller takes it over', async (t) => {
    const { test, store, partner, other } = await withTwoSellers(t, dialect)
    assert.equal((await store.send('GET', WINDOW)).body, '2', "VTEX's default: 2 days")
    const { orderId, sellerOrderId } = await sold(test, 'CHG-1', { paid: true })
    assert.equal(await statusOf(store, orderId), 'waiting-seller-handling')

    // The partner cancels its order: the marketplace's order waits for another seller instead of canceling.
    assert.equal((await partner.cancel(sellerOrderId, { reason: 'Out of stock' })).statusCode, 200)
    await test.runDueJobs()
    const waiting = await store.getOk(orderId)
    assert.equal(waiting.status, 'window-to-change-seller')
    assert.equal(waiting.statusDescription, 'Janela para mudança de seller')
    assert.equal(waiting.cancellationData, null)
    // Why, for the marketplace choosing another seller: the seller's reason, as an interaction.
    const told = (await store.timeline(orderId)).json<{
      entries: { type: string; source?: string; message?: string }[]
    }>()
    assert.ok(
      told.entries.some(
        (e) => e.type === 'interaction' && e.source === 'Seller' && e.message === 'Out of stock',
      ),
      JSON.stringify(told.entries.filter((e) => e.type === 'interaction')),
    )

    // The marketplace gives it to partner2, with the delivery partner2 offers.
    const logisticsInfo = [{ itemIndex: 0, selectedSla: 'Express', selectedDeliveryChannel: 'delivery' }]
    const changed = await changeSeller(test, orderId, {
      newSellerId: OTHER.id,
      shippingData: { logisticsInfo },
    })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.json<{ orderId: string }>().orderId, orderId)
    await test.runDueJobs()
    const taken: OrderDocument = await store.getOk(orderId)
    assert.equal(taken.status, 'waiting-seller-handling', 'paid already: on to the new seller at once')
    assert.deepEqual(
      taken.sellers.map((seller) => [seller.id, seller.name]),
      [[OTHER.id, OTHER.name]],
    )
    assert.equal(taken.shippingData.logisticsInfo[0]?.selectedSla, 'Express')
    // The customer paid the marketplace once: another seller changes nothing of that payment.
    assert.deepEqual(taken.paymentData, waiting.paymentData)
    assert.equal(taken.value, waiting.value)
    const copy = await other.getOk(sellerOrderId)
    assert.equal(copy.marketplaceOrderId, orderId)
    assert.equal(copy.status, 'window-to-cancel', 'authorized to fulfil: the payment was approved')
    assert.equal(await statusOf(partner, sellerOrderId), 'canceled')

    assert.deepEqual(statesOf(await eventsOf(test.deps.db, orderId)).slice(-7), [
      'waiting-seller-handling',
      'window-to-change-seller',
      'waiting-for-authorization',
      'payment-pending',
      'approve-payment',
      'payment-approved',
      'waiting-seller-handling',
    ])
    const timeline = (await store.timeline(orderId)).json<{
      entries: { type: string; sellerId?: string }[]
    }>()
    assert.ok(timeline.entries.some((entry) => entry.type === 'seller-change' && entry.sellerId === OTHER.id))

    // The customer heard once that the payment was approved, though the order went through it again.
    const conversation = (
      await store.send('GET', `/api/oms/pvt/orders/${orderId}/conversation-message`)
    ).json<{ subject: string }[]>()
    assert.equal(
      conversation.filter((m) => /aprovado|approved/i.test(m.subject)).length,
      1,
      JSON.stringify(conversation),
    )

    // The new seller invoices: the marketplace's order is invoiced.
    test.clock.advanceMinutes(31)
    await test.runDueJobs()
    assert.equal((await other.startHandling(sellerOrderId)).statusCode, 204)
    const invoice = {
      type: 'Output',
      invoiceNumber: 'NF-2',
      invoiceValue: 3000,
      issuanceDate: '2026-03-03T10:00:00Z',
    }
    assert.equal((await other.invoice(sellerOrderId, invoice)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(store, orderId), 'invoiced')
  })

  it('cancels the order when nobody takes it within the window, and at once without a window', async (t) => {
    const { test, store, partner } = await withTwoSellers(t, dialect)
    const { orderId, sellerOrderId } = await sold(test, 'CHG-TIMEOUT', { paid: true })
    assert.equal((await partner.cancel(sellerOrderId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(store, orderId), 'window-to-change-seller')
    test.clock.advanceMinutes(2 * 24 * 60 + 1)
    await test.runDueJobs()
    const expired = await store.getOk(orderId)
    assert.equal(expired.status, 'canceled')
    assert.equal(expired.cancellationData?.RequestedBySystem, true)
    assert.equal(
      expired.cancellationData?.Reason,
      'The seller canceled the order, and no other seller took it within the window to change seller.',
    )

    for (const waitingTime of [31, -1, 1.5, '2']) {
      const refused = await store.send('POST', WINDOW, { waitingTime })
      assert.equal(refused.statusCode, 400, `${String(waitingTime)}: ${refused.body}`)
    }
    assert.equal((await store.send('POST', WINDOW, { waitingTime: 0 })).statusCode, 201)
    assert.equal((await store.send('GET', WINDOW)).body, '0')
    assert.equal(
      (await store.send('GET', '/api/ordo/pvt/settings')).json<{ windowToChangeSellerDays: number }>()
        .windowToChangeSellerDays,
      0,
    )
    const next = await sold(test, 'CHG-NOWINDOW', { paid: true })
    assert.equal((await partner.cancel(next.sellerOrderId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(store, next.orderId), 'canceled')
  })

  it('changes the seller of an order not yet paid: the seller it leaves has its order canceled', async (t) => {
    const { test, store, partner, other } = await withTwoSellers(t, dialect)
    const { own, orderId, sellerOrderId } = await sold(test, 'CHG-PENDING', { paid: false })
    assert.equal(await statusOf(store, orderId), 'payment-pending')
    assert.equal(await statusOf(partner, sellerOrderId), 'waiting-ffmt-authorization')

    assert.equal(
      (await changeSeller(test, orderId, { newSellerId: OTHER.id, marketplacePaymentValue: 3000 }))
        .statusCode,
      200,
    )
    assert.equal(await statusOf(store, orderId), 'waiting-for-authorization')
    await test.runDueJobs()
    const left = await partner.getOk(sellerOrderId)
    assert.equal(left.status, 'canceled')
    assert.equal(left.cancellationData?.Reason, 'The marketplace gave the order to another seller.')
    // The partner's cancellation does not reach the order, which is partner2's now.
    assert.equal(await statusOf(store, orderId), 'payment-pending')
    assert.equal(await statusOf(other, sellerOrderId), 'waiting-ffmt-authorization')

    // Paid: partner2, not the partner, is authorized.
    const paymentId = own.paymentData.transactions[0]?.payments[0]?.id ?? ''
    assert.equal((await store.notifyPayment(own.orderId, paymentId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(other, sellerOrderId), 'window-to-cancel')
    assert.equal(await statusOf(store, orderId), 'waiting-seller-handling')
  })

  it('cancels the group of an order waiting for another seller when its payment is denied', async (t) => {
    const { test, store, partner } = await withTwoSellers(t, dialect)
    const { own, orderId, sellerOrderId } = await sold(test, 'CHG-DENIED', { paid: false })
    assert.equal((await partner.cancel(sellerOrderId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(store, orderId), 'window-to-change-seller')
    const paymentId = own.paymentData.transactions[0]?.payments[0]?.id ?? ''
    const denied = await store.send(
      'POST',
      `/api/ordo/pvt/orders/${own.orderId}/payments/${paymentId}/payment-denial`,
    )
    assert.equal(denied.statusCode, 200, denied.body)
    assert.equal(await statusOf(store, orderId), 'canceled')
    assert.equal(await statusOf(store, own.orderId), 'canceled')
  })

  it('refuses a change the order cannot take with a clear error, and changes nothing', async (t) => {
    const { test, store } = await withTwoSellers(t, dialect)
    const { own, orderId } = await sold(test, 'CHG-REFUSED', { paid: true })
    const cases: [string, unknown, number, RegExp][] = [
      [orderId, { newSellerId: OTHER.id }, 409, /is waiting-seller-handling: its seller changes only in/],
      [own.orderId, { newSellerId: OTHER.id }, 409, /only a marketplace order changes seller/],
      [orderId, {}, 400, /newSellerId/],
      [orderId, { newSellerId: OTHER.id, marketplacePaymentValue: -1 }, 400, /marketplacePaymentValue/],
    ]
    for (const [id, body, status, message] of cases) {
      const res = await changeSeller(test, id, body)
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`)
      assert.match(res.json<{ error: { message: string } }>().error.message, message)
    }

    const pending = await sold(test, 'CHG-REFUSED-2', { paid: false })
    const more: [unknown, RegExp][] = [
      [{ newSellerId: '1' }, /cannot go to seller 1/],
      [{ newSellerId: 'nobody' }, /Seller nobody is not registered in account acme/],
      [{ newSellerId: PARTNER.id }, /has been seller partner's already/],
      [
        { newSellerId: OTHER.id, shippingData: { logisticsInfo: [{ itemIndex: 7, selectedSla: 'X' }] } },
        /has no item 7/,
      ],
    ]
    for (const [body, message] of more) {
      const res = await changeSeller(test, pending.orderId, body)
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001')
      assert.match(res.json<{ error: { message: string } }>().error.message, message)
    }
    // The partner's account under another seller id is still the seller the order has.
    await putSeller(
      test.deps,
      'acme',
      'partner-again',
      { name: 'Again', account: PARTNER.account },
      { operator: true },
    )
    const again = await changeSeller(test, pending.orderId, { newSellerId: 'partner-again' })
    assert.equal(again.statusCode, 400, again.body)
    assert.equal((await changeSeller(test, pending.orderId, { newSellerId: OTHER.id })).statusCode, 200)
    // Sent again, as a client retries: answered, and nothing more changes.
    const versionBefore = (await store.getOk(pending.orderId)).lastChange
    assert.equal((await changeSeller(test, pending.orderId, { newSellerId: OTHER.id })).statusCode, 200)
    assert.equal((await store.getOk(pending.orderId)).lastChange, versionBefore)
    // Back to a seller it left: refused.
    const back = await changeSeller(test, pending.orderId, { newSellerId: PARTNER.id })
    assert.equal(back.statusCode, 400, back.body)
    assert.equal(await statusOf(store, pending.orderId), 'waiting-for-authorization')
  })
})
