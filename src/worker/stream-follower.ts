// A loop that follows a stream: it runs a step until the step finds nothing new, then waits a little and
// looks again. All its state is the step's (a cursor in the database), so it survives restarts.
export interface StreamFollowerOptions {
  /** Processes the next part of the stream; resolves to how much it found (0: nothing new). */
  step: () => Promise<number>
  /** How long to wait once the stream is drained. */
  idleMs: number
  onError: (error: unknown) => void
}

export interface StreamFollower {
  stop(): Promise<void>
}

export function followStream({ step, idleMs, onError }: StreamFollowerOptions): StreamFollower {
  let stopping = false
  let wake = () => {}
  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, idleMs)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  const loop = (async () => {
    while (!stopping) {
      let found = 0
      try {
        found = await step()
      } catch (error) {
        onError(error)
      }
      if (found === 0 && !stopping) await idle()
    }
  })()
  return {
    async stop() {
      stopping = true
      wake()
      await loop
    },
  }
}
