// Wire formats of the events stream: its query, and the JSON each message carries in its `data:` line.
import { Type, type Static } from 'typebox'
import { ORDER_EVENT_KINDS } from '../orders/order-event.ts'
import { ORDER_STATUSES, WORKFLOW_INSTANCES } from '../orders/order-status.ts'

/** Longer than any position ("<tx>-<id>", two integers below 2^53). */
const MAX_POSITION_LENGTH = 40

export const EventStreamQuerySchema = Type.Object({
  status: Type.Optional(
    Type.String({
      maxLength: 1000,
      description:
        'Order statuses, comma-separated: only events whose `state` is one of them are sent. Left out, every event.',
    }),
  ),
  orderId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: "Only this order's events." }),
  ),
  lastEventId: Type.Optional(
    Type.String({
      maxLength: MAX_POSITION_LENGTH,
      description:
        'Resume after this event id, for clients that cannot send the Last-Event-ID header (which wins when both are sent).',
    }),
  ),
})
export type EventStreamQuery = Static<typeof EventStreamQuerySchema>

const Status = Type.Enum(ORDER_STATUSES)

export const StreamedEventSchema = Type.Object(
  {
    eventId: Type.String({
      description:
        'The position in the stream, "<tx>-<id>" (tx is 0 on SQLite); also the message\'s `id:`, so Last-Event-ID resumes after it.',
    }),
    orderId: Type.String(),
    orderVersion: Type.Integer({ description: 'The version of the order the event belongs to.' }),
    kind: Type.Enum(ORDER_EVENT_KINDS),
    domain: Type.Enum(WORKFLOW_INSTANCES),
    state: Status,
    lastState: Type.Union([Status, Type.Null()]),
    lastChange: Type.Union([Type.String(), Type.Null()]),
    currentChange: Type.String(),
    origin: Type.Object({
      account: Type.String(),
      key: Type.String({ description: 'An AppKey, customer:<email> for a shopper token, or system.' }),
    }),
    data: Type.Record(Type.String(), Type.Unknown(), {
      description: "The kind's own fields, as the order's timeline shows them; {} for a transition.",
    }),
  },
  { description: 'The JSON of one message of the events stream (its `data:` line).' },
)
export type StreamedEvent = Static<typeof StreamedEventSchema>
