// An in-process notice that something happened, for loops that otherwise look only every so often. It carries
// nothing: a listener reads what changed from where it is kept (the database), so a notice that comes too early
// or twice costs a look, and one that never comes (another process wrote) only the wait until the next look.
export class Signal {
  readonly #listeners = new Set<() => void>()

  /** Calls every listener now. A listener must not throw; one that does is left out, not the others. */
  notify(): void {
    for (const listener of this.#listeners) {
      try {
        listener()
      } catch {
        // A listener only wakes a loop: the loop's own next look covers for it.
      }
    }
  }

  /** Calls `listener` on every notice until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }
}
