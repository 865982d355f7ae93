// Wire formats of the order hook: its configuration (VTEX's, plus Ordo's optional signing secret), the
// notification it posts, and Ordo's delivery log.
import { Type, type Static } from 'typebox'
import { OutboundHeadersSchema, StrictQuery } from '../../platform/http-schemas.ts'
import { ExpressionErrorsSchema, FeedConfigBodySchema, FilterDocumentSchema } from './feed.schemas.ts'
import { DELIVERY_STATUSES } from './hook.table.ts'

export const HookConfigBodySchema = Type.Object({
  filter: FeedConfigBodySchema.properties.filter,
  hook: Type.Object({
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    headers: Type.Optional(
      OutboundHeadersSchema('Headers sent with every notification (credentials, usually).'),
    ),
  }),
  secret: Type.Optional(
    Type.String({
      pattern: '^whsec_[A-Za-z0-9+/]{32,200}={0,2}$',
      description:
        'Ordo: a Standard Webhooks secret (whsec_ and base64 of 24 bytes or more). Notifications are then signed (webhook-id, webhook-timestamp, webhook-signature).',
    }),
  ),
})
export type HookConfigBody = Static<typeof HookConfigBodySchema>

export const HookConfigSchema = Type.Object({
  filter: FilterDocumentSchema,
  hook: Type.Object({ url: Type.String(), headers: Type.Record(Type.String(), Type.String()) }),
  signed: Type.Boolean({
    description: 'Ordo: whether notifications are signed (the secret is never shown).',
  }),
  expressionErrors: ExpressionErrorsSchema,
})
export type HookConfigDocument = Static<typeof HookConfigSchema>

/** What VTEX posts to the hook (the reference's HookConfiguration schema). */
export const NotificationSchema = Type.Object({
  Domain: Type.String(),
  OrderId: Type.String(),
  State: Type.String(),
  LastState: Type.String(),
  LastChange: Type.String(),
  CurrentChange: Type.String(),
  Origin: Type.Object({ Account: Type.String(), Key: Type.String() }),
})

export const HookDeliverySchema = Type.Object({
  id: Type.Integer(),
  orderId: Type.String(),
  status: Type.Enum(DELIVERY_STATUSES),
  attempts: Type.Array(
    Type.Object({
      at: Type.String(),
      status: Type.Union([Type.Integer(), Type.Null()], {
        description: "The receiver's HTTP status; null: none.",
      }),
      latencyMs: Type.Integer(),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  body: NotificationSchema,
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
})
export type HookDeliveryDocument = Static<typeof HookDeliverySchema>

/** Ordo: another key's hook of the caller's account (the admin's integrations page); left out, the caller's own. */
const OtherAppKey = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 200,
    description: "Another application key of the caller's account, whose hook this acts on.",
  }),
)

export const DeliveryQuerySchema = StrictQuery({
  status: Type.Optional(Type.Enum(DELIVERY_STATUSES)),
  orderId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  appKey: OtherAppKey,
})

export const RedeliverQuerySchema = StrictQuery({ appKey: OtherAppKey })

export const DeliveryParams = Type.Object({ deliveryId: Type.Integer({ minimum: 1 }) })
