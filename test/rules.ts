// Shared by the order rules' unit tests: real intake values at every status, reached through the rules as the
// write path runs them, frozen so that a rule that mutated its input would throw. Test code only.
import assert from 'node:assert/strict'
import { exampleOrder, invoicePackage, PARTNER } from './fixtures.ts'
import { AppError, type ErrorCode } from '../src/platform/errors.ts'
import {
  cancel,
  canceledBySeller,
  marketplaceAsks,
  requestCancellation,
} from '../src/modules/cancellation/cancellation.ts'
import { authorizedByMarketplace, startHandling } from '../src/modules/fulfillment/handling.ts'
import { buildOrders, planIntake, sellerAccepts } from '../src/modules/intake/intake.ts'
import { intakeOfPlacement, placementOf, sellerCopyOf } from '../src/modules/intake/placement.ts'
import type { IntakeBody, IntakePayment } from '../src/modules/intake/intake.schemas.ts'
import { approveOnArrival, approvePayment } from '../src/modules/payments/payment.ts'
import type { Order } from '../src/modules/orders/order.ts'
import type { OrderEventDraft } from '../src/modules/orders/order-event.ts'
import {
  canTake,
  definitionOf,
  instanceOf,
  nextStatus,
  ORDER_FLOWS,
  statusesOf,
  TRIGGERS,
  type OrderFlow,
  type OrderStatus,
  type Trigger,
} from '../src/modules/orders/order-status.ts'
import {
  conclude,
  decide,
  decideGroup,
  fire,
  start,
  type Decision,
  type Rule,
  type WorkflowContext,
} from '../src/modules/orders/order-workflow.ts'

export const T0 = '2026-03-02T12:00:00.000Z'
export const after = (iso: string, minutes: number): string =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString()
/** When the payment is approved, the grace period ends, handling starts, and later calls happen. */
export const T_APPROVED = after(T0, 5)
export const T_GRACE_END = after(T_APPROVED, 30)
export const T_HANDLING = after(T_GRACE_END, 60)
export const T_LATER = after(T0, 3 * 24 * 60)
/** Inside the grace window of an order approved at T_APPROVED. */
export const T_IN_WINDOW = after(T_APPROVED, 10)
/** Late enough for every status, but inside the grace window for an order that waits in it. */
export const lateFor = (status: OrderStatus): string =>
  status === 'window-to-cancel' ? T_IN_WINDOW : T_LATER

export const ctxAt = (
  now: string,
  cancellationGracePeriodMinutes = 30,
  windowToChangeSellerDays = 2,
): WorkflowContext => ({
  now,
  settings: { cancellationGracePeriodMinutes, windowToChangeSellerDays },
})

/** The example order paid with two payments: seller 1 (10980) gets 5000 + 5980, partner (3000) gets 0 + 3000. */
export const TWO_PAYMENTS: IntakePayment[] = [
  { paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: 5000, installments: 1 },
  { paymentSystem: '17', paymentSystemName: 'Promissory', group: 'promissory', value: 8980 },
]
export const paidWith = (payments: IntakePayment[]): IntakeBody => exampleOrder({ paymentData: { payments } })

/** Frozen all the way down: a rule that mutated its input would throw. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

export function expectError(run: () => unknown, code: ErrorCode): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error))
    assert.equal(error.code, code)
    return true
  })
}

/** The orders of an intake body at order-created (version 0), built by the real pure builders. */
export function builtGroup(body: IntakeBody = exampleOrder()): Order[] {
  let id = 0
  return deepFreeze(
    buildOrders(body, planIntake(body), {
      account: 'acme',
      orderGroup: '1234567500001',
      sequences: [500001, 500004],
      now: T0,
      newId: () => `ID${String(++id).padStart(4, '0')}`,
      sellers: new Map([[PARTNER.id, PARTNER]]),
    }),
  )
}

export function only<T>(list: readonly T[], index = 0): T {
  const item = list[index]
  assert.ok(item !== undefined, `no item at ${index}`)
  return item
}

export const eventsOf = (decision: Decision): readonly OrderEventDraft[] =>
  decision.changed ? decision.events : []
