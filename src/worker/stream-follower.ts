// A loop that follows a stream: it runs a step until the step says it reached the end, then waits a little and
// looks again, or sooner when woken. All its state is the step's (a cursor in the database), so it survives
// restarts.
export interface StreamFollowerOptions {
  /** Processes the next part of the stream; resolves to whether more may be waiting right away. */
  step: () => Promise<boolean>
  /** How long to wait once the stream is drained, unless woken. */
  idleMs: number
  /**
   * How long a wake waits before the step it asks for, so that what is appended close together (the writes of
   * several clients) is read in one step rather than one step each. Steps for "more" do not wait.
   */
  gatherMs?: number
  onError: (error: unknown) => void
}

export interface StreamFollower {
  /** Something was just appended: the loop looks within `gatherMs` (or after the step under way), not after `idleMs`. */
  wake(): void
  stop(): Promise<void>
}

export function followStream({ step, idleMs, gatherMs = 0, onError }: StreamFollowerOptions): StreamFollower {
  let stopping = false
  // Set by a wake that came while a step ran: that step may have read before what it announces.
  let woken = false
  let endWait = () => {}
  const wait = (ms: number, untilWoken: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      endWait = () => {
        if (!untilWoken && !stopping) return
        clearTimeout(timer)
        resolve()
      }
    })
  const loop = (async () => {
    while (!stopping) {
      let more = false
      let failed = false
      try {
        more = await step()
      } catch (error) {
        onError(error)
        failed = true
      }
      // A failing step (the database is away) is tried again after the idle time or a wake, not at once.
      if (!stopping && (failed || !more)) {
        if (failed || !woken) await wait(idleMs, true)
        if (gatherMs > 0 && !stopping) await wait(gatherMs, false)
      }
      endWait = () => {}
      woken = false
    }
  })()
  return {
    wake() {
      woken = true
      endWait()
    },
    async stop() {
      stopping = true
      endWait()
      await loop
    },
  }
}
