// What every use case needs from the outside world, passed explicitly rather than imported. No feature here.
import type { DbHandle } from './db/database.ts'
import type { Clock } from './platform/clock.ts'
import type { CredentialCache } from './platform/credential-cache.ts'
import type { DocumentCache } from './platform/document-cache.ts'
import type { JobScheduler } from './platform/jobs.ts'
import type { Metrics } from './platform/metrics.ts'
import type { AdmitAtOnce, Guard } from './platform/principal.ts'
import type { OrderReadModel } from './platform/read-models.ts'
import type { Signal } from './platform/signal.ts'

export interface Deps extends DbHandle {
  clock: Clock
  credentials: CredentialCache
  /** Get order's documents in memory; the order core's write path makes it forget what it changes. */
  documents: DocumentCache
  jobs: JobScheduler
  metrics: Metrics
  /** Kept by the order core's write path, in its transaction: the search index of List orders. */
  readModels: readonly OrderReadModel[]
  /**
   * Notified once this process has committed order events (the write path, intake, the seed), so readers of
   * the event stream look at once; events other processes write are found by their next look.
   */
  eventsCommitted: Signal
  /**
   * Where this server is reached from outside (ORDO_PUBLIC_URL), without a trailing slash: the
   * marketplaceServicesEndpoint a placement gives an external seller to call back. Null when not configured.
   */
  publicUrl: string | null
}

/**
 * The rate limit's check on a request not yet routed (`route` as Fastify names it: `GET /api/oms/pvt/orders/:orderId`),
 * when it can be told from memory: true counts the request, within the account's limit; false counts nothing and
 * leaves the decision to the route's own check.
 */
export type CountAtOnce = (account: string, route: string) => boolean

/**
 * What route plugins receive: the use-case dependencies and the access guard built over them, and the guard's and
 * the rate limit's decisions for a request answered before routing.
 */
export interface RouteDeps {
  deps: Deps
  guard: Guard
  admitAtOnce: AdmitAtOnce
  countAtOnce: CountAtOnce
}
