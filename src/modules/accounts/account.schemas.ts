// Wire format of Ordo's per-account settings; the AccountSettings type is derived from it. The schema is
// closed: what it does not name is refused, never stored (account-settings.ts).
import { Type, type Static, type TSchema } from 'typebox'
import {
  MAX_CHANGE_SELLER_WINDOW_DAYS,
  MAX_GRACE_PERIOD_MINUTES,
  MAX_REQUESTS_PER_MINUTE,
} from './account-settings.ts'

const perMinute = (what: string, byDefault: number) =>
  Type.Integer({
    minimum: 0,
    maximum: MAX_REQUESTS_PER_MINUTE,
    description: `Requests per minute the account may make to ${what}; 0 = no limit. Default ${byDefault || 'no limit'}.`,
  })

export const RateLimitsSchema = Type.Object(
  {
    getOrderPerMinute: perMinute('Get order', 6000),
    getOrderGroupPerMinute: perMinute('Get orders by order group', 6000),
    placeOrderPerMinute: perMinute('order intake', 0),
    changeOrderPerMinute: perMinute(
      'the calls that change an order (start handling, cancel, cancellation requests, payment notifications, interactions)',
      0,
    ),
    orderDetailsPerMinute: perMinute('payment transaction, conversation and timeline', 0),
  },
  { additionalProperties: false },
)

export const SettingsSchema = Type.Object(
  {
    cancellationGracePeriodMinutes: Type.Integer({
      minimum: 0,
      maximum: MAX_GRACE_PERIOD_MINUTES,
      description:
        'Minutes after payment approval in which the customer cancels without approval; 0 = none. Default 30.',
    }),
    rateLimits: RateLimitsSchema,
    allowInsecureHooks: Type.Boolean({
      description:
        'Whether hook URLs may use plain http (an ERP on a local network). Default false: https only.',
    }),
    windowToChangeSellerDays: Type.Integer({
      minimum: 0,
      maximum: MAX_CHANGE_SELLER_WINDOW_DAYS,
      description:
        "Days a marketplace order whose seller canceled it waits in window-to-change-seller for another seller before it is canceled; 0 = canceled at once. Default 2, as VTEX's window to change seller.",
    }),
  },
  { additionalProperties: false },
)

/** Every field optional, and `null` resets it to its default. */
const patchOf = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]))

/**
 * Unknown fields are let through to the service, which names them all in one 400: the body validator would
 * otherwise drop them silently (removeAdditional) or name only the first.
 */
export const SettingsPatchSchema = Type.Object({
  cancellationGracePeriodMinutes: patchOf(SettingsSchema.properties.cancellationGracePeriodMinutes),
  rateLimits: patchOf(
    Type.Object({
      getOrderPerMinute: patchOf(RateLimitsSchema.properties.getOrderPerMinute),
      getOrderGroupPerMinute: patchOf(RateLimitsSchema.properties.getOrderGroupPerMinute),
      placeOrderPerMinute: patchOf(RateLimitsSchema.properties.placeOrderPerMinute),
      changeOrderPerMinute: patchOf(RateLimitsSchema.properties.changeOrderPerMinute),
      orderDetailsPerMinute: patchOf(RateLimitsSchema.properties.orderDetailsPerMinute),
    }),
  ),
  allowInsecureHooks: patchOf(SettingsSchema.properties.allowInsecureHooks),
  windowToChangeSellerDays: patchOf(SettingsSchema.properties.windowToChangeSellerDays),
})

export type AccountSettings = Static<typeof SettingsSchema>
export type RateLimits = Static<typeof RateLimitsSchema>
export type SettingsPatch = Static<typeof SettingsPatchSchema>
