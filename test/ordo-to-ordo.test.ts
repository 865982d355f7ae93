// Two Ordo accounts that know each other only over HTTP, as a VTEX marketplace and its external seller do: acme
// registers partner as an external seller at this server's protocol endpoints, with a key of partner; partner
// registers acme as the affiliate whose orders it pushes back to acme's Orders API, with acme's callback key.
// Every call between them goes through a listening server.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { it } from 'node:test'
import { createKey } from '../src/modules/access/access.service.ts'
import { api } from './api.ts'
import { exampleOrder, MARKETPLACE_PATH, PARTNER } from './fixtures.ts'
import { describeEachDialect, keyHeaders, startTestApp } from './harness.ts'
import { eventsOf, statesOf } from './workflow-log.ts'

describeEachDialect('Ordo selling through Ordo over HTTP', (dialect) => {
  it('places, authorizes, invoices, tracks and cancels across the protocol both ways', async (t) => {
    const test = await startTestApp(t, dialect)
    await test.app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(test.app.server.address() as AddressInfo).port}`
    const store = api(test)
    const partnerKey = await createKey(test.deps, { account: PARTNER.account, roles: ['OMS - Full access'] })
    const partner = api(test, keyHeaders(partnerKey))
    const callback = await createKey(test.deps, { account: 'acme', roles: ['Ordo - External seller'] })
    for (const side of [store, partner]) {
      assert.equal(
        (await side.send('PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true })).statusCode,
        200,
      )
    }
    const seller = await store.send('PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
      name: PARTNER.name,
      fulfillmentEndpoint: `${base}?affiliateId=ACM`,
      headers: { 'X-VTEX-API-AppKey': partnerKey.appKey, 'X-VTEX-API-AppToken': partnerKey.appToken },
      callbackAppKey: callback.appKey,
    })
    assert.equal(seller.statusCode, 200, seller.body)
    const affiliate = await partner.send('PUT', '/api/ordo/pvt/affiliates/ACM', {
      name: 'Acme marketplace',
      servicesEndpoint: `${base}/api/oms`,
      headers: { 'X-VTEX-API-AppKey': callback.appKey, 'X-VTEX-API-AppToken': callback.appToken },
    })
    assert.equal(affiliate.statusCode, 201, affiliate.body)

    // Placed at acme, the partner's part reaches partner as an affiliate's order, numbered ACM-….
    const placed = await store.placeOk(exampleOrder({ marketplaceOrderId: 'O2O-1' }))
    const [own, sold] = placed.orders
    assert.ok(own && sold)
    await test.runDueJobs()
    const sellerOrderId = `ACM-${sold.orderId}`
    const copy = await partner.getOk(sellerOrderId)
    assert.deepEqual(
      [copy.status, copy.affiliateId, copy.marketplaceOrderId],
      ['waiting-ffmt-authorization', 'ACM', sold.orderId],
    )
    assert.equal((await store.getOk(sold.orderId)).sellerOrderId, sellerOrderId)

    // Paid at acme: partner is authorized over HTTP, handles, invoices and tracks; acme's order follows.
    const paymentId = own.paymentData.transactions[0]?.payments[0]?.id ?? ''
    assert.equal((await store.notifyPayment(own.orderId, paymentId)).statusCode, 200)
    await test.runDueJobs()
    assert.equal((await partner.getOk(sellerOrderId)).status, 'window-to-cancel')
    test.clock.advanceMinutes(31)
    await test.runDueJobs()
    assert.equal((await partner.startHandling(sellerOrderId)).statusCode, 204)
    const invoice = (invoiceNumber: string, invoiceValue: number) => ({
      type: 'Output',
      invoiceNumber,
      invoiceValue,
      issuanceDate: '2026-03-03T10:00:00Z',
    })
    assert.equal((await partner.invoice(sellerOrderId, invoice('NF-A', 1000))).statusCode, 200)
    const tracking = { trackingNumber: 'TRK-A', courier: 'Correios' }
    assert.equal((await partner.updateTracking(sellerOrderId, 'NF-A', tracking)).statusCode, 200)
    assert.equal((await partner.invoice(sellerOrderId, invoice('NF-B', 2000))).statusCode, 200)
    await test.runDueJobs()
    const done = await store.getOk(sold.orderId)
    assert.equal(done.status, 'invoiced')
    assert.deepEqual(
      done.packageAttachment.packages.map((p) => [p.invoiceNumber, p.invoiceValue, p.trackingNumber]),
      [
        ['NF-A', 1000, 'TRK-A'],
        ['NF-B', 2000, null],
      ],
    )
    assert.deepEqual(statesOf(await eventsOf(test.deps.db, sold.orderId)), [
      ...MARKETPLACE_PATH,
      'invoice',
      'invoiced',
    ])

    // partner cancels another order of acme's: acme's order waits for another seller.
    const second = await store.placeOk(exampleOrder({ marketplaceOrderId: 'O2O-2' }))
    const forPartner = second.orders[1]
    assert.ok(forPartner)
    await test.runDueJobs()
    assert.equal(
      (await partner.cancel(`ACM-${forPartner.orderId}`, { reason: 'Out of stock' })).statusCode,
      200,
    )
    await test.runDueJobs()
    assert.equal((await store.getOk(forPartner.orderId)).status, 'window-to-change-seller')
    assert.equal(await test.runDueJobs(), 0, 'nothing left to deliver')
  })
})