export const transitionsOf = (decision: Decision) => eventsOf(decision).filter((e) => e.kind === 'transition')
export const edges = (decision: Decision) => transitionsOf(decision).map((e) => [e.lastState, e.state])
export const orderOf = (decision: Decision): Order => deepFreeze(decision.order)
export const paymentIds = (order: Order): string[] => order.payment.payments.map((p) => p.id)

/** What the order-timeout job runs: no rule at all, only the due timeouts decide() takes first. */
export const timeoutJob: Rule = (draft) => draft

/** A rule for the edges no feature owns yet (invoice): takes `trigger` through the engine. */
export const firing =
  (trigger: Trigger): Rule =>
  (draft, ctx) =>
    fire(draft, trigger, ctx)

/** Exactly what the write path does for a group rule (changeOrderGroup): settle each order, run, conclude each. */

/** New orders as intake stores them (createOrders): started, then sellerAccepts. */
export const placedGroup = (body?: IntakeBody, grace = 30): Order[] =>
  builtGroup(body).map((order) =>
    orderOf(conclude(sellerAccepts(start(order, ctxAt(T0, grace)), ctxAt(T0, grace)))),
  )

/** The group with every payment approved at T_APPROVED, through the payment notification. */
export function approvedGroup(grace = 30, body?: IntakeBody): Order[] {
  let group = placedGroup(body, grace)
  for (const id of paymentIds(only(group))) {
    group = decideGroup(group, only(group), ctxAt(T_APPROVED, grace), approvePayment(id)).map(orderOf)
  }
  return group
}

// The first order of the example group at each resting status, reached through the rules themselves.
export const placed = (body?: IntakeBody): Order => only(placedGroup(body))
export const approved = (grace = 30): Order => only(approvedGroup(grace))
export const ready = (): Order => orderOf(decide(approved(), ctxAt(T_GRACE_END), timeoutJob))
export const handling = (): Order => orderOf(decide(ready(), ctxAt(T_HANDLING), startHandling))
export const invoiced = (): Order => orderOf(decide(handling(), ctxAt(T_LATER), firing('invoice')))

export function requested(resumeTo: 'ready-for-handling' | 'handling'): Order {
  const from = resumeTo === 'handling' ? handling() : ready()
  return orderOf(decide(from, ctxAt(T_HANDLING), requestCancellation('req-1', 'Changed my mind')))
}

export const canceled = (): Order =>
  orderOf(
    decide(
      placed(),
      ctxAt(T_APPROVED),
      cancel({ reason: 'Out of stock', requestedByUser: false, requestId: 'req-store' }),
    ),
  )

/** A status an order passes through but never rests in: set directly, with its instance's bookkeeping. */
export function forced(order: Order, status: OrderStatus): Order {
  const domain = instanceOf(status, order.workflow.domain, order.workflow.flow)
  return deepFreeze({
    ...order,
    status,
    workflow: {
      ...order.workflow,
      domain,
      instances: { ...order.workflow.instances, [domain]: status },
      deadline: null,
    },
  })
}

/** An order with an invoice (Output) or a return (Input) package, as the invoices feature will leave it. */
export const withPackage = (order: Order, type: 'Output' | 'Input'): Order =>
  deepFreeze({
    ...order,
    packages: [invoicePackage(type, 100)],
  })

/** An order at `status`, in the flow that status belongs to (the complete flow where it is one of its own). */
export function orderAt(status: OrderStatus): Order {
  const flow = ORDER_FLOWS.find((f) => statusesOf(f).includes(status)) ?? 'complete'
  return orderIn(flow, status)
}

