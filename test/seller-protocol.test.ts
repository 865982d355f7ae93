// Ordo as an external seller: a VTEX marketplace places, authorizes and cancels orders through the External Seller
// Fulfillment protocol's calls, shaped as the protocol's reference shows them, answered in its shapes.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api, errorCode } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { countOrders, describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { referenceValidator, SELLER_PROTOCOL } from './reference.ts'

/** The protocol reference's own placement example, with the prices of a real cart. */
const placement = (marketplaceOrderId: string) => ({
  marketplaceOrderId,
  marketplaceServicesEndpoint: 'https://marketplaceservicesendpoint.myvtex.com/',
  marketplacePaymentValue: 3598,
  items: [
    {
      id: '123456789abc',
      quantity: 1,
      seller: 'seller-example',
      commission: 0,
      freightCommission: 0,
      price: 2499,
      bundleItems: [],
      priceTags: [],
      measurementUnit: 'g',
      unitMultiplier: 1,
      isGift: false,
    },
  ],
  paymentData: null,
  clientProfileData: {
    email: 'customer@examplemail.com',
    firstName: 'first-name',
    lastName: 'last-name',
    documentType: 'cpf',
    document: '123456789',
    phone: '+55110988887777',
    corporateName: null,
    tradeName: null,
    corporateDocument: null,
    stateInscription: null,
    corporatePhone: null,
    isCorporate: false,
  },
  shippingData: {
    address: {
      addressType: 'residential',
      receiverName: 'receiver-name',
      addressId: 'Home',
      postalCode: '12345-000',
      city: 'Rio de Janeiro',
      state: 'Rio de Janeiro',
      country: 'BRA',
      street: 'Praia de Botafogo',
      number: '300',
      neighborhood: 'Botafogo',
      complement: '3rd floor',
      reference: 'Grey building',
      geoCoordinates: [],
    },
    logisticsInfo: [
      { itemIndex: 0, selectedSla: 'Express', lockTTL: '8d', shippingEstimate: '7d', price: 1099 },
    ],
    updateStatus: 'updated',
  },
  marketingData: null,
  openTextField: null,
})

const placementAnswer = referenceValidator('/pvt/orders', 'post', '200', 'application/json', SELLER_PROTOCOL)
const orderAnswer = referenceValidator(
  '/pvt/orders/{sellerOrderId}/fulfill',
  'post',
  '200',
  'application/json',
  SELLER_PROTOCOL,
)

async function placed(test: TestApp, marketplaceOrderId: string): Promise<string> {
  const res = await api(test).send('POST', '/pvt/orders?sc=1&affiliateId=MKP', placement(marketplaceOrderId))
  assert.equal(res.statusCode, 200, res.body)
  assert.ok(placementAnswer(res.json()), JSON.stringify(placementAnswer.errors))
  return res.json<{ orderId: string }>().orderId
}

const call = (test: TestApp, orderId: string, action: 'fulfill' | 'cancel', body: unknown) =>
  api(test).send('POST', `/pvt/orders/${orderId}/${action}`, body)

