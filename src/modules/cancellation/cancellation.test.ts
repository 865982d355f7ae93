// Unit tests of cancellation (the store's cancel, the customer's request, the store's denial), through decide().
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { AppError, type ErrorCode } from '../../platform/errors.ts'
import { errorStatus } from '../../platform/http-errors.ts'
import { startHandling } from '../fulfillment/handling.ts'
import { sellerAccepts } from '../intake/intake.ts'
import type { Order } from '../orders/order.ts'
import { renderDocument } from '../orders/order-document.ts'
import type { OrderEventDraft } from '../orders/order-event.ts'
import { isTransactionActive, paymentStatus, transactionStatus } from '../orders/order-payment.ts'
import { ORDER_STATUSES, WORKFLOW, type OrderStatus, type WorkflowInstance } from '../orders/order-status.ts'
import {
  after,
  approved,
  assertLegalDecision,
  builtGroup,
  canceled,
  ctxAt,
  deepFreeze,
  edges,
  eventsOf,
  expectError,
  firing,
  handling,
  invoiced,
  lateFor,
  only,
  orderAt,
  orderOf,
  paidWith,
  paymentIds,
  placed,
  placedGroup,
  ready,
  requested,
  T0,
  T_APPROVED,
  T_GRACE_END,
  T_HANDLING,
  T_IN_WINDOW,
  T_LATER,
  timeoutJob,
  TWO_PAYMENTS,
  withPackage,
} from '../../../test/rules.ts'
import { conclude, decide, start, type Decision, type Rule, decideGroup } from '../orders/order-workflow.ts'
import { approvePayment } from '../payments/payment.ts'
import { cancel, denyCancellation, requestCancellation } from './cancellation.ts'

const storeCancel = cancel({ reason: null, requestedByUser: false, requestId: 'req-store' })
const ownShares = (order: Order) => order.payment.payments.filter((p) => p.share > 0)

