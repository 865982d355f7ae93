// Remembers recently verified credentials for a moment, so a busy integration does not cost a key lookup
// per request. Revocations in this process apply at once; those made elsewhere within CACHE_TTL_MS.
import type { Principal } from './roles.ts'

/** How long another process's revocation may go unnoticed. */
export const CACHE_TTL_MS = 1000
const MAX_ENTRIES = 10_000

export class CredentialCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>()

  get(credential: string, now: number): Principal | undefined {
    const entry = this.entries.get(credential)
    if (!entry) return undefined
    if (entry.until > now) return entry.principal
    this.entries.delete(credential)
    return undefined
  }

  /** `expiresAt` bounds the entry for user tokens, which may expire sooner than the cache would. */
  set(credential: string, principal: Principal, now: number, expiresAt = Number.POSITIVE_INFINITY): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear()
    this.entries.set(credential, { principal, until: Math.min(now + CACHE_TTL_MS, expiresAt) })
  }

  /** Forgets a key and every token minted from it. */
  forgetKey(appKey: string): void {
    for (const [credential, entry] of this.entries) {
      if (entry.principal.appKey === appKey) this.entries.delete(credential)
    }
  }
}
