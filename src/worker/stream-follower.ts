// A loop that follows a stream: it runs a step until the step says it reached the end, then waits a little and
// looks again, or sooner when woken. All its state is the step's (a cursor in the database), so it survives
// restarts.
export interface StreamFollowerOptions {
  /** Processes the next part of the stream; resolves to whether more may be waiting right away. */
  step: () => Promise<boolean>
  /** How long to wait once the stream is drained, unless woken. */
  idleMs: number
  onError: (error: unknown) => void
}

export interface StreamFollower {
  /** Something was just appended: the loop looks now (or again after the step under way), not after `idleMs`. */
  wake(): void
  stop(): Promise<void>
}

export function followStream({ step, idleMs, onError }: StreamFollowerOptions): StreamFollower {
  let stopping = false
  // Set by a wake that came while a step ran: that step may have read before what it announces.
  let woken = false
  let endIdle = () => {}
  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, idleMs)
      endIdle = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  const loop = (async () => {
    while (!stopping) {
      woken = false
      let more = false
      let failed = false
      try {
        more = await step()
      } catch (error) {
        onError(error)
        failed = true
      }
      // A failing step (the database is away) is tried again after the idle time or a wake, not at once.
      if (!stopping && (failed || (!more && !woken))) await idle()
      endIdle = () => {}
    }
  })()
  return {
    wake() {
      woken = true
      endIdle()
    },
    async stop() {
      stopping = true
      endIdle()
      await loop
    },
  }
}
