// Remembers recently verified credentials for a moment, so a busy integration does not cost a key lookup
// per request. Revocations in this process apply at once; those made by another process within CACHE_TTL_MS.
import { performance } from 'node:perf_hooks'
import type { Principal } from './principal.ts'

/** How long another process's revocation may go unnoticed: real time, whatever the business clock says. */
export const CACHE_TTL_MS = 1000
const MAX_ENTRIES = 10_000

interface Entry {
  principal: Principal
  cachedAt: number
  /** Business time (ms) after which the credential itself is no longer valid (user tokens). */
  expiresAt: number
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly monotonicNow: () => number = () => performance.now()) {}

  get(credential: string, businessNow: number): Principal | undefined {
    const entry = this.entries.get(credential)
    if (!entry) return undefined
    if (this.monotonicNow() - entry.cachedAt < CACHE_TTL_MS && businessNow < entry.expiresAt)
      return entry.principal
    this.entries.delete(credential)
    return undefined
  }

  set(credential: string, principal: Principal, expiresAt = Number.POSITIVE_INFINITY): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear()
    this.entries.set(credential, { principal, cachedAt: this.monotonicNow(), expiresAt })
  }

  forget(credential: string): void {
    this.entries.delete(credential)
  }

  /** Forgets a key and every token minted from it. */
  forgetKey(appKey: string): void {
    for (const [credential, entry] of this.entries) {
      if (entry.principal.appKey === appKey) this.entries.delete(credential)
    }
  }
}
