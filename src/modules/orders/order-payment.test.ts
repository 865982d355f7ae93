// Unit tests of the order's payment ledger: closing its shares on cancellation, and its view of the transaction.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exampleOrder } from '../../../test/fixtures.ts'
import { cancel } from '../cancellation/cancellation.ts'
import { approvePayment } from '../payments/payment.ts'
import type { LedgerEntryType, Order } from './order.ts'
import {
  closePayments,
  isTransactionActive,
  paymentStatus,
  transactionStatus,
  type TransactionStatus,
} from './order-payment.ts'
import {
  approved,
  approvedGroup,
  canceled,
  ctxAt,
  only,
  orderOf,
  paidWith,
  paymentIds,
  placed,
  placedGroup,
  T_APPROVED,
  T_LATER,
  TWO_PAYMENTS,
} from '../../../test/rules.ts'
import { decide, draftOf, decideGroup } from './order-workflow.ts'

const storeCancel = cancel({ reason: null, requestedByUser: false, requestId: 'req-store' })

/** The example group paid with two payments, the first of them approved. */
function halfPaidGroup(): Order[] {
  const group = placedGroup(paidWith(TWO_PAYMENTS))
  const first = only(paymentIds(only(group)))
  return decideGroup(group, only(group), ctxAt(T_APPROVED), approvePayment(first)).map(orderOf)
}
const halfPaid = (): Order => only(halfPaidGroup())

describe('closePayments', () => {
  // [order, and for each of its payments with a share: the entry that closes it]
  const cases: Array<[string, () => Order, LedgerEntryType[]]> = [
    ['not yet approved', () => placed(paidWith(TWO_PAYMENTS)), ['void', 'void']],
    ['approved', () => approved(), ['refund']],
    ['half approved', halfPaid, ['refund', 'void']],
  ]
  for (const [label, make, types] of cases) {
    it(`voids unapproved shares and refunds approved ones of an order ${label}, one payment event each`, () => {
      const order = make()
      const shares = order.payment.payments.filter((p) => p.share > 0)
      const draft = closePayments(draftOf(order), ctxAt(T_LATER))
      assert.deepEqual(
        draft.order.payment.entries.slice(order.payment.entries.length),
        shares.map((p, i) => ({ type: types[i], paymentId: p.id, value: p.share, date: T_LATER })),
      )
      assert.deepEqual(
        draft.events.map((e) => [e.kind, e.data]),
        shares.map((p, i) => ['payment', { paymentId: p.id, action: types[i], value: p.share }]),
      )
      assert.deepEqual(
        shares.map((p) => paymentStatus(draft.order, p.id)),
        types.map((type) => (type === 'refund' ? 'refunded' : 'voided')),
      )
      // The payments themselves are the group's: closing this order's share leaves them as they were.
      assert.deepEqual(draft.order.payment.payments, order.payment.payments)
    })
  }

  it("closes only this order's own shares: a payment it has no part of gets no entry", () => {
    const partner = only(placedGroup(paidWith(TWO_PAYMENTS)), 1)
    assert.deepEqual(
      partner.payment.payments.map((p) => p.share),
      [0, 3000],
    )
    const draft = closePayments(draftOf(partner), ctxAt(T_LATER))
    assert.deepEqual(
      draft.order.payment.entries.map((e) => [e.type, e.value]),
      [['void', 3000]],
    )
    assert.equal(paymentStatus(draft.order, only(paymentIds(partner))), 'pending')
  })

  it('changes nothing on shares already closed', () => {
    for (const order of [canceled(), orderOf(decide(halfPaid(), ctxAt(T_LATER), storeCancel))]) {
      const draft = draftOf(order)
      assert.equal(closePayments(draft, ctxAt(T_LATER)), draft)
    }
  })
})

describe('paymentStatus', () => {
  it('is approved or pending while the share is open, and refunded or voided once the order is canceled', () => {
    const order = halfPaid()
    const [first, second] = paymentIds(order)
    assert.ok(first && second)
    assert.deepEqual([paymentStatus(order, first), paymentStatus(order, second)], ['approved', 'pending'])
    const closed = orderOf(decide(order, ctxAt(T_LATER), storeCancel))
    assert.deepEqual([paymentStatus(closed, first), paymentStatus(closed, second)], ['refunded', 'voided'])
  })
})

describe('transactionStatus', () => {
  const cases: Array<[string, () => Order, TransactionStatus, boolean]> = [
    ['placed', placed, 'Authorizing', true],
    ['with one of two payments approved', halfPaid, 'Authorizing', true],
    ['approved', () => approved(), 'Approved', true],
    ['canceled before any approval', canceled, 'Cancelled', false],
    [
      'canceled after approval',
      () => orderOf(decide(approved(), ctxAt(T_LATER), storeCancel)),
      'Refunded',
      false,
    ],
    // One refund among the closings makes the whole transaction Refunded.
    [
      'half approved, then canceled',
      () => orderOf(decide(halfPaid(), ctxAt(T_LATER), storeCancel)),
      'Refunded',
      false,
    ],
  ]
  for (const [label, make, status, active] of cases) {
    it(`is ${status} (${active ? 'active' : 'inactive'}) for an order ${label}`, () => {
      const order = make()
      assert.equal(transactionStatus(order), status)
      assert.equal(isTransactionActive(order), active)
    })
  }

  it("shows a canceled order's transaction inactive while a sibling's goes on", () => {
    const [store, partner] = placedGroup()
    assert.ok(store && partner)
    const gone = orderOf(decide(partner, ctxAt(T_APPROVED), storeCancel))
    const [paid, untouched] = decideGroup(
      [store, gone],
      store,
      ctxAt(T_APPROVED),
      approvePayment(only(paymentIds(store))),
    ).map(orderOf)
    assert.ok(paid && untouched)
    assert.deepEqual([transactionStatus(paid), isTransactionActive(paid)], ['Approved', true])
    assert.deepEqual([transactionStatus(untouched), isTransactionActive(untouched)], ['Cancelled', false])
  })

  // A seller's part can be worth 0 (a free item, free shipping): that order has no share of any payment.
  it('shows the transaction of a canceled order with no share of any payment inactive', () => {
    const body = exampleOrder({
      items: [
        { id: '1001', name: 'Blue T-shirt M', seller: '1', quantity: 1, price: 1000 },
        { id: '2002', name: 'Sticker', seller: 'partner', quantity: 1, price: 0 },
      ],
      shippingData: {
        ...exampleOrder().shippingData,
        logisticsInfo: [
          { itemIndex: 0, selectedSla: 'Normal', price: 500, shippingEstimate: '1d' },
          { itemIndex: 1, selectedSla: 'Normal', price: 0, shippingEstimate: '1d' },
        ],
      },
      paymentData: {
        payments: [{ paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: 1500 }],
      },
    })
    const free = only(placedGroup(body), 1)
    assert.deepEqual(
      free.payment.payments.map((p) => p.share),
      [0],
    )
    const gone = orderOf(decide(free, ctxAt(T_APPROVED), storeCancel))
    assert.equal(gone.status, 'canceled')
    assert.equal(isTransactionActive(gone), false)
  })

  it("keeps a sibling's transaction active when the other order is canceled after approval", () => {
    const [store, partner] = approvedGroup()
    assert.ok(store && partner)
    const gone = orderOf(decide(store, ctxAt(T_LATER), storeCancel))
    assert.deepEqual(
      [gone, partner].map((o) => [transactionStatus(o), isTransactionActive(o)]),
      [
        ['Refunded', false],
        ['Approved', true],
      ],
    )
  })
})
