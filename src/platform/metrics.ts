// Operators' metrics: one prom-client registry per app (tests build many apps in one process, so never the
// global one), holding the counters and histograms that use cases and the worker increment.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** How one hook delivery attempt ended: accepted, to be tried again, or given up on. */
export const HOOK_OUTCOMES = ['delivered', 'retry', 'failed'] as const
export type HookOutcome = (typeof HOOK_OUTCOMES)[number]

export interface Metrics {
  registry: Registry
  /** Events of the order stream the fan-out has read, whether or not they reached a feed. */
  feedEventsFannedOut: Counter
  hookDeliveries: Counter<'outcome'>
  /** From sending a hook delivery to its answer (or its failure), in seconds. */
  hookDeliverySeconds: Histogram
  /** Clients following the events stream (GET /api/ordo/pvt/events/stream) right now. */
  eventStreamsOpen: Gauge
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  const hookDeliveries = new Counter({
    name: 'ordo_hook_deliveries_total',
    help: 'Hook delivery attempts by outcome: delivered, retry (will be tried again) or failed (given up).',
    labelNames: ['outcome'] as const,
    registers,
  })
  // Every outcome is a series from the start, so a rate over it never begins with a missing one.
  for (const outcome of HOOK_OUTCOMES) hookDeliveries.inc({ outcome }, 0)
  return {
    registry,
    feedEventsFannedOut: new Counter({
      name: 'ordo_feed_events_fanned_out_total',
      help: 'Order events the feed fan-out has read from the event stream.',
      registers,
    }),
    hookDeliveries,
    hookDeliverySeconds: new Histogram({
      name: 'ordo_hook_delivery_seconds',
      help: 'Time from sending a hook delivery to its answer or failure, in seconds.',
      // The delivery timeout is 5 s, so the buckets stop there.
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    eventStreamsOpen: new Gauge({
      name: 'ordo_event_streams_open',
      help: 'Clients following the order events stream (Server-Sent Events) on this server now.',
      registers,
    }),
  }
}
