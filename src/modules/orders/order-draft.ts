// A change being built: the order before it, the order it is becoming, and the events recorded so far. The
// workflow engine (order-workflow.ts) and the payment ledger (order-payment.ts) both build on it. Pure.
import type { Order } from './order.ts'
import type { EventData, OrderEventDraft, OrderEventKind } from './order-event.ts'
import type { WorkflowSettings } from './order-status.ts'

export interface WorkflowContext {
  now: string
  settings: WorkflowSettings
}

/** A change being built: the order as it was, as it is becoming, and what has been recorded so far. */
export interface Draft {
  readonly before: Order
  readonly order: Order
  readonly events: readonly OrderEventDraft[]
}

export const draftOf = (order: Order): Draft => ({ before: order, order, events: [] })

/** Records an event of a kind other than a transition, with the order as it stands after it. */
export function record<K extends Exclude<OrderEventKind, 'transition'>>(
  draft: Draft,
  order: Order,
  kind: K,
  data: EventData[K],
  ctx: WorkflowContext,
): Draft {
  const event = {
    kind,
    data,
    domain: order.workflow.domain,
    state: order.status,
    lastState: order.status,
    lastChange: draft.before.lastChange,
    currentChange: ctx.now,
  } as OrderEventDraft
  return { ...draft, order, events: [...draft.events, event] }
}
