// Unit tests of the order rules on real intake values: every edge through its rule, every other edge refused.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { exampleOrder } from '../../../test/fixtures.ts'
import { AppError, type ErrorCode } from '../../platform/errors.ts'
import { errorStatus } from '../../platform/http-errors.ts'
import type { IntakePayment } from './intake.schemas.ts'
import { buildOrders, planIntake } from './order-intake.ts'
import {
  canTake,
  domainOf,
  ORDER_STATUSES,
  STATUS_DESCRIPTION,
  TRIGGERS,
  WORKFLOW,
  type OrderStatus,
  type Trigger,
} from './order-status.ts'
import * as rules from './order.ts'
import type { Decision, Order, RuleContext, Transition } from './order.ts'

const T0 = '2026-03-02T12:00:00.000Z'
const after = (iso: string, minutes: number): string =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString()
/** When payments are approved, the grace period ends, handling starts, and later calls happen. */
const T_APPROVED = after(T0, 5)
const T_GRACE_END = after(T_APPROVED, 30)
const T_HANDLING = after(T_GRACE_END, 60)
const T_LATER = after(T0, 3 * 24 * 60)
/** Inside the grace window of an order approved at T_APPROVED. */
const T_IN_WINDOW = after(T_APPROVED, 10)
const ctxAt = (now: string, gracePeriodMinutes = 30): RuleContext => ({ now, gracePeriodMinutes })
/** Late enough for every status, but inside the grace window for an order that waits in it. */
const lateFor = (status: OrderStatus): string => (status === 'window-to-cancel' ? T_IN_WINDOW : T_LATER)

const TWO_PAYMENTS: IntakePayment[] = [
  { paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: 5000, installments: 1 },
  { paymentSystem: '17', paymentSystemName: 'Promissory', group: 'promissory', value: 8980 },
]

/** Frozen all the way down: a rule that mutated its input would throw. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** The orders of the example intake at order-created, built by the real pure builders. */
function builtOrders(payments?: IntakePayment[]): Order[] {
  const body = exampleOrder(payments ? { paymentData: { payments } } : {})
  let id = 0
  const orders = buildOrders(body, planIntake(body), {
    account: 'acme',
    orderGroup: '1234567500001',
    sequences: [500001, 500004],
    now: T0,
    newId: () => `ID${String(++id).padStart(4, '0')}`,
  })
  return deepFreeze(orders)
}

function firstOrder(orders: Order[]): Order {
  const order = orders[0]
  assert.ok(order)
  return order
}

const decisionOf = (order: Order): Decision => ({ order, transitions: [], timers: [], messages: [] })
const paymentIds = (order: Order): string[] => order.state.payments.map((p) => p.paymentId)
const edges = (transitions: readonly Transition[]) => transitions.map((t) => [t.lastState, t.state])

function expectError(run: () => unknown, code: ErrorCode): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error))
    assert.equal(error.code, code)
    return true
  })
}

// Orders at each resting status, reached through the rules themselves.
const placed = (payments?: IntakePayment[]): Order =>
  deepFreeze(rules.start(firstOrder(builtOrders(payments)), ctxAt(T0)).order)

function approved(gracePeriodMinutes = 30): Order {
  const order = placed()
  return deepFreeze(
    rules.approvePayment(order, paymentIds(order)[0] ?? '', ctxAt(T_APPROVED, gracePeriodMinutes)).order,
  )
}

const ready = (): Order => deepFreeze(rules.endGracePeriod(approved(), ctxAt(T_GRACE_END)).order)
const handling = (): Order => deepFreeze(rules.startHandling(ready(), ctxAt(T_HANDLING)).order)

function requested(resumeTo: 'ready-for-handling' | 'handling'): Order {
  const from = resumeTo === 'handling' ? handling() : ready()
  return deepFreeze(rules.requestCancellation(from, 'req-1', 'Changed my mind', ctxAt(T_HANDLING)).order)
}

const canceled = (): Order =>
  deepFreeze(
    rules.cancel(placed(), { reason: 'Out of stock', requestedByUser: false }, ctxAt(T_APPROVED)).order,
  )

/** A status an order passes through but never rests in (or cannot reach yet): set directly. */
function forced(order: Order, status: OrderStatus): Order {
  return deepFreeze({
    ...order,
    document: { ...order.document, status, statusDescription: STATUS_DESCRIPTION[status] },
  })
}

