// The events stream's use cases: where a client's stream starts, and the loop that follows the account's part
// of the order event stream for it. The loop reads in batches after the client's position, in the stream's own
// order, and looks again when this process commits order events (deps.eventsCommitted) or, for what other
// processes write, every POLL_MS.
import type { Deps } from '../../deps.ts'
import { validationFailed } from '../../platform/errors.ts'
import type { Principal } from '../../platform/principal.ts'
import type { OrderStatus } from '../orders/order-status.ts'
import { accountStreamEnd, readScopedEventStream, type StreamScope } from '../orders/order.service.ts'
import {
  KEEP_ALIVE,
  messageOf,
  positionBlock,
  positionOf,
  RECONNECT_MS,
  samePosition,
  statusesOf,
  wanted,
  type Position,
} from './event-stream.ts'
import type { EventStreamQuery } from './event-stream.schemas.ts'

export interface StreamTiming {
  /** How often the loop looks when nothing wakes it: the delay for events other processes write. */
  pollMs: number
  /** How long the stream may stay quiet before a keep-alive comment (and the check of the credentials). */
  keepAliveMs: number
  /** Events read at once: a long backlog is sent a batch at a time, never loaded whole. */
  batch: number
}

export const STREAM_TIMING: StreamTiming = { pollMs: 250, keepAliveMs: 15_000, batch: 500 }

/** A client's stream: what it follows and where it starts. */
export interface Subscription {
  scope: StreamScope
  /** Only events whose `state` is one of these are sent; undefined, every event. */
  statuses: ReadonlySet<OrderStatus> | undefined
  /** The position the client has seen everything up to. */
  after: Position
}

/**
 * Checks the query and finds where the stream starts: after the event id the client names (the Last-Event-ID
 * header, else `lastEventId`), or at the account's end of the stream when it names none, so that it sees new
 * events only.
 */
export async function openEventStream(
  deps: Pick<Deps, 'db' | 'dialect'>,
  principal: Principal,
  query: EventStreamQuery,
  lastEventIdHeader: string | undefined,
): Promise<Subscription> {
  const statuses = query.status ? statusesOf(query.status, validationFailed) : undefined
  const scope = { account: principal.account, orderId: query.orderId }
  // EventSource sends the header on reconnects to the URL it was given: the header is the later position.
  const given = lastEventIdHeader?.trim()
    ? { name: 'Last-Event-ID', value: lastEventIdHeader }
    : query.lastEventId?.trim()
      ? { name: 'lastEventId', value: query.lastEventId }
      : undefined
  if (!given) return { scope, statuses, after: await accountStreamEnd(deps, principal.account) }
  const after = positionOf(given.value)
  if (!after) {
    throw validationFailed(
      `${given.name} must be an event id of this stream, "<tx>-<id>" as in 0-42; it was "${shown(given.value)}".`,
    )
  }
  return { scope, statuses, after }
}

/** A value the client sent, as an error message quotes it: a header may be long. */
const shown = (value: string): string => (value.length > 40 ? `${value.slice(0, 40)}…` : value)

/** Where the loop sends what it reads, and how it learns that it should stop. */
export interface StreamOutput {
  /** Writes text to the client; resolves when it may take more. */
  write(text: string): Promise<void>
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal
  /** Throws when the caller may no longer read the stream (its key was revoked); run with each keep-alive. */
  checkAccess(): Promise<void>
}

/**
 * Sends the client every event of its subscription after its position, in stream order, each once, until
 * `output.signal` aborts (or `checkAccess` or a read throws). First the reconnection delay and the start
 * position, so that a client that reconnects before its first message resumes where it started.
 */
export async function followEvents(
  deps: Pick<Deps, 'db' | 'dialect' | 'eventsCommitted' | 'metrics'>,
  subscription: Subscription,
  output: StreamOutput,
  timing: StreamTiming = STREAM_TIMING,
): Promise<void> {
  const { signal } = output
  const bell = new Doorbell()
  const unsubscribe = deps.eventsCommitted.subscribe(() => bell.ring())
  deps.metrics.eventStreamsOpen.inc()
  try {
    let after = subscription.after
    // The position the client would resume from: that of its last message or id block.
    let told = after
    await output.write(positionBlock(after, RECONNECT_MS))
    let quietSince = performance.now()
    // Checked on a clock of its own: a busy stream never goes quiet, and a revoked key must still lose it.
    let checkedAt = performance.now()
    while (!signal.aborted) {
      // A commit from here on may have come after the read below: it asks for another look.
      bell.clear()
      const batch = await readScopedEventStream(deps, subscription.scope, after, timing.batch)
      for (const event of batch.events) {
        if (signal.aborted) return
        if (!wanted(event, subscription.statuses)) continue
        await output.write(messageOf(event, event.position))
        told = event.position
        quietSince = performance.now()
      }
      after = batch.next
      if (performance.now() - checkedAt >= timing.keepAliveMs) {
        await output.checkAccess()
        checkedAt = performance.now()
      }
      // Also between the batches of a long backlog that the filter skips.
      if (performance.now() - quietSince >= timing.keepAliveMs) {
        // Events the filter skipped moved the position: a client that reconnects need not read them again.
        await output.write(samePosition(told, after) ? KEEP_ALIVE : KEEP_ALIVE + positionBlock(after))
        told = after
        quietSince = performance.now()
      }
      if (batch.events.length < timing.batch) await bell.wait(timing.pollMs, signal)
    }
  } finally {
    unsubscribe()
    deps.metrics.eventStreamsOpen.dec()
  }
}

/** A wait that a ring ends early; a ring while nobody waits makes the next wait end at once. */
class Doorbell {
  #rung = false
  #answer: (() => void) | undefined

  ring(): void {
    this.#rung = true
    this.#answer?.()
  }

  clear(): void {
    this.#rung = false
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#rung || signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        this.#answer = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done)
      this.#answer = done
    })
  }
}
