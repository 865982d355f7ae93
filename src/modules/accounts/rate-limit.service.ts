// Counting requests per key (an account and a group of routes) in fixed windows of time.
import type { Deps } from '../../deps.ts'
import * as counts from './rate-limit.repository.ts'

export interface Count {
  /** This request's number in its window, from 1. */
  current: number
  /** Milliseconds until the window ends and counting starts again. */
  ttl: number
}

export interface RequestCounter {
  count(key: string, windowMs: number, done: (error: Error | null, count?: Count) => void): void
  /** Counts the request and says true when that can be done at once and keeps it within `max`; else counts nothing. */
  countWithin(key: string, windowMs: number, max: number): boolean
}

/**
 * SQLite serves from one process, so its counts live in memory: no database round trip on Get order. On
 * PostgreSQL several processes share the database, so they share the counts through it.
 */
export const requestCounter = (deps: Deps): RequestCounter =>
  deps.dialect === 'postgres' ? new DatabaseCounter(deps) : new MemoryCounter(deps)

const windowOf = (now: number, windowMs: number) => Math.floor(now / windowMs)
const ttlOf = (now: number, window: number, windowMs: number) => (window + 1) * windowMs - now

class MemoryCounter implements RequestCounter {
  private window = 0
  private readonly counts = new Map<string, number>()

  constructor(private readonly deps: Pick<Deps, 'clock'>) {}

  count(key: string, windowMs: number, done: (error: Error | null, count?: Count) => void): void {
    const now = this.#windowAt(windowMs)
    const current = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, current)
    done(null, { current, ttl: ttlOf(now, this.window, windowMs) })
  }

  countWithin(key: string, windowMs: number, max: number): boolean {
    this.#windowAt(windowMs)
    const current = (this.counts.get(key) ?? 0) + 1
    if (current > max) return false
    this.counts.set(key, current)
    return true
  }

  /** Starts counting again when a new window has begun; the time now. */
  #windowAt(windowMs: number): number {
    const now = this.deps.clock.now().getTime()
    const window = windowOf(now, windowMs)
    if (window !== this.window) {
      this.window = window
      this.counts.clear()
    }
    return now
  }
}

interface Waiting {
  window: number
  now: number
  done: Array<(error: Error | null, count?: Count) => void>
}

/**
 * One atomic upsert adds a batch of requests and returns the window's total, so every request gets its own
 * number across all processes. Requests that arrive while a key's upsert is in flight wait for the next one
 * together: a busy key costs one round trip at a time per process, not one per request.
 */
class DatabaseCounter implements RequestCounter {
  private readonly waiting = new Map<string, Waiting>()
  private readonly inFlight = new Set<string>()
  private cleanedBefore = 0

  constructor(private readonly deps: Deps) {}

  /** The count is in the database: never at once. */
  countWithin(): boolean {
    return false
  }

  count(key: string, windowMs: number, done: (error: Error | null, count?: Count) => void): void {
    const now = this.deps.clock.now().getTime()
    const window = windowOf(now, windowMs)
    const id = `${key}\u0001${window}`
    const batch = this.waiting.get(id)
    if (batch) batch.done.push(done)
    else this.waiting.set(id, { window, now, done: [done] })
    if (!this.inFlight.has(id)) void this.send(key, id, windowMs)
  }

  private async send(key: string, id: string, windowMs: number): Promise<void> {
    const batch = this.waiting.get(id)
    if (!batch) return
    this.waiting.delete(id)
    this.inFlight.add(id)
    try {
      // Counts of windows that ended are no use to anyone; the first request of a window removes them.
      if (batch.window > this.cleanedBefore) {
        this.cleanedBefore = batch.window
        await counts.deleteWindowsBefore(this.deps.db, batch.window - 1)
      }
      const total = await counts.addRequests(this.deps.db, key, batch.window, batch.done.length)
      const first = total - batch.done.length + 1
      const ttl = ttlOf(batch.now, batch.window, windowMs)
      batch.done.forEach((done, index) => done(null, { current: first + index, ttl }))
    } catch (error) {
      for (const done of batch.done) done(error as Error)
    } finally {
      this.inFlight.delete(id)
      void this.send(key, id, windowMs)
    }
  }
}