/** An order that was invoiced (an Output package), as the invoice use case will leave it. */
function withOutputPackage(order: Order): Order {
  return deepFreeze({
    ...order,
    document: {
      ...order.document,
      packageAttachment: { packages: [{ type: 'Output', invoiceNumber: 'NF-1', invoiceValue: 100 }] },
    },
  })
}

function orderAt(status: OrderStatus): Order {
  switch (status) {
    case 'order-created':
      return firstOrder(builtOrders())
    case 'on-order-completed':
      return forced(firstOrder(builtOrders()), status)
    case 'payment-pending':
      return placed()
    case 'approve-payment':
    case 'payment-approved':
    case 'authorize-fulfillment':
      return forced(approved(), status)
    case 'window-to-cancel':
      return approved()
    case 'ready-for-handling':
      return ready()
    case 'start-handling':
    case 'request-cancel':
      return forced(ready(), status)
    case 'handling':
      return handling()
    case 'invoice':
      return forced(handling(), status)
    case 'invoiced':
      return withOutputPackage(forced(handling(), status))
    case 'cancellation-requested':
      return requested('ready-for-handling')
    case 'cancel':
      return forced(ready(), status)
    case 'canceled':
      return canceled()
  }
}

/** Takes `trigger` through the rule that owns it (fire() for the edges no use case owns yet). */
function take(order: Order, trigger: Trigger, ctx: RuleContext): Decision {
  switch (trigger) {
    case 'approve-payment':
      return rules.approvePayment(order, paymentIds(order)[0] ?? '', ctx)
    case 'end-grace-period':
      return rules.endGracePeriod(order, ctx)
    case 'start-handling':
      return rules.startHandling(order, ctx)
    case 'cancel':
      return rules.cancel(order, { reason: 'Out of stock', requestedByUser: false }, ctx)
    case 'request-cancel':
      return rules.requestCancellation(order, 'req-2', 'Too late', ctx)
    case 'resume-ready-for-handling':
    case 'resume-handling':
      return rules.denyCancellation(order, order.state.cancellationRequest?.id ?? '', 'Already shipped', ctx)
    case 'auto':
    case 'invoice':
      return rules.fire(decisionOf(order), trigger, ctx)
  }
}

/** The order an edge is taken from: a cancellation request remembers which status it interrupted. */
const orderFor = (from: OrderStatus, trigger: Trigger): Order =>
  from === 'cancellation-requested' && trigger === 'resume-handling' ? requested('handling') : orderAt(from)

/** Every transition is an edge of WORKFLOW, each starts where the previous ended, and the order rests at the end. */
function assertLegalWalk(before: Order, decision: Decision, now: string): void {
  let at: OrderStatus = rules.statusOf(before)
  let lastChange = before.state.lastTransitionAt
  let domain = before.state.domain
  for (const t of decision.transitions) {
    assert.equal(t.lastState, at)
    const legal = TRIGGERS.some((trigger) => WORKFLOW[at][trigger] === t.state)
    assert.ok(legal, `${at} -> ${t.state} is not an edge of the workflow`)
    assert.equal(t.lastChange, lastChange)
    assert.equal(t.currentChange, now)
    assert.equal(t.domain, domainOf(t.state, domain))
    at = t.state
    lastChange = t.currentChange
    domain = t.domain
  }
  assert.equal(decision.order.document.status, at)
  assert.equal(decision.order.document.statusDescription, STATUS_DESCRIPTION[at])
  if (decision.transitions.length > 0) {
    assert.equal(canTake(at, 'auto'), false, `the order was left in the transient status ${at}`)
    assert.equal(decision.order.document.lastChange, now)
    assert.equal(decision.order.state.lastTransitionAt, now)
    assert.equal(decision.order.state.domain, domain)
  }
}

const tableEdges = ORDER_STATUSES.flatMap((from) =>
  TRIGGERS.flatMap((trigger) => {
    const to = WORKFLOW[from][trigger]
    return to ? [{ from, trigger, to }] : []
  }),
)

describe('every edge of the workflow, through its rule', () => {
  for (const { from, trigger, to } of tableEdges) {
    it(`${from} --${trigger}--> ${to}`, () => {
      const order = orderFor(from, trigger)
      const now = trigger === 'cancel' ? lateFor(from) : T_LATER
      const decision = take(order, trigger, ctxAt(now))
      const [first] = decision.transitions
      assert.ok(first, 'no transition was taken')
      assert.deepEqual(first, {
        domain: domainOf(to, order.state.domain),
        state: to,
        lastState: from,
        lastChange: order.state.lastTransitionAt,
        currentChange: now,
      })
      assertLegalWalk(order, decision, now)
    })
  }
})

