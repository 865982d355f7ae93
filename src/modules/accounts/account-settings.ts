// Per-account settings: their defaults, limits, and how a change applies. Pure.
import { validationFailed } from '../../platform/errors.ts'
import type { AccountSettings, RateLimits, SettingsPatch } from './account.schemas.ts'

export type { AccountSettings, RateLimits, SettingsPatch }

/** 30 days: longer windows would hold orders back from handling for longer than any store sells. */
export const MAX_GRACE_PERIOD_MINUTES = 43_200

/** VTEX lets a marketplace wait up to 30 days for another seller once its seller canceled an order. */
export const MAX_CHANGE_SELLER_WINDOW_DAYS = 30

/** A billion a minute: far above what any server answers, so any real limit fits. */
export const MAX_REQUESTS_PER_MINUTE = 1_000_000_000

/** The groups of routes a rate limit applies to, each named in settings as `${group}PerMinute`. */
export const RATE_LIMIT_GROUPS = [
  'getOrder',
  'getOrderGroup',
  'placeOrder',
  'changeOrder',
  'orderDetails',
] as const
export type RateLimitGroup = (typeof RATE_LIMIT_GROUPS)[number]

// Made once: a name concatenated per request costs Get order a string-table lookup on every read.
const LIMIT_FIELDS = Object.fromEntries(RATE_LIMIT_GROUPS.map((group) => [group, `${group}PerMinute`])) as {
  [Group in RateLimitGroup]: `${Group}PerMinute`
}
const limitField = (group: RateLimitGroup) => LIMIT_FIELDS[group]

export const DEFAULT_SETTINGS: AccountSettings = {
  cancellationGracePeriodMinutes: 30,
  // VTEX documents 6000 requests per minute per account on these two; it publishes no number for the others.
  rateLimits: {
    getOrderPerMinute: 6000,
    getOrderGroupPerMinute: 6000,
    placeOrderPerMinute: 0,
    changeOrderPerMinute: 0,
    orderDetailsPerMinute: 0,
  },
  allowInsecureHooks: false,
  // VTEX's default window to change seller.
  windowToChangeSellerDays: 2,
}

/** The requests per minute an account may make to a group of routes; 0 means no limit. */
export const rateLimitOf = (settings: AccountSettings, group: RateLimitGroup): number =>
  settings.rateLimits[limitField(group)]

const wholeNumberIn = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Settings as stored. Versions before 0.2 stored whatever they were sent, so only the known fields are read
 * and a value out of its range counts as unset.
 */
export function readSettings(json: string): AccountSettings {
  const stored: unknown = JSON.parse(json)
  const fields = isObject(stored) ? stored : {}
  const limits = isObject(fields.rateLimits) ? fields.rateLimits : {}
  const grace = fields.cancellationGracePeriodMinutes
  const window = fields.windowToChangeSellerDays
  const rateLimits = { ...DEFAULT_SETTINGS.rateLimits }
  for (const group of RATE_LIMIT_GROUPS) {
    const value = limits[limitField(group)]
    if (wholeNumberIn(value, MAX_REQUESTS_PER_MINUTE)) rateLimits[limitField(group)] = value
  }
  return {
    cancellationGracePeriodMinutes: wholeNumberIn(grace, MAX_GRACE_PERIOD_MINUTES)
      ? grace
      : DEFAULT_SETTINGS.cancellationGracePeriodMinutes,
    rateLimits,
    allowInsecureHooks: fields.allowInsecureHooks === true,
    windowToChangeSellerDays: wholeNumberIn(window, MAX_CHANGE_SELLER_WINDOW_DAYS)
      ? window
      : DEFAULT_SETTINGS.windowToChangeSellerDays,
  }
}

const KNOWN_FIELDS = new Set([
  'cancellationGracePeriodMinutes',
  'rateLimits',
  'allowInsecureHooks',
  'windowToChangeSellerDays',
])
const KNOWN_LIMITS = new Set<string>(RATE_LIMIT_GROUPS.map(limitField))

/** The fields of a change that settings do not have, as paths (`rateLimits.x`). */
function unknownFields(patch: SettingsPatch): string[] {
  const unknown = Object.keys(patch).filter((key) => !KNOWN_FIELDS.has(key))
  if (isObject(patch.rateLimits)) {
    unknown.push(
      ...Object.keys(patch.rateLimits)
        .filter((key) => !KNOWN_LIMITS.has(key))
        .map((key) => `rateLimits.${key}`),
    )
  }
  return unknown
}

/**
 * Applies a change: fields left out keep their value, `null` resets a field (or all rate limits) to its
 * default. A change naming any field settings do not have is refused whole. The result holds the known
 * fields only, whatever the change carried.
 */
export function applySettingsPatch(current: AccountSettings, patch: SettingsPatch): AccountSettings {
  const unknown = unknownFields(patch)
  if (unknown.length > 0) {
    throw validationFailed(`Unknown settings: ${unknown.map((name) => JSON.stringify(name)).join(', ')}.`)
  }
  // The HTTP schema checks these too; the CLI passes what its user typed.
  const pick = (
    name: string,
    value: number | null | undefined,
    now: number,
    byDefault: number,
    max: number,
  ) => {
    if (value === undefined) return now
    if (value === null) return byDefault
    if (!wholeNumberIn(value, max))
      throw validationFailed(`${name} must be a whole number between 0 and ${max}.`)
    return value
  }
  const limits = patch.rateLimits
  const rateLimits = { ...DEFAULT_SETTINGS.rateLimits }
  if (limits !== null) {
    for (const group of RATE_LIMIT_GROUPS) {
      const field = limitField(group)
      rateLimits[field] = pick(
        `rateLimits.${field}`,
        limits?.[field],
        current.rateLimits[field],
        DEFAULT_SETTINGS.rateLimits[field],
        MAX_REQUESTS_PER_MINUTE,
      )
    }
  }
  return {
    cancellationGracePeriodMinutes: pick(
      'cancellationGracePeriodMinutes',
      patch.cancellationGracePeriodMinutes,
      current.cancellationGracePeriodMinutes,
      DEFAULT_SETTINGS.cancellationGracePeriodMinutes,
      MAX_GRACE_PERIOD_MINUTES,
    ),
    rateLimits,
    allowInsecureHooks:
      patch.allowInsecureHooks === undefined
        ? current.allowInsecureHooks
        : (patch.allowInsecureHooks ?? DEFAULT_SETTINGS.allowInsecureHooks),
    windowToChangeSellerDays: pick(
      'windowToChangeSellerDays',
      patch.windowToChangeSellerDays,
      current.windowToChangeSellerDays,
      DEFAULT_SETTINGS.windowToChangeSellerDays,
      MAX_CHANGE_SELLER_WINDOW_DAYS,
    ),
  }
}