describe('cancel: from every status', () => {
  const EXPECTED: { [S in OrderStatus]: 'canceled' | 'waiting-for-seller-decision' | ErrorCode } = {
    'order-created': 'INVALID_TRANSITION',
    'on-order-completed': 'INVALID_TRANSITION',
    'waiting-for-authorization': 'canceled',
    'payment-pending': 'canceled',
    'approve-payment': 'INVALID_TRANSITION',
    'payment-denied': 'INVALID_TRANSITION',
    'payment-approved': 'INVALID_TRANSITION',
    // A marketplace order its seller fulfils: the store's cancel asks the seller, once.
    'waiting-seller-handling': 'waiting-for-seller-decision',
    // Its seller canceled it already: the marketplace cancels at once.
    'window-to-change-seller': 'canceled',
    'waiting-for-seller-decision': 'INVALID_TRANSITION',
    'order-accepted': 'INVALID_TRANSITION',
    'on-order-completed-ffm': 'INVALID_TRANSITION',
    'waiting-ffmt-authorization': 'canceled',
    'authorize-fulfillment': 'INVALID_TRANSITION',
    'window-to-cancel': 'canceled',
    'ready-for-handling': 'canceled',
    'start-handling': 'INVALID_TRANSITION',
    handling: 'canceled',
    invoice: 'CANNOT_CANCEL',
    invoiced: 'CANNOT_CANCEL',
    'request-cancel': 'INVALID_TRANSITION',
    'cancellation-requested': 'canceled',
    cancel: 'INVALID_TRANSITION',
    canceled: 'INVALID_TRANSITION',
  }
  it('cancels from the resting statuses before invoicing and refuses the rest with their specific error', () => {
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const now = lateFor(status)
      const run = () => decide(order, ctxAt(now), storeCancel)
      const outcome = EXPECTED[status]
      if (outcome === 'canceled') {
        const decision = run()
        assertLegalDecision(order, decision, now)
        assert.deepEqual(edges(decision), [
          [status, 'cancel'],
          ['cancel', 'canceled'],
        ])
      } else if (outcome === 'waiting-for-seller-decision') {
        const decision = run()
        assertLegalDecision(order, decision, now)
        assert.deepEqual(edges(decision), [
          [status, 'request-cancel'],
          ['request-cancel', outcome],
        ])
        assert.equal(decision.order.cancellation, null)
      } else expectError(run, outcome)
    }
  })

  const CANCELABLE: Array<[OrderStatus, () => Order, WorkflowInstance]> = [
    ['payment-pending', placed, 'Marketplace'],
    ['window-to-cancel', () => approved(), 'Fulfillment'],
    ['ready-for-handling', ready, 'Fulfillment'],
    ['handling', handling, 'Fulfillment'],
    ['cancellation-requested', () => requested('handling'), 'Fulfillment'],
  ]
  for (const [status, make, domain] of CANCELABLE) {
    it(`cancels from ${status}: [cancel, canceled] in ${domain}, its shares closed, cancellation filled`, () => {
      const order = make()
      const now = lateFor(status)
      const decision = decide(
        order,
        ctxAt(now),
        cancel({ reason: 'Out of stock', requestedByUser: false, requestId: 'req-store' }),
      )
      assertLegalDecision(order, decision, now)
      const wasApproved = status !== 'payment-pending'
      const action = wasApproved ? 'refund' : 'void'
      const common = { domain, currentChange: now }
      assert.deepEqual(eventsOf(decision), [
        {
          kind: 'transition',
          data: {},
          ...common,
          state: 'cancel',
          lastState: status,
          lastChange: order.workflow.lastTransitionAt,
        },
        { kind: 'transition', data: {}, ...common, state: 'canceled', lastState: 'cancel', lastChange: now },
        ...ownShares(order).map((p): OrderEventDraft => ({
          kind: 'payment',
          data: { paymentId: p.id, action, value: p.share },
          ...common,
          state: 'canceled',
          lastState: 'canceled',
          lastChange: order.lastChange,
        })),
      ])
      // Canceling a cancellation-requested order accepts the customer's request.
      const byCustomer = status === 'cancellation-requested'
      assert.deepEqual(decision.order.cancellation, {
        reason: 'Out of stock',
        requestedByUser: byCustomer,
        requestedBySystem: false,
        requestedBySellerNotification: !byCustomer,
        requestedByPaymentNotification: false,
        date: now,
        requestId: byCustomer ? 'req-1' : null,
      })
      assert.equal(decision.order.pendingCancellation, null)
      assert.equal(decision.order.workflow.deadline, null)
      assert.deepEqual(
        paymentIds(order).map((id) => paymentStatus(decision.order, id)),
        [wasApproved ? 'refunded' : 'voided'],
      )
      assert.equal(transactionStatus(decision.order), wasApproved ? 'Refunded' : 'Cancelled')
      const document = renderDocument(decision.order)
      assert.equal(document.status, 'canceled')
      assert.equal(document.statusDescription, 'Cancelado')
      assert.equal(document.allowCancellation, false)
      assert.equal(document.allowEdition, false)
      assert.equal(document.cancelReason, 'Out of stock')
      assert.deepEqual(document.cancellationData, {
        RequestedByUser: byCustomer,
        RequestedBySystem: false,
        RequestedBySellerNotification: !byCustomer,
        RequestedByPaymentNotification: false,
        Reason: 'Out of stock',
        CancellationDate: now,
      })
    })
  }

  it('voids the pending share and refunds the approved one of a half-paid order', () => {
    const group = placedGroup(paidWith(TWO_PAYMENTS))
    const [firstId, secondId] = paymentIds(only(group))
    assert.ok(firstId && secondId)
    const half = orderOf(only(decideGroup(group, only(group), ctxAt(T_APPROVED), approvePayment(firstId))))
    const decision = decide(
      half,
      ctxAt(T_LATER),
      cancel({ reason: null, requestedByUser: true, requestId: 'req-store' }),
    )
    assertLegalDecision(half, decision, T_LATER)
    assert.deepEqual(
      decision.order.payment.entries.map((e) => [e.type, e.paymentId, e.value, e.date]),
      [
        ['approval', firstId, 5000, T_APPROVED],
        ['refund', firstId, 5000, T_LATER],
        ['void', secondId, 5980, T_LATER],
      ],
    )
    assert.equal(decision.order.cancellation?.requestedByUser, true)
    assert.equal(decision.order.cancellation?.requestedBySellerNotification, false)
  })

  it('refuses to cancel a canceled order with INVALID_TRANSITION (409)', () => {
    expectError(() => decide(canceled(), ctxAt(T_LATER), storeCancel), 'INVALID_TRANSITION')
    assert.equal(errorStatus('INVALID_TRANSITION'), 409)
  })

  it('refuses to cancel an invoiced or partially invoiced order with CANNOT_CANCEL (400)', () => {
    const partly = withPackage(handling(), 'Output')
    expectError(() => decide(invoiced(), ctxAt(T_LATER), storeCancel), 'CANNOT_CANCEL')
    expectError(() => decide(partly, ctxAt(T_LATER), storeCancel), 'CANNOT_CANCEL')
    expectError(() => decide(partly, ctxAt(T_LATER), requestCancellation('r', null)), 'CANNOT_CANCEL')
    assert.equal(errorStatus('CANNOT_CANCEL'), 400)
  })

  it('still cancels an order whose only packages are returns (Input)', () => {
    const order = withPackage(handling(), 'Input')
    assert.equal(decide(order, ctxAt(T_LATER), storeCancel).order.status, 'canceled')
  })

  it('records the end of a grace period that is over first, even before its timeout job ran', () => {
    const order = approved()
    const decision = decide(order, ctxAt(T_LATER), storeCancel)
    assertLegalDecision(order, decision, T_LATER)
    assert.deepEqual(edges(decision), [
      ['window-to-cancel', 'ready-for-handling'],
      ['ready-for-handling', 'cancel'],
      ['cancel', 'canceled'],
    ])
  })
})

