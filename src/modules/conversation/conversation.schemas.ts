// Wire formats of the Conversation section, interactions, and Ordo's order timeline.
import { Type, type Static } from 'typebox'
import { LEDGER_ENTRY_TYPES } from '../orders/order.ts'
import { CANCELLATION_REQUEST_ACTIONS } from '../orders/order-event.ts'
import { ORDER_STATUSES, WORKFLOW_INSTANCES } from '../orders/order-status.ts'
import { Nullable } from '../orders/order.schemas.ts'

const Participant = Type.Object({
  conversationRelatedTo: Type.String(),
  conversationSubject: Type.String(),
  emailAlias: Type.String(),
  aliasMaskType: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Nullable(Type.String()),
})

export const ConversationSchema = Type.Array(
  Type.Object({
    id: Type.String(),
    from: Participant,
    to: Type.Array(Participant),
    subject: Type.String(),
    firstWords: Type.String(),
    body: Type.String(),
    hasAttachment: Type.Boolean(),
    attachmentNames: Type.Array(Type.String()),
    date: Type.String(),
  }),
)
export type Conversation = Static<typeof ConversationSchema>

export const InteractionBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 200 }),
  message: Type.String({ minLength: 1, maxLength: 10_000 }),
})
export type InteractionBody = Static<typeof InteractionBodySchema>

const Status = Type.Enum(ORDER_STATUSES)
/** What every entry that comes from an event has: when, in which version of the order, and who caused it. */
const EventEntry = {
  date: Type.String(),
  version: Type.Integer(),
  by: Type.String({ description: 'An AppKey, customer:<email> for a shopper token, or system.' }),
}

export const TimelineEntrySchema = Type.Union([
  Type.Object({
    type: Type.Literal('transition'),
    ...EventEntry,
    domain: Type.Enum(WORKFLOW_INSTANCES),
    state: Status,
    lastState: Nullable(Status),
  }),
  Type.Object({
    type: Type.Literal('payment'),
    ...EventEntry,
    paymentId: Type.String(),
    action: Type.Enum(LEDGER_ENTRY_TYPES),
    value: Type.Integer(),
  }),
  Type.Object({
    type: Type.Literal('cancellation-request'),
    ...EventEntry,
    requestId: Type.String(),
    action: Type.Enum(CANCELLATION_REQUEST_ACTIONS),
    reason: Nullable(Type.String()),
  }),
  Type.Object({
    type: Type.Literal('interaction'),
    ...EventEntry,
    source: Type.String(),
    message: Type.String(),
  }),
  Type.Object({
    type: Type.Literal('message'),
    date: Type.String(),
    subject: Type.String(),
    to: Type.String(),
  }),
])
export type TimelineEntry = Static<typeof TimelineEntrySchema>

export const TimelineSchema = Type.Object({
  orderId: Type.String(),
  status: Status,
  entries: Type.Array(TimelineEntrySchema),
})
export type Timeline = Static<typeof TimelineSchema>
