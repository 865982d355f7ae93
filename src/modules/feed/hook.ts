// Hook rules: what a hook posts, and when a failed delivery is tried again. Pure.
import type { OrderEvent } from '../orders/order-event.ts'

/** VTEX's: an answer other than 200 within 5 s is a failure. */
export const DELIVERY_TIMEOUT_MS = 5000

/**
 * Deliveries a sender has in flight to one hook unless told otherwise (ORDO_HOOK_CONCURRENCY_PER_HOOK). While
 * the API is busy writing, a sender's turn comes every few tens of milliseconds, and each turn refills only the
 * places that came free: 16 held a hook to about 500 deliveries a second, below what one SQLite server writes.
 */
export const DEFAULT_DELIVERIES_IN_FLIGHT = 32

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

/** A hook URL without its query and fragment, where tokens go: what a key that may only view hooks is shown. */
export function addressWithoutQuery(url: string): string {
  const cut = url.search(/[?#]/)
  return cut === -1 ? url : `${url.slice(0, cut)}?…`
}
