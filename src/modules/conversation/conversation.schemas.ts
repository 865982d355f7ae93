// Wire formats of the Conversation section, interactions, and Ordo's order timeline.
import { Type, type Static } from 'typebox'
import { ORDER_STATUSES, WORKFLOW_INSTANCES } from '../orders/order-status.ts'
import {
  CancellationRequestEventDataSchema,
  ChangeEventDataSchema,
  InteractionEventDataSchema,
  InvoiceEventDataSchema,
  ModificationEventDataSchema,
  Nullable,
  PaymentEventDataSchema,
  SellerChangeEventDataSchema,
  TrackingEventDataSchema,
} from '../orders/order.schemas.ts'

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

export const InteractionBodySchema = InteractionEventDataSchema
export type InteractionBody = Static<typeof InteractionBodySchema>

const Status = Type.Enum(ORDER_STATUSES)
/** What every entry that comes from an event has: when, in which version of the order, and who caused it. */
const EventEntry = {
  date: Type.String(),
  version: Type.Integer(),
  by: Type.String({ description: 'An AppKey, customer:<email> for a shopper token, or system.' }),
}

/** One entry per event, with the event kind's own fields as stored, and the messages the customer was sent. */
export const TimelineEntrySchema = Type.Union([
  Type.Object({
    type: Type.Literal('transition'),
    ...EventEntry,
    domain: Type.Enum(WORKFLOW_INSTANCES),
    state: Status,
    lastState: Nullable(Status),
  }),
  Type.Object({ type: Type.Literal('payment'), ...EventEntry, ...PaymentEventDataSchema.properties }),
  Type.Object({
    type: Type.Literal('cancellation-request'),
    ...EventEntry,
    ...CancellationRequestEventDataSchema.properties,
  }),
  Type.Object({ type: Type.Literal('interaction'), ...EventEntry, ...InteractionEventDataSchema.properties }),
  Type.Object({ type: Type.Literal('invoice'), ...EventEntry, ...InvoiceEventDataSchema.properties }),
  Type.Object({ type: Type.Literal('tracking'), ...EventEntry, ...TrackingEventDataSchema.properties }),
  Type.Object({ type: Type.Literal('change'), ...EventEntry, ...ChangeEventDataSchema.properties }),
  Type.Object({
    type: Type.Literal('seller-change'),
    ...EventEntry,
    ...SellerChangeEventDataSchema.properties,
  }),
  Type.Object({
    type: Type.Literal('modification'),
    ...EventEntry,
    ...ModificationEventDataSchema.properties,
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
