// Requests shaped the way real VTEX clients send them (DESIGN.md §1) are accepted.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api } from './api.ts'
import { exampleOrder, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

async function readyOrder(test: TestApp, tag: string) {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  return api(test).approvedOrder(singleOrder(tag))
}

describeEachDialect('real client request shapes', (dialect) => {
  it('accepts POSTs with Content-Type: application/json and an empty body', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const order = await readyOrder(test, 'EMPTY')
    const res = await test.app.inject({
      method: 'POST',
      url: `/api/oms/pvt/orders/${order.orderId}/start-handling`,
      headers: { ...test.headers, 'content-type': 'application/json' },
      payload: '',
    })
    assert.equal(res.statusCode, 204, res.body)
    const cancel = await test.app.inject({
      method: 'POST',
      url: `/api/oms/pvt/orders/${order.orderId}/cancel`,
      headers: { ...test.headers, 'content-type': 'application/json' },
    })
    assert.equal(cancel.statusCode, 200, cancel.body)
  })

  it('accepts a payment notification with an empty JSON body and with {}', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const placed = await api(test).placeOk(exampleOrder())
    for (const [order, payload] of placed.orders.map((o, i) => [o, i === 0 ? '' : '{}'] as const)) {
      const paymentId = order.paymentData.transactions[0]?.payments[0]?.id ?? ''
      const res = await test.app.inject({
        method: 'POST',
        url: `/api/oms/pvt/orders/${order.orderId}/payments/${paymentId}/payment-notification`,
        headers: { ...test.headers, 'content-type': 'application/json' },
        payload,
      })
      assert.equal(res.statusCode, 200, res.body)
    }
  })

  it('accepts POSTs with {} and bodies carrying unknown fields', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const order = await readyOrder(test, 'EXTRA')
    const handling = await api(test).send('POST', `/api/oms/pvt/orders/${order.orderId}/start-handling`, {})
    assert.equal(handling.statusCode, 204, handling.body)
    const cancel = await api(test).cancel(order.orderId, {
      reason: 'Out of stock',
      requestMetadata: { requestId: 'abc-123', sentAt: '2026-03-02T12:00:00Z', client: 'erp-connector/4.1' },
    })
    assert.equal(cancel.statusCode, 200, cancel.body)
    const placed = await api(test).place({
      ...singleOrder('EXTRA-2'),
      erpBatch: 77,
      items: [{ ...singleOrder('x').items[0], erpLine: 1 }],
    } as never)
    assert.equal(placed.statusCode, 201, placed.body)
    const [stored] = placed.json<{ orders: Record<string, unknown>[] }>().orders
    assert.ok(stored && !('erpBatch' in stored))
  })

  it('accepts GETs without Content-Type, with a charset, with gzip accepted, with ?an= and unknown parameters', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const { orders } = await api(test).placeOk(exampleOrder())
    const id = orders[0]?.orderId ?? ''
    const variants: { url: string; headers: Record<string, string> }[] = [
      { url: `/api/oms/pvt/orders/${id}`, headers: {} },
      {
        url: `/api/oms/pvt/orders/${id}`,
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      },
      { url: `/api/oms/pvt/orders/${id}`, headers: { 'accept-encoding': 'gzip, deflate' } },
      { url: `/api/oms/pvt/orders/${id}?an=acme`, headers: {} },
      { url: `/api/oms/pvt/orders/${id}?an=acme&utm_source=erp&_=1700000000`, headers: {} },
      { url: `/api/oms/pvt/orders/${id}/`, headers: {} },
      { url: `/api/oms/pvt/orders/order-group/${orders[0]?.orderGroup ?? ''}/`, headers: {} },
    ]
    for (const variant of variants) {
      const res = await test.app.inject({
        method: 'GET',
        url: variant.url,
        headers: { ...test.headers, ...variant.headers },
      })
      assert.equal(res.statusCode, 200, `${variant.url} ${JSON.stringify(variant.headers)}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/json/)
    }
  })

  it('accepts trailing slashes on POSTs and JSON sent without a Content-Type', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const slash = await test.app.inject({
      method: 'POST',
      url: '/api/oms/pvt/orders/',
      headers: { ...test.headers, 'content-type': 'application/json' },
      payload: JSON.stringify(singleOrder('SLASH')),
    })
    assert.equal(slash.statusCode, 201, slash.body)
    const bare = await test.app.inject({
      method: 'POST',
      url: '/api/oms/pvt/orders',
      headers: test.headers,
      payload: Buffer.from(JSON.stringify(singleOrder('BARE'))),
    })
    assert.equal(bare.statusCode, 201, bare.body)
  })

  it('decides the account by the credential when reached as 127.0.0.1', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const { orders } = await api(test).placeOk(exampleOrder())
    const res = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${orders[0]?.orderId ?? ''}`,
      headers: { ...test.headers, host: '127.0.0.1:8080' },
    })
    assert.equal(res.statusCode, 200)
  })
})

