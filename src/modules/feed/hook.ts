// Hook rules: which URLs a hook may post to, what it posts, and when a failed delivery is tried again. Pure.
import { validationFailed } from '../../platform/errors.ts'
import type { OrderEvent } from '../orders/order-event.ts'

/** VTEX's: an answer other than 200 within 5 s is a failure. */
export const DELIVERY_TIMEOUT_MS = 5000

/** VTEX's: a delivery is tried for up to 4 days or 100 attempts, then kept as failed. */
export const MAX_ATTEMPTS = 100
export const GIVE_UP_AFTER_MS = 4 * 24 * 3600_000

/** The first retry comes 10 s after a failure; each wait doubles, up to an hour. */
const FIRST_RETRY_MS = 10_000
const LONGEST_WAIT_MS = 3600_000

/** When to try again after the `attempts`-th failure, or null once the delivery should be given up. */
export function nextAttemptAt(attempts: number, createdAt: string, now: string): string | null {
  const wait = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), LONGEST_WAIT_MS)
  const at = Date.parse(now) + wait
  if (attempts >= MAX_ATTEMPTS || at - Date.parse(createdAt) > GIVE_UP_AFTER_MS) return null
  return new Date(at).toISOString()
}

/** The notification VTEX posts, PascalCase; `Origin` is the hook's own account and key. */
export const notificationOf = (event: OrderEvent, hook: { account: string; appKey: string }) => ({
  Domain: event.domain,
  OrderId: event.orderId,
  State: event.state,
  LastState: event.lastState ?? '',
  LastChange: event.lastChange ?? '',
  CurrentChange: event.currentChange,
  Origin: { Account: hook.account, Key: hook.appKey },
})

/** VTEX's ping on saving a hook: the receiver must answer it with 200. */
export const PING = { hookConfig: 'ping' }

/** https only, unless the account allows plain http (an ERP on its own network). */
export function checkHookUrl(text: string, allowInsecure: boolean): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw validationFailed(
      `Invalid request body: hook.url must be an absolute URL, not ${JSON.stringify(text)}.`,
    )
  }
  const insecureOk = allowInsecure && url.protocol === 'http:'
  if (url.protocol !== 'https:' && !insecureOk) {
    throw validationFailed(
      allowInsecure
        ? 'Only https and http are accepted for hook.url.'
        : 'Only https scheme is accepted for hook.url (the account setting allowInsecureHooks allows plain http).',
    )
  }
  if (url.username || url.password) {
    throw validationFailed('hook.url must not carry credentials; send them in hook.headers.')
  }
  return url
}

/**
 * Addresses a hook must never reach: link-local (169.254.0.0/16, fe80::/10, where clouds serve instance
 * metadata and credentials), the unspecified address, and the metadata endpoints some clouds serve elsewhere.
 */
export function isForbiddenAddress(address: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return address.startsWith('169.254.') || address === '0.0.0.0' || address === '100.100.100.200'
  }
  if (address.includes(':')) {
    const lower = address.toLowerCase()
    if (lower.startsWith('::ffff:')) return isForbiddenAddress(mappedIpv4(lower.slice(7)))
    return /^fe[89ab]/.test(lower) || lower === '::' || lower === 'fd00:ec2::254'
  }
  return false
}

/** The IPv4 address an IPv4-mapped IPv6 address carries: URLs write `::ffff:169.254.169.254` as `::ffff:a9fe:a9fe`. */
function mappedIpv4(tail: string): string {
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail)
  if (!hex) return tail
  const [high, low] = [parseInt(hex[1] ?? '0', 16), parseInt(hex[2] ?? '0', 16)]
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}