describe("the customer's cancellation", () => {
  const EXPECTED: {
    [S in OrderStatus]: 'canceled' | 'cancellation-requested' | 'waiting-for-seller-decision' | ErrorCode
  } = {
    'order-created': 'INVALID_TRANSITION',
    'on-order-completed': 'INVALID_TRANSITION',
    'waiting-for-authorization': 'canceled',
    'payment-pending': 'canceled',
    'approve-payment': 'INVALID_TRANSITION',
    'payment-denied': 'INVALID_TRANSITION',
    'payment-approved': 'INVALID_TRANSITION',
    'waiting-seller-handling': 'waiting-for-seller-decision',
    // Its seller canceled it already: the marketplace cancels at once.
    'window-to-change-seller': 'canceled',
    'waiting-for-seller-decision': 'INVALID_TRANSITION',
    'order-accepted': 'INVALID_TRANSITION',
    'on-order-completed-ffm': 'INVALID_TRANSITION',
    'waiting-ffmt-authorization': 'canceled',
    'authorize-fulfillment': 'INVALID_TRANSITION',
    'window-to-cancel': 'canceled',
    'ready-for-handling': 'cancellation-requested',
    'start-handling': 'INVALID_TRANSITION',
    handling: 'cancellation-requested',
    invoice: 'CANNOT_CANCEL',
    invoiced: 'CANNOT_CANCEL',
    'request-cancel': 'INVALID_TRANSITION',
    'cancellation-requested': 'INVALID_TRANSITION',
    cancel: 'INVALID_TRANSITION',
    canceled: 'INVALID_TRANSITION',
  }
  it('requests from ready-for-handling and handling, cancels at once before, refuses after', () => {
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const run = () => decide(order, ctxAt(T_IN_WINDOW), requestCancellation('req-9', null))
      const outcome = EXPECTED[status]
      if (
        outcome === 'canceled' ||
        outcome === 'cancellation-requested' ||
        outcome === 'waiting-for-seller-decision'
      ) {
        const decision = run()
        assertLegalDecision(order, decision, T_IN_WINDOW)
        assert.equal(decision.order.status, outcome, status)
      } else expectError(run, outcome)
    }
  })

  it('cancels at once inside the grace window, without a request on record', () => {
    const order = approved()
    const now = after(T_APPROVED, 10)
    const decision = decide(order, ctxAt(now), requestCancellation('req-1', 'Changed my mind'))
    assertLegalDecision(order, decision, now)
    assert.deepEqual(edges(decision), [
      ['window-to-cancel', 'cancel'],
      ['cancel', 'canceled'],
    ])
    assert.deepEqual(
      eventsOf(decision).map((e) => e.kind),
      ['transition', 'transition', 'payment'],
    )
    assert.equal(decision.order.cancellation?.reason, 'Changed my mind')
    assert.equal(decision.order.cancellation?.requestedByUser, true)
    assert.equal(decision.order.cancellation?.requestId, null)
    assert.deepEqual(decision.order.cancellationRequests, [])
    assert.equal(renderDocument(decision.order).cancellationRequests, null)
    assert.ok(paymentIds(order).every((id) => paymentStatus(decision.order, id) === 'refunded'))
  })

  for (const resumeTo of ['ready-for-handling', 'handling'] as const) {
    it(`after the grace window, moves ${resumeTo} to request-cancel -> cancellation-requested`, () => {
      const order = resumeTo === 'handling' ? handling() : ready()
      const decision = decide(order, ctxAt(T_LATER), requestCancellation('req-1', 'Changed my mind'))
      assertLegalDecision(order, decision, T_LATER)
      assert.deepEqual(eventsOf(decision), [
        {
          kind: 'cancellation-request',
          data: { requestId: 'req-1', action: 'requested', reason: 'Changed my mind' },
          domain: 'Fulfillment',
          state: resumeTo,
          lastState: resumeTo,
          lastChange: order.lastChange,
          currentChange: T_LATER,
        },
        {
          kind: 'transition',
          data: {},
          domain: 'Marketplace',
          state: 'request-cancel',
          lastState: resumeTo,
          lastChange: order.workflow.lastTransitionAt,
          currentChange: T_LATER,
        },
        {
          kind: 'transition',
          data: {},
          domain: 'Fulfillment',
          state: 'cancellation-requested',
          lastState: 'request-cancel',
          lastChange: T_LATER,
          currentChange: T_LATER,
        },
      ])
      assert.deepEqual(decision.order.cancellationRequests, [
        {
          id: 'req-1',
          reason: 'Changed my mind',
          cancellationRequestDate: T_LATER,
          requestedByUser: true,
          deniedBySeller: false,
          deniedBySellerReason: null,
          cancellationRequestDenyDate: null,
        },
      ])
      assert.deepEqual(decision.order.pendingCancellation, {
        requestId: 'req-1',
        resume: { Marketplace: 'payment-approved', Fulfillment: resumeTo },
        byUser: true,
      })
      assert.equal(decision.order.cancellation, null)
      const document = renderDocument(decision.order)
      assert.equal(document.statusDescription, 'Cancelamento solicitado')
      assert.equal(document.allowCancellation, true)
      assert.equal(document.cancellationData, null)
      assert.deepEqual(document.cancellationRequests, decision.order.cancellationRequests)
      assert.ok(paymentIds(order).every((id) => paymentStatus(decision.order, id) === 'approved'))
    })
  }

  it("counts a grace period that is over as ended before its timeout job runs: the customer's cancel is a request", () => {
    const order = approved()
    const decision = decide(order, ctxAt(T_GRACE_END), requestCancellation('req-1', null))
    assertLegalDecision(order, decision, T_GRACE_END)
    assert.deepEqual(edges(decision), [
      ['window-to-cancel', 'ready-for-handling'],
      ['ready-for-handling', 'request-cancel'],
      ['request-cancel', 'cancellation-requested'],
    ])
    assert.deepEqual(decision.order.pendingCancellation, {
      requestId: 'req-1',
      resume: { Marketplace: 'payment-approved', Fulfillment: 'ready-for-handling' },
      byUser: true,
    })
    const inWindow = decide(order, ctxAt(after(T_GRACE_END, -1)), requestCancellation('req-1', null))
    assert.equal(inWindow.order.status, 'canceled')
  })

  it('refuses a second request while one waits for the store', () => {
    expectError(
      () => decide(requested('handling'), ctxAt(T_LATER), requestCancellation('req-2', null)),
      'INVALID_TRANSITION',
    )
  })
})

