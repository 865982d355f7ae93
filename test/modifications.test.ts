// Order modifications (v2) through the HTTP API: a request's life (202, the worker's steps, done or canceled),
// preview, history, details, retry, cancel, settings, the change summary, and the refusals of the reference.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { processModification } from '../src/modules/changes/modification.service.ts'
import { MODIFICATION_ATTEMPTS } from '../src/modules/orders/order-modification.ts'
import { api } from './api.ts'
import { describeEachDialect, startTestApp } from './harness.ts'
import { changes, handlingOrder, modifications, twoItemOrder } from './modification-api.ts'

const sosCode = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code

describeEachDialect('order modifications (v2)', (dialect) => {
  it('a request is accepted (202), processed by the worker to done, and the order follows', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    const body = {
      reason: 'The customer wants one cup less and a new saucer.',
      remove: { items: [{ id: '1001', quantity: 1 }] },
      add: { items: [{ id: '3003', quantity: 2, price: 700 }] },
      manualDiscountValue: 100,
    }
    const preview = await m.preview(order.orderId, body)
    assert.equal(preview.statusCode, 200, preview.body)
    const previewed = preview.json<{ totalChangeValue: number; totals: { id: string; value: number }[] }>()
    assert.equal(previewed.totalChangeValue, -4990 + 1400 - 100)

    const requestId = await m.accepted(order.orderId, body)
    const waiting = await m.detailOk(order.orderId, requestId)
    assert.equal(waiting.status, 'waiting-acknowledgement')
    assert.equal(waiting.inProgress, true)
    assert.equal((await api(test).getOk(order.orderId)).value, 13980)

    await test.runDueJobs()
    const done = await m.detailOk(order.orderId, requestId)
    assert.equal(done.status, 'done')
    assert.equal(done.inProgress, false)
    assert.deepEqual(
      done.logs.map((l) => l.status),
      ['waiting-acknowledgement', 'waiting-confirmation', 'done'],
    )
    assert.equal(done.totalChangeValue, previewed.totalChangeValue)
    assert.deepEqual(done.totals, previewed.totals)

    const after = await api(test).getOk(order.orderId)
    assert.equal(after.value, 13980 + previewed.totalChangeValue)
    assert.deepEqual(
      after.items.map((i) => [i.id, i.quantity, i.sellingPrice]),
      [
        ['1001', 1, 4990],
        ['2002', 1, 2500],
        ['3003', 2, 700],
      ],
    )
    assert.equal(after.changesAttachment?.changesData?.length, 1)

    const history = await m.history(order.orderId)
    assert.equal(history.statusCode, 200, history.body)
    assert.equal(history.json<{ requests: unknown[] }>().requests.length, 1)
    const summary = await m.summary(order.orderId)
    assert.equal(summary.statusCode, 200, summary.body)
  })

  it('a second request while one is in progress gets SalesOrderSystem014; an invoice waits too', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    await m.accepted(order.orderId, { reason: 'Discount', manualDiscountValue: 500 })
    const second = await m.patch(order.orderId, { reason: 'Another', manualDiscountValue: 100 })
    assert.equal(second.statusCode, 409, second.body)
    assert.equal(sosCode(second), 'SalesOrderSystem014')
    assert.ok(second.json<{ operationId: string }>().operationId)
    const invoice = await api(test).invoice(order.orderId, {
      type: 'Output',
      invoiceNumber: 'NF-1',
      invoiceValue: 1000,
      issuanceDate: '2026-03-02T10:00:00-03:00',
    })
    assert.equal(invoice.statusCode, 409, invoice.body)
    await test.runDueJobs()
    assert.equal((await api(test).getOk(order.orderId)).value, 13480)
  })

  it('cancel before processing frees the order; retry and cancel of finished requests are refused', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    const first = await m.accepted(order.orderId, { reason: 'Discount', manualDiscountValue: 500 })
    assert.equal((await m.retry(order.orderId, first)).statusCode, 204)
    const canceled = await m.cancel(order.orderId, first)
    assert.equal(canceled.statusCode, 200, canceled.body)
    const detail = await m.detailOk(order.orderId, first)
    assert.equal(detail.status, 'canceled')
    assert.equal(detail.cancellationData?.reason, 'Stopped on an error')
    const retried = await m.retry(order.orderId, first)
    assert.equal(retried.statusCode, 409)
    assert.equal(sosCode(retried), 'SalesOrderSystem016')
    await test.runDueJobs()
    assert.equal((await api(test).getOk(order.orderId)).value, 13980)
    const second = await m.accepted(order.orderId, { reason: 'Discount', manualDiscountValue: 500 })
    await test.runDueJobs()
    assert.equal((await m.cancel(order.orderId, second)).statusCode, 409)
  })

  it('cancels a request the order stopped allowing before it was processed, and changes nothing else', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    const requestId = await m.accepted(order.orderId, { reason: 'Discount', manualDiscountValue: 500 })
    assert.equal((await api(test).cancel(order.orderId, { reason: 'Customer gave up' })).statusCode, 200)
    await test.runDueJobs()
    const detail = await m.detailOk(order.orderId, requestId)
    assert.equal(detail.status, 'canceled')
    assert.equal(detail.cancellationData?.code, 'SalesOrderSystem008')
    const after = await api(test).getOk(order.orderId)
    assert.equal(after.status, 'canceled')
    assert.equal(after.value, 13980)
    const timeline = (await api(test).timeline(order.orderId)).json<{
      entries: { type: string; action?: string }[]
    }>()
    assert.deepEqual(
      timeline.entries.filter((e) => e.type === 'modification').map((e) => e.action),
      ['requested', 'canceled'],
    )
  })

  it('refuses at once what could never apply, with the order system envelope, and stores nothing', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    const address = order.shippingData.address.addressId
    const refusals: [unknown, number, string][] = [
      [{ reason: 'x', add: { items: [{ id: '9999', quantity: 1 }] } }, 400, 'OMS023'],
      [{ reason: 'x', remove: { items: [{ id: '9999', quantity: 1 }] } }, 400, 'SalesOrderSystem010'],
      [{ reason: 'x', remove: { items: [{ id: '1001', quantity: 3 }] } }, 400, 'SalesOrderSystem011'],
      [{ reason: 'x', manualDiscountValue: 13980 }, 400, 'CHK0034'],
      [{ reason: ' ', manualDiscountValue: 1 }, 400, 'OMS001'],
      [{ reason: 'x' }, 400, 'OMS019'],
      [
        {
          reason: 'x',
          replace: [
            {
              from: { items: [{ id: '2002', quantity: 1 }] },
              to: {
                items: [{ id: '4004', quantity: 1, price: 900 }],
                shippingData: {
                  logisticsInfo: [
                    {
                      itemIndex: 0,
                      selectedSla: 'Express',
                      selectedDeliveryChannel: 'delivery',
                      addressId: `${address}-other`,
                      price: 300,
                    },
                  ],
                },
              },
            },
          ],
        },
        400,
        'SalesOrderSystem045',
      ],
    ]
    for (const [body, status, code] of refusals) {
      const res = await m.patch(order.orderId, body)
      assert.equal(res.statusCode, status, res.body)
      assert.equal(sosCode(res), code, res.body)
      const preview = await m.preview(order.orderId, body)
      assert.equal(sosCode(preview), code, preview.body)
    }
    assert.deepEqual((await m.history(order.orderId)).json<{ requests: unknown[] }>().requests, [])
    assert.equal((await api(test).getOk(order.orderId)).value, 13980)
  })

  it('replaces an item with shipping of its own, and the summary shows the order as placed', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    const logisticsInfo = [
      {
        itemIndex: 0,
        selectedSla: 'Express',
        selectedDeliveryChannel: 'delivery',
        addressId: order.shippingData.address.addressId,
        price: 300,
      },
    ]
    const requestId = await m.accepted(order.orderId, {
      reason: 'Mug out of stock: a bowl instead',
      replace: [
        {
          from: { items: [{ id: '2002', quantity: 1 }] },
          to: {
            items: [{ id: '4004', quantity: 1, price: 2700 }],
            shippingData: { logisticsInfo },
            clientProfileData: [{ phone: '+5521999990000', email: 'someone@else.example' }],
          },
        },
      ],
    })
    await test.runDueJobs()
    const done = await m.detailOk(order.orderId, requestId)
    assert.equal(done.status, 'done')
    assert.equal(done.totalChangeValue, 200 + 300)
    const after = await api(test).getOk(order.orderId)
    assert.equal(after.value, 13980 + 500)
    assert.equal(after.shippingData.logisticsInfo[2]?.selectedSla, 'Express')
    assert.equal(after.clientProfileData.phone, '+5521999990000')
    assert.equal(
      after.clientProfileData.email,
      order.clientProfileData.email,
      'a modification keeps the email',
    )
    const summary = (await m.summary(order.orderId)).json<{
      original: { id: string; quantity: number }[]
      replaced: { replaceType: string }[]
      totalChangeValueAggregated: number
    }>()
    assert.deepEqual(
      summary.original.map((line) => [line.id, line.quantity]),
      [
        ['1001', 2],
        ['2002', 1],
      ],
    )
    assert.deepEqual(
      summary.replaced.map((r) => r.replaceType),
      ['ItemReplacement'],
    )
    assert.equal(summary.totalChangeValueAggregated, 500)
  })

  it("keeps the account's settings, and refuses requests when it turned the API off", async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    const settings = '/api/order-system/orders/changes/settings?an=acme'
    const defaults = await api(test).send('GET', settings)
    assert.equal(defaults.statusCode, 200, defaults.body)
    assert.equal(
      defaults.json<{ rolloutConfiguration: { usingDefaultBehavior: boolean } }>().rolloutConfiguration
        .usingDefaultBehavior,
      true,
    )
    const off = await api(test).send('PUT', settings, { rolloutConfiguration: { enableApi: false } })
    assert.equal(off.statusCode, 200, off.body)
    const refused = await m.patch(order.orderId, { reason: 'x', manualDiscountValue: 1 })
    assert.equal(refused.statusCode, 403, refused.body)
    assert.equal(sosCode(refused), 'OMS025')
    const on = await api(test).send('PUT', settings, {
      rolloutConfiguration: { enableApi: true },
      paymentConfiguration: { customPaymentSystemsAllowed: ['201'] },
    })
    assert.deepEqual(on.json<{ paymentConfiguration: unknown }>().paymentConfiguration, {
      customPaymentSystemsAllowed: ['201'],
    })
    const other = await api(test).send('PATCH', `${changes(order.orderId)}?accountName=someone-else`, {
      reason: 'x',
      manualDiscountValue: 1,
    })
    assert.equal(other.statusCode, 403, other.body)
  })

  it('never mixes register modifications (v1) and order modifications (v2) on one order', async (t) => {
    const test = await startTestApp(t, dialect)
    const m = modifications(test)
    const v1 = await handlingOrder(test)
    const registered = await api(test).registerChange(v1.orderId, {
      requestId: 'v1-1',
      reason: 'Discount',
      discountValue: 100,
    })
    assert.equal(registered.statusCode, 200, registered.body)
    const refused = await m.patch(v1.orderId, { reason: 'x', manualDiscountValue: 1 })
    assert.equal(sosCode(refused), 'SalesOrderSystem015')

    const v2 = await api(test).handlingOrder({ ...twoItemOrder(), marketplaceOrderId: 'MIX-2' })
    await m.accepted(v2.orderId, { reason: 'x', manualDiscountValue: 1 })
    await test.runDueJobs()
    const mixed = await api(test).registerChange(v2.orderId, {
      requestId: 'v1-2',
      reason: 'Discount',
      discountValue: 100,
    })
    assert.equal(mixed.statusCode, 409, mixed.body)
  })

  it('cancels a request whose attempts ran out with SalesOrderSystem017, keeping the error out of it', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = await handlingOrder(test)
    const m = modifications(test)
    const requestId = await m.accepted(order.orderId, { reason: 'Discount', manualDiscountValue: 500 })
    // The job's attempt past the request's last: its worker vanished, or canceling failed before.
    const job = { account: 'acme', orderId: order.orderId, requestId }
    await processModification(test.deps, job, { attempt: MODIFICATION_ATTEMPTS + 1 })
    const detail = await m.detailOk(order.orderId, requestId)
    assert.equal(detail.status, 'canceled')
    assert.equal(detail.cancellationData?.code, 'SalesOrderSystem017')
    assert.match(detail.cancellationData?.reason ?? '', /after 8 failed attempts/)
    await m.accepted(order.orderId, { reason: 'Discount', manualDiscountValue: 500 })
  })
})
