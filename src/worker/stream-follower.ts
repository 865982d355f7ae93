// A loop that follows a stream: it runs a step until the step says it reached the end, then waits a little and
// looks again, or sooner when woken. All its state is the step's (a cursor in the database), so it survives
// restarts.
export interface StreamFollowerOptions {
  /** Processes the next part of the stream; resolves to whether more may be waiting right away. */
  step: () => Promise<boolean>
  /** How long to wait once the stream is drained, unless woken. */
  idleMs: number
  /**
   * How long a wake waits at least before the step it asks for, so that what is appended close together (the
   * writes of several clients) is read in one step rather than one step each. Steps for "more" do not wait.
   */
  gatherMs?: number
  /**
   * The least time between the starts of two steps that wakes ask for: under a steady stream of writes, each
   * step then reads those of this long, whose transaction and bookkeeping would otherwise be paid once per write.
   * A quiet stream keeps its latency, as its wakes come later than this anyway; the looks of the idle time do not
   * count, and steps for "more" do not wait.
   */
  spacingMs?: number
  onError: (error: unknown) => void
}

export interface StreamFollower {
  /**
   * Something was just appended: the loop looks after `gatherMs`, or later within `spacingMs` of the last step
   * a wake asked for (or after the step under way), not after `idleMs`.
   */
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
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms)
      endWait = () => {
        if (!untilWoken && !stopping) return
        clearTimeout(timer)
        resolve(true)
      }
    })
  const loop = (async () => {
    // When the last step a wake asked for began. The spacing counts from it, not from a look of the idle time,
    // which would hold back a quiet stream's wake that happened to come just after it.
    let wokenStepAt = -Infinity
    let byWake = false
    while (!stopping) {
      if (byWake) wokenStepAt = Date.now()
      let more = false
      let failed = false
      try {
        more = await step()
      } catch (error) {
        onError(error)
        failed = true
      }
      // A failing step (the database is away) is tried again after the idle time or a wake, not at once.
      byWake = false
      if (!stopping && (failed || !more)) {
        byWake = failed || !woken ? await wait(idleMs, true) : true
        // Clamped: a clock set back must not make the pause longer than the spacing.
        const spaced = byWake ? Math.min(spacingMs, wokenStepAt + spacingMs - Date.now()) : 0
        const pause = Math.max(gatherMs, spaced)
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
