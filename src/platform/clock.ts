// Time as a dependency: production reads the system clock, tests move a manual one.
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export class ManualClock implements Clock {
  private current: number

  constructor(start: string | Date = '2026-01-15T12:00:00.000Z') {
    this.current = new Date(start).getTime()
  }

  now(): Date {
    return new Date(this.current)
  }

  advance(ms: number): void {
    this.current += ms
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000)
  }
}

/**
 * A clock that reads "now" from a file holding an ISO timestamp. Lets end-to-end tests move a real server's
 * time (grace periods across a restart) without sleeping. Never used unless ORDO_CLOCK_FILE is set.
 */
export class FileClock implements Clock {
  constructor(
    private readonly path: string,
    private readonly read: (path: string) => string,
  ) {}

  now(): Date {
    const date = new Date(this.read(this.path).trim())
    if (Number.isNaN(date.getTime()))
      throw new Error(`Clock file ${this.path} does not hold an ISO timestamp`)
    return date
  }
}
