// Unit tests of the intake rules: split by seller, totals, the group's shared transaction, formats, sellerAccepts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exampleOrder, PARTNER } from '../../../test/fixtures.ts'
import { errorStatus } from '../../platform/http-errors.ts'
import {
  builtGroup,
  ctxAt,
  deepFreeze,
  edges,
  expectError,
  paidWith,
  T0,
  TWO_PAYMENTS,
} from '../../../test/rules.ts'
import { conclude, start } from '../orders/order-workflow.ts'
import {
  approvedOnArrival,
  buildOrders,
  computeTotals,
  estimateDate,
  planIntake,
  sellerAccepts,
  sharePayments,
} from './intake.ts'
import { approveOnArrival } from '../payments/payment.ts'
import type { IntakeBody } from './intake.schemas.ts'

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
    assert.deepEqual(totals, { items: 3000, discounts: -300, shipping: 600, tax: 150, change: 0 })
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
      now: T0,
      newId: () => `ID${++n}`,
      sellers: new Map([[PARTNER.id, PARTNER]]),
    })
    assert.deepEqual(
      orders.map((o) => [o.orderId, o.sequence, o.seller.id]),
      [
        ['1234567500001-01', 500001, '1'],
        ['1234567500001-02', 500004, 'partner'],
      ],
    )
    for (const order of orders) {
      assert.deepEqual(
        order.shipping.logistics.map((l) => l.itemIndex),
        [0],
      )
      // Not saved and not started: the write path numbers versions, start() records the first status.
      assert.equal(order.version, 0)
      assert.equal(order.status, 'order-created')
      assert.ok(order.payment.payments.every((p) => p.approvedAt === null))
      assert.deepEqual(order.payment.entries, [])
    }
  })

  for (const [label, body] of [
    ['one payment', exampleOrder()],
    ['two payments', paidWith(TWO_PAYMENTS)],
  ] as const) {
    it(`gives the group one shared transaction, each order its share of it (${label})`, () => {
      const orders = builtGroup(body)
      const [first, ...others] = orders
      assert.ok(first)
      for (const order of others) {
        assert.equal(order.payment.transactionId, first.payment.transactionId)
        assert.deepEqual(
          order.payment.payments.map((p) => p.id),
          first.payment.payments.map((p) => p.id),
        )
      }
      const values = body.paymentData.payments.map((p) => p.value)
      for (const order of orders) {
        // Every order shows the whole payment, as VTEX's order-group example does.
        assert.deepEqual(
          order.payment.payments.map((p) => p.value),
          values,
        )
        const totals = order.totals
        assert.equal(
          order.payment.payments.reduce((sum, p) => sum + p.share, 0),
          totals.items + totals.discounts + totals.shipping + totals.tax,
          order.orderId,
        )
      }
      values.forEach((value, p) =>
        assert.equal(
          orders.reduce((sum, o) => sum + (o.payment.payments[p]?.share ?? 0), 0),
          value,
        ),
      )
    })
  }

  const REFUSED: Array<[string, IntakeBody]> = [
    ['storePreferencesData.currencyCode', exampleOrder({ storePreferencesData: { currencyCode: 'XYZ' } })],
    ['storePreferencesData.currencyCode', exampleOrder({ storePreferencesData: { currencyCode: 'brl' } })],
    ['clientPreferencesData.locale', exampleOrder({ clientPreferencesData: { locale: 'pt_BR' } })],
    ['clientPreferencesData.locale', exampleOrder({ clientPreferencesData: { locale: 'en-US-' } })],
  ]
  for (const [field, body] of REFUSED) {
    const value = body.storePreferencesData?.currencyCode ?? body.clientPreferencesData?.locale
    it(`refuses ${field} ${value} with VALIDATION_FAILED (400) naming the field`, () => {
      expectError(() => planIntake(body), 'VALIDATION_FAILED')
      assert.throws(() => planIntake(body), new RegExp(field.replace('.', '\\.')))
      assert.equal(errorStatus('VALIDATION_FAILED'), 400)
    })
  }

  it('accepts known currencies and well-formed locales, even one Intl has no data for', () => {
    for (const [currencyCode, locale] of [
      ['USD', 'en-US'],
      ['BRL', 'pt-BR'],
      ['JPY', 'zz-ZZ'],
    ] as const) {
      const body = exampleOrder({ storePreferencesData: { currencyCode }, clientPreferencesData: { locale } })
      const [order] = builtGroup(body)
      assert.deepEqual([order?.store.currencyCode, order?.clientPreferences.locale], [currencyCode, locale])
    }
  })
})

describe('sellerAccepts', () => {
  /** Nothing to pay: a free item, free shipping, no payments. */
  const free = (): IntakeBody =>
    exampleOrder({
      items: [{ id: '1001', name: 'Sample', seller: '1', quantity: 1, price: 0 }],
      shippingData: {
        ...exampleOrder().shippingData,
        logisticsInfo: [{ itemIndex: 0, selectedSla: 'Normal', price: 0, shippingEstimate: '1d' }],
      },
      paymentData: { payments: [] },
    })

  for (const [grace, rest] of [
    [30, 'window-to-cancel'],
    [0, 'ready-for-handling'],
  ] as const) {
    it(`approves an order without payments at once (grace ${grace} minutes: ${rest})`, () => {
      const [order] = builtGroup(free())
      assert.ok(order)
      const ctx = ctxAt(T0, grace)
      const decision = conclude(sellerAccepts(start(order, ctx), ctx))
      assert.deepEqual(edges(decision).at(-1)?.[1], rest)
      assert.ok(edges(decision).some(([from, to]) => from === 'payment-pending' && to === 'approve-payment'))
      assert.equal(decision.order.authorizedDate, T0)
    })
  }

  it('takes an order with a payment to approve to payment-pending, where it waits', () => {
    for (const order of builtGroup()) {
      const ctx = ctxAt(T0)
      const started = deepFreeze(start(order, ctx))
      assert.equal(started.order.status, 'waiting-for-authorization')
      const accepted = sellerAccepts(started, ctx)
      assert.deepEqual(
        accepted.events.slice(started.events.length).map((e) => [e.lastState, e.state]),
        [['waiting-for-authorization', 'payment-pending']],
      )
    }
  })

  it('takes an order whose payments all arrived approved on to payment-approved', () => {
    const body = exampleOrder()
    const paid = {
      ...body,
      paymentData: {
        payments: body.paymentData.payments.map((p) => ({ ...p, status: 'approved' as const })),
      },
    }
    for (const order of builtGroup(paid)) {
      const ctx = ctxAt(T0)
      const arrived = approveOnArrival(approvedOnArrival(paid, order))(start(order, ctx), ctx)
      assert.equal(
        arrived.order.status,
        'waiting-for-authorization',
        'approved, but not before its seller accepts',
      )
      const decision = conclude(sellerAccepts(arrived, ctx))
      // Paid, the store's order enters its grace period; the marketplace's waits for its seller.
      const rest = order.workflow.flow === 'complete' ? 'window-to-cancel' : 'waiting-seller-handling'
      assert.equal(decision.order.status, rest)
      assert.equal(decision.order.authorizedDate, T0)
      assert.ok(decision.order.payment.payments.every((p) => p.approvedAt === T0))
    }
    // A payment that arrives pending is not approved.
    const [order] = builtGroup()
    assert.ok(order)
    assert.deepEqual(approvedOnArrival(exampleOrder(), order), [])
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
