// Stored documents kept in memory as the bytes that go out (Get order's), each forgotten when its own key changes:
// by this process as each transaction that changed it ends, by others when the commit watch hears of it. So a
// write to one order costs the cache that one order, and a hit costs no database round trip.
import type { CommitWatch } from '../db/commit-watch.ts'

/** Enough for the orders integrations are working on; a document is some kilobytes. */
const DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024

export interface DocumentCacheStats {
  hits: number
  misses: number
  documents: number
  bytes: number
}

export class DocumentCache {
  readonly #commits: CommitWatch
  readonly #budgetBytes: number
  readonly #documents = new Map<string, Buffer>()
  /** Other names of a kept document (Get order's `seq…`), each to the key it is kept by. */
  readonly #aliases = new Map<string, string>()
  #bytes = 0
  /** Moves whenever anything is forgotten: a read begun before it may have read what was forgotten. */
  #generation = 0
  #hits = 0
  #misses = 0

  constructor(commits: CommitWatch, budgetBytes = DEFAULT_BUDGET_BYTES) {
    this.#commits = commits
    this.#budgetBytes = budgetBytes
    commits.subscribe((keys) => (keys ? this.forget(keys) : this.clear()))
  }

  /** The document kept under `key` (or an alias of it), when it is certainly current; counts a hit or a miss. */
  get(key: string): Buffer | undefined {
    const document = this.peek(key)
    if (document) this.#hits++
    else this.#misses++
    return document
  }

  /** As `get`, counting nothing: for a caller that may not use what it finds (see `countHit`). */
  peek(key: string): Buffer | undefined {
    return this.#commits.caughtUp()
      ? (this.#documents.get(key) ?? this.#documents.get(this.#aliases.get(key) ?? ''))
      : undefined
  }

  /** Counts a hit of `peek` that was used. */
  countHit(): void {
    this.#hits++
  }

  /** Pass to `keep` the generation read before the database was: it keeps nothing that may be stale. */
  get generation(): number {
    return this.#generation
  }

  /** Keeps `document` under `key`, and under `alias` too, unless something was forgotten since `generation`. */
  keep(generation: number, key: string, document: Buffer, alias?: string): void {
    if (generation !== this.#generation || document.length > this.#budgetBytes / 16) return
    this.#drop(key)
    while (this.#bytes + document.length > this.#budgetBytes) {
      const oldest = this.#documents.keys().next().value
      if (oldest === undefined) break
      this.#drop(oldest)
    }
    this.#documents.set(key, document)
    this.#bytes += document.length
    if (alias !== undefined && alias !== key) {
      // Aliases of forgotten documents lead nowhere and are cheap; they are only bounded, not cleaned.
      if (this.#aliases.size >= this.#documents.size * 2 + 1000) this.#aliases.clear()
      this.#aliases.set(alias, key)
    }
  }

  forget(keys: Iterable<string>): void {
    this.#generation++
    for (const key of keys) this.#drop(key)
  }

  clear(): void {
    this.#generation++
    this.#documents.clear()
    this.#aliases.clear()
    this.#bytes = 0
  }

  stats(): DocumentCacheStats {
    return { hits: this.#hits, misses: this.#misses, documents: this.#documents.size, bytes: this.#bytes }
  }

  #drop(key: string): void {
    const document = this.#documents.get(key)
    if (!document) return
    this.#documents.delete(key)
    this.#bytes -= document.length
  }
}
