// Per-account settings: their defaults and limits. Pure.
import type { AccountSettings } from './account.schemas.ts'

export type { AccountSettings }

export const DEFAULT_SETTINGS: AccountSettings = {
  cancellationGracePeriodMinutes: 30,
}

/** 30 days: longer windows would hold orders back from handling for longer than any store sells. */
export const MAX_GRACE_PERIOD_MINUTES = 43_200

export function readSettings(json: string): AccountSettings {
  const stored = JSON.parse(json) as Partial<AccountSettings>
  return { ...DEFAULT_SETTINGS, ...stored }
}
