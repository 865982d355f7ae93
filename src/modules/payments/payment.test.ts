// Unit tests of payment notifications over an order group's shared transaction, run as the write path runs them.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorStatus } from '../../platform/http-errors.ts'
import { cancel } from '../cancellation/cancellation.ts'
import type { Order } from '../orders/order.ts'
import { canTake, ORDER_STATUSES } from '../orders/order-status.ts'
import {
  after,
  approved,
  assertLegalDecision,
  canceled,
  ctxAt,
  edges,
  eventsOf,
  expectError,
  lateFor,
  only,
  orderAt,
  orderOf,
  paidWith,
  paymentIds,
  placedGroup,
  T0,
  T_APPROVED,
  T_LATER,
  TWO_PAYMENTS,
  deepFreeze,
} from '../../../test/rules.ts'
import { decide, decideGroup } from '../orders/order-workflow.ts'
import { paymentStatus, type PaymentStatus } from '../orders/order-payment.ts'
import { approvePayment } from './payment.ts'

const storeCancel = cancel({ reason: null, requestedByUser: false, requestId: 'req-store' })
const approve = (group: readonly Order[], paymentId: string, now: string, target = only(group), grace = 30) =>
  decideGroup(group, target, ctxAt(now, grace), approvePayment(paymentId))
const statuses = (group: readonly Order[], paymentId: string): PaymentStatus[] =>
  group.map((order) => paymentStatus(order, paymentId))

const INTO_WINDOW = [
  ['payment-pending', 'approve-payment'],
  ['approve-payment', 'payment-approved'],
  ['payment-approved', 'authorize-fulfillment'],
  ['authorize-fulfillment', 'window-to-cancel'],
]
/** The partner's order of the example group is the marketplace's: once paid it waits for its seller. */
const TO_SELLER = [
  ['payment-pending', 'approve-payment'],
  ['approve-payment', 'payment-approved'],
  ['payment-approved', 'waiting-seller-handling'],
]
const pathOf = (order: Order) => (order.workflow.flow === 'marketplace' ? TO_SELLER : INTO_WINDOW)

