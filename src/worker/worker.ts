// Runs queued jobs: a loop per process that claims, runs and settles them, and a one-shot run of what is due.
import { hostname } from 'node:os'
import type { Clock } from '../platform/clock.ts'
import { lowerHexId } from '../platform/ids.ts'
import type { ClaimedJob, JobQueue } from './job-queue.ts'

/**
 * The handler of each job kind, built at the composition root so that modules never import the worker. A job
 * runs at least once: a worker can die after the handler's effect and before the job is marked done, and the
 * job then runs again elsewhere. Handlers must therefore be idempotent (e.g. keyed by `job.id`).
 */
export type JobHandlers = Readonly<Record<string, (payload: unknown, job: ClaimedJob) => Promise<void>>>

export type JobErrorHandler = (error: unknown, job?: ClaimedJob) => void

export interface WorkerOptions {
  queue: JobQueue
  handlers: JobHandlers
  /** Business time: decides which jobs are due and when a failed one is retried. */
  clock: Clock
  /** Written to `leased_by`; unique per process by default. */
  workerId?: string
  /** Jobs run at once by this worker. */
  concurrency?: number
  /** Only jobs of these kinds; every kind when absent. */
  kinds?: readonly string[]
  /** Jobs sharing a concurrency key that run at once; unbounded when absent. */
  perKeyConcurrency?: number
  /** Jobs sharing a concurrency key run one at a time, in the order they were written (ClaimOptions). */
  inKeyOrder?: boolean
  /** How long an idle worker waits before it looks again, unless woken. */
  pollIntervalMs?: number
  /** How long another process waits for a job whose worker stopped renewing it (e.g. was killed). */
  leaseMs?: number
  /** Told of every failed job and every failed claim; must not throw. */
  onError: JobErrorHandler
}

export interface JobWorker {
  /** Claims no more jobs and resolves once the jobs in flight have settled. */
  stop(): Promise<void>
  /**
   * Looks for due jobs now instead of at the next poll (e.g. after enqueueing one due at once): one idle slot
   * looks, and each slot that finds a job wakes another.
   */
  wake(): void
}

const DEFAULT_LEASE_MS = 30_000

interface Runner {
  queue: JobQueue
  handlers: JobHandlers
  clock: Clock
  workerId: string
  leaseMs: number
  onError: JobErrorHandler
}

