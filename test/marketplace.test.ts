// A marketplace and its seller on one server: account acme sells the example order, whose second part seller
// partner (another account) fulfils. Every message between the two is a job, run here as the server's worker
// would run it; each side is driven through its own Orders API, with its own key.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { deliverOrderMessage } from '../src/modules/marketplace/marketplace.service.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { api, errorCode } from './api.ts'
import { exampleOrder, MARKETPLACE_PATH, PARTNER, SELLER_APPROVED_PATH } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { eventsOf, statesOf } from './workflow-log.ts'

const invoice = (invoiceNumber: string, invoiceValue: number) => ({
  type: 'Output',
  invoiceNumber,
  invoiceValue,
  issuanceDate: '2026-03-03T10:00:00Z',
})

/** The example order placed by acme, its partner part accepted by the partner, as both sides see it. */
async function sold(test: TestApp, tag = 'MKT-1') {
  const placed = await api(test).placeOk(exampleOrder({ marketplaceOrderId: tag }))
  const [own, forPartner] = placed.orders
  assert.ok(own && forPartner)
  const partner = api(test, await test.newKey(['OMS - Full access'], PARTNER.account))
  const store = api(test)
  const sellerOrderId = `SLR-${forPartner.orderId}`
  const paymentId = own.paymentData.transactions[0]?.payments[0]?.id ?? ''
  return { own, forPartner, partner, store, sellerOrderId, paymentId }
}

const statusOf = async (client: ReturnType<typeof api>, orderId: string): Promise<string> =>
  (await client.getOk(orderId)).status