describe('approvePayment', () => {
  it('moves every order of the group on with one approval of the shared payment', () => {
    const group = placedGroup()
    const id = only(paymentIds(only(group)))
    const decisions = approve(group, id, T_APPROVED)
    decisions.forEach((decision, i) => {
      const before = only(group, i)
      assertLegalDecision(before, decision, T_APPROVED)
      const share = only(before.payment.payments).share
      assert.deepEqual(eventsOf(decision)[0]?.data, { paymentId: id, action: 'approval', value: share })
      assert.deepEqual(edges(decision), pathOf(before))
      assert.equal(decision.order.authorizedDate, T_APPROVED)
      assert.deepEqual(decision.order.payment.entries, [
        { type: 'approval', paymentId: id, value: share, date: T_APPROVED },
      ])
    })
    assert.deepEqual(
      decisions.map((d) => only(d.order.payment.payments).share),
      [10980, 3000],
    )
    assert.deepEqual(statuses(decisions.map(orderOf), id), ['approved', 'approved'])
  })

  it('moves nothing on the first of two payments, but records it on every order with an open share', () => {
    const group = placedGroup(paidWith(TWO_PAYMENTS))
    const [firstId, secondId] = paymentIds(only(group))
    assert.ok(firstId && secondId)

    const one = approve(group, firstId, T_APPROVED)
    one.forEach((decision, i) => {
      assertLegalDecision(only(group, i), decision, T_APPROVED)
      assert.equal(decision.order.status, 'payment-pending')
      assert.deepEqual(edges(decision), [])
    })
    // The partner's share of the first payment is 0: it learns of the approval, but no money moved for it.
    assert.deepEqual(
      one.map((d) => eventsOf(d).map((e) => [e.kind, e.data])),
      [
        [['payment', { paymentId: firstId, action: 'approval', value: 5000 }]],
        [['payment', { paymentId: firstId, action: 'approval', value: 0 }]],
      ],
    )
    assert.deepEqual(
      one.map((d) => d.order.payment.entries.map((e) => [e.type, e.value])),
      [[['approval', 5000]], []],
    )
    const halfPaid = one.map(orderOf)
    assert.deepEqual(statuses(halfPaid, firstId), ['approved', 'approved'])
    assert.deepEqual(statuses(halfPaid, secondId), ['pending', 'pending'])

    const again = approve(halfPaid, firstId, after(T_APPROVED, 1))
    again.forEach((decision, i) => assert.deepEqual(decision, { changed: false, order: halfPaid[i] }))

    const T2 = after(T_APPROVED, 2)
    const both = approve(halfPaid, secondId, T2)
    both.forEach((decision, i) => assertLegalDecision(only(halfPaid, i), decision, T2))
    const store = only(both)
    const transition = (lastState: string, state: string, domain: string, lastChange: string) => ({
      kind: 'transition',
      data: {},
      domain,
      state,
      lastState,
      lastChange,
      currentChange: T2,
    })
    assert.deepEqual(eventsOf(store), [
      {
        kind: 'payment',
        data: { paymentId: secondId, action: 'approval', value: 5980 },
        domain: 'Marketplace',
        state: 'payment-pending',
        lastState: 'payment-pending',
        // The first approval showed nothing in Get order, so the order's last change is still its creation.
        lastChange: T0,
        currentChange: T2,
      },
      transition('payment-pending', 'approve-payment', 'Marketplace', T0),
      transition('approve-payment', 'payment-approved', 'Marketplace', T2),
      transition('payment-approved', 'authorize-fulfillment', 'Fulfillment', T2),
      transition('authorize-fulfillment', 'window-to-cancel', 'Fulfillment', T2),
    ])
    assert.deepEqual(store.order.workflow.deadline, { trigger: 'end-grace-period', dueAt: after(T2, 30) })
    assert.equal(store.order.workflow.domain, 'Fulfillment')
    assert.equal(store.order.status, 'window-to-cancel')
    assert.equal(store.order.authorizedDate, T2)
    assert.deepEqual(
      both.map((d) => d.order.status),
      ['window-to-cancel', 'waiting-seller-handling'],
    )
  })

  it('changes nothing when a notification is repeated', () => {
    const group = placedGroup()
    const id = only(paymentIds(only(group)))
    const paid = approve(group, id, T_APPROVED).map(orderOf)
    const again = approve(paid, id, after(T_APPROVED, 1))
    again.forEach((decision, i) => assert.deepEqual(decision, { changed: false, order: paid[i] }))
  })

  it('records only the end of the grace period when a notification is repeated after it', () => {
    const group = placedGroup()
    const id = only(paymentIds(only(group)))
    const paid = approve(group, id, T_APPROVED).map(orderOf)
    const [store, partner] = approve(paid, id, T_LATER)
    assert.ok(store && partner)
    assertLegalDecision(only(paid), store, T_LATER)
    assert.deepEqual(
      eventsOf(store).map((e) => [e.kind, e.lastState, e.state]),
      [['transition', 'window-to-cancel', 'ready-for-handling']],
    )
    // The marketplace's order has no grace period of its own: its seller's order has one.
    assert.equal(partner.changed, false)
  })

  it('goes straight on to ready-for-handling when the grace period is 0 minutes', () => {
    const group = placedGroup(undefined, 0)
    const decisions = approve(group, only(paymentIds(only(group))), T_APPROVED, only(group), 0)
    decisions.forEach((decision, i) => {
      const before = only(group, i)
      assertLegalDecision(before, decision, T_APPROVED)
      const rest = before.workflow.flow === 'marketplace' ? [] : [['window-to-cancel', 'ready-for-handling']]
      assert.deepEqual(edges(decision), [...pathOf(before), ...rest])
      assert.equal(decision.order.workflow.deadline, null)
    })
  })

  it('answers PAYMENT_NOT_FOUND (404) for a payment of another transaction', () => {
    expectError(() => approve(placedGroup(), 'NOT-A-PAYMENT', T_APPROVED), 'PAYMENT_NOT_FOUND')
    assert.equal(errorStatus('PAYMENT_NOT_FOUND'), 404)
  })

  it('answers PAYMENT_NOT_PENDING (400) once every share of the payment was voided by cancellations', () => {
    const group = placedGroup().map((order) => orderOf(decide(order, ctxAt(T_APPROVED), storeCancel)))
    const id = only(paymentIds(only(group)))
    assert.deepEqual(statuses(group, id), ['voided', 'voided'])
    for (const target of group) expectError(() => approve(group, id, T_LATER, target), 'PAYMENT_NOT_PENDING')
    assert.equal(errorStatus('PAYMENT_NOT_PENDING'), 400)
  })

  it('refuses a voided payment of a half-paid group, and a refunded one', () => {
    const placed = placedGroup(paidWith(TWO_PAYMENTS))
    const [firstId, secondId] = paymentIds(only(placed))
    assert.ok(firstId && secondId)
    const half = approve(placed, firstId, T_APPROVED).map(orderOf)
    const gone = half.map((order) => orderOf(decide(order, ctxAt(T_LATER), storeCancel)))
    assert.deepEqual(statuses(gone, secondId), ['voided', 'voided'])
    expectError(() => approve(gone, secondId, T_LATER), 'PAYMENT_NOT_PENDING')
    // The partner had no share of the first payment: nothing of it was refunded there, and nothing is taken.
    assert.deepEqual(statuses(gone, firstId), ['refunded', 'voided'])
    expectError(() => approve(gone, firstId, T_LATER), 'PAYMENT_NOT_PENDING')
  })

  for (const targetIndex of [0, 1]) {
    it(`still approves the other order once one is canceled (notification through order ${targetIndex + 1})`, () => {
      const [store, partner] = placedGroup()
      assert.ok(store && partner)
      const gone = orderOf(decide(partner, ctxAt(T_APPROVED), storeCancel))
      const group = [store, gone]
      const id = only(paymentIds(store))
      const [paid, untouched] = approve(group, id, T_LATER, only(group, targetIndex))
      assert.ok(paid && untouched)
      assertLegalDecision(store, paid, T_LATER)
      assert.equal(paid.order.status, 'window-to-cancel')
      assert.deepEqual(untouched, { changed: false, order: gone })
      assert.deepEqual(statuses([paid.order, gone], id), ['approved', 'voided'])
    })
  }

  it('moves an order on only where the workflow takes approve-payment; elsewhere it records the approval', () => {
    for (const status of ORDER_STATUSES) {
      const base = orderAt(status)
      // A canceled order takes no part in its transaction any more (see the PAYMENT_NOT_PENDING cases).
      if (base.cancellation) continue
      // The same order with its payment not yet approved and no money moved.
      const pending: Order = deepFreeze({
        ...base,
        payment: {
          ...base.payment,
          payments: base.payment.payments.map((p) => ({ ...p, approvedAt: null })),
          entries: [],
        },
      })
      const now = lateFor(status)
      const [decision] = approve([pending], only(paymentIds(pending)), now)
      assert.ok(decision)
      // A forced transient status cannot rest, so only resting orders get the full check.
      if (!canTake(status, 'auto')) assertLegalDecision(pending, decision, now)
      const kinds = eventsOf(decision).map((e) => e.kind)
      if (status === 'payment-pending') {
        assert.equal(decision.order.status, 'window-to-cancel')
        assert.deepEqual(kinds, ['payment', ...INTO_WINDOW.map(() => 'transition')])
      } else {
        assert.equal(decision.order.status, status)
        assert.deepEqual(kinds, ['payment'], status)
      }
    }
  })
})

describe('paymentStatus', () => {
  const cases: Array<[string, () => Order, PaymentStatus]> = [
    ['placed', () => only(placedGroup()), 'pending'],
    ['approved', () => approved(), 'approved'],
    ['canceled before approval', canceled, 'voided'],
    ['canceled after approval', () => orderOf(decide(approved(), ctxAt(T_LATER), storeCancel)), 'refunded'],
  ]
  for (const [label, make, expected] of cases) {
    it(`is ${expected} for the payment of an order ${label}`, () => {
      const order = make()
      assert.equal(paymentStatus(order, only(paymentIds(order))), expected)
    })
  }
})