/** Starts `concurrency` loops that claim and run jobs; like a server, it keeps the process alive until stopped. */
export function startWorker(options: WorkerOptions): JobWorker {
  const { concurrency = 4, pollIntervalMs = 1000 } = options
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency must be a positive integer, not ${concurrency}.`)
  }
  const runner = runnerOf(options)
  let stopping = false
  let wakes = 0
  const sleepers = new Set<() => void>()
  const wakeAll = () => {
    for (const wake of sleepers) wake()
  }
  // One at a time: a slot that finds a job wakes the next, so a few new jobs do not send every idle slot to
  // the database, and many jobs still reach every slot.
  const wakeOne = () => sleepers.values().next().value?.()
  const idle = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        sleepers.delete(done)
        resolve()
      }
      sleepers.add(done)
    })
  // Jobs falling due need no wake: one idle slot looks every poll interval, and wakes the next if it finds one.
  const poll = setInterval(wakeOne, pollIntervalMs)

  // Jobs running per concurrency key. Claims go one at a time, so that each sees the keys the one before it took.
  const running = new Map<string, number>()
  const { perKeyConcurrency } = options
  const busyKeys = () =>
    perKeyConcurrency === undefined
      ? []
      : [...running].filter(([, count]) => count >= perKeyConcurrency).map(([key]) => key)
  let claims: Promise<unknown> = Promise.resolve()
  const claimNext = (): Promise<ClaimedJob | undefined> => {
    const claimed = claims.then(async () => {
      // A claim queued behind others when stop() came takes nothing: stopping waits only for running jobs.
      if (stopping) return undefined
      const { queue, workerId, leaseMs, clock } = runner
      const job = await queue.claim({
        workerId,
        dueBy: clock.now(),
        leaseMs,
        kinds: options.kinds,
        busyKeys: busyKeys(),
        inKeyOrder: options.inKeyOrder,
      })
      if (job?.concurrencyKey) running.set(job.concurrencyKey, (running.get(job.concurrencyKey) ?? 0) + 1)
      // More may be due: a slot that finds a job wakes the next one.
      if (job) wakeOne()
      return job
    })
    claims = claimed.catch(() => undefined)
    return claimed
  }
  const settled = (job: ClaimedJob) => {
    const key = job.concurrencyKey
    if (!key) return
    const count = (running.get(key) ?? 1) - 1
    // The slot that ran it claims again at once, so jobs of this key passed over while it was busy need no wake.
    if (count === 0) running.delete(key)
    else running.set(key, count)
  }

  async function slot(): Promise<void> {
    while (!stopping) {
      const wakesBefore = wakes
      let ran = false
      try {
        ran = await runNext(runner, claimNext, settled)
      } catch (error) {
        runner.onError(error)
      }
      // A wake that came while the claim was under way may be for a job the claim did not see yet.
      if (!ran && wakes === wakesBefore && !stopping) await idle()
    }
  }

  const slots = Array.from({ length: concurrency }, slot)
  return {
    async stop() {
      stopping = true
      clearInterval(poll)
      wakeAll()
      await Promise.all(slots)
    },
    wake() {
      wakes += 1
      wakeOne()
    },
  }
}

export interface RunDueJobsOptions {
  clock: Clock
  /** Only jobs of these kinds; every kind when absent. */
  kinds?: readonly string[]
  workerId?: string
  /** As the worker's option of that name. */
  inKeyOrder?: boolean
  /** Told of every failed job after it is recorded; without one, the first failure is thrown. */
  onError?: JobErrorHandler
}

/**
 * Runs, one after another, every job due by the clock's now when called, and returns how many it ran
 * (completed or failed). A failed job is due again later than that now, so the call ends even when every
 * job keeps failing.
 */
export async function runDueJobs(
  queue: JobQueue,
  handlers: JobHandlers,
  { clock, kinds, workerId, inKeyOrder, onError = rethrow }: RunDueJobsOptions,
): Promise<number> {
  const runner = runnerOf({ queue, handlers, clock, workerId, onError })
  const dueBy = clock.now()
  const claimNext = () =>
    queue.claim({ workerId: runner.workerId, dueBy, leaseMs: runner.leaseMs, kinds, inKeyOrder })
  let ran = 0
  while (await runNext(runner, claimNext)) ran += 1
  return ran
}

const rethrow = (error: unknown): never => {
  throw error
}

function runnerOf(options: {
  queue: JobQueue
  handlers: JobHandlers
  clock: Clock
  workerId?: string
  leaseMs?: number
  onError: JobErrorHandler
}): Runner {
  return {
    ...options,
    workerId: options.workerId ?? `${hostname()}/${process.pid}/${lowerHexId(4)}`,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
  }
}

/**
 * Claims one job and runs it to completion or failure; false when none was due. `settled` hears of the job
 * once it is recorded either way.
 */
async function runNext(
  runner: Runner,
  claimNext: () => Promise<ClaimedJob | undefined>,
  settled?: (job: ClaimedJob) => void,
): Promise<boolean> {
  const job = await claimNext()
  if (!job) return false
  try {
    await runClaimed(runner, job)
  } finally {
    settled?.(job)
  }
  return true
}

async function runClaimed(runner: Runner, job: ClaimedJob): Promise<void> {
  const { queue } = runner
  try {
    await whileLeased(runner, job, () => handlerOf(runner.handlers, job)(job.payload, job))
  } catch (error) {
    try {
      await queue.fail(job, error, runner.clock.now())
    } finally {
      runner.onError(error, job)
    }
    return
  }
  if (!(await queue.complete(job))) {
    runner.onError(
      new Error(
        `Job ${job.id} (${job.kind}) ran, but its lease had expired and another worker took it over.`,
      ),
      job,
    )
  }
}

function handlerOf(handlers: JobHandlers, job: ClaimedJob): JobHandlers[string] {
  // hasOwn: a kind named "constructor" or "toString" must not find Object.prototype's.
  const handler = Object.hasOwn(handlers, job.kind) ? handlers[job.kind] : undefined
  if (!handler) throw new Error(`No handler for job kind "${job.kind}".`)
  return handler
}

/** Runs `work` while renewing the job's lease every third of it, so no other worker takes a job still running. */
async function whileLeased(runner: Runner, job: ClaimedJob, work: () => Promise<void>): Promise<void> {
  let running = true
  let timer: NodeJS.Timeout | undefined
  const beat = () => {
    timer = setTimeout(() => {
      // A failed renewal is tried again at the next beat. If the database stays away the lease passes, and
      // the refused completion is what gets reported.
      void runner.queue.renew(job, runner.leaseMs).then(
        (held) => {
          if (held && running) beat()
        },
        () => {
          if (running) beat()
        },
      )
    }, runner.leaseMs / 3)
  }
  beat()
  try {
    await work()
  } finally {
    running = false
    clearTimeout(timer)
  }
}