describe('no other edge can be taken', () => {
  it('refuses every (status, trigger) pair the table does not hold with INVALID_TRANSITION', () => {
    let refused = 0
    for (const from of ORDER_STATUSES) {
      for (const trigger of TRIGGERS) {
        if (canTake(from, trigger)) continue
        const order = orderAt(from)
        expectError(() => rules.fire(decisionOf(order), trigger, ctxAt(T_LATER)), 'INVALID_TRANSITION')
        refused += 1
      }
    }
    assert.equal(refused, ORDER_STATUSES.length * TRIGGERS.length - tableEdges.length)
  })

  it('starts handling only from ready-for-handling (NOT_READY_FOR_HANDLING, 409, otherwise)', () => {
    for (const status of ORDER_STATUSES) {
      if (status === 'ready-for-handling') continue
      expectError(() => rules.startHandling(orderAt(status), ctxAt(T_IN_WINDOW)), 'NOT_READY_FOR_HANDLING')
    }
    assert.equal(errorStatus('NOT_READY_FOR_HANDLING'), 409)
  })

  it('approves a payment into a move only from payment-pending', () => {
    for (const status of ORDER_STATUSES) {
      const base = orderAt(status)
      const pending: Order = deepFreeze({
        ...base,
        state: {
          ...base.state,
          payments: base.state.payments.map((p) => ({
            ...p,
            status: 'pending' as const,
            approvedAt: null,
            closedAt: null,
          })),
        },
      })
      const approve = () => rules.approvePayment(pending, paymentIds(pending)[0] ?? '', ctxAt(T_LATER))
      if (status === 'payment-pending') assertLegalWalk(pending, approve(), T_LATER)
      else expectError(approve, 'INVALID_TRANSITION')
    }
  })

  it('ends a grace period only for a window-to-cancel order, and leaves every other order alone', () => {
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const decision = rules.endGracePeriod(order, ctxAt(T_LATER))
      if (status === 'window-to-cancel') {
        assert.deepEqual(edges(decision.transitions), [['window-to-cancel', 'ready-for-handling']])
      } else {
        assert.equal(decision.order, order, status)
        assert.deepEqual(decision.transitions, [])
      }
    }
  })

  it('cancels from the resting statuses before invoicing and refuses the rest with their specific error', () => {
    const expected: { [S in OrderStatus]: 'canceled' | ErrorCode } = {
      'order-created': 'INVALID_TRANSITION',
      'on-order-completed': 'INVALID_TRANSITION',
      'payment-pending': 'canceled',
      'approve-payment': 'INVALID_TRANSITION',
      'payment-approved': 'INVALID_TRANSITION',
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
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const now = lateFor(status)
      const run = () => rules.cancel(order, { reason: null, requestedByUser: false }, ctxAt(now))
      const outcome = expected[status]
      if (outcome === 'canceled') {
        const decision = run()
        assertLegalWalk(order, decision, now)
        assert.deepEqual(edges(decision.transitions), [
          [status, 'cancel'],
          ['cancel', 'canceled'],
        ])
      } else expectError(run, outcome)
    }
  })

  it('requests a cancellation from ready-for-handling and handling, cancels at once before, refuses after', () => {
    const expected: { [S in OrderStatus]: 'canceled' | 'cancellation-requested' | ErrorCode } = {
      'order-created': 'INVALID_TRANSITION',
      'on-order-completed': 'INVALID_TRANSITION',
      'payment-pending': 'canceled',
      'approve-payment': 'INVALID_TRANSITION',
      'payment-approved': 'INVALID_TRANSITION',
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
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const run = () => rules.requestCancellation(order, 'req-9', null, ctxAt(T_IN_WINDOW))
      const outcome = expected[status]
      if (outcome === 'canceled' || outcome === 'cancellation-requested') {
        const decision = run()
        assertLegalWalk(order, decision, T_IN_WINDOW)
        assert.equal(decision.order.document.status, outcome, status)
      } else expectError(run, outcome)
    }
  })

  it('denies only the pending request of a cancellation-requested order', () => {
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const deny = (id: string) => () => rules.denyCancellation(order, id, null, ctxAt(T_LATER))
      if (status === 'cancellation-requested') {
        expectError(deny('another-request'), 'CANCELLATION_REQUEST_NOT_FOUND')
        assertLegalWalk(order, deny('req-1')(), T_LATER)
      } else if (status === 'cancel' || status === 'canceled') {
        expectError(deny('req-1'), 'CANCELLATION_REQUEST_NOT_FOUND')
      } else {
        expectError(deny('req-1'), 'CANCELLATION_REQUEST_NOT_FOUND')
      }
    }
  })
})