describe('denying a cancellation request', () => {
  it('denies only the pending request of a cancellation-requested order', () => {
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const deny = (id: string) => () => decide(order, ctxAt(T_LATER), denyCancellation(id, null))
      if (status === 'cancellation-requested') {
        expectError(deny('another-request'), 'CANCELLATION_REQUEST_NOT_FOUND')
        assertLegalDecision(order, deny('req-1')(), T_LATER)
      } else if (status === 'waiting-for-seller-decision') {
        // A marketplace's request is for its seller to decide.
        expectError(deny('req-mkt'), 'INVALID_TRANSITION')
      } else expectError(deny('req-1'), 'CANCELLATION_REQUEST_NOT_FOUND')
    }
    assert.equal(errorStatus('CANCELLATION_REQUEST_NOT_FOUND'), 400)
  })

  for (const resumeTo of ['ready-for-handling', 'handling'] as const) {
    it(`returns to the interrupted ${resumeTo} and marks the request deniedBySeller`, () => {
      const order = requested(resumeTo)
      const decision = decide(order, ctxAt(T_LATER), denyCancellation('req-1', 'Already packed'))
      assertLegalDecision(order, decision, T_LATER)
      assert.deepEqual(eventsOf(decision), [
        {
          kind: 'cancellation-request',
          data: { requestId: 'req-1', action: 'denied', reason: 'Already packed' },
          domain: 'Fulfillment',
          state: 'cancellation-requested',
          lastState: 'cancellation-requested',
          // The order's previous change, which the write path dates (the rules leave it to it).
          lastChange: order.lastChange,
          currentChange: T_LATER,
        },
        {
          kind: 'transition',
          data: {},
          domain: 'Fulfillment',
          state: resumeTo,
          lastState: 'cancellation-requested',
          lastChange: T_HANDLING,
          currentChange: T_LATER,
        },
      ])
      assert.equal(decision.order.status, resumeTo)
      assert.equal(renderDocument(decision.order).statusDescription, WORKFLOW[resumeTo].label)
      assert.deepEqual(decision.order.cancellationRequests, [
        {
          id: 'req-1',
          reason: 'Changed my mind',
          cancellationRequestDate: T_HANDLING,
          requestedByUser: true,
          deniedBySeller: true,
          deniedBySellerReason: 'Already packed',
          cancellationRequestDenyDate: T_LATER,
        },
      ])
      assert.equal(decision.order.pendingCancellation, null)
      const denied = orderOf(decision)
      expectError(
        () => decide(denied, ctxAt(T_LATER), denyCancellation('req-1', null)),
        'CANCELLATION_REQUEST_NOT_FOUND',
      )
      const again = decide(denied, ctxAt(after(T_LATER, 1)), requestCancellation('req-2', null))
      assert.deepEqual(
        again.order.cancellationRequests.map((r) => [r.id, r.deniedBySeller]),
        [
          ['req-1', true],
          ['req-2', false],
        ],
      )
    })
  }

  it('refuses to deny on a canceled order with CANCELLATION_REQUEST_NOT_FOUND', () => {
    const gone = orderOf(decide(requested('ready-for-handling'), ctxAt(T_LATER), storeCancel))
    expectError(
      () => decide(gone, ctxAt(T_LATER), denyCancellation('req-1', null)),
      'CANCELLATION_REQUEST_NOT_FOUND',
    )
  })
})

