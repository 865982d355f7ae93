// Contract: responses validate against the schemas of VTEX's own OpenAPI document (read from ../shared/reference).
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { ValidateFunction } from 'ajv'
import type { LightMyRequestResponse } from 'fastify'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { readReference, referenceValidator } from './reference.ts'

const getOrder = referenceValidator('/api/oms/pvt/orders/{orderId}', 'get', '200')
const getOrderGroup = referenceValidator('/api/oms/pvt/orders/order-group/{orderGroup}', 'get', '200')
const invoiceNotification = referenceValidator('/api/oms/pvt/orders/{orderId}/invoice', 'post', '200')
const updateInvoice = referenceValidator(
  '/api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}',
  'patch',
  '200',
)
const updateTrackingStatus = referenceValidator(
  '/api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}/tracking',
  'put',
  '200',
  'application/json; charset=utf-8',
)
const listOrders = referenceValidator('/api/oms/pvt/orders', 'get', '200', 'application/json; charset=utf-8')
const registerChange = referenceValidator('/api/oms/pvt/orders/{orderId}/changes', 'post', '200')
const paymentTransaction = referenceValidator(
  '/api/oms/pvt/orders/{orderId}/payment-transaction',
  'get',
  '200',
)

const CHANGES = '/api/order-system/orders/{changeOrderId}/changes'
const CHANGE_SETTINGS = '/api/order-system/orders/changes/settings'
const modification = {
  accepted: referenceValidator(CHANGES, 'patch', '202'),
  preview: referenceValidator(`${CHANGES}/preview`, 'post', '200'),
  history: referenceValidator(CHANGES, 'get', '200'),
  detail: referenceValidator(`${CHANGES}/{changeRequestId}`, 'get', '200'),
  settings: referenceValidator(CHANGE_SETTINGS, 'get', '200'),
  savedSettings: referenceValidator(CHANGE_SETTINGS, 'put', '200'),
  summary: referenceValidator('/api/orders/pvt/document/{orderId}/change-summary', 'get', '200'),
}

function assertValid(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value)
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 10), null, 2))
}

/** The call answered `status` with a body valid for its operation: that body. */
function validBody<T>(res: LightMyRequestResponse, status: number, validate: ValidateFunction): T {
  assert.equal(res.statusCode, status, res.body)
  const body = res.json<T>()
  assertValid(validate, body)
  return body
}

/** One order of one seller in handling: 2 × SKU 1001 at 4990 and 1 × SKU 2002 at 2500, 1500 of shipping (13980). */
async function handlingOneSellerOrder(test: TestApp) {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const base = exampleOrder()
  const items = base.items.map((item) => ({ ...item, seller: '1' }))
  return api(test).handlingOrder(exampleOrder({ items }))
}

/** The call answered 200 with a body valid for its operation, and Get order after it is valid too. */
async function assertStepValid(
  test: TestApp,
  orderId: string,
  res: LightMyRequestResponse,
  validate: ValidateFunction,
): Promise<void> {
  assert.equal(validBody<{ orderId: string }>(res, 200, validate).orderId, orderId)
  assertValid(getOrder, withoutChangeTotal(await api(test).getOk(orderId)))
}

/**
 * The one deliberate difference (docs/compatibility.md): registered changes add VTEX's `Change` total, which
 * VTEX's own examples show but the GetOrder schema's enumeration of total ids leaves out. Everything else of
 * the document is validated; the entry itself must be shaped as every other total.
 */
function withoutChangeTotal(document: OrderDocument): OrderDocument {
  const change = document.totals.find((total) => total.id === 'Change')
  if (change) assertValid(getOrder, { ...document, totals: [{ ...change, id: 'Items' }] })
  return { ...document, totals: document.totals.filter((total) => total !== change) }
}

