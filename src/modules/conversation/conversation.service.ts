// Use cases of what is said about an order: interactions (a change of the order like any other), the customer's
// conversation and the order's timeline, both read from its event log.
import type { Deps } from '../../deps.ts'
import type { Receipt } from '../../platform/http-schemas.ts'
import { lowerHexId } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { decidedAt, record } from '../orders/order-workflow.ts'
import { customerName } from '../orders/order.ts'
import { changeOrder, readOrderLog } from '../orders/order.service.ts'
import { customerMessages, timeline } from './conversation.ts'
import type { Conversation, InteractionBody, Timeline } from './conversation.schemas.ts'

/** POST …/interactions: a log line on the order, recorded as one of its events. */
export async function addInteraction(
  deps: Deps,
  principal: Principal,
  orderId: string,
  entry: InteractionBody,
): Promise<Receipt> {
  const settings = await getSettings(deps, principal.account)
  const decision = await changeOrder(deps, { actor: principal, orderId, settings }, (draft, ctx) =>
    record(draft, draft.order, 'interaction', { source: entry.source, message: entry.message }, ctx),
  )
  return { date: decidedAt(decision), orderId: decision.order.orderId, receipt: lowerHexId() }
}

/** GET …/conversation-message: the messages Ordo composed for the customer, in the reference shape. */
export async function getConversation(
  deps: Deps,
  principal: Principal,
  orderId: string,
): Promise<Conversation> {
  const { order, events } = await readOrderLog(deps, principal, orderId)
  const participant = { conversationRelatedTo: order.orderId, conversationSubject: 'oms', aliasMaskType: 0 }
  const storeEmail = order.followUpEmail || `noreply@${principal.account}.ordo`
  const customer = order.client.email
  return customerMessages(order, events).map((m) => ({
    id: m.id,
    from: { ...participant, emailAlias: storeEmail, email: storeEmail, name: principal.account, role: null },
    to: [
      { ...participant, emailAlias: customer, email: customer, name: customerName(order), role: 'Customer' },
    ],
    subject: m.subject,
    firstWords: m.body.length > 60 ? `${m.body.slice(0, 57)}...` : m.body,
    body: m.body,
    hasAttachment: false,
    attachmentNames: [],
    date: m.date,
  }))
}

/** Ordo's own: every event of the order with who caused it, and the messages sent to the customer, oldest first. */
export async function getTimeline(deps: Deps, principal: Principal, orderId: string): Promise<Timeline> {
  const { order, events } = await readOrderLog(deps, principal, orderId)
  return { orderId: order.orderId, status: order.status, entries: timeline(order, events) }
}
