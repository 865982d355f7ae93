// Unit tests of the intake rules: split by seller, totals, payment shares, delivery estimates.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exampleOrder } from '../../../test/fixtures.ts'
import { buildOrders, computeTotals, estimateDate, planIntake, sharePayments } from './order-intake.ts'

describe('sharePayments', () => {
  const cases: [number[], number[]][] = [
    [[10980, 3000], [13980]],
    [
      [10980, 3000],
      [5000, 8980],
    ],
    [
      [100, 200, 300],
      [50, 550],
    ],
    [[1], [1]],
    [
      [700, 0, 300],
      [250, 250, 500],
    ],
  ]
  for (const [orders, payments] of cases) {
    it(`splits payments ${payments.join('+')} over orders ${orders.join('+')} exactly`, () => {
      const shares = sharePayments(orders, payments)
      orders.forEach((value, o) =>
        assert.equal(
          shares[o]?.reduce((a, b) => a + b, 0),
          value,
        ),
      )
      payments.forEach((value, p) =>
        assert.equal(
          shares.reduce((sum, row) => sum + (row[p] ?? 0), 0),
          value,
        ),
      )
      assert.ok(shares.flat().every((share) => Number.isInteger(share) && share >= 0))
    })
  }
})

describe('computeTotals', () => {
  it('counts items at price, discounts as sellingPrice − price, shipping and tax', () => {
    const totals = computeTotals([
      {
        item: { id: 'a', name: 'A', quantity: 3, price: 1000, sellingPrice: 900, tax: 50 },
        logistics: {
          itemIndex: 0,
          selectedSla: 'Normal',
          price: 700,
          sellingPrice: 600,
          shippingEstimate: '2d',
        },
      },
    ])
    assert.deepEqual(
      totals.map((t) => [t.id, t.value]),
      [
        ['Items', 3000],
        ['Discounts', -300],
        ['Shipping', 600],
        ['Tax', 150],
      ],
    )
  })
})

describe('planIntake and buildOrders', () => {
  it('puts seller 1 first and renumbers logistics per order', () => {
    const body = exampleOrder()
    const reversed = { ...body, items: [body.items[1], body.items[0]] as typeof body.items }
    reversed.shippingData = {
      ...body.shippingData,
      logisticsInfo: [
        { ...body.shippingData.logisticsInfo[1], itemIndex: 0 },
        { ...body.shippingData.logisticsInfo[0], itemIndex: 1 },
      ] as typeof body.shippingData.logisticsInfo,
    }
    const plan = planIntake(reversed)
    assert.deepEqual(
      plan.parts.map((p) => [p.seller, p.value]),
      [
        ['1', 10980],
        ['partner', 3000],
      ],
    )
    let n = 0
    const orders = buildOrders(reversed, plan, {
      account: 'acme',
      orderGroup: '1234567500001',
      sequences: [500001, 500004],
      now: '2026-03-02T12:00:00.000Z',
      newId: () => `ID${++n}`,
    })
    assert.deepEqual(
      orders.map((o) => [o.document.orderId, o.document.sequence, o.document.sellerOrderId]),
      [
        ['1234567500001-01', '500001', '00-1234567500001-01'],
        ['1234567500001-02', '500004', 'SLR-1234567500001-02'],
      ],
    )
    for (const order of orders) {
      assert.deepEqual(
        order.document.shippingData.logisticsInfo.map((l) => l.itemIndex),
        [0],
      )
      assert.equal(order.document.status, 'order-created')
      assert.ok(order.state.payments.every((p) => p.status === 'pending'))
    }
  })
})

describe('estimateDate', () => {
  it('counts business days over weekends, and plain days, hours and minutes', () => {
    // 2026-03-06 is a Friday.
    assert.equal(estimateDate('1bd', '2026-03-06T10:00:00.000Z'), '2026-03-09T10:00:00.000Z')
    assert.equal(estimateDate('5bd', '2026-03-02T10:00:00.000Z'), '2026-03-09T10:00:00.000Z')
    assert.equal(estimateDate('2d', '2026-03-06T10:00:00.000Z'), '2026-03-08T10:00:00.000Z')
    assert.equal(estimateDate('3h', '2026-03-06T10:00:00.000Z'), '2026-03-06T13:00:00.000Z')
    assert.equal(estimateDate('30m', '2026-03-06T10:00:00.000Z'), '2026-03-06T10:30:00.000Z')
  })
})