describeEachDialect('contract with the reference OpenAPI', (dialect) => {
  it('Get order responses validate against the GetOrder schema, with every top-level field present', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const placed = await api(test).placeOk(exampleOrder())
    const reference = readReference() as {
      paths: Record<
        string,
        {
          get: { responses: { 200: { content: { 'application/json': { schema: { properties: object } } } } } }
        }
      >
    }
    const topLevel = Object.keys(
      reference.paths['/api/oms/pvt/orders/{orderId}']?.get.responses[200].content['application/json'].schema
        .properties ?? {},
    )
    assert.ok(topLevel.length > 50)
    for (const order of placed.orders) {
      const body = await api(test).getOk(order.orderId)
      assertValid(getOrder, body)
      for (const field of topLevel) assert.ok(field in body, `missing top-level field ${field}`)
      assert.match(body.creationDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }
    // The validator bites: a wrongly typed field fails.
    assert.equal(getOrder({ ...placed.orders[0], value: '10980' }), false)
  })

  it('stays valid as orders move: approved, handling, canceled with cancellationData', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const approved = await api(test).approvedOrder(exampleOrder())
    assert.equal(approved.status, 'ready-for-handling')
    assertValid(getOrder, approved)
    assert.equal((await api(test).startHandling(approved.orderId)).statusCode, 204)
    assertValid(getOrder, await api(test).getOk(approved.orderId))
    const second = `${approved.orderGroup}-02`
    assert.equal((await api(test).cancel(second, { reason: 'Customer gave up' })).statusCode, 200)
    const canceled = await api(test).getOk(second)
    assertValid(getOrder, canceled)
    assert.equal(canceled.cancellationData?.Reason, 'Customer gave up')
  })

  it('List orders responses validate against the ListOrders schema, with and without matches', async (t) => {
    const test = await startTestApp(t, dialect)
    const empty = await api(test).send('GET', '/api/oms/pvt/orders')
    assert.equal(empty.statusCode, 200, empty.body)
    assertValid(listOrders, empty.json())
    await api(test).placeOk(exampleOrder({ marketplaceOrderId: 'LIST-1' }))
    await handlingOneSellerOrder(test)
    const full = await api(test).send('GET', '/api/oms/pvt/orders?per_page=2&orderBy=totalValue,desc')
    assert.equal(full.statusCode, 200, full.body)
    assertValid(listOrders, full.json())
    assert.equal(full.json<{ list: unknown[] }>().list.length, 2)
  })

  it('order-group responses validate against their own schema, with its camelCase cancellation data', async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    const url = `/api/oms/pvt/orders/order-group/${placed.orderGroup}`
    const before = await api(test).send('GET', url)
    assert.equal(before.statusCode, 200, before.body)
    assertValid(getOrderGroup, before.json())
    assert.equal(
      (await api(test).cancel(`${placed.orderGroup}-01`, { reason: 'Out of stock' })).statusCode,
      200,
    )
    // The marketplace's order for the partner: the marketplace cancels it, not the seller.
    assert.equal((await api(test).cancel(`${placed.orderGroup}-02`, { reason: null })).statusCode, 200)
    const after = await api(test).send('GET', url)
    const group = after.json<{ orderId: string; cancellationData: Record<string, unknown> | null }[]>()
    assertValid(getOrderGroup, group)
    assert.deepEqual(
      group.map((o) => o.orderId),
      placed.orders.map((o) => o.orderId),
    )
    assert.deepEqual(group[0]?.cancellationData, {
      requestedByUser: false,
      requestedBySystem: false,
      requestedBySellerNotification: true,
      requestedByPaymentNotification: false,
      reason: 'Out of stock',
      cancellationDate: test.clock.now().toISOString(),
    })
    assert.equal(group[1]?.cancellationData?.reason, undefined, 'no reason given: none shown')
    assert.equal(group[1]?.cancellationData?.requestedBySellerNotification, false)
    // The validator bites: the group's schema wants a pickup-store object, not the null Ordo used to send.
    const document = await api(test).getOk(`${placed.orderGroup}-02`)
    const logistics = document.shippingData.logisticsInfo.map((l) => ({ ...l, pickupStoreInfo: null }))
    const shippingData = { ...document.shippingData, logisticsInfo: logistics }
    assert.equal(getOrderGroup([{ ...document, shippingData }]), false)
  })

  it('invoice, tracking and return responses, and Get order after each, validate against the reference', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOneSellerOrder(test)
    const { orderId } = order
    assert.equal(order.value, 13980)
    const client = api(test)
    const invoice = (invoiceNumber: string, invoiceValue: number, items: object[], type = 'Output') =>
      client.invoice(orderId, {
        type,
        invoiceNumber,
        invoiceValue,
        issuanceDate: '2026-03-02T12:00:00.000Z',
        invoiceKey: `KEY-${invoiceNumber}`,
        invoiceUrl: `https://erp.example.com/${invoiceNumber}`,
        courier: null,
        trackingNumber: null,
        trackingUrl: null,
        items,
      })

    // A partial invoice: the order stays in handling.
    await assertStepValid(
      test,
      orderId,
      await invoice('NF-1', 4990, [{ id: '1001', price: 4990, quantity: 1 }]),
      invoiceNotification,
    )
    assert.equal((await client.getOk(orderId)).status, 'handling')
    // The same number again: a new receipt, still valid.
    await assertStepValid(test, orderId, await invoice('NF-1', 4990, []), invoiceNotification)
    // The rest: invoiced.
    const rest = [
      { id: '1001', price: 4990, quantity: 1 },
      { id: '2002', price: 2500, quantity: 1 },
    ]
    await assertStepValid(test, orderId, await invoice('NF-2', 8990, rest), invoiceNotification)
    assert.equal((await client.getOk(orderId)).status, 'invoiced')

    const tracking = await client.updateTracking(orderId, 'NF-2', {
      trackingNumber: 'TRK-2',
      trackingUrl: 'https://track.example.com/TRK-2',
      courier: 'Transportadora',
      dispatchedDate: '2026-03-03T09:00:00.000Z',
    })
    await assertStepValid(test, orderId, tracking, updateInvoice)

    const inTransit = await client.trackingStatus(orderId, 'NF-2', {
      isDelivered: false,
      deliveredDate: null,
      events: [
        { city: 'São Paulo', state: 'SP', description: 'Coletado', date: '2026-03-03T10:00:00.000Z' },
        { city: 'Rio de Janeiro', state: 'RJ', description: 'Em trânsito', date: '2026-03-04T10:00:00.000Z' },
      ],
    })
    await assertStepValid(test, orderId, inTransit, updateTrackingStatus)
    const delivered = await client.trackingStatus(orderId, 'NF-2', {
      isDelivered: true,
      deliveredDate: '2026-03-05T15:00:00.000Z',
      events: [
        { city: 'Rio de Janeiro', state: 'RJ', description: 'Entregue', date: '2026-03-05T15:00:00.000Z' },
      ],
    })
    await assertStepValid(test, orderId, delivered, updateTrackingStatus)

    // A return of the mug: a refund in the ledger and on the package.
    await assertStepValid(
      test,
      orderId,
      await invoice('NF-R1', 2500, [{ id: '2002', price: 2500, quantity: 1 }], 'Input'),
      invoiceNotification,
    )
    const transaction = await client.paymentTransaction(orderId)
    assert.equal(transaction.statusCode, 200, transaction.body)
    assertValid(paymentTransaction, transaction.json())
    const refunds = transaction
      .json<{ events: { type: string; value: number }[] }>()
      .events.filter((e) => e.type === 'refund')
    assert.equal(
      refunds.reduce((sum, e) => sum + e.value, 0),
      2500,
      'the return is refunded',
    )
  })

  it('Register modifications (v1) responses, and Get order after each, validate against the reference', async (t) => {
    const test = await startTestApp(t, dialect)
    const { orderId } = await handlingOneSellerOrder(test)
    const client = api(test)
    const removal = {
      requestId: 'chg-1',
      reason: 'Out of stock',
      discountValue: 100,
      incrementValue: 0,
      itemsAdded: [],
      itemsRemoved: [{ id: '1001', price: 4990, quantity: 1 }],
    }
    await assertStepValid(test, orderId, await client.registerChange(orderId, removal), registerChange)
    assert.equal((await client.getOk(orderId)).value, 13980 - 4990 - 100)
    const addition = {
      requestId: 'chg-2',
      reason: 'Customer asked for a cap',
      incrementValue: 250,
      itemsAdded: [{ id: '3003', price: 1500, quantity: 2 }],
      itemsRemoved: [],
    }
    await assertStepValid(test, orderId, await client.registerChange(orderId, addition), registerChange)
    // A repeated requestId answers the first result, still valid.
    await assertStepValid(test, orderId, await client.registerChange(orderId, removal), registerChange)
    const changed = await client.getOk(orderId)
    assert.equal(changed.value, 13980 - 4990 - 100 + 250 + 3000)
    // A partial invoice after the changes, then the rest: Get order stays valid with both attachments.
    const output = (invoiceNumber: string, invoiceValue: number) =>
      client.invoice(orderId, { invoiceNumber, invoiceValue, issuanceDate: '2026-03-02' })
    await assertStepValid(test, orderId, await output('NF-1', 5000), invoiceNotification)
    await assertStepValid(test, orderId, await output('NF-2', changed.value - 5000), invoiceNotification)
    assert.equal((await client.getOk(orderId)).status, 'invoiced')
  })

  it('Order modifications (v2) responses, before and after processing, validate against the reference', async (t) => {
    const test = await startTestApp(t, dialect)
    const client = api(test)
    validBody(await client.send('GET', CHANGE_SETTINGS), 200, modification.settings)
    const settings = {
      paymentConfiguration: { customPaymentSystemsAllowed: ['201'] },
      rolloutConfiguration: { enableApi: true, enableMyOrders: { enabledWorkspaces: ['storename'] } },
      pipelineConfiguration: { compensateShippingChanges: false, enablePromotionRecalculation: true },
    }
    const saved = validBody(
      await client.send('PUT', CHANGE_SETTINGS, settings),
      200,
      modification.savedSettings,
    )
    assert.deepEqual(validBody(await client.send('GET', CHANGE_SETTINGS), 200, modification.settings), saved)

    const order = await handlingOneSellerOrder(test)
    const { orderId } = order
    const changes = `/api/order-system/orders/${orderId}/changes`
    interface Request {
      requestId: string
      status: string
      totalChangeValue: number
      totals: unknown[]
    }
    const accepted = async (body: object) =>
      validBody<Request>(await client.send('PATCH', changes, body), 202, modification.accepted)
    const detail = async (requestId: string) =>
      validBody<Request>(await client.send('GET', `${changes}/${requestId}`), 200, modification.detail)
    const history = async () =>
      validBody<{ requests: Request[] }>(await client.send('GET', changes), 200, modification.history)
    /** Previews, asks for and processes `body`, every answer on the way valid. */
    const modify = async (body: object): Promise<void> => {
      const preview = await client.send('POST', `${changes}/preview`, body)
      const previewed = validBody<Request>(preview, 200, modification.preview)
      const { requestId } = await accepted(body)
      assert.equal((await detail(requestId)).status, 'waiting-acknowledgement')
      await history()
      await test.runDueJobs()
      const done = await detail(requestId)
      assert.equal(done.status, 'done')
      assert.equal(done.totalChangeValue, previewed.totalChangeValue)
      // The validator bites: the 202's schema types totals as text, so the answer leaves them to the details.
      assert.equal(modification.accepted({ ...done, totals: previewed.totals }), false)
      await history()
      const summary = await client.send('GET', `/api/orders/pvt/document/${orderId}/change-summary`)
      validBody(summary, 200, modification.summary)
      assertValid(getOrder, withoutChangeTotal(await client.getOk(orderId)))
    }

    await modify({
      reason: 'One T-shirt less, two caps more.',
      remove: { items: [{ id: '1001', quantity: 1 }] },
      add: { items: [{ id: '3003', quantity: 2, price: 700 }] },
      manualDiscountValue: 100,
      manualIncrementValue: 50,
      settings: { pipelineConfiguration: { compensateShippingChanges: false } },
    })
    const changed = await client.getOk(orderId)
    assert.equal(changed.value, 13980 - 4990 + 1400 - 100 + 50)
    assert.equal(changed.totals.find((total) => total.id === 'Change')?.value, 50 - 100)
    const mug = changed.items.find((item) => item.id === '2002')
    await modify({
      reason: 'A bigger mug, sent express, for the customer’s new name.',
      replace: [
        {
          from: { items: [{ id: '2002', quantity: 1, uniqueId: mug?.uniqueId }] },
          to: {
            items: [{ id: '4004', quantity: 1, price: 2600 }],
            shippingData: {
              logisticsInfo: [
                {
                  itemIndex: 0,
                  selectedSla: 'Express',
                  selectedDeliveryChannel: 'delivery',
                  addressId: order.shippingData.address.addressId,
                  price: 300,
                },
              ],
            },
            clientProfileData: [{ firstName: 'Ana Maria', lastName: 'Souza' }],
          },
        },
      ],
    })
    const replaced = await client.getOk(orderId)
    assert.equal(replaced.value, changed.value - 2500 + 2600 + 300)
    assert.deepEqual(
      [replaced.clientProfileData.firstName, replaced.clientProfileData.lastName],
      ['Ana Maria', 'Souza'],
    )

    // One canceled before processing: its details stay valid, with their cancellationData.
    const { requestId } = await accepted({ reason: 'Goodwill discount', manualDiscountValue: 500 })
    assert.equal((await client.send('POST', `${changes}/${requestId}/retry`)).statusCode, 204)
    const cancel = await client.send('POST', `${changes}/${requestId}/cancel`, { reason: 'Not needed' })
    assert.equal(cancel.statusCode, 200, cancel.body)
    assert.equal((await detail(requestId)).status, 'canceled')
    assert.deepEqual(
      (await history()).requests.map((r) => r.status),
      ['done', 'done', 'canceled'],
    )
    assertValid(getOrder, withoutChangeTotal(await client.getOk(orderId)))
  })
})
