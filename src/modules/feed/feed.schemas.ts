// Wire formats of Feed v3: the configuration in both of VTEX's spellings of the retention, and feed items; and
// Feed v2's items and confirm body.
import { Type, type Static } from 'typebox'
import { MAX_LOT, MAX_RETENTION_S, MAX_VISIBILITY_TIMEOUT_S, MIN_RETENTION_S } from './feed.ts'

const Retention = Type.Integer({ minimum: MIN_RETENTION_S, maximum: MAX_RETENTION_S })

export const FeedConfigBodySchema = Type.Object({
  filter: Type.Optional(
    Type.Object({
      type: Type.Optional(Type.String({ maxLength: 20, description: 'FromWorkflow or FromOrders.' })),
      status: Type.Optional(
        Type.Union(
          [Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 }), Type.Null()],
          {
            description:
              'Statuses the feed takes; left out, every status. Names Ordo does not know are kept as given.',
          },
        ),
      ),
      expression: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
      disableSingleFire: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    }),
  ),
  queue: Type.Optional(
    Type.Object({
      visibilityTimeoutInSeconds: Type.Optional(
        Type.Integer({ minimum: 0, maximum: MAX_VISIBILITY_TIMEOUT_S }),
      ),
      MessageRetentionPeriodInSeconds: Type.Optional(Retention),
      messageRetentionPeriodInSeconds: Type.Optional(Retention),
    }),
  ),
})
export type FeedConfigBody = Static<typeof FeedConfigBodySchema>

/** A filter as GET shows it, for feeds and hooks alike: what was configured. */
export const FilterDocumentSchema = Type.Object({
  type: Type.String(),
  status: Type.Optional(Type.Array(Type.String())),
  expression: Type.Optional(Type.String()),
  disableSingleFire: Type.Optional(Type.Boolean()),
})

/** How many orders a JSONata filter could not be evaluated on, for feeds and hooks alike. */
export const ExpressionErrorsSchema = Type.Object(
  {
    count: Type.Integer(),
    orders: Type.Array(Type.Object({ orderId: Type.String(), error: Type.String() }), {
      description: 'A few of them, with what JSONata said.',
    }),
  },
  {
    description:
      'Ordo: orders whose latest version the expression threw on or ran too long for. Those versions were skipped; a later version that evaluates clears the order from this list.',
  },
)

export const FeedConfigSchema = Type.Object({
  filter: FilterDocumentSchema,
  queue: Type.Object({
    visibilityTimeoutInSeconds: Type.Integer(),
    MessageRetentionPeriodInSeconds: Type.Integer(),
    messageRetentionPeriodInSeconds: Type.Integer(),
  }),
  quantity: Type.Integer(),
  approximateAgeOfOldestMessageInSeconds: Type.Number(),
  expressionErrors: ExpressionErrorsSchema,
})
export type FeedConfigDocument = Static<typeof FeedConfigSchema>

export const FeedItemSchema = Type.Object({
  eventId: Type.String(),
  handle: Type.String(),
  domain: Type.String(),
  state: Type.String(),
  lastState: Type.String(),
  orderId: Type.String(),
  lastChange: Type.String(),
  currentChange: Type.String(),
  availableDate: Type.String(),
})
export type FeedItemDocument = Static<typeof FeedItemSchema>

/** Feed v2's item: the legacy `{orderId, status, commitToken}` and the readme's `{eventId, handle, domain, state}`. */
export const FeedV2ItemSchema = Type.Object({
  orderId: Type.String(),
  status: Type.String(),
  dateTime: Type.String(),
  commitToken: Type.String(),
  eventId: Type.String(),
  handle: Type.String(),
  domain: Type.String(),
  state: Type.String(),
})
export type FeedV2ItemDocument = Static<typeof FeedV2ItemSchema>

const Lot = Type.Integer({ minimum: 1, maximum: MAX_LOT })
export const FeedQuerySchema = Type.Object({
  maxlot: Type.Optional(Lot),
  maxLot: Type.Optional(Lot),
})

const Handle = Type.String({ maxLength: 200 })
const HANDLES_PER_COMMIT = { maxItems: 100 }

export const CommitBodySchema = Type.Object({
  handles: Type.Array(Handle, HANDLES_PER_COMMIT),
})

/** Feed v2's commit: a bare array, one commitToken (the handle) per item. */
export const ConfirmBodySchema = Type.Array(Type.Object({ commitToken: Handle }), HANDLES_PER_COMMIT)

/** The reference sends the document as a JSON string; a client that sends the object itself works too. */
export const ExpressionTestBodySchema = Type.Object({
  Expression: Type.String({ minLength: 1, maxLength: 10_000 }),
  Document: Type.Union([Type.String(), Type.Record(Type.String(), Type.Unknown())]),
})
export type ExpressionTestBody = Static<typeof ExpressionTestBodySchema>
