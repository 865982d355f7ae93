// Wire format of Ordo's per-account settings; the AccountSettings type is derived from it.
import { Type, type Static } from 'typebox'
import { MAX_GRACE_PERIOD_MINUTES } from './account-settings.ts'

export const SettingsSchema = Type.Object({
  cancellationGracePeriodMinutes: Type.Integer({
    minimum: 0,
    maximum: MAX_GRACE_PERIOD_MINUTES,
    description:
      'Minutes after payment approval in which the customer cancels without approval; 0 = none. Default 30.',
  }),
})

export type AccountSettings = Static<typeof SettingsSchema>
