// Use case of /metrics: the app's counters and histograms, with gauges read from the database at scrape time.
import { Gauge, Registry } from 'prom-client'
import type { Deps } from '../../deps.ts'
import type { Principal } from '../../platform/principal.ts'
import { feedQueues } from '../feed/feed.service.ts'
import { countJobs, WATCHED_JOB_STATUSES } from './metrics.repository.ts'

export interface Scrape {
  contentType: string
  body: string
}

/**
 * The Prometheus text exposition. Counters and histograms are the server's; the feed gauges are the caller's
 * account's feeds only, so each scrape builds its gauges in a registry of its own: two accounts scraping at
 * once never see each other's values.
 */
export async function scrapeMetrics(deps: Deps, principal: Principal): Promise<Scrape> {
  const [queues, jobs] = await Promise.all([feedQueues(deps, principal.account), countJobs(deps.db)])
  const gauges = new Registry()
  const registers = [gauges]
  const feedItems = new Gauge({
    name: 'ordo_feed_items',
    help: "Items in the queue of each of this account's feeds (retrieved and not yet committed included).",
    labelNames: ['account', 'app_key'] as const,
    registers,
  })
  const oldestAge = new Gauge({
    name: 'ordo_feed_oldest_item_age_seconds',
    help: "Age of the oldest item in the queue of each of this account's feeds, in seconds; 0 when empty.",
    labelNames: ['account', 'app_key'] as const,
    registers,
  })
  for (const queue of queues) {
    const labels = { account: principal.account, app_key: queue.appKey }
    feedItems.set(labels, queue.quantity)
    oldestAge.set(labels, queue.oldestAgeSeconds)
  }
  const jobGauge = new Gauge({
    name: 'ordo_jobs',
    help: 'Jobs of the server by kind: pending (waiting to run, due or not) and dead (given up on, kept).',
    labelNames: ['status', 'kind'] as const,
    registers,
  })
  // A kind with jobs in one status shows 0 in the other, so its series do not vanish and come back.
  for (const kind of new Set(jobs.map((row) => row.kind))) {
    for (const status of WATCHED_JOB_STATUSES) jobGauge.set({ status, kind }, 0)
  }
  for (const { kind, status, count } of jobs) jobGauge.set({ status, kind }, count)
  const all = Registry.merge([deps.metrics.registry, gauges])
  return { contentType: all.contentType, body: await all.metrics() }
}