describe('intake start', () => {
  it('walks order-created -> on-order-completed -> payment-pending, one Transition each, in Marketplace', () => {
    for (const order of builtOrders()) {
      assert.equal(order.document.status, 'order-created')
      assert.equal(order.document.statusDescription, 'Pedido Criado')
      const decision = rules.start(order, ctxAt(T0))
      assert.deepEqual(decision.transitions, [
        {
          domain: 'Marketplace',
          state: 'order-created',
          lastState: null,
          lastChange: null,
          currentChange: T0,
        },
        {
          domain: 'Marketplace',
          state: 'on-order-completed',
          lastState: 'order-created',
          lastChange: T0,
          currentChange: T0,
        },
        {
          domain: 'Marketplace',
          state: 'payment-pending',
          lastState: 'on-order-completed',
          lastChange: T0,
          currentChange: T0,
        },
      ])
      assert.equal(decision.order.document.status, 'payment-pending')
      assert.equal(decision.order.document.statusDescription, 'Pagamento Pendente')
      assert.equal(decision.order.document.allowCancellation, true)
      assert.equal(decision.order.state.domain, 'Marketplace')
      assert.equal(decision.order.state.lastTransitionAt, T0)
      assert.equal(decision.order.version, order.version)
      assert.deepEqual(decision.timers, [])
      assert.deepEqual(decision.messages, [])
      assert.ok(decision.order.state.payments.every((p) => p.status === 'pending'))
    }
  })
})

describe('payment approval', () => {
  const twoPayments = () => placed(TWO_PAYMENTS)

  it('builds the first example order with two pending payments', () => {
    const order = twoPayments()
    assert.deepEqual(
      order.state.payments.map((p) => [p.value, p.status]),
      [
        [5000, 'pending'],
        [5980, 'pending'],
      ],
    )
  })

  it('does not move the order on the first of two payments, and moves it on the second', () => {
    const order = twoPayments()
    const [firstId, secondId] = paymentIds(order)
    assert.ok(firstId && secondId)

    const one = rules.approvePayment(order, firstId, ctxAt(T_APPROVED))
    assert.deepEqual(one.transitions, [])
    assert.deepEqual(one.timers, [])
    assert.equal(one.order.document.status, 'payment-pending')
    assert.deepEqual(
      one.order.state.payments.map((p) => [p.status, p.approvedAt]),
      [
        ['approved', T_APPROVED],
        ['pending', null],
      ],
    )

    const again = rules.approvePayment(deepFreeze(one.order), firstId, ctxAt(after(T_APPROVED, 1)))
    assert.equal(again.order, one.order, 'a repeated notification changes nothing')
    assert.deepEqual(again.transitions, [])

    const T2 = after(T_APPROVED, 2)
    const both = rules.approvePayment(deepFreeze(one.order), secondId, ctxAt(T2))
    assert.deepEqual(both.transitions, [
      {
        domain: 'Marketplace',
        state: 'approve-payment',
        lastState: 'payment-pending',
        lastChange: T0,
        currentChange: T2,
      },
      {
        domain: 'Marketplace',
        state: 'payment-approved',
        lastState: 'approve-payment',
        lastChange: T2,
        currentChange: T2,
      },
      {
        domain: 'Fulfillment',
        state: 'authorize-fulfillment',
        lastState: 'payment-approved',
        lastChange: T2,
        currentChange: T2,
      },
      {
        domain: 'Fulfillment',
        state: 'window-to-cancel',
        lastState: 'authorize-fulfillment',
        lastChange: T2,
        currentChange: T2,
      },
    ])
    const dueAt = after(T2, 30)
    assert.deepEqual(both.timers, [{ kind: 'grace-period-end', dueAt }])
    assert.equal(both.order.state.graceEndsAt, dueAt)
    assert.equal(both.order.state.domain, 'Fulfillment')
    assert.equal(both.order.document.status, 'window-to-cancel')
    assert.equal(both.order.document.statusDescription, 'Carência para Cancelamento')
    assert.equal(both.order.document.authorizedDate, T2)
    assert.equal(both.order.document.allowCancellation, true)
    assert.equal(both.messages.length, 1)
    assert.match(both.messages[0]?.subject ?? '', /payment .* has been approved/)
  })

  it('goes straight on to ready-for-handling when the grace period is 0 minutes', () => {
    const order = placed()
    const decision = rules.approvePayment(order, paymentIds(order)[0] ?? '', ctxAt(T_APPROVED, 0))
    assert.deepEqual(edges(decision.transitions), [
      ['payment-pending', 'approve-payment'],
      ['approve-payment', 'payment-approved'],
      ['payment-approved', 'authorize-fulfillment'],
      ['authorize-fulfillment', 'window-to-cancel'],
      ['window-to-cancel', 'ready-for-handling'],
    ])
    assert.deepEqual(decision.timers, [])
    assert.equal(decision.order.state.graceEndsAt, null)
    assert.equal(decision.order.document.status, 'ready-for-handling')
    assert.equal(decision.order.document.statusDescription, 'Pronto para o manuseio')
    assertLegalWalk(order, decision, T_APPROVED)
  })

  it('answers PAYMENT_NOT_FOUND for a payment of another order', () => {
    expectError(() => rules.approvePayment(placed(), 'NOT-A-PAYMENT', ctxAt(T_APPROVED)), 'PAYMENT_NOT_FOUND')
    assert.equal(errorStatus('PAYMENT_NOT_FOUND'), 404)
  })

  it('answers PAYMENT_NOT_PENDING for a payment voided by a cancellation, and a refunded one stays refunded', () => {
    const order = twoPayments()
    const [firstId, secondId] = paymentIds(order)
    assert.ok(firstId && secondId)
    const half = deepFreeze(rules.approvePayment(order, firstId, ctxAt(T_APPROVED)).order)
    const gone = deepFreeze(
      rules.cancel(half, { reason: null, requestedByUser: false }, ctxAt(T_LATER)).order,
    )
    expectError(() => rules.approvePayment(gone, secondId, ctxAt(T_LATER)), 'PAYMENT_NOT_PENDING')
    expectError(() => rules.approvePayment(gone, firstId, ctxAt(T_LATER)), 'PAYMENT_NOT_PENDING')
  })
})

