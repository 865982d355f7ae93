// The use cases' dependencies as every composition root (the CLI, the tests) puts them together, with the read
// models the order core's write path keeps, in its transaction, for features it does not know.
import type { DbHandle } from './db/database.ts'
import type { Deps } from './deps.ts'
import { searchIndex } from './modules/search/search.service.ts'
import type { Clock } from './platform/clock.ts'
import { CredentialCache } from './platform/credential-cache.ts'
import { DocumentCache } from './platform/document-cache.ts'
import type { JobScheduler } from './platform/jobs.ts'
import { createMetrics } from './platform/metrics.ts'
import type { OrderReadModel } from './platform/read-models.ts'
import { Signal } from './platform/signal.ts'

export const READ_MODELS: readonly OrderReadModel[] = [searchIndex]

export const assembleDeps = (
  handle: DbHandle,
  clock: Clock,
  jobs: JobScheduler,
  { publicUrl = null }: { publicUrl?: string | null } = {},
): Deps => {
  const documents = new DocumentCache(handle.commits)
  return {
    ...handle,
    clock,
    credentials: new CredentialCache(),
    documents,
    jobs,
    metrics: createMetrics(documents),
    readModels: READ_MODELS,
    eventsCommitted: new Signal(),
    publicUrl,
  }
}
