// What every use case needs from the outside world, passed explicitly rather than imported.
import type { DbHandle } from './db/database.ts'
import type { Guard } from './modules/access/access.guard.ts'
import type { CredentialCache } from './modules/access/credential-cache.ts'
import type { Clock } from './platform/clock.ts'

export interface Deps extends DbHandle {
  clock: Clock
  credentials: CredentialCache
}

/** What route plugins receive: the use-case dependencies and the access guard built over them. */
export interface RouteDeps {
  deps: Deps
  guard: Guard
}