describe('end of the grace period', () => {
  it('changes nothing before the grace period is over', () => {
    const order = approved()
    const decision = rules.endGracePeriod(order, ctxAt(after(T_GRACE_END, -1)))
    assert.equal(decision.order, order)
    assert.deepEqual(decision.transitions, [])
  })

  for (const [label, now] of [
    ['exactly when it is due', T_GRACE_END],
    ['after it is due', after(T_GRACE_END, 90)],
  ] as const) {
    it(`moves window-to-cancel to ready-for-handling ${label}`, () => {
      const order = approved()
      const decision = rules.endGracePeriod(order, ctxAt(now))
      assert.deepEqual(decision.transitions, [
        {
          domain: 'Fulfillment',
          state: 'ready-for-handling',
          lastState: 'window-to-cancel',
          lastChange: T_APPROVED,
          currentChange: now,
        },
      ])
      assert.equal(decision.order.state.graceEndsAt, null)
      assert.equal(decision.order.document.statusDescription, 'Pronto para o manuseio')
    })
  }

  it('counts a grace period that is over as ended before its timer runs: handling starts', () => {
    const order = approved()
    const decision = rules.startHandling(order, ctxAt(T_GRACE_END))
    assert.deepEqual(edges(decision.transitions), [
      ['window-to-cancel', 'ready-for-handling'],
      ['ready-for-handling', 'start-handling'],
      ['start-handling', 'handling'],
    ])
    assertLegalWalk(order, decision, T_GRACE_END)
    assert.equal(decision.order.state.graceEndsAt, null)
    expectError(() => rules.startHandling(order, ctxAt(after(T_GRACE_END, -1))), 'NOT_READY_FOR_HANDLING')
  })

  it("counts a grace period that is over as ended before its timer runs: the customer's cancel is a request", () => {
    const order = approved()
    const decision = rules.requestCancellation(order, 'req-1', null, ctxAt(T_GRACE_END))
    assert.deepEqual(edges(decision.transitions), [
      ['window-to-cancel', 'ready-for-handling'],
      ['ready-for-handling', 'request-cancel'],
      ['request-cancel', 'cancellation-requested'],
    ])
    assertLegalWalk(order, decision, T_GRACE_END)
    assert.deepEqual(decision.order.state.cancellationRequest, {
      id: 'req-1',
      resumeTo: 'ready-for-handling',
    })
    const inWindow = rules.requestCancellation(order, 'req-1', null, ctxAt(after(T_GRACE_END, -1)))
    assert.equal(inWindow.order.document.status, 'canceled')
  })

  it('changes nothing when the timer fires again after the grace period ended', () => {
    const order = ready()
    const decision = rules.endGracePeriod(order, ctxAt(T_LATER))
    assert.equal(decision.order, order)
  })
})

