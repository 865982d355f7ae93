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
  /**
   * The least time from the start of one step to the start of the next that a wake asks for: under a steady
   * stream of writes, each step then reads those of this long, whose transaction and bookkeeping would otherwise
   * be paid once per write. A quiet stream keeps its latency, as its wakes come later than this anyway; steps
   * for "more" do not wait.
   */
  spacingMs?: number
  onError: (error: unknown) => void
}

export interface StreamFollower {
  /** Something was just appended: the loop looks within `gatherMs` (or after the step under way), not after `idleMs`. */
  wake(): void
  stop(): Promise<void>
}

export function followStream({
  step,
  idleMs,
  gatherMs = 0,
  spacingMs = 0,
  onError,
}: StreamFollowerOptions): StreamFollower {
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
      const startedAt = Date.now()
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
        // Clamped: a clock set back must not make the pause longer than the spacing.
        const pause = Math.max(gatherMs, Math.min(spacingMs, startedAt + spacingMs - Date.now()))
        if (pause > 0 && !stopping) await wait(pause, false)
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
