// Background work as business code asks for it; the queue behind it lives in src/worker/.
import type { Db } from '../db/database.ts'

/** A job a use case asks for; enqueued in the same transaction as the change that needs it. */
export interface JobRequest {
  kind: string
  /** JSON-serialisable; the handler of `kind` validates it. */
  payload: unknown
  /** ISO-8601 UTC, business time (the app's Clock): the job is not run before it. */
  dueAt: string
  /** Attempts before the job is dead; default 10. */
  maxAttempts?: number
  /** Jobs with the same key run at most so many at once in one worker, e.g. deliveries to one hook. */
  concurrencyKey?: string
  /**
   * With a concurrency key: at most one job of the kind and key waits to be claimed, and asking for another
   * brings its due time forward instead (so it must carry the same payload). One that is running does not
   * count: work asked for while it runs gets a run of its own.
   */
  coalesce?: boolean
}

export interface JobScheduler {
  /**
   * Writes the jobs with `db`, which may be the caller's transaction: a rolled-back change leaves no job.
   * Returns how many jobs are due sooner than before: those added, and waiting ones a coalescing request
   * brought forward.
   */
  enqueue(db: Db, jobs: readonly JobRequest[]): Promise<number>
}