describe('start handling', () => {
  it('moves ready-for-handling through start-handling to handling, in Fulfillment', () => {
    const decision = rules.startHandling(ready(), ctxAt(T_HANDLING))
    assert.deepEqual(decision.transitions, [
      {
        domain: 'Fulfillment',
        state: 'start-handling',
        lastState: 'ready-for-handling',
        lastChange: T_GRACE_END,
        currentChange: T_HANDLING,
      },
      {
        domain: 'Fulfillment',
        state: 'handling',
        lastState: 'start-handling',
        lastChange: T_HANDLING,
        currentChange: T_HANDLING,
      },
    ])
    assert.equal(decision.order.document.statusDescription, 'Preparando Entrega')
    assert.equal(decision.order.document.allowCancellation, true)
  })
})

describe('cancel', () => {
  const cancellable: Array<[string, () => Order, 'Marketplace' | 'Fulfillment']> = [
    ['payment-pending', () => placed(), 'Marketplace'],
    ['window-to-cancel', () => approved(), 'Fulfillment'],
    ['ready-for-handling', () => ready(), 'Fulfillment'],
    ['handling', () => handling(), 'Fulfillment'],
    ['cancellation-requested', () => requested('handling'), 'Fulfillment'],
  ]
  for (const [status, make, domain] of cancellable) {
    it(`cancels from ${status}: payments closed, cancellationData filled, [cancel, canceled] in ${domain}`, () => {
      const order = make()
      const now = lateFor(status as OrderStatus)
      const decision = rules.cancel(order, { reason: 'Out of stock', requestedByUser: false }, ctxAt(now))
      assert.deepEqual(decision.transitions, [
        {
          domain,
          state: 'cancel',
          lastState: status,
          lastChange: order.state.lastTransitionAt,
          currentChange: now,
        },
        { domain, state: 'canceled', lastState: 'cancel', lastChange: now, currentChange: now },
      ])
      const { document, state } = decision.order
      assert.equal(document.status, 'canceled')
      assert.equal(document.statusDescription, 'Cancelado')
      assert.equal(document.allowCancellation, false)
      assert.equal(document.allowEdition, false)
      assert.equal(document.cancelReason, 'Out of stock')
      // Canceling a cancellation-requested order accepts the customer's request.
      const byCustomer = status === 'cancellation-requested'
      assert.deepEqual(document.cancellationData, {
        RequestedByUser: byCustomer,
        RequestedBySystem: false,
        RequestedBySellerNotification: !byCustomer,
        RequestedByPaymentNotification: false,
        Reason: 'Out of stock',
        CancellationDate: now,
      })
      const wasApproved = status !== 'payment-pending'
      assert.deepEqual(
        state.payments.map((p) => [p.status, p.closedAt]),
        order.state.payments.map(() => [wasApproved ? 'refunded' : 'voided', now]),
      )
      assert.equal(state.graceEndsAt, null)
      assert.equal(state.cancellationRequest, null)
      assert.equal(decision.messages.length, 1)
      assert.match(decision.messages[0]?.subject ?? '', /has been canceled/)
    })
  }

  it('voids the pending payment and refunds the approved one of a half-paid order', () => {
    const order = placed(TWO_PAYMENTS)
    const half = deepFreeze(rules.approvePayment(order, paymentIds(order)[0] ?? '', ctxAt(T_APPROVED)).order)
    const decision = rules.cancel(half, { reason: null, requestedByUser: true }, ctxAt(T_LATER))
    assert.deepEqual(
      decision.order.state.payments.map((p) => [p.value, p.status, p.approvedAt, p.closedAt]),
      [
        [5000, 'refunded', T_APPROVED, T_LATER],
        [5980, 'voided', null, T_LATER],
      ],
    )
    assert.equal(decision.order.document.cancellationData?.RequestedByUser, true)
    assert.equal(decision.order.document.cancellationData?.RequestedBySellerNotification, false)
  })

  it('refuses to cancel a canceled order with INVALID_TRANSITION (409)', () => {
    expectError(
      () => rules.cancel(canceled(), { reason: null, requestedByUser: false }, ctxAt(T_LATER)),
      'INVALID_TRANSITION',
    )
    assert.equal(errorStatus('INVALID_TRANSITION'), 409)
  })

  it('refuses to cancel an invoiced or partially invoiced order with CANNOT_CANCEL (400)', () => {
    const input = { reason: null, requestedByUser: false }
    expectError(() => rules.cancel(orderAt('invoiced'), input, ctxAt(T_LATER)), 'CANNOT_CANCEL')
    expectError(() => rules.cancel(withOutputPackage(handling()), input, ctxAt(T_LATER)), 'CANNOT_CANCEL')
    expectError(
      () => rules.requestCancellation(withOutputPackage(handling()), 'r', null, ctxAt(T_LATER)),
      'CANNOT_CANCEL',
    )
    assert.equal(errorStatus('CANNOT_CANCEL'), 400)
  })

  it('still cancels an order whose only packages are returns (Input)', () => {
    const order = handling()
    const withReturn: Order = deepFreeze({
      ...order,
      document: { ...order.document, packageAttachment: { packages: [{ type: 'Input' }] } },
    })
    const decision = rules.cancel(withReturn, { reason: null, requestedByUser: false }, ctxAt(T_LATER))
    assert.equal(decision.order.document.status, 'canceled')
  })
})

