// The workflow engine: takes edges of the table in order-status.ts, records one event per transition, applies
// each status's timeout and stamped date. Rules build a Draft with it; the write path turns the Draft into a
// Decision. Pure: time and settings come in the WorkflowContext.
import { AppError } from '../../platform/errors.ts'
import { cancellationOf, type Order, type WorkflowState } from './order.ts'
import { draftOf, type Draft, type WorkflowContext } from './order-draft.ts'
import { closePayments } from './order-payment.ts'
import type { OrderEventDraft } from './order-event.ts'
import {
  instanceOf,
  nextStatus,
  definitionOf,
  SETTING_UNIT_MS,
  TRIGGERS,
  type OrderStatus,
  type TimeoutLength,
  type Trigger,
  type WorkflowSettings,
} from './order-status.ts'

// Rules build on the engine; the payment ledger, which the engine uses, on the draft alone.
export { draftOf, record, type Draft, type WorkflowContext } from './order-draft.ts'

export type Decision = Unchanged | Changed

/** Nothing to write: the order stays at its version. */
export interface Unchanged {
  readonly changed: false
  readonly order: Order
}

/** One new version of the order with the events that explain it. */
export interface Changed {
  readonly changed: true
  readonly order: Order
  readonly events: readonly [OrderEventDraft, ...OrderEventDraft[]]
}

export type Rule = (draft: Draft, ctx: WorkflowContext) => Draft

/** When the decision was made: its events' time, or, when nothing changed, the order's last change. */
export const decidedAt = (decision: Decision): string =>
  decision.changed ? decision.events[0].currentChange : decision.order.lastChange

/** A rule over every order of a group, for what VTEX does per order group (its shared payment transaction). */
export type GroupRule = (group: readonly Draft[], target: Order, ctx: WorkflowContext) => readonly Draft[]

/**
 * Runs a rule on an order whose due timeouts have been taken first: a grace period that is over has ended,
 * even if its job has not run yet, and the log says so before the rule's own events.
 */
export const decide = (order: Order, ctx: WorkflowContext, rule: Rule): Decision =>
  conclude(rule(settle(draftOf(order), ctx), ctx))

/** The same for every order of a group, each settled first. */
export const decideGroup = (
  group: readonly Order[],
  target: Order,
  ctx: WorkflowContext,
  rule: GroupRule,
): Decision[] =>
  rule(
    group.map((order) => settle(draftOf(order), ctx)),
    target,
    ctx,
  ).map(conclude)

export function conclude(draft: Draft): Decision {
  const [first, ...rest] = draft.events
  if (!first) {
    if (draft.order !== draft.before) throw new Error('A rule changed an order without recording an event.')
    return { changed: false, order: draft.before }
  }
  return { changed: true, order: draft.order, events: [first, ...rest] }
}

/** A new order's first status, then as far as the workflow goes by itself. */
export function start(order: Order, ctx: WorkflowContext): Draft {
  const domain = instanceOf(order.status, order.workflow.domain, order.workflow.flow)
  const started: Order = {
    ...order,
    workflow: {
      flow: order.workflow.flow,
      domain,
      instances: { [domain]: order.status },
      lastTransitionAt: ctx.now,
      deadline: null,
    },
  }
  const first: OrderEventDraft = {
    kind: 'transition',
    data: {},
    domain,
    state: order.status,
    lastState: null,
    lastChange: null,
    currentChange: ctx.now,
  }
  return walk({ before: order, order: started, events: [first] }, ctx)
}

/** Takes the edge `trigger` from the current status, then every edge the workflow takes by itself. */
export function fire(draft: Draft, trigger: Trigger, ctx: WorkflowContext): Draft {
  return walk(step(draft, trigger, ctx), ctx)
}

/** Takes the edge that leads from the current status to `target` (back to where a request interrupted it). */
export function fireTo(draft: Draft, target: OrderStatus, ctx: WorkflowContext): Draft {
  const { on } = definitionOf(draft.order.status, draft.order.workflow.flow)
  const trigger = TRIGGERS.find((t) => on[t] === target)
  if (!trigger) {
    throw new AppError(
      'INVALID_TRANSITION',
      `Order ${draft.order.orderId} cannot go from ${draft.order.status} to ${target}.`,
    )
  }
  return fire(draft, trigger, ctx)
}

