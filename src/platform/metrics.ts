// Operators' metrics: one prom-client registry per app (tests build many apps in one process, so never the
// global one), holding the counters and histograms that use cases and the worker increment.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { DocumentCache } from './document-cache.ts'

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
  /** Get order's read of the document, from memory or the database, in seconds. */
  getOrderReadSeconds: Histogram
}

export function createMetrics(documents: DocumentCache): Metrics {
  const registry = new Registry()
  const registers = [registry]
  // The cache counts in plain numbers, read here when scraped: a Get order pays nothing for its metrics.
  new Counter({
    name: 'ordo_get_order_cache_lookups_total',
    help: 'Get order lookups of the document cache: hit (answered from memory) or miss (read from the database).',
    labelNames: ['result'] as const,
    registers,
    collect() {
      const { hits, misses } = documents.stats()
      this.reset()
      this.inc({ result: 'hit' }, hits)
      this.inc({ result: 'miss' }, misses)
    },
  })
  new Gauge({
    name: 'ordo_get_order_cache_documents',
    help: 'Documents Get order keeps in memory now.',
    registers,
    collect() {
      this.set(documents.stats().documents)
    },
  })
  new Gauge({
    name: 'ordo_get_order_cache_bytes',
    help: 'Bytes of the documents Get order keeps in memory now.',
    registers,
    collect() {
      this.set(documents.stats().bytes)
    },
  })
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
    getOrderReadSeconds: new Histogram({
      name: 'ordo_get_order_read_seconds',
      help: "Get order's read of the document, from memory or from the database, in seconds.",
      buckets: [
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1,
      ],
      registers,
    }),
  }
}
