// The timer loop: applies every due timer once, whichever process gets there, also after a crash or restart.
import type { Deps } from '../deps.ts'
import { changeOrder } from '../modules/orders/order.service.ts'
import { endGracePeriod } from '../modules/orders/order.ts'
import { listDueTimers, markFired } from './timer.repository.ts'

const BATCH = 100

/** Runs every timer due by the clock's now. Returns how many it applied. */
export async function runDueTimers(deps: Deps): Promise<number> {
  let applied = 0
  for (;;) {
    const due = await listDueTimers(deps.db, deps.clock.now().toISOString(), BATCH)
    for (const timer of due) {
      // The order change and the timer mark are separate transactions: a crash between them re-runs the
      // timer, and ending a grace period that already ended changes nothing.
      await changeOrder(
        deps,
        { account: timer.account, appKey: null, shopperEmail: null },
        timer.orderId,
        (order, ctx) => endGracePeriod(order, ctx),
      ).catch((error: unknown) => {
        if ((error as { code?: string }).code !== 'ORDER_NOT_FOUND') throw error
      })
      if (await markFired(deps.db, timer.id, deps.clock.now().toISOString())) applied += 1
    }
    if (due.length < BATCH) return applied
  }
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
    running = runDueTimers(deps)
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