/** An invoice of the whole `singleOrder` (5000 cents) as an ERP sends it; each case below changes one thing. */
const INVOICE = {
  type: 'Output',
  invoiceNumber: 'NF-4711',
  invoiceValue: 5000,
  issuanceDate: '2026-03-02T12:00:00Z',
  invoiceKey: '35260300000000000000550010000047111000047110',
  invoiceUrl: 'https://erp.example.com/nf/4711',
  courier: 'Transportadora',
  trackingNumber: 'TRK-1',
  trackingUrl: 'https://track.example.com/TRK-1',
  items: [{ id: '1001', price: 4000, quantity: 1 }],
}

interface PackageView {
  type: string
  invoiceNumber: string
  invoiceValue: unknown
  items: { itemIndex: number; quantity: number; price: number }[]
  trackingNumber: string | null
  trackingUrl: string | null
  courier: string | null
}

/** Posts the invoice to a handling order and answers its package as Get order shows it, and the order. */
async function invoiceAsClient(test: TestApp, tag: string, body: Record<string, unknown>) {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const order = await api(test).handlingOrder(singleOrder(tag))
  const res = await api(test).invoice(order.orderId, body)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.json<{ orderId: string }>().orderId, order.orderId)
  const after = await api(test).getOk(order.orderId)
  const packages = (after.packageAttachment as unknown as { packages: PackageView[] }).packages
  assert.equal(packages.length, 1, JSON.stringify(packages))
  const [pkg] = packages
  assert.ok(pkg)
  return { order: after, pkg, raw: (await api(test).get(order.orderId)).body }
}

const invoiceShapes: {
  name: string
  body: Record<string, unknown>
  check?: (invoiced: Awaited<ReturnType<typeof invoiceAsClient>>) => void
}[] = [
  {
    name: 'accepts invoiceValue as a numeric string and stores it as an integer',
    body: { ...INVOICE, invoiceValue: '5000' },
    check: ({ pkg, order }) => {
      assert.equal(pkg.invoiceValue, 5000)
      assert.equal(order.status, 'invoiced')
    },
  },
  {
    name: 'accepts a partial invoiceValue as a numeric string: the order stays in handling',
    body: { ...INVOICE, invoiceValue: '2499', items: [] },
    check: ({ pkg, order }) => {
      assert.equal(pkg.invoiceValue, 2499)
      assert.equal(order.status, 'handling')
      assert.equal(order.invoicedDate, null)
    },
  },
  {
    name: 'accepts invoiceValue as a number',
    body: { ...INVOICE, invoiceValue: 5000 },
    check: ({ pkg, order }) => {
      assert.equal(pkg.invoiceValue, 5000)
      assert.equal(order.status, 'invoiced')
      assert.ok(order.invoicedDate)
    },
  },
  { name: 'accepts dispatchDate: null', body: { ...INVOICE, dispatchDate: null } },
  { name: 'accepts dispatchedDate: null', body: { ...INVOICE, dispatchedDate: null } },
  {
    name: 'accepts an invoice without items',
    body: Object.fromEntries(Object.entries(INVOICE).filter(([key]) => key !== 'items')),
    check: ({ pkg, order }) => {
      assert.deepEqual(pkg.items, [])
      assert.equal(order.status, 'invoiced')
    },
  },
  {
    name: 'ignores unknown fields in the invoice and in its items',
    body: {
      ...INVOICE,
      foo: { bar: 1 },
      erpBatch: 77,
      items: [{ id: '1001', price: 4000, quantity: 1, erpLine: 'L-1', foo: { bar: 1 } }],
    },
    check: ({ raw }) => {
      assert.ok(!raw.includes('erpBatch') && !raw.includes('erpLine') && !raw.includes('"foo"'), raw)
    },
  },
  {
    name: 'takes an invoice without a type as an Output invoice',
    body: Object.fromEntries(Object.entries(INVOICE).filter(([key]) => key !== 'type')),
    check: ({ pkg, order }) => {
      assert.equal(pkg.type, 'Output')
      assert.equal(order.status, 'invoiced')
    },
  },
]

describeEachDialect('real client invoice shapes', (dialect) => {
  for (const [index, shape] of invoiceShapes.entries()) {
    it(shape.name, async (t) => {
      const test = await startTestApp(t, dialect)
      const invoiced = await invoiceAsClient(test, `INV-SHAPE-${index}`, shape.body)
      assert.equal(invoiced.pkg.invoiceNumber, 'NF-4711')
      shape.check?.(invoiced)
    })
  }

  it('accepts a tracking update (PATCH) without dispatchedDate, keeping the fields it does not send', async (t) => {
    const test = await startTestApp(t, dialect)
    const { order } = await invoiceAsClient(test, 'INV-PATCH', { ...INVOICE, trackingNumber: null })
    const res = await api(test).updateTracking(order.orderId, 'NF-4711', {
      trackingNumber: 'TRK-2',
      trackingUrl: 'https://track.example.com/TRK-2',
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json<{ orderId: string }>().orderId, order.orderId)
    const after = await api(test).getOk(order.orderId)
    const [pkg] = (after.packageAttachment as unknown as { packages: PackageView[] }).packages
    assert.ok(pkg)
    assert.equal(pkg.trackingNumber, 'TRK-2')
    assert.equal(pkg.trackingUrl, 'https://track.example.com/TRK-2')
    assert.equal(pkg.courier, 'Transportadora', 'a field the update does not send is kept')
  })
})