describeEachDialect('Ordo as an external seller', (dialect) => {
  it('takes a placement as its own order, once, numbered after the marketplace, waiting for authorization', async (t) => {
    const test = await startTestApp(t, dialect)
    const orderId = await placed(test, '1138342255777-01')
    assert.equal(orderId, 'MKP-1138342255777-01')
    const order = await api(test).getOk(orderId)
    assert.equal(order.status, 'waiting-ffmt-authorization')
    assert.equal(order.origin, 'Fulfillment')
    assert.equal(order.affiliateId, 'MKP')
    assert.equal(order.marketplaceOrderId, '1138342255777-01')
    assert.equal(order.items[0]?.name, 'SKU 123456789abc', 'a marketplace with the catalogue sends no name')
    assert.equal(order.value, 2499 + 1099)
    // Placed again (a retry): the same order.
    assert.equal(await placed(test, '1138342255777-01'), orderId)
    assert.equal(await countOrders(test), 1)

    const refused = await api(test).send('POST', '/pvt/orders', { ...placement('X-1'), items: [] })
    assert.equal(refused.statusCode, 400, refused.body)
    assert.equal(await countOrders(test), 1)
  })

  it('is authorized to fulfil by the marketplace that placed the order, and by no other', async (t) => {
    const test = await startTestApp(t, dialect)
    const orderId = await placed(test, 'MKT-7')
    const wrong = await call(test, orderId, 'fulfill', { marketplaceOrderId: 'MKT-8' })
    assert.equal(wrong.statusCode, 400, wrong.body)
    const own = (await api(test).placeOk(singleOrder('OWN'))).orders[0]
    assert.ok(own)
    const notPlaced = await call(test, own.orderId, 'fulfill', {})
    assert.equal(notPlaced.statusCode, 404, 'an order no marketplace placed')

    // Sent twice, as a retrying marketplace does: answered the same.
    for (const res of [
      await call(test, orderId, 'fulfill', { marketplaceOrderId: 'MKT-7' }),
      await call(test, orderId, 'fulfill', { marketplaceOrderId: 'MKT-7' }),
    ]) {
      assert.equal(res.statusCode, 200, res.body)
      assert.ok(orderAnswer(res.json()), JSON.stringify(orderAnswer.errors))
      assert.equal(res.json<{ orderId: string }>().orderId, orderId)
    }
    const order = await api(test).getOk(orderId)
    assert.equal(order.status, 'window-to-cancel')
    assert.equal(order.authorizedDate, test.clock.now().toISOString())
  })

  it('cancels at once in the grace period, leaves it to the store after, and refuses once invoiced', async (t) => {
    const test = await startTestApp(t, dialect)
    const early = await placed(test, 'MKT-1')
    assert.equal((await call(test, early, 'fulfill', {})).statusCode, 200)
    const canceled = await call(test, early, 'cancel', {
      marketplaceOrderId: 'MKT-1',
      reason: 'Customer gave up',
    })
    assert.equal(canceled.statusCode, 200, canceled.body)
    assert.ok(orderAnswer(canceled.json()), JSON.stringify(orderAnswer.errors))
    assert.equal((await api(test).getOk(early)).status, 'canceled')

    const late = await placed(test, 'MKT-2')
    assert.equal((await call(test, late, 'fulfill', {})).statusCode, 200)
    test.clock.advanceMinutes(31)
    const evaluating = await call(test, late, 'cancel', {
      cancellationRequestId: 'req-mkp',
      reason: 'Too slow',
    })
    assert.equal(evaluating.statusCode, 200, evaluating.body)
    assert.equal(evaluating.body, '', 'no body: the seller decides later')
    const requested = await api(test).getOk(late)
    assert.equal(requested.status, 'cancellation-requested')
    assert.equal(requested.cancellationRequests?.at(-1)?.id, 'req-mkp')

    const invoiced = await placed(test, 'MKT-3')
    assert.equal((await call(test, invoiced, 'fulfill', {})).statusCode, 200)
    test.clock.advanceMinutes(31)
    assert.equal((await api(test).startHandling(invoiced)).statusCode, 204)
    const nf = {
      type: 'Output',
      invoiceNumber: 'NF-1',
      invoiceValue: 3598,
      issuanceDate: '2026-03-03T10:00:00Z',
    }
    assert.equal((await api(test).invoice(invoiced, nf)).statusCode, 200)
    const tooLate = await call(test, invoiced, 'cancel', {})
    assert.equal(tooLate.statusCode, 400, tooLate.body)
    assert.equal(errorCode(tooLate), 'OMS006')
  })

  it('answers the simulation with 501 in the error envelope: Ordo has no catalogue', async (t) => {
    const test = await startTestApp(t, dialect)
    const res = await api(test).send('POST', '/pvt/orderForms/simulation', {
      items: [],
      postalCode: '22250-040',
    })
    assert.equal(res.statusCode, 501, res.body)
    assert.equal(errorCode(res), 'OMS022')
  })
})