describe('any sequence of rule calls on an order group', () => {
  type Call =
    | { kind: 'approve'; order: number; payment: number | 'next' }
    | { kind: 'wait'; minutes: number; timeoutJob: boolean }
    | { kind: 'start-handling' | 'cancel' | 'request' | 'invoice'; order: number }
    | { kind: 'deny'; order: number; rightId: boolean }
  const order = fc.nat(1)
  // `next` approves the first payment still pending; index 2 names no payment.
  const payment = fc.oneof(
    { weight: 3, arbitrary: fc.constant('next' as const) },
    { weight: 1, arbitrary: fc.nat(2) },
  )
  // Weighted so that runs get past payment and into handling, requests and denials before a cancel ends them.
  const call: fc.Arbitrary<Call> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('approve' as const), order, payment }) },
    // The clock moves; the timeout job may or may not run (the next rule settles what it left).
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('wait' as const),
        minutes: fc.nat(40),
        timeoutJob: fc.boolean(),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('start-handling' as const), order }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('request' as const), order }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('deny' as const), order, rightId: fc.boolean() }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constantFrom('cancel' as const, 'invoice' as const), order }),
    },
  )
  /** The happy path; each run starts with a slice of it, so the random calls begin at every depth. */
  const PROGRESS: Call[] = [
    { kind: 'approve', order: 0, payment: 'next' },
    { kind: 'approve', order: 0, payment: 'next' },
    { kind: 'wait', minutes: 40, timeoutJob: true },
    { kind: 'start-handling', order: 0 },
    { kind: 'start-handling', order: 1 },
  ]
  const KNOWN_REFUSALS: ErrorCode[] = [
    'INVALID_TRANSITION',
    'NOT_READY_FOR_HANDLING',
    'CANNOT_CANCEL',
    'PAYMENT_NOT_FOUND',
    'PAYMENT_NOT_PENDING',
    'CANCELLATION_REQUEST_NOT_FOUND',
  ]

  /** What must hold of every order between calls, whatever happened before. */
  function assertConsistent(o: Order): void {
    const isCanceled = o.status === 'canceled'
    assert.equal(o.cancellation !== null, isCanceled)
    // The store's order waits for the store's decision; the marketplace's for its seller's.
    const waiting =
      o.workflow.flow === 'marketplace' ? 'waiting-for-seller-decision' : 'cancellation-requested'
    assert.equal(o.pendingCancellation !== null, o.status === waiting)
    // A canceled order has closed every share it had; any other order none.
    const closed = (status: string) => status === 'refunded' || status === 'voided'
    assert.ok(ownShares(o).every((p) => closed(paymentStatus(o, p.id)) === isCanceled))
    // Both orders hold a share of some payment, so their view of the transaction closes with them.
    assert.equal(isTransactionActive(o), !isCanceled)
    if (!isCanceled) {
      const allApproved = o.payment.payments.every((p) => p.approvedAt !== null)
      assert.equal(o.status === 'payment-pending', !allApproved)
      assert.equal(o.authorizedDate !== null, allApproved)
    }
    for (const { id } of o.payment.payments) {
      const types = o.payment.entries.filter((e) => e.paymentId === id).map((e) => e.type)
      assert.ok(
        [[], ['approval'], ['void'], ['approval', 'refund']].some((t) => t.join() === types.join()),
        `payment ${id}: ${types.join()}`,
      )
    }
  }

  it('takes only edges of the workflow, chained, leaves every order resting and consistent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 30),
        fc.nat(PROGRESS.length),
        fc.array(call, { maxLength: 40 }),
        (grace, depth, random) => {
          const calls = [...PROGRESS.slice(0, depth), ...random]
          const ctx0 = ctxAt(T0, grace)
          const started = builtGroup(paidWith(TWO_PAYMENTS)).map((o) =>
            conclude(sellerAccepts(start(o, ctx0), ctx0)),
          )
          let orders = started.map(orderOf)
          const logs: OrderEventDraft[][] = started.map((d) => [...eventsOf(d)])
          let minute = 0
          calls.forEach((c, index) => {
            minute += c.kind === 'wait' ? c.minutes : 1
            const ctx = ctxAt(after(T0, minute), grace)
            const one = (i: number, rule: Rule) => {
              const decisions: Array<Decision | undefined> = orders.map(() => undefined)
              decisions[i] = decide(only(orders, i), ctx, rule)
              return decisions
            }
            const run = (): Array<Decision | undefined> => {
              switch (c.kind) {
                case 'approve': {
                  const target = only(orders, c.order)
                  const id =
                    c.payment === 'next'
                      ? (target.payment.payments.find((p) => p.approvedAt === null)?.id ?? 'unknown')
                      : (paymentIds(target)[c.payment] ?? 'unknown')
                  return decideGroup(orders, target, ctx, approvePayment(id))
                }
                case 'wait':
                  return c.timeoutJob
                    ? orders.map((o) => decide(o, ctx, timeoutJob))
                    : orders.map(() => undefined)
                case 'start-handling':
                  return one(c.order, startHandling)
                case 'cancel':
                  return one(c.order, storeCancel)
                case 'request':
                  return one(c.order, requestCancellation(`req-${index}`, null))
                case 'invoice':
                  return one(c.order, firing('invoice'))
                case 'deny': {
                  const pending = only(orders, c.order).pendingCancellation
                  return one(
                    c.order,
                    denyCancellation(c.rightId ? (pending?.requestId ?? 'none') : 'wrong', null),
                  )
                }
              }
            }
            let decisions: Array<Decision | undefined>
            try {
              decisions = run()
            } catch (error) {
              assert.ok(error instanceof AppError && KNOWN_REFUSALS.includes(error.code), String(error))
              return
            }
            orders = orders.map((before, i) => {
              const decision = decisions[i]
              if (!decision) return before
              assertLegalDecision(before, decision, ctx.now)
              logs[i]?.push(...eventsOf(decision))
              return deepFreeze(decision.order)
            })
            orders.forEach(assertConsistent)
          })
          orders.forEach((o, i) => {
            const log = (logs[i] ?? []).filter((e) => e.kind === 'transition')
            assert.deepEqual([log[0]?.state, log[0]?.lastState], ['order-created', null])
            log.slice(1).forEach((t, n) => {
              assert.equal(t.lastState, log[n]?.state)
              assert.equal(t.lastChange, log[n]?.currentChange)
            })
            assert.equal(o.status, log.at(-1)?.state)
          })
        },
      ),
      { numRuns: 300 },
    )
  })
})
