// Invoices, returns, tracking and registered changes through the HTTP API: the flows an ERP runs after
// start-handling, and what each refusal leaves unchanged.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { api, errorCode } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

/** One seller, two SKUs: 2 × 1001 at 4990 and 1 × 2002 at 2500, 1500 shipping: 13980 cents. */
const twoItemOrder = () => {
  const example = exampleOrder()
  return exampleOrder({ items: example.items.map((item) => ({ ...item, seller: '1' })) })
}

async function handlingOrder(test: TestApp): Promise<OrderDocument> {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const order = await api(test).handlingOrder(twoItemOrder())
  assert.equal(order.status, 'handling')
  assert.equal(order.value, 13980)
  return order
}

const invoice = (invoiceNumber: string, invoiceValue: number | string, extra: object = {}) => ({
  type: 'Output',
  invoiceNumber,
  invoiceValue,
  issuanceDate: '2026-03-02T10:00:00-03:00',
  ...extra,
})

interface TimelineBody {
  entries: { type: string; [field: string]: unknown }[]
}

async function timeline(test: TestApp, orderId: string): Promise<TimelineBody['entries']> {
  const res = await api(test).timeline(orderId)
  assert.equal(res.statusCode, 200, res.body)
  return res.json<TimelineBody>().entries
}

/** Runs a call that must be refused, and checks the order and its log are exactly as they were. */
async function refused(
  test: TestApp,
  orderId: string,
  call: () => ReturnType<ReturnType<typeof api>['get']>,
) {
  const before = (await api(test).get(orderId)).body
  const logBefore = await timeline(test, orderId)
  const res = await call()
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, res.body)
  assert.equal((await api(test).get(orderId)).body, before)
  assert.deepEqual(await timeline(test, orderId), logBefore)
  return res
}

