// Open-loop load for the bench: work started on a schedule, whatever the answers before it take, as independent
// clients arrive. A closed loop would slow down with the server it loads and so hide what the rate costs it.
import { setTimeout as sleep } from 'node:timers/promises'

export interface Paced<T> {
  /** What each start resolved to, in the order they answered. */
  results: T[]
  /** Starts passed over because `maxInFlight` were still unanswered. */
  skipped: number
  /** From the first start to the last answer. */
  seconds: number
}

/**
 * Calls `start` `perSecond` times a second for `seconds`, at most `maxInFlight` unanswered at once. A failure stops
 * the starts and is thrown once those in flight have settled, so that no rejection goes unhandled meanwhile.
 */
export async function paced<T>(
  perSecond: number,
  seconds: number,
  maxInFlight: number,
  start: () => Promise<T>,
): Promise<Paced<T>> {
  const results: T[] = []
  const inFlight = new Set<Promise<void>>()
  let launched = 0
  let skipped = 0
  let failure: Error | undefined
  const started = performance.now()
  for (;;) {
    const elapsed = performance.now() - started
    if (elapsed >= seconds * 1000 || failure) break
    // A late wake-up (a busy event loop) starts everything that fell due meanwhile: the rate holds on average.
    for (const due = Math.floor((elapsed / 1000) * perSecond) + 1; launched < due; launched++) {
      if (inFlight.size >= maxInFlight) {
        skipped++
        continue
      }
      const running: Promise<void> = start()
        .then(
          (result) => void results.push(result),
          (error: unknown) => void (failure ??= error instanceof Error ? error : new Error(String(error))),
        )
        .finally(() => inFlight.delete(running))
      inFlight.add(running)
    }
    await sleep(Math.max(1, ((launched / perSecond) * 1000 - elapsed) | 0))
  }
  await Promise.all(inFlight)
  if (failure) throw failure
  return { results, skipped, seconds: (performance.now() - started) / 1000 }
}