/** An order of `flow` at `status`, reached through the rules themselves. */
export function orderIn(flow: OrderFlow, status: OrderStatus): Order {
  if (flow === 'marketplace') return marketplaceAt(status)
  if (flow === 'seller') return sellerAt(status)
  switch (status) {
    case 'order-created':
      return only(builtGroup())
    case 'on-order-completed':
      return forced(only(builtGroup()), status)
    case 'waiting-for-authorization':
      // Where an order waits until its seller accepts it.
      return orderOf(conclude(start(only(builtGroup()), ctxAt(T0))))
    case 'payment-pending':
      return placed()
    case 'payment-denied':
      return forced(placed(), status)
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
    case 'cancel':
      return forced(ready(), status)
    case 'handling':
      return handling()
    case 'invoice':
      // Entered with the invoice the invoices feature attaches; invoicedDate comes on entering invoiced.
      return withPackage(forced(handling(), status), 'Output')
    case 'invoiced':
      return invoiced()
    case 'cancellation-requested':
      return requested('ready-for-handling')
    case 'canceled':
      return canceled()
    default:
      throw new Error(`A complete-flow order is never ${status}.`)
  }
}

// The example group's second order: seller partner's, which the account sold as its marketplace.
const PARTNER_ORDER = 1

/** The marketplace order of the example group at each status, reached through the rules themselves. */
export const marketplacePlaced = (): Order =>
  orderOf(conclude(start(only(builtGroup(), PARTNER_ORDER), ctxAt(T0))))
export const marketplaceApproved = (): Order => only(approvedGroup(), PARTNER_ORDER)
export const marketplaceRequested = (): Order =>
  orderOf(
    decide(
      marketplaceApproved(),
      ctxAt(T_HANDLING),
      cancel({ reason: 'Changed my mind', requestedByUser: false, requestId: 'req-mkt' }),
    ),
  )

function marketplaceAt(status: OrderStatus): Order {
  switch (status) {
    case 'order-created':
      return only(builtGroup(), PARTNER_ORDER)
    case 'on-order-completed':
      return forced(only(builtGroup(), PARTNER_ORDER), status)
    case 'waiting-for-authorization':
      return marketplacePlaced()
    case 'payment-pending':
      return only(placedGroup(), PARTNER_ORDER)
    case 'payment-denied':
      return forced(only(placedGroup(), PARTNER_ORDER), status)
    case 'approve-payment':
    case 'payment-approved':
      return forced(marketplaceApproved(), status)
    case 'waiting-seller-handling':
      return marketplaceApproved()
    // Its seller canceled it: it waits for another.
    case 'window-to-change-seller':
      return orderOf(decide(marketplaceApproved(), ctxAt(T_LATER), canceledBySeller()))
    case 'request-cancel':
      return forced(marketplaceApproved(), status)
    case 'waiting-for-seller-decision':
      return marketplaceRequested()
    case 'invoice':
      return withPackage(forced(marketplaceApproved(), status), 'Output')
    case 'invoiced':
      return orderOf(decide(marketplaceApproved(), ctxAt(T_LATER), firing('invoice')))
    case 'cancel':
      return forced(marketplaceApproved(), status)
    case 'canceled':
      return orderOf(
        decide(
          only(placedGroup(), PARTNER_ORDER),
          ctxAt(T_APPROVED),
          cancel({ reason: null, requestedByUser: false, requestId: 'req-mkt' }),
        ),
      )
    default:
      throw new Error(`A marketplace order is never ${status}.`)
  }
}

/** The seller's own order of the example group's marketplace order, as its placement makes it. */
export function sellerBuilt(): Order {
  const placement = placementOf(only(placedGroup(), PARTNER_ORDER))
  const body = intakeOfPlacement(placement)
  let id = 0
  const [built] = buildOrders(body, planIntake(body), {
    account: PARTNER.account,
    orderGroup: 'unused',
    sequences: [500002],
    now: T0,
    newId: () => `SID${String(++id).padStart(4, '0')}`,
    sellers: new Map(),
  })
  assert.ok(built)
  return deepFreeze(sellerCopyOf(built, placement, 'acme'))
}

export const sellerPlaced = (): Order => orderOf(conclude(start(sellerBuilt(), ctxAt(T0))))
export const sellerAuthorized = (): Order =>
  orderOf(
    decide(
      sellerPlaced(),
      ctxAt(T_APPROVED),
      authorizedByMarketplace(approveOnArrival(paymentIds(sellerPlaced()))),
    ),
  )
