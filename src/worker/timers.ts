// The timer loop: applies every due timer once, whichever process gets there, also after a crash or restart.
import type { Deps } from '../deps.ts'
import { changeOrder } from '../modules/orders/order.service.ts'
import { endGracePeriod } from '../modules/orders/order.ts'
import { AppError } from '../platform/errors.ts'
import { listDueTimers, markFired, type Timer } from './timer.repository.ts'

const BATCH = 100

const rethrow = (error: unknown): never => {
  throw error
}

/**
 * Runs every timer due by the clock's now and returns how many it applied. A timer that fails is reported
 * and left due, so one broken order neither stops the others nor the server's start. Without a handler
 * (tests) the first failure is thrown.
 */
export async function runDueTimers(deps: Deps, onError: (error: unknown) => void = rethrow): Promise<number> {
  let applied = 0
  const failed = new Set<string>()
  for (;;) {
    const due = (await listDueTimers(deps.db, deps.clock.now().toISOString(), BATCH + failed.size)).filter(
      (timer) => !failed.has(timer.id),
    )
    for (const timer of due) {
      try {
        applied += (await applyTimer(deps, timer)) ? 1 : 0
      } catch (error) {
        failed.add(timer.id)
        onError(error)
      }
    }
    if (due.length < BATCH) return applied
  }
}

/**
 * The order change and the timer mark are separate transactions: a crash between them re-runs the timer,
 * and ending a grace period that already ended changes nothing.
 */
async function applyTimer(deps: Deps, timer: Timer): Promise<boolean> {
  const system = { account: timer.account, appKey: null, shopperEmail: null }
  try {
    await changeOrder(deps, system, timer.orderId, (order, ctx) => endGracePeriod(order, ctx))
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'ORDER_NOT_FOUND')) throw error
  }
  return markFired(deps.db, timer.id, deps.clock.now().toISOString())
}

/** Polls for due timers until stopped. Errors are logged and the loop goes on. */
export function startTimerLoop(
  deps: Deps,
  intervalMs: number,
  onError: (error: unknown) => void,
): { stop: () => Promise<void> } {
  let running: Promise<unknown> | undefined
  const tick = () => {
    if (running) return // a slow sweep is still going; the next tick picks up what is left
    running = runDueTimers(deps, onError)
      .catch(onError)
      .finally(() => (running = undefined))
  }
  const handle = setInterval(tick, intervalMs)
  handle.unref()
  return {
    stop: async () => {
      clearInterval(handle)
      await running
    },
  }
}