describe("the customer's cancellation", () => {
  it('cancels at once inside the grace window', () => {
    const order = approved()
    const decision = rules.requestCancellation(
      order,
      'req-1',
      'Changed my mind',
      ctxAt(after(T_APPROVED, 10)),
    )
    assert.deepEqual(edges(decision.transitions), [
      ['window-to-cancel', 'cancel'],
      ['cancel', 'canceled'],
    ])
    assert.equal(decision.order.document.cancelReason, 'Changed my mind')
    assert.equal(decision.order.document.cancellationData?.RequestedByUser, true)
    assert.equal(decision.order.document.cancellationRequests, null)
    assert.ok(decision.order.state.payments.every((p) => p.status === 'refunded'))
  })

  for (const resumeTo of ['ready-for-handling', 'handling'] as const) {
    it(`after the grace window, moves ${resumeTo} to request-cancel -> cancellation-requested`, () => {
      const order = resumeTo === 'handling' ? handling() : ready()
      const now = T_LATER
      const decision = rules.requestCancellation(order, 'req-1', 'Changed my mind', ctxAt(now))
      assert.deepEqual(decision.transitions, [
        {
          domain: 'Marketplace',
          state: 'request-cancel',
          lastState: resumeTo,
          lastChange: order.state.lastTransitionAt,
          currentChange: now,
        },
        {
          domain: 'Fulfillment',
          state: 'cancellation-requested',
          lastState: 'request-cancel',
          lastChange: now,
          currentChange: now,
        },
      ])
      assert.deepEqual(decision.order.document.cancellationRequests, [
        {
          id: 'req-1',
          reason: 'Changed my mind',
          cancellationRequestDate: now,
          requestedByUser: true,
          deniedBySeller: false,
          deniedBySellerReason: null,
          cancellationRequestDenyDate: null,
        },
      ])
      assert.deepEqual(decision.order.state.cancellationRequest, { id: 'req-1', resumeTo })
      assert.equal(decision.order.document.statusDescription, 'Cancelamento Solicitado')
      assert.equal(decision.order.document.allowCancellation, true)
      assert.equal(decision.order.document.cancellationData, null)
      assert.ok(decision.order.state.payments.every((p) => p.status === 'approved'))
    })
  }

  it('refuses a second request while one waits for the store', () => {
    expectError(
      () => rules.requestCancellation(requested('handling'), 'req-2', null, ctxAt(T_LATER)),
      'INVALID_TRANSITION',
    )
  })
})