/**
 * Takes the order back to where its instances stood (a denied cancellation request): the running instance by
 * the edge to its old status, the others as they were.
 */
export function resume(draft: Draft, position: WorkflowState['instances'], ctx: WorkflowContext): Draft {
  const target = position[draft.order.workflow.domain]
  if (!target) {
    throw new AppError('INVALID_TRANSITION', `Order ${draft.order.orderId} has nowhere to go back to.`)
  }
  const back = fireTo(draft, target, ctx)
  const workflow = { ...back.order.workflow, instances: { ...back.order.workflow.instances, ...position } }
  return { ...back, order: { ...back.order, workflow } }
}

/** Takes the current status's timeout if it is due; anything else is left alone. */
export function settle(draft: Draft, ctx: WorkflowContext): Draft {
  return isDue(draft.order, ctx) ? walk(draft, ctx) : draft
}

const isDue = (order: Order, ctx: WorkflowContext): boolean =>
  order.workflow.deadline !== null && order.workflow.deadline.dueAt <= ctx.now

function walk(draft: Draft, ctx: WorkflowContext): Draft {
  let current = draft
  for (;;) {
    const { order } = current
    if (definitionOf(order.status, order.workflow.flow).on.auto) current = step(current, 'auto', ctx)
    else if (order.workflow.deadline && isDue(order, ctx)) {
      current = timedOut(current, order.workflow.deadline.trigger, ctx)
    } else return current
  }
}

/**
 * Takes the edge of a timeout that is due. One that cancels is a cancellation by the system, as the store's would
 * be: its cancellation data says why, and the order's share of each payment is voided or refunded.
 */
function timedOut(draft: Draft, trigger: Trigger, ctx: WorkflowContext): Draft {
  if (trigger !== 'cancel') return step(draft, trigger, ctx)
  const { order } = draft
  const canceled: Order = {
    ...order,
    cancellation: cancellationOf(
      'system',
      definitionOf(order.status, order.workflow.flow).timeout?.reason ?? null,
      ctx.now,
    ),
    pendingCancellation: null,
  }
  return closePayments(walk(step({ ...draft, order: canceled }, 'cancel', ctx), ctx), ctx)
}

const timeoutMs = (after: TimeoutLength, settings: WorkflowSettings): number =>
  typeof after === 'string' ? settings[after] * SETTING_UNIT_MS[after] : after.days * 86_400_000

/** A status of every instance (cancellation) ends each instance the order has started. */
const endEvery = (instances: WorkflowState['instances'], status: OrderStatus): WorkflowState['instances'] =>
  Object.fromEntries(Object.keys(instances).map((instance) => [instance, status]))

function step(draft: Draft, trigger: Trigger, ctx: WorkflowContext): Draft {
  const { order } = draft
  const from = order.status
  const { flow } = order.workflow
  const to = nextStatus(from, trigger, flow)
  if (!to) throw new AppError('INVALID_TRANSITION', `Order ${order.orderId} cannot ${trigger} from ${from}.`)
  const definition = definitionOf(to, flow)
  const domain = instanceOf(to, order.workflow.domain, flow)
  const timeout = definition.timeout
  const moved: Order = {
    ...order,
    status: to,
    workflow: {
      flow,
      domain,
      instances:
        definition.instance === 'running'
          ? endEvery(order.workflow.instances, to)
          : { ...order.workflow.instances, [domain]: to },
      lastTransitionAt: ctx.now,
      deadline: timeout
        ? {
            trigger: timeout.trigger,
            dueAt: new Date(Date.parse(ctx.now) + timeoutMs(timeout.after, ctx.settings)).toISOString(),
          }
        : null,
    },
    // A date says when the order first got there: going back through the status (a denied cancellation
    // request takes a marketplace order back to payment-approved) keeps it.
    ...(definition.stamps && order[definition.stamps] === null ? { [definition.stamps]: ctx.now } : {}),
  }
  const event: OrderEventDraft = {
    kind: 'transition',
    data: {},
    domain,
    state: to,
    lastState: from,
    lastChange: order.workflow.lastTransitionAt,
    currentChange: ctx.now,
  }
  return { ...draft, order: moved, events: [...draft.events, event] }
}
