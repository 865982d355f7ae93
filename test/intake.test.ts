// Order intake through HTTP: the split by seller, totals, validation, idempotency and concurrency.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api, errorCode } from './api.ts'
import { exampleOrder, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp } from './harness.ts'

describeEachDialect('order intake', (dialect) => {
  it('splits the example order into two orders of one group whose totals add up to 13980', async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    assert.equal(placed.orders.length, 2)
    const [first, second] = placed.orders
    assert.ok(first && second)
    assert.equal(first.orderId, `${placed.orderGroup}-01`)
    assert.equal(second.orderId, `${placed.orderGroup}-02`)
    assert.deepEqual(
      placed.orders.map((o) => o.sellers[0]?.id),
      ['1', 'partner'],
    )
    assert.equal(first.value, 10980)
    assert.equal(second.value, 3000)
    for (const order of placed.orders) {
      assert.equal(
        order.totals.reduce((sum, t) => sum + t.value, 0),
        order.value,
      )
      assert.match(order.sequence, /^\d{6,}$/)
    }
    // The store's own order waits for payment; the partner's waits for the partner to accept it first.
    assert.deepEqual(
      placed.orders.map((o) => o.status),
      ['payment-pending', 'waiting-for-authorization'],
    )
    // One transaction for the group, whose payments add up to the group's total.
    assert.equal(
      first.paymentData.transactions[0]?.payments.reduce((sum, p) => sum + p.value, 0),
      first.value + second.value,
    )
    assert.deepEqual(first.paymentData.transactions, second.paymentData.transactions)
    assert.equal(first.sellerOrderId, `00-${first.orderId}`)
    assert.deepEqual(
      first.totals.map((t) => [t.id, t.value]),
      [
        ['Items', 9980],
        ['Discounts', 0],
        ['Shipping', 1000],
        ['Tax', 0],
      ],
    )
    const read = await api(test).getOk(first.orderId)
    assert.deepEqual(read, first)
    const bySequence = await api(test).getOk(`seq${first.sequence}`)
    assert.equal(bySequence.orderId, first.orderId)
  })

  it('answers a repeated Idempotency-Key with the first result', async (t) => {
    const test = await startTestApp(t, dialect)
    const body = singleOrder('IDEM')
    const first = await api(test).placeOk(body, { 'idempotency-key': 'k-1' })
    const again = await api(test).place(body, { 'idempotency-key': 'k-1' })
    assert.equal(again.statusCode, 201)
    assert.equal(again.headers['idempotent-replayed'], 'true')
    assert.equal(again.json<{ orderGroup: string }>().orderGroup, first.orderGroup)
    const different = await api(test).place(singleOrder('OTHER'), { 'idempotency-key': 'k-1' })
    assert.equal(different.statusCode, 422)
    assert.equal(errorCode(different), 'OMS008')
  })
})