describe('denying a cancellation request', () => {
  for (const resumeTo of ['ready-for-handling', 'handling'] as const) {
    it(`returns to the interrupted ${resumeTo} and marks the request deniedBySeller`, () => {
      const order = requested(resumeTo)
      const decision = rules.denyCancellation(order, 'req-1', 'Already packed', ctxAt(T_LATER))
      assert.deepEqual(decision.transitions, [
        {
          domain: 'Fulfillment',
          state: resumeTo,
          lastState: 'cancellation-requested',
          lastChange: T_HANDLING,
          currentChange: T_LATER,
        },
      ])
      assert.equal(decision.order.document.status, resumeTo)
      assert.equal(decision.order.document.statusDescription, STATUS_DESCRIPTION[resumeTo])
      assert.deepEqual(decision.order.document.cancellationRequests, [
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
      assert.equal(decision.order.state.cancellationRequest, null)
      const denied = deepFreeze(decision.order)
      expectError(
        () => rules.denyCancellation(denied, 'req-1', null, ctxAt(T_LATER)),
        'CANCELLATION_REQUEST_NOT_FOUND',
      )
      const again = rules.requestCancellation(denied, 'req-2', null, ctxAt(after(T_LATER, 1)))
      assert.deepEqual(
        again.order.document.cancellationRequests?.map((r) => [r.id, r.deniedBySeller]),
        [
          ['req-1', true],
          ['req-2', false],
        ],
      )
    })
  }

  it('refuses to deny on a canceled order with CANCELLATION_REQUEST_NOT_FOUND', () => {
    const order = requested('ready-for-handling')
    const gone = deepFreeze(
      rules.cancel(order, { reason: null, requestedByUser: false }, ctxAt(T_LATER)).order,
    )
    expectError(
      () => rules.denyCancellation(gone, 'req-1', null, ctxAt(T_LATER)),
      'CANCELLATION_REQUEST_NOT_FOUND',
    )
  })
})

describe('any sequence of rule calls', () => {
  type Call =
    | { kind: 'approve'; payment: number }
    | { kind: 'grace'; minutes: number }
    | { kind: 'start-handling' | 'cancel' | 'request' | 'invoice' }
    | { kind: 'deny'; rightId: boolean }
  const call: fc.Arbitrary<Call> = fc.oneof(
    fc.record({ kind: fc.constant('approve' as const), payment: fc.nat(2) }),
    fc.record({ kind: fc.constant('grace' as const), minutes: fc.nat(40) }),
    fc.record({ kind: fc.constantFrom('start-handling' as const, 'cancel' as const, 'request' as const) }),
    fc.record({ kind: fc.constant('invoice' as const) }),
    fc.record({ kind: fc.constant('deny' as const), rightId: fc.boolean() }),
  )
  const KNOWN_REFUSALS: ErrorCode[] = [
    'INVALID_TRANSITION',
    'NOT_READY_FOR_HANDLING',
    'CANNOT_CANCEL',
    'PAYMENT_NOT_FOUND',
    'PAYMENT_NOT_PENDING',
    'CANCELLATION_REQUEST_NOT_FOUND',
  ]

  it('takes only edges of the workflow, chained, and leaves the order resting', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 30), fc.array(call, { maxLength: 30 }), (grace, calls) => {
        let minute = 0
        const start = rules.start(firstOrder(builtOrders(TWO_PAYMENTS)), ctxAt(T0, grace))
        let order = deepFreeze(start.order)
        const log: Transition[] = [...start.transitions]
        calls.forEach((c, index) => {
          minute += c.kind === 'grace' ? c.minutes : 1
          const ctx = ctxAt(after(T0, minute), grace)
          const decide = (): Decision => {
            switch (c.kind) {
              case 'approve':
                return rules.approvePayment(order, paymentIds(order)[c.payment] ?? 'unknown', ctx)
              case 'grace':
                return rules.endGracePeriod(order, ctx)
              case 'start-handling':
                return rules.startHandling(order, ctx)
              case 'cancel':
                return rules.cancel(order, { reason: null, requestedByUser: false }, ctx)
              case 'request':
                return rules.requestCancellation(order, `req-${index}`, null, ctx)
              case 'invoice':
                return rules.fire(decisionOf(order), 'invoice', ctx)
              case 'deny':
                return rules.denyCancellation(
                  order,
                  c.rightId ? (order.state.cancellationRequest?.id ?? 'none') : 'wrong',
                  null,
                  ctx,
                )
            }
          }
          let decision: Decision
          try {
            decision = decide()
          } catch (error) {
            assert.ok(error instanceof AppError && KNOWN_REFUSALS.includes(error.code), String(error))
            return
          }
          assertLegalWalk(order, decision, ctx.now)
          log.push(...decision.transitions)
          order = deepFreeze(decision.order)
        })
        assert.equal(log[0]?.state, 'order-created')
        assert.equal(log[0]?.lastState, null)
        log.slice(1).forEach((t, i) => {
          assert.equal(t.lastState, log[i]?.state)
          assert.equal(t.lastChange, log[i]?.currentChange)
        })
        assert.equal(order.document.status, log.at(-1)?.state)
      }),
      { numRuns: 300 },
    )
  })
})

describe('cancel after the grace period, before its timer has run', () => {
  it('records the end of the grace period first, then the cancellation', () => {
    const order = approved()
    const decision = rules.cancel(order, { reason: null, requestedByUser: false }, ctxAt(T_LATER))
    assertLegalWalk(order, decision, T_LATER)
    assert.deepEqual(edges(decision.transitions), [
      ['window-to-cancel', 'ready-for-handling'],
      ['ready-for-handling', 'cancel'],
      ['cancel', 'canceled'],
    ])
  })
})