describeEachDialect('marketplace and seller', (dialect) => {
  it('places, authorizes, handles and invoices a marketplace order through its seller, each side in its own flow', async (t) => {
    const test = await startTestApp(t, dialect)
    const { own, forPartner, partner, store, sellerOrderId, paymentId } = await sold(test)
    assert.equal(forPartner.status, 'waiting-for-authorization')
    assert.equal(forPartner.sellerOrderId, sellerOrderId)

    // The placement reaches the partner, who accepts it: its own order, in the seller flow.
    assert.ok((await test.runDueJobs()) > 0)
    const copy = await partner.getOk(sellerOrderId)
    assert.equal(copy.status, 'waiting-ffmt-authorization')
    assert.equal(copy.origin, 'Fulfillment')
    assert.equal(copy.marketplaceOrderId, forPartner.orderId)
    assert.equal(copy.value, forPartner.value)
    assert.deepEqual(
      copy.items.map((item) => [item.id, item.name, item.quantity, item.sellingPrice]),
      forPartner.items.map((item) => [item.id, item.name, item.quantity, item.sellingPrice]),
    )
    assert.equal(await statusOf(store, forPartner.orderId), 'payment-pending')
    // The partner's order is not the marketplace's to read, and the other way round.
    assert.equal((await store.get(sellerOrderId)).statusCode, 404)
    assert.equal((await partner.get(forPartner.orderId)).statusCode, 404)

    // Paid: the store's own order enters its grace period; the partner is authorized to fulfil.
    assert.equal((await store.notifyPayment(own.orderId, paymentId)).statusCode, 200)
    assert.equal(await statusOf(store, forPartner.orderId), 'waiting-seller-handling')
    await test.runDueJobs()
    assert.equal(await statusOf(partner, sellerOrderId), 'window-to-cancel')
    test.clock.advanceMinutes(31)
    await test.runDueJobs()
    assert.equal(await statusOf(partner, sellerOrderId), 'ready-for-handling')

    // The marketplace cannot handle or invoice what its seller fulfils (VTEX's OMS003).
    const handling = await store.startHandling(forPartner.orderId)
    assert.equal(handling.statusCode, 409, handling.body)
    assert.equal(errorCode(handling), 'OMS003')
    const ownInvoice = await store.invoice(forPartner.orderId, invoice('NF-MKT', 3000))
    assert.equal(ownInvoice.statusCode, 409, ownInvoice.body)

    // The partner handles and invoices its own order; each invoice reaches the marketplace's order.
    assert.equal((await partner.startHandling(sellerOrderId)).statusCode, 204)
    assert.equal((await partner.invoice(sellerOrderId, invoice('NF-P1', 1000))).statusCode, 200)
    await test.runDueJobs()
    const partial = await store.getOk(forPartner.orderId)
    assert.equal(partial.status, 'waiting-seller-handling')
    assert.deepEqual(
      partial.packageAttachment.packages.map((p) => [p.invoiceNumber, p.invoiceValue]),
      [['NF-P1', 1000]],
    )
    // The partner's tracking of its invoice reaches the marketplace's package of it.
    const number = {
      trackingNumber: 'TRK-P1',
      trackingUrl: 'https://track.example/TRK-P1',
      courier: 'Correios',
    }
    assert.equal((await partner.updateTracking(sellerOrderId, 'NF-P1', number)).statusCode, 200)
    const delivered = {
      isDelivered: true,
      deliveredDate: '2026-03-05T10:00:00Z',
      events: [
        { city: 'Rio de Janeiro', state: 'RJ', description: 'Delivered', date: '2026-03-05T10:00:00Z' },
      ],
    }
    assert.equal((await partner.trackingStatus(sellerOrderId, 'NF-P1', delivered)).statusCode, 200)
    assert.equal((await partner.invoice(sellerOrderId, invoice('NF-P2', 2000))).statusCode, 200)
    await test.runDueJobs()
    const done = await store.getOk(forPartner.orderId)
    assert.equal(done.status, 'invoiced')
    const [tracked] = done.packageAttachment.packages
    assert.deepEqual(
      [tracked?.trackingNumber, tracked?.trackingUrl, tracked?.courier, tracked?.courierStatus?.finished],
      ['TRK-P1', 'https://track.example/TRK-P1', 'Correios', true],
    )
    assert.deepEqual(
      tracked?.courierStatus?.data.map((event) => event.description),
      ['Delivered'],
    )

    // The customer returns a unit: the partner's return invoice reaches the marketplace, which refunds it.
    const itemId = done.items[0]?.id ?? ''
    const returned = {
      ...invoice('RET-1', 1000),
      type: 'Input',
      items: [{ id: itemId, price: 1000, quantity: 1 }],
    }
    const returnAnswer = await partner.invoice(sellerOrderId, returned)
    assert.equal(returnAnswer.statusCode, 200, returnAnswer.body)
    await test.runDueJobs()
    const afterReturn = await store.getOk(forPartner.orderId)
    assert.deepEqual(
      afterReturn.packageAttachment.packages.map((p) => [p.type, p.invoiceNumber, p.invoiceValue]),
      [
        ['Output', 'NF-P1', 1000],
        ['Output', 'NF-P2', 2000],
        ['Input', 'RET-1', 1000],
      ],
    )
    assert.equal(afterReturn.status, 'invoiced')
    assert.equal(await statusOf(partner, sellerOrderId), 'invoiced')

    // Each side logged its own flow, each transition in its instance.
    assert.deepEqual(statesOf(await eventsOf(test.deps.db, forPartner.orderId)), [
      ...MARKETPLACE_PATH,
      'invoice',
      'invoiced',
    ])
    assert.deepEqual(statesOf(await eventsOf(test.deps.db, sellerOrderId, PARTNER.account)), [
      ...SELLER_APPROVED_PATH,
      'start-handling',
      'handling',
      'invoice',
      'invoiced',
    ])
    const domains = (await eventsOf(test.deps.db, sellerOrderId, PARTNER.account)).map((e) => e.domain)
    assert.ok(domains.every((domain) => domain === 'Fulfillment'))
    assert.equal(await test.runDueJobs(), 0, 'nothing left to deliver')
  })

  it('cancels at once while the seller has not started: before it accepted, and in its grace period', async (t) => {
    const test = await startTestApp(t, dialect)
    // Canceled before the placement was delivered: the seller never gets the order.
    const early = await sold(test)
    assert.equal((await early.store.cancel(early.forPartner.orderId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(early.store, early.forPartner.orderId), 'canceled')
    assert.equal((await early.partner.get(early.sellerOrderId)).statusCode, 404)

    // Canceled while the seller is in its grace period: asked, the seller cancels at once, and so the marketplace.
    const late = await sold(test, 'MKT-2')
    await test.runDueJobs()
    assert.equal((await late.store.notifyPayment(late.own.orderId, late.paymentId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(late.partner, late.sellerOrderId), 'window-to-cancel')
    const asked = await late.store.cancel(late.forPartner.orderId, { reason: 'Customer changed their mind' })
    assert.equal(asked.statusCode, 200, asked.body)
    assert.equal(await statusOf(late.store, late.forPartner.orderId), 'waiting-for-seller-decision')
    const twice = await late.store.cancel(late.forPartner.orderId)
    assert.equal(twice.statusCode, 409, 'one request at a time: the seller decides')
    await test.runDueJobs()
    const copy = await late.partner.getOk(late.sellerOrderId)
    assert.equal(copy.status, 'canceled')
    assert.equal(copy.cancellationData?.Reason, 'Customer changed their mind')
    assert.equal(await statusOf(late.store, late.forPartner.orderId), 'canceled')
  })

  it("asks a seller that started to decide: a denial sends the marketplace's order back, an acceptance cancels both", async (t) => {
    const test = await startTestApp(t, dialect)
    await api(test, await test.newKey(['OMS - Full access'], PARTNER.account)).send(
      'PUT',
      '/api/ordo/pvt/settings',
      {
        cancellationGracePeriodMinutes: 0,
      },
    )
    const { own, forPartner, partner, store, sellerOrderId, paymentId } = await sold(test)
    await test.runDueJobs()
    assert.equal((await store.notifyPayment(own.orderId, paymentId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(partner, sellerOrderId), 'ready-for-handling')

    const asked = await store.cancel(forPartner.orderId, { reason: 'Wrong size' })
    assert.equal(asked.statusCode, 200)
    const requestId = asked.json<{ receipt: string }>().receipt
    // The marketplace's store does not decide for its seller.
    const denyHere = await store.deny(forPartner.orderId, { cancellationRequestId: requestId })
    assert.equal(denyHere.statusCode, 409, denyHere.body)
    await test.runDueJobs()
    const requested = await partner.getOk(sellerOrderId)
    assert.equal(requested.status, 'cancellation-requested')
    assert.equal(requested.cancellationRequests?.at(-1)?.id, requestId)

    const denied = await partner.deny(sellerOrderId, {
      cancellationRequestId: requestId,
      denyReason: 'Already packed',
    })
    assert.equal(denied.statusCode, 200, denied.body)
    assert.equal(await statusOf(partner, sellerOrderId), 'ready-for-handling')
    await test.runDueJobs()
    const back = await store.getOk(forPartner.orderId)
    assert.equal(back.status, 'waiting-seller-handling')
    assert.equal(back.cancellationRequests?.at(-1)?.deniedBySeller, true)
    assert.equal(back.cancellationRequests?.at(-1)?.deniedBySellerReason, 'Already packed')
    assert.deepEqual(statesOf(await eventsOf(test.deps.db, forPartner.orderId)).slice(-4), [
      'request-cancel',
      'waiting-for-seller-decision',
      'payment-approved',
      'waiting-seller-handling',
    ])

    // Asked again, the partner accepts this time.
    const again = await store.cancel(forPartner.orderId, { reason: 'Wrong size, really' })
    assert.equal(again.statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(partner, sellerOrderId), 'cancellation-requested')
    // The first denial, delivered again (as after a crash), does not deny the new request.
    const replayed = { kind: 'denied' as const, requestId }
    await deliverOrderMessage(test.deps, {
      account: PARTNER.account,
      orderId: sellerOrderId,
      message: replayed,
    })
    assert.equal(await statusOf(store, forPartner.orderId), 'waiting-for-seller-decision')
    assert.equal((await partner.cancel(sellerOrderId)).statusCode, 200)
    await test.runDueJobs()
    const canceled = await store.getOk(forPartner.orderId)
    assert.equal(canceled.status, 'canceled')
    // Accepting the request keeps why it was asked.
    assert.equal(canceled.cancellationData?.Reason, 'Wrong size, really')
    // The store's own order of the group is untouched, in its own grace period.
    assert.equal(await statusOf(store, own.orderId), 'window-to-cancel')
  })

  it("cancels the marketplace's order when the seller cancels its own and the marketplace keeps no window to change seller", async (t) => {
    const test = await startTestApp(t, dialect)
    const { own, forPartner, partner, store, sellerOrderId, paymentId } = await sold(test)
    const noWindow = { waitingTime: 0 }
    const configured = await store.send(
      'POST',
      '/api/checkout/pvt/configuration/window-to-change-seller',
      noWindow,
    )
    assert.equal(configured.statusCode, 201, configured.body)
    await test.runDueJobs()
    assert.equal((await store.notifyPayment(own.orderId, paymentId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal((await partner.cancel(sellerOrderId, { reason: 'Out of stock' })).statusCode, 200)
    await test.runDueJobs()
    const canceled: OrderDocument = await store.getOk(forPartner.orderId)
    assert.equal(canceled.status, 'canceled')
    assert.equal(canceled.cancellationData?.RequestedBySellerNotification, true)
    // The store's share of the payment for this order is refunded.
    const transaction = (await store.paymentTransaction(forPartner.orderId)).json<{ status: string }>()
    assert.equal(transaction.status, 'Refunded')
  })
})
