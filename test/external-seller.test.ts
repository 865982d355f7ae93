// Ordo as the marketplace of an external seller: a real HTTP server on 127.0.0.1 plays the seller, speaking the
// External Seller Fulfillment protocol. Ordo sends it the placement, the authorization to fulfil and the
// cancellations, each checked against the protocol's schemas; the seller calls back on the marketplace's Orders
// API with its callback key. A seller that is down gets every message once it is back, in order.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createKey } from '../src/modules/access/access.service.ts'
import { jobHandlers } from '../src/job-handlers.ts'
import { runDueJobs } from '../src/worker/worker.ts'
import { api, errorCode } from './api.ts'
import { externalSeller, type ExternalSeller } from './external-seller.ts'
import { exampleOrder, MARKETPLACE_PATH, PARTNER } from './fixtures.ts'
import { describeEachDialect, keyHeaders, startTestApp, type TestApp } from './harness.ts'
import { eventsOf, statesOf } from './workflow-log.ts'

const PUBLIC_URL = 'https://oms.acme.example'

/** Account acme with seller `partner` registered as the external seller, which calls back with its own key. */
async function withExternalSeller(
  t: Parameters<typeof startTestApp>[0],
  dialect: Parameters<typeof startTestApp>[1],
  { publicUrl = PUBLIC_URL }: { publicUrl?: string | null } = {},
) {
  const test = await startTestApp(t, dialect, publicUrl === null ? {} : { publicUrl })
  const seller = await externalSeller(t)
  const store = api(test)
  assert.equal(
    (await store.send('PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true })).statusCode,
    200,
  )
  // The key the seller calls back with, which can do the seller's calls and nothing else.
  const callback = await createKey(test.deps, { account: 'acme', roles: ['Ordo - External seller'] })
  const registered = await store.send('PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
    name: 'Partner Store',
    fulfillmentEndpoint: seller.endpoint,
    headers: { 'X-Seller-Token': 'secret-1' },
    callbackAppKey: callback.appKey,
  })
  assert.equal(registered.statusCode, 200, registered.body)
  return { test, seller, store, sellerApi: api(test, keyHeaders(callback)) }
}

/** The example order: seller 1's part, and the external seller's. */
async function sold(test: TestApp, tag: string) {
  const placed = await api(test).placeOk(exampleOrder({ marketplaceOrderId: tag }))
  const [own, forSeller] = placed.orders
  assert.ok(own && forSeller)
  const paymentId = own.paymentData.transactions[0]?.payments[0]?.id ?? ''
  return { own, forSeller, paymentId }
}

const invoice = (invoiceNumber: string, invoiceValue: number) => ({
  type: 'Output',
  invoiceNumber,
  invoiceValue,
  issuanceDate: '2026-03-03T10:00:00Z',
})

const statusOf = async (test: TestApp, orderId: string) => (await api(test).getOk(orderId)).status

/** Every call was in the protocol's shape. */
function assertProtocolShapes(seller: ExternalSeller): void {
  for (const call of seller.calls) {
    assert.deepEqual(call.schemaErrors, [], `${call.kind} ${call.orderId}: ${JSON.stringify(call.body)}`)
  }
}

describeEachDialect('external seller', (dialect) => {
  it('places, authorizes and completes an order with an external seller, which invoices and tracks it by calling back', async (t) => {
    const { test, seller, store, sellerApi } = await withExternalSeller(t, dialect)
    const { own, forSeller, paymentId } = await sold(test, 'EXT-1')
    assert.equal(forSeller.status, 'waiting-for-authorization')

    // The placement: to the registered endpoint, its path under the endpoint's and its query kept, its headers.
    await test.runDueJobs()
    const [placement] = seller.calls
    assert.ok(placement)
    assert.equal(placement.kind, 'place')
    assert.equal(placement.path, '/seller/api/pvt/orders')
    assert.equal(placement.search, '?an=seller')
    assert.equal(placement.headers['x-seller-token'], 'secret-1')
    assert.equal(placement.body.marketplaceOrderId, forSeller.orderId)
    assert.equal(placement.body.marketplaceServicesEndpoint, `${PUBLIC_URL}/api/oms?an=acme`)
    assert.equal(placement.body.marketplacePaymentValue, forSeller.value)
    assert.deepEqual(
      (placement.body.items as { id: string; quantity: number; seller: string }[]).map((i) => [
        i.id,
        i.quantity,
        i.seller,
      ]),
      forSeller.items.map((item) => [item.id, item.quantity, PARTNER.id]),
    )
    // The seller's answer named its order, which the marketplace order now shows and later calls name.
    const accepted = await store.getOk(forSeller.orderId)
    assert.equal(accepted.status, 'payment-pending')
    assert.equal(accepted.sellerOrderId, `EXT-${forSeller.orderId}`)

    // Paid: the seller is authorized to fulfil its order.
    assert.equal((await store.notifyPayment(own.orderId, paymentId)).statusCode, 200)
    assert.equal(await statusOf(test, forSeller.orderId), 'waiting-seller-handling')
    await test.runDueJobs()
    const fulfil = seller.calls[1]
    assert.ok(fulfil)
    assert.deepEqual(
      [fulfil.kind, fulfil.path],
      ['fulfill', `/seller/api/pvt/orders/EXT-${forSeller.orderId}/fulfill`],
    )
    assert.deepEqual(fulfil.body, {
      marketplaceOrderId: forSeller.orderId,
      marketplaceOrderGroup: forSeller.orderGroup,
    })

    // The marketplace's own keys cannot invoice what the seller fulfils; the seller's callback key can.
    const ownInvoice = await store.invoice(forSeller.orderId, invoice('NF-MKT', 3000))
    assert.equal(ownInvoice.statusCode, 409, ownInvoice.body)
    assert.equal((await sellerApi.invoice(forSeller.orderId, invoice('NF-S1', 1000))).statusCode, 200)
    assert.equal(await statusOf(test, forSeller.orderId), 'waiting-seller-handling')
    // Invoiced in part, the order is not the seller's to cancel, nor another seller's to take.
    const late = await sellerApi.cancel(forSeller.orderId)
    assert.equal(late.statusCode, 400, late.body)
    assert.equal(errorCode(late), 'OMS006')
    const tracked = await sellerApi.updateTracking(forSeller.orderId, 'NF-S1', {
      trackingNumber: 'TRK-1',
      courier: 'Correios',
    })
    assert.equal(tracked.statusCode, 200, tracked.body)
    assert.equal((await sellerApi.invoice(forSeller.orderId, invoice('NF-S2', 2000))).statusCode, 200)
    const done = await store.getOk(forSeller.orderId)
    assert.equal(done.status, 'invoiced')
    assert.deepEqual(
      done.packageAttachment.packages.map((p) => [p.invoiceNumber, p.invoiceValue, p.trackingNumber]),
      [
        ['NF-S1', 1000, 'TRK-1'],
        ['NF-S2', 2000, null],
      ],
    )

    // The callback key acts on its seller's orders only: the store's own order is not its to invoice or cancel.
    for (const res of [
      await sellerApi.invoice(own.orderId, invoice('NF-X', 10980)),
      await sellerApi.cancel(own.orderId),
    ]) {
      assert.equal(res.statusCode, 404, res.body)
      assert.equal(errorCode(res), 'OMS004')
    }

    assert.deepEqual(statesOf(await eventsOf(test.deps.db, forSeller.orderId)), [
      ...MARKETPLACE_PATH,
      'invoice',
      'invoiced',
    ])
    assert.equal(seller.calls.length, 2)
    assertProtocolShapes(seller)
    assert.equal(await test.runDueJobs(), 0, 'nothing left to deliver')
  })

  it('sends cancellations as the protocol does, and takes the seller decision whichever way it comes', async (t) => {
    const { test, seller, store, sellerApi } = await withExternalSeller(t, dialect)
    const paidAndAuthorized = async (tag: string) => {
      const sale = await sold(test, tag)
      await test.runDueJobs()
      assert.equal((await store.notifyPayment(sale.own.orderId, sale.paymentId)).statusCode, 200)
      await test.runDueJobs()
      assert.equal(await statusOf(test, sale.forSeller.orderId), 'waiting-seller-handling')
      return sale.forSeller.orderId
    }
    const lastCall = () => seller.calls.at(-1)

    // Before payment the marketplace cancels at once, and tells the seller.
    const early = await sold(test, 'EXT-EARLY')
    await test.runDueJobs()
    assert.equal((await store.cancel(early.forSeller.orderId, { reason: 'Fraud suspected' })).statusCode, 200)
    assert.equal(await statusOf(test, early.forSeller.orderId), 'canceled')
    await test.runDueJobs()
    assert.equal(lastCall()?.kind, 'cancel')
    assert.equal(lastCall()?.path, `/seller/api/pvt/orders/EXT-${early.forSeller.orderId}/cancel`)
    assert.equal(lastCall()?.body.reason, 'Fraud suspected')
    assert.equal(lastCall()?.body.requestedByUser, false)

    // Later it asks. The seller confirms at once: both canceled.
    const confirmed = await paidAndAuthorized('EXT-CONFIRM')
    assert.equal((await store.cancel(confirmed, { reason: 'Customer asked' })).statusCode, 200)
    assert.equal(await statusOf(test, confirmed), 'waiting-for-seller-decision')
    await test.runDueJobs()
    assert.equal(lastCall()?.body.marketplaceOrderId, confirmed)
    const canceled = await store.getOk(confirmed)
    assert.equal(canceled.status, 'canceled')
    assert.equal(canceled.cancellationData?.Reason, 'Customer asked')

    // The seller evaluates (an empty answer), then cancels through the marketplace's API: accepted.
    seller.state.cancel = 'evaluate'
    const evaluated = await paidAndAuthorized('EXT-EVALUATE')
    assert.equal((await store.cancel(evaluated)).statusCode, 200)
    await test.runDueJobs()
    assert.equal(await statusOf(test, evaluated), 'waiting-for-seller-decision')
    assert.equal((await sellerApi.cancel(evaluated, { reason: 'Accepted' })).statusCode, 200)
    assert.equal(await statusOf(test, evaluated), 'canceled')

    // The seller evaluates, then invoices instead: the protocol's refusal. The order goes back to its seller.
    const invoiced = await paidAndAuthorized('EXT-INVOICE')
    assert.equal((await store.cancel(invoiced)).statusCode, 200)
    await test.runDueJobs()
    assert.equal((await sellerApi.invoice(invoiced, invoice('NF-R', 3000))).statusCode, 200)
    const refusedByInvoice = await store.getOk(invoiced)
    assert.equal(refusedByInvoice.status, 'invoiced')
    assert.equal(refusedByInvoice.cancellationRequests?.[0]?.deniedBySeller, true)

    // The seller refuses at once (a 4xx): the marketplace order goes back to waiting for its seller.
    seller.state.cancel = 'refuse'
    const refused = await paidAndAuthorized('EXT-REFUSE')
    assert.equal((await store.cancel(refused)).statusCode, 200)
    await test.runDueJobs()
    const back = await store.getOk(refused)
    assert.equal(back.status, 'waiting-seller-handling')
    assert.equal(back.cancellationRequests?.[0]?.deniedBySellerReason, '400: The seller will not cancel it.')

    assert.deepEqual(
      seller.calls.map((call) => call.kind),
      // The first order was canceled before it was paid; the four others were paid and authorized first.
      ['place', 'cancel', ...Array.from({ length: 4 }, () => ['place', 'fulfill', 'cancel']).flat()],
    )
    assertProtocolShapes(seller)
  })

  it('cancels the marketplace order the seller refuses to place or fulfil, and retries what never reached it', async (t) => {
    // No ORDO_PUBLIC_URL: the placement names no marketplaceServicesEndpoint.
    const { test, seller, store } = await withExternalSeller(t, dialect, { publicUrl: null })
    // No window to change seller: a seller's refusal cancels the order at once.
    const noWindow = await store.send('POST', '/api/checkout/pvt/configuration/window-to-change-seller', {
      waitingTime: 0,
    })
    assert.equal(noWindow.statusCode, 201, noWindow.body)
    seller.state.place = 'refuse'
    const { forSeller } = await sold(test, 'EXT-REFUSED')
    await test.runDueJobs()
    assert.equal(seller.calls[0]?.body.marketplaceServicesEndpoint, undefined)
    const refused = await store.getOk(forSeller.orderId)
    assert.equal(refused.status, 'canceled')
    assert.equal(
      refused.cancellationData?.Reason,
      'The seller refused the order: 400: The seller will not place it.',
    )
    assert.equal(refused.cancellationData?.RequestedBySellerNotification, true)

    seller.state.place = 'take'
    seller.state.fulfill = 'refuse'
    const paid = await sold(test, 'EXT-UNFULFILLED')
    await test.runDueJobs()
    assert.equal((await store.notifyPayment(paid.own.orderId, paid.paymentId)).statusCode, 200)
    await test.runDueJobs()
    const unfulfilled = await store.getOk(paid.forSeller.orderId)
    assert.equal(unfulfilled.status, 'canceled')
    assert.equal(
      unfulfilled.cancellationData?.Reason,
      'The seller refused to fulfil the order: 400: The seller will not fulfill it.',
    )

    // A 404 (the registration's path is wrong) is no answer from the seller: the placement is tried again.
    const moved = await store.send('PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
      name: 'Partner Store',
      fulfillmentEndpoint: seller.endpoint.replace('/seller/api', '/nowhere'),
    })
    assert.equal(moved.statusCode, 200, moved.body)
    const lost = await sold(test, 'EXT-MISROUTED')
    await assert.rejects(test.runDueJobs(), /answered POST \/pvt\/orders with 404/)
    assert.equal(await statusOf(test, lost.forSeller.orderId), 'waiting-for-authorization')
    assertProtocolShapes(seller)
  })

  it('cancels the order the seller was taking when the marketplace canceled it meanwhile', async (t) => {
    const { test, seller, store } = await withExternalSeller(t, dialect)
    const { forSeller } = await sold(test, 'EXT-RACE')
    seller.state.whilePlacing = async () => {
      seller.state.whilePlacing = undefined
      assert.equal((await store.cancel(forSeller.orderId, { reason: 'Changed my mind' })).statusCode, 200)
    }
    await test.runDueJobs()
    assert.equal(await statusOf(test, forSeller.orderId), 'canceled')
    assert.deepEqual(
      seller.calls.map((call) => [call.kind, call.orderId]),
      [
        ['place', `EXT-${forSeller.orderId}`],
        ['cancel', `EXT-${forSeller.orderId}`],
      ],
    )
    assert.equal(seller.calls[1]?.body.reason, 'Changed my mind')
    assertProtocolShapes(seller)
  })

  it("delivers every message to a seller that was down once it is back, each order's in the order written", async (t) => {
    const { test, seller, store } = await withExternalSeller(t, dialect)
    const first = await sold(test, 'EXT-DOWN-1')
    await test.runDueJobs()
    assert.equal(await statusOf(test, first.forSeller.orderId), 'payment-pending')

    // The seller goes down. Meanwhile the first order is paid, then its cancellation asked; a second is sold.
    seller.state.up = false
    const failures: unknown[] = []
    const run = () =>
      runDueJobs(test.queue, jobHandlers(test.deps), {
        clock: test.clock,
        inKeyOrder: true,
        onError: (error) => failures.push(error),
      })
    assert.equal((await store.notifyPayment(first.own.orderId, first.paymentId)).statusCode, 200)
    await run()
    assert.equal((await store.cancel(first.forSeller.orderId, { reason: 'Too slow' })).statusCode, 200)
    const second = await sold(test, 'EXT-DOWN-2')
    for (let hour = 0; hour < 6; hour++) {
      await run()
      test.clock.advanceMinutes(60)
    }
    assert.ok(failures.length >= 6, `the calls failed while the seller was down (${failures.length})`)
    assert.ok(seller.refusedWhileDown() >= 6)
    assert.equal(seller.calls.length, 1, 'nothing but the first placement reached the seller')
    assert.equal(await statusOf(test, first.forSeller.orderId), 'waiting-for-seller-decision')
    assert.equal(await statusOf(test, second.forSeller.orderId), 'waiting-for-authorization')

    // Back up: within the longest backoff every message arrives, the first order's authorization before its
    // cancellation.
    seller.state.up = true
    failures.length = 0
    test.clock.advanceMinutes(61)
    await run()
    assert.deepEqual(failures, [])
    const byOrder = (marketplaceOrderId: string) =>
      seller.calls
        .filter((call) => call.body.marketplaceOrderId === marketplaceOrderId)
        .map((call) => call.kind)
    assert.deepEqual(byOrder(first.forSeller.orderId), ['place', 'fulfill', 'cancel'])
    assert.deepEqual(byOrder(second.forSeller.orderId), ['place'])
    assert.equal(await statusOf(test, first.forSeller.orderId), 'canceled')
    assert.equal(await statusOf(test, second.forSeller.orderId), 'payment-pending')
    assertProtocolShapes(seller)
  })
})