describeEachDialect('invoices, returns, tracking and changes', (dialect) => {
  it('partial invoices keep the order handling and uncancelable; the last one invoices it', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const first = await api(test).invoice(
      order.orderId,
      invoice('NF-1', '4990', { items: [{ id: '1001', price: 4990, quantity: 1 }] }),
    )
    assert.equal(first.statusCode, 200, first.body)
    const receipt = first.json<{ date: string; orderId: string; receipt: string }>()
    assert.equal(receipt.orderId, order.orderId)
    assert.match(receipt.receipt, /^[0-9a-f]{32}$/)

    const partial = await api(test).getOk(order.orderId)
    assert.equal(partial.status, 'handling')
    assert.equal(partial.invoicedDate, null)
    assert.equal(partial.allowCancellation, false)
    assert.equal(partial.packageAttachment.packages.length, 1)
    assert.deepEqual(
      partial.packageAttachment.packages[0]?.items.map((i) => [
        i.itemIndex,
        i.quantity,
        i.price,
        i.description,
      ]),
      [[0, 1, 4990, 'Blue T-shirt M']],
    )
    const cancel = await refused(test, order.orderId, () => api(test).cancel(order.orderId))
    assert.equal(cancel.statusCode, 400)
    assert.equal(errorCode(cancel), 'OMS006')

    const over = await refused(test, order.orderId, () =>
      api(test).invoice(order.orderId, invoice('NF-2', 9000)),
    )
    assert.equal(errorCode(over), 'OMS016')
    assert.match(over.json<{ error: { message: string } }>().error.message, /8990 cents .* not yet invoiced/)

    const last = await api(test).invoice(order.orderId, invoice('NF-2', 8990))
    assert.equal(last.statusCode, 200, last.body)
    const invoiced = await api(test).getOk(order.orderId)
    assert.equal(invoiced.status, 'invoiced')
    assert.equal(invoiced.statusDescription, 'Faturado')
    assert.equal(invoiced.invoicedDate, test.clock.now().toISOString())
    assert.equal(invoiced.allowCancellation, false)
    const transitions = (await timeline(test, order.orderId)).filter((e) => e.type === 'transition')
    assert.deepEqual(
      transitions.slice(-2).map((e) => [e.lastState, e.state]),
      [
        ['handling', 'invoice'],
        ['invoice', 'invoiced'],
      ],
    )
    const more = await refused(test, order.orderId, () =>
      api(test).invoice(order.orderId, invoice('NF-3', 1)),
    )
    assert.equal(more.statusCode, 409)
  })

  it('the same invoiceNumber again only renews the receipt; the timeline shows what was ignored', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const first = await api(test).invoice(order.orderId, invoice('NF-10', 5000, { courier: 'Correios' }))
    assert.equal(first.statusCode, 200, first.body)
    const stored = (await api(test).get(order.orderId)).body

    const again = await api(test).invoice(order.orderId, invoice('NF-10', 7000, { courier: 'Loggi' }))
    assert.equal(again.statusCode, 200, again.body)
    assert.notEqual(again.json<{ receipt: string }>().receipt, first.json<{ receipt: string }>().receipt)
    assert.equal((await api(test).get(order.orderId)).body, stored)
    const last = (await timeline(test, order.orderId)).at(-1)
    assert.equal(last?.type, 'invoice')
    assert.equal(last.action, 'receipt')
    assert.deepEqual(last.ignored, [
      { field: 'invoiceValue', stored: 5000, sent: 7000 },
      { field: 'courier', stored: 'Correios', sent: 'Loggi' },
    ])
  })

  it('refuses invoice items the order lacks or has already invoiced, and invoice numbers VTEX breaks on', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const unknown = await refused(test, order.orderId, () =>
      api(test).invoice(
        order.orderId,
        invoice('NF-1', 100, { items: [{ id: '9999', price: 100, quantity: 1 }] }),
      ),
    )
    assert.equal(errorCode(unknown), 'OMS016')
    assert.match(
      unknown.json<{ error: { message: string } }>().error.message,
      /item 9999, which is not in the order/,
    )
    const tooMany = await refused(test, order.orderId, () =>
      api(test).invoice(
        order.orderId,
        invoice('NF-1', 100, { items: [{ id: '1001', price: 4990, quantity: 3 }] }),
      ),
    )
    assert.match(tooMany.json<{ error: { message: string } }>().error.message, /only 2 of it remain/)
    for (const invoiceNumber of ['NF 1', 'NF#1', 'NF/1', '', 'x'.repeat(65)]) {
      const bad = await refused(test, order.orderId, () =>
        api(test).invoice(order.orderId, invoice(invoiceNumber, 100)),
      )
      assert.equal(errorCode(bad), 'OMS001', invoiceNumber)
    }
    for (const invoiceValue of [0, -5, 24.99, '24.99', '', 'abc', '1e3']) {
      const bad = await refused(test, order.orderId, () =>
        api(test).invoice(order.orderId, invoice('NF-1', invoiceValue)),
      )
      assert.equal(errorCode(bad), 'OMS001', String(invoiceValue))
      assert.match(bad.json<{ error: { message: string } }>().error.message, /invoiceValue/)
    }
  })

  it('a return invoice waits for the full invoice, refunds its value and shows as a restitution', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const early = await refused(test, order.orderId, () =>
      api(test).invoice(order.orderId, { ...invoice('RET-1', 2500), type: 'Input' }),
    )
    assert.equal(errorCode(early), 'OMS016')
    assert.equal((await api(test).invoice(order.orderId, invoice('NF-1', 13980))).statusCode, 200)

    const tooMuch = await refused(test, order.orderId, () =>
      api(test).invoice(order.orderId, {
        ...invoice('RET-1', 2500),
        type: 'Input',
        items: [{ id: '2002', price: 2500, quantity: 2 }],
      }),
    )
    assert.equal(errorCode(tooMuch), 'OMS016')
    const ret = await api(test).invoice(order.orderId, {
      ...invoice('RET-1', '2500'),
      type: 'Input',
      items: [{ id: '2002', price: 2500, quantity: 1 }],
    })
    assert.equal(ret.statusCode, 200, ret.body)
    const returned = await api(test).getOk(order.orderId)
    assert.equal(returned.status, 'invoiced')
    const pkg = returned.packageAttachment.packages[1]
    assert.equal(pkg?.type, 'Input')
    assert.equal(pkg.restitutions.Refund?.value, 2500)
    assert.deepEqual(
      pkg.restitutions.Refund.items.map((i) => [i.id, i.quantity, i.price]),
      [['2002', 1, 2500]],
    )
    const transaction = (await api(test).paymentTransaction(order.orderId)).json<{
      status: string
      events: { type: string; value: number }[]
    }>()
    assert.deepEqual(
      transaction.events.map((e) => [e.type, e.value]),
      [
        ['approval', 13980],
        ['refund', 2500],
      ],
    )
    assert.equal(transaction.status, 'Approved')
    const over = await refused(test, order.orderId, () =>
      api(test).invoice(order.orderId, { ...invoice('RET-2', 11481), type: 'Input' }),
    )
    assert.match(
      over.json<{ error: { message: string } }>().error.message,
      /11480 cents invoiced and not yet returned/,
    )
    assert.equal(
      (await api(test).invoice(order.orderId, { ...invoice('RET-2', 11480), type: 'Input' })).statusCode,
      200,
    )
    const all = (await api(test).paymentTransaction(order.orderId)).json<{
      status: string
      isActive: boolean
    }>()
    assert.deepEqual([all.status, all.isActive], ['Refunded', false])
  })

  it('tracking: the number by PATCH, the carrier events by PUT, each event stored once', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    assert.equal((await api(test).invoice(order.orderId, invoice('NF-1', 13980))).statusCode, 200)

    const missing = await refused(test, order.orderId, () =>
      api(test).updateTracking(order.orderId, 'NF-404', { trackingNumber: 'TR-1' }),
    )
    assert.equal(missing.statusCode, 404)
    assert.equal(errorCode(missing), 'OMS017')
    assert.match(missing.json<{ error: { message: string } }>().error.message, /Invoice not found/)
    const missingStatus = await refused(test, order.orderId, () =>
      api(test).trackingStatus(order.orderId, 'NF-404', { isDelivered: false, events: [] }),
    )
    assert.equal(missingStatus.statusCode, 404)

    const patched = await api(test).updateTracking(order.orderId, 'NF-1', {
      trackingNumber: 'TR-1',
      trackingUrl: 'https://carrier.example/TR-1',
      courier: 'Correios',
      dispatchedDate: '2026-03-03T09:00:00Z',
    })
    assert.equal(patched.statusCode, 200, patched.body)
    const events = [
      {
        city: 'Rio de Janeiro',
        state: 'RJ',
        description: 'Coletado pela transportadora',
        date: '2026-03-03',
      },
      { city: 'Sao Paulo', state: 'SP', description: 'A caminho de Curitiba', date: '2026-03-04' },
    ]
    const put = { isDelivered: false, deliveredDate: null, events }
    assert.equal((await api(test).trackingStatus(order.orderId, 'NF-1', put)).statusCode, 200)
    const unchanged = (await api(test).get(order.orderId)).body
    assert.equal((await api(test).trackingStatus(order.orderId, 'NF-1', put)).statusCode, 200)
    assert.equal((await api(test).get(order.orderId)).body, unchanged)

    const delivered = {
      isDelivered: true,
      deliveredDate: '2026-03-05 14:30',
      events: [...events, { city: 'Curitiba', state: 'PR', description: 'Entregue', date: '2026-03-05' }],
    }
    assert.equal((await api(test).trackingStatus(order.orderId, 'NF-1', delivered)).statusCode, 200)
    const pkg = (await api(test).getOk(order.orderId)).packageAttachment.packages[0]
    assert.equal(pkg?.trackingNumber, 'TR-1')
    assert.equal(pkg.courier, 'Correios')
    assert.equal(pkg.dispatchedDate, '2026-03-03T09:00:00Z')
    assert.equal(pkg.courierStatus?.finished, true)
    assert.equal(pkg.courierStatus.status, 'ok')
    assert.equal(pkg.courierStatus.deliveredDate, '2026-03-05 14:30')
    assert.deepEqual(
      pkg.courierStatus.data.map((e) => e.description),
      ['Coletado pela transportadora', 'A caminho de Curitiba', 'Entregue'],
    )
    const kinds = (await timeline(test, order.orderId)).filter((e) => e.type === 'tracking')
    assert.deepEqual(
      kinds.map((e) => [e.action, e.newEvents]),
      [
        ['tracking-number', 0],
        ['status', 2],
        ['status', 1],
      ],
    )
  })

  it('a registered change moves items, totals, value and payments; a repeated requestId answers the first receipt', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const body = {
      requestId: 'change-1',
      reason: 'Stock shortage',
      discountValue: 100,
      incrementValue: 0,
      itemsRemoved: [{ id: '1001', price: 4990, quantity: 1 }],
    }
    const res = await api(test).registerChange(order.orderId, body)
    assert.equal(res.statusCode, 200, res.body)
    const changed = await api(test).getOk(order.orderId)
    assert.equal(changed.value, 13980 - 4990 - 100)
    assert.equal(
      changed.totals.reduce((sum, total) => sum + total.value, 0),
      changed.value,
    )
    assert.deepEqual(changed.totals.at(-1), {
      id: 'Change',
      name: 'Total das mudanças',
      value: -100,
      alternativeTotals: null,
    })
    assert.equal(changed.items[0]?.quantity, 1)
    const [recorded] = changed.changesAttachment?.changesData ?? []
    assert.ok(recorded)
    assert.deepEqual(recorded.receipt, res.json())
    assert.deepEqual(
      recorded.itemsRemoved.map((i) => [i.id, i.quantity, i.price]),
      [['1001', 1, 4990]],
    )

    const repeat = await api(test).registerChange(order.orderId, { ...body, discountValue: 5000 })
    assert.deepEqual(repeat.json(), res.json())
    assert.equal((await api(test).getOk(order.orderId)).value, changed.value)

    const added = await api(test).registerChange(order.orderId, {
      requestId: 'change-2',
      reason: 'Customer asked for a second mug',
      itemsAdded: [{ id: '2002', price: 2500, quantity: 1 }],
      incrementValue: 300,
    })
    assert.equal(added.statusCode, 200, added.body)
    const after = await api(test).getOk(order.orderId)
    assert.equal(after.value, changed.value + 2500 + 300)
    assert.equal(after.items[1]?.quantity, 2)
    const ledger = (await api(test).paymentTransaction(order.orderId)).json<{
      events: { type: string; value: number }[]
    }>()
    assert.deepEqual(
      ledger.events.map((e) => [e.type, e.value]),
      [
        ['approval', 13980],
        ['refund', 5090],
        ['charge', 2800],
      ],
    )
    const kinds = (await timeline(test, order.orderId)).filter((e) => e.type === 'change')
    assert.deepEqual(
      kinds.map((e) => [e.requestId, e.valueChange]),
      [
        ['change-1', -5090],
        ['change-2', 2800],
      ],
    )
  })

  it('changes answer with VTEX messages and codes, and never go below what is invoiced', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const change = (body: object) =>
      api(test).registerChange(order.orderId, { requestId: 'r', reason: 'x', ...body })
    const cases: [object, number, string, RegExp][] = [
      [{ discountValue: -1 }, 400, 'CHK0098', /greater or equal than zero/],
      [{ reason: '' }, 400, 'OMS001', /Field reason not set/],
      [{}, 400, 'OMS019', /Invalid modification for order/],
      [{ itemsRemoved: [{ id: '9999', price: 1, quantity: 1 }] }, 404, 'CHK0022', /Invalid id for item 9999/],
      [
        { itemsRemoved: [{ id: '1001', price: 4990, quantity: 3 }] },
        400,
        'CHK0023',
        /Invalid quantity to remove from item 1001/,
      ],
      [{ discountValue: 13980 }, 400, 'CHK0034', /exceeds the order's price/],
    ]
    for (const [body, status, code, message] of cases) {
      const res = await refused(test, order.orderId, () => change(body))
      assert.equal(res.statusCode, status, JSON.stringify(body))
      assert.equal(errorCode(res), code)
      assert.match(res.json<{ error: { message: string } }>().error.message, message)
    }
    assert.equal(
      (
        await api(test).invoice(
          order.orderId,
          invoice('NF-1', 10000, { items: [{ id: '1001', price: 4990, quantity: 2 }] }),
        )
      ).statusCode,
      200,
    )
    const below = await refused(test, order.orderId, () => change({ discountValue: 3981 }))
    assert.equal(errorCode(below), 'OMS020')
    const invoicedUnits = await refused(test, order.orderId, () =>
      change({ itemsRemoved: [{ id: '1001', price: 4990, quantity: 1 }] }),
    )
    assert.equal(errorCode(invoicedUnits), 'CHK0023')

    // Down to exactly what is invoiced: the order is invoiced in full.
    const down = await change({ discountValue: 3980 })
    assert.equal(down.statusCode, 200, down.body)
    const invoiced = await api(test).getOk(order.orderId)
    assert.deepEqual([invoiced.status, invoiced.value], ['invoiced', 10000])
    const late = await refused(test, order.orderId, () => change({ requestId: 'late', discountValue: 1 }))
    assert.equal(errorCode(late), 'CHK0124')
  })

  it('refuses an increase on an order paid by a method that cannot be charged again; a decrease is refunded', async (t) => {
    const test = await startTestApp(t, dialect)
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const order = await api(test).handlingOrder(
      exampleOrder({
        items: [{ id: '1001', name: 'Blue T-shirt M', seller: '1', quantity: 1, price: 4000 }],
        shippingData: {
          ...exampleOrder().shippingData,
          logisticsInfo: [{ itemIndex: 0, selectedSla: 'Normal', price: 1000, shippingEstimate: '3bd' }],
        },
        paymentData: {
          payments: [{ paymentSystem: '6', paymentSystemName: 'Boleto', group: 'bankInvoice', value: 5000 }],
        },
      }),
    )
    const change = (body: object) => api(test).registerChange(order.orderId, { reason: 'x', ...body })
    const increase = await refused(test, order.orderId, () =>
      change({ requestId: 'up', incrementValue: 100 }),
    )
    assert.equal(errorCode(increase), 'CHK00342')
    assert.match(
      increase.json<{ error: { message: string } }>().error.message,
      /without a credit card payment/,
    )
    assert.equal((await change({ requestId: 'down', discountValue: 100 })).statusCode, 200)
  })

  it('an order worth nothing (a free item, free shipping) is invoiced with an invoice of 0', async (t) => {
    const test = await startTestApp(t, dialect)
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const example = exampleOrder()
    const [free] = example.items
    assert.ok(free)
    // Nothing to pay: the order needs no payment notification.
    const placed = await api(test).placeOk(
      exampleOrder({
        items: [{ ...free, price: 0, listPrice: 0, sellingPrice: 0 }],
        shippingData: {
          ...example.shippingData,
          logisticsInfo: example.shippingData.logisticsInfo.slice(0, 1).map((l) => ({ ...l, price: 0 })),
        },
        paymentData: { payments: [] },
      }),
    )
    const orderId = `${placed.orderGroup}-01`
    assert.equal((await api(test).startHandling(orderId)).statusCode, 204)
    assert.equal((await api(test).getOk(orderId)).value, 0)
    const res = await api(test).invoice(orderId, invoice('NF-0', 0))
    assert.equal(res.statusCode, 200, res.body)
    assert.equal((await api(test).getOk(orderId)).status, 'invoiced')
  })

  it('takes a dispatch date in either spelling, a date over null; a call that changes nothing is dated now', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const sent = invoice('NF-1', 13980, { dispatchedDate: null, dispatchDate: '2026-03-03T09:00:00Z' })
    assert.equal((await api(test).invoice(order.orderId, sent)).statusCode, 200)
    const pkg = () =>
      api(test)
        .getOk(order.orderId)
        .then((o) => o.packageAttachment.packages[0])
    assert.equal((await pkg())?.dispatchedDate, '2026-03-03T09:00:00Z')
    const patch = { trackingNumber: 'TR-1', dispatchDate: '2026-03-04T09:00:00Z' }
    assert.equal((await api(test).updateTracking(order.orderId, 'NF-1', patch)).statusCode, 200)
    assert.equal((await pkg())?.dispatchedDate, '2026-03-04T09:00:00Z')

    test.clock.advanceMinutes(10)
    const again = await api(test).updateTracking(order.orderId, 'NF-1', patch)
    assert.equal(again.statusCode, 200, again.body)
    assert.equal(again.json<{ date: string }>().date, test.clock.now().toISOString())
  })

  it('refuses the 51st change of an order', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    for (let i = 1; i <= 50; i++) {
      const res = await api(test).registerChange(order.orderId, {
        requestId: `c-${i}`,
        reason: 'x',
        incrementValue: 1,
      })
      assert.equal(res.statusCode, 200, res.body)
    }
    const res = await refused(test, order.orderId, () =>
      api(test).registerChange(order.orderId, { requestId: 'c-51', reason: 'x', incrementValue: 1 }),
    )
    assert.equal(errorCode(res), 'OMS018')
    assert.match(
      res.json<{ error: { message: string } }>().error.message,
      /Max allowed modifications for order exceeded: 50/,
    )
  })
})