export const sellerReady = (): Order => orderOf(decide(sellerAuthorized(), ctxAt(T_GRACE_END), timeoutJob))
export const sellerHandling = (): Order => orderOf(decide(sellerReady(), ctxAt(T_HANDLING), startHandling))

function sellerAt(status: OrderStatus): Order {
  switch (status) {
    case 'order-accepted':
      return sellerBuilt()
    case 'on-order-completed-ffm':
      return forced(sellerBuilt(), status)
    case 'waiting-ffmt-authorization':
      return sellerPlaced()
    case 'authorize-fulfillment':
      return forced(sellerAuthorized(), status)
    case 'window-to-cancel':
      return sellerAuthorized()
    case 'ready-for-handling':
      return sellerReady()
    case 'start-handling':
    case 'cancel':
      return forced(sellerReady(), status)
    case 'handling':
      return sellerHandling()
    case 'invoice':
      return withPackage(forced(sellerHandling(), status), 'Output')
    case 'invoiced':
      return orderOf(decide(sellerHandling(), ctxAt(T_LATER), firing('invoice')))
    case 'cancellation-requested':
      return orderOf(
        decide(sellerReady(), ctxAt(T_HANDLING), marketplaceAsks('req-mkt', 'Changed my mind', true)),
      )
    case 'canceled':
      return orderOf(
        decide(
          sellerPlaced(),
          ctxAt(T_APPROVED),
          cancel({ reason: null, requestedByUser: false, requestId: 'x' }),
        ),
      )
    default:
      throw new Error(`A seller's order is never ${status}.`)
  }
}

/** Every edge of every flow's table, as data. */
export const TABLE_EDGES = ORDER_FLOWS.flatMap((flow) =>
  statusesOf(flow).flatMap((from) =>
    TRIGGERS.flatMap((trigger) => {
      const to = nextStatus(from, trigger, flow)
      return to ? [{ flow, from, trigger, to }] : []
    }),
  ),
)

/**
 * A decision of decide() is legal: every transition is an edge of WORKFLOW starting where the previous ended, in
 * the instance of its status; other events record the order where it stands; the order rests at the end, its
 * workflow bookkeeping agrees with the log, and a status with a timeout has its deadline still ahead.
 */
export function assertLegalDecision(before: Order, decision: Decision, now: string): void {
  if (!decision.changed) {
    assert.equal(decision.order, before, 'an unchanged decision returns the order it was given')
    return
  }
  let at: OrderStatus = before.status
  const { flow } = before.workflow
  let domain = before.workflow.domain
  let lastChange = before.workflow.lastTransitionAt
  let moved = false
  for (const event of decision.events) {
    assert.equal(event.currentChange, now)
    if (event.kind === 'transition') {
      assert.equal(event.lastState, at)
      assert.ok(
        Object.values(definitionOf(at, flow).on).includes(event.state),
        `${at} -> ${event.state} is not an edge`,
      )
      assert.equal(event.lastChange, lastChange)
      assert.equal(event.domain, instanceOf(event.state, domain, flow))
      at = event.state
      domain = event.domain
      lastChange = now
      moved = true
    } else {
      // Other kinds do not move the order: they carry its status and its previous change.
      assert.deepEqual(
        [event.state, event.lastState, event.domain, event.lastChange],
        [at, at, domain, before.lastChange],
        event.kind,
      )
    }
  }
  const { order } = decision
  assert.equal(order.status, at)
  assert.equal(order.lastChange, before.lastChange, 'the write path, not the rule, moves lastChange')
  assert.equal(canTake(at, 'auto', flow), false, `the order was left in the transient status ${at}`)
  assert.equal(order.workflow.domain, domain)
  assert.equal(order.workflow.lastTransitionAt, lastChange)
  if (moved) assert.equal(order.workflow.instances[domain], at)
  else assert.deepEqual(order.workflow, before.workflow)
  const timeout = definitionOf(at, flow).timeout
  if (timeout) {
    assert.equal(order.workflow.deadline?.trigger, timeout.trigger)
    assert.ok((order.workflow.deadline?.dueAt ?? '') > now, 'a due timeout was left untaken')
  } else assert.equal(order.workflow.deadline, null)
}
