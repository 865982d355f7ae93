// The durable job queue: jobs are written inside business transactions, claimed under a wall-time lease,
// retried with backoff in business time, and fenced so that only the current holder can finish one.
import { sql, type ExpressionBuilder, type Insertable, type Selectable, type Updateable } from 'kysely'
import { inspect } from 'node:util'
import { unflushedTransaction, type Database, type Db, type DbHandle } from '../db/database.ts'
import { lowerHexId } from '../platform/ids.ts'
import type { JobRequest, JobScheduler } from '../platform/jobs.ts'
import type { JobStatus, JobTable } from './job.table.ts'

const DEFAULT_MAX_ATTEMPTS = 10
const MAX_RETRY_DELAY_MS = 60 * 60_000
/** Both dialects cap the parameters of one statement; a row binds 13. */
const INSERT_BATCH = 500
/** An error may carry a whole response body; the row keeps its start. */
const MAX_ERROR_LENGTH = 2000

/** A job as its worker holds it, from the claim until it completes or fails. */
export interface ClaimedJob {
  id: string
  kind: string
  payload: unknown
  dueAt: string
  /** 1 on the first run. A retry, or a job taken over from a worker that lost it, counts up. */
  attempt: number
  maxAttempts: number
  /** With `attempt`, the fencing token: only this holder may renew, complete or fail the job. */
  leasedBy: string
  concurrencyKey: string | null
}

/** A job as stored, for inspection. */
export interface Job {
  id: string
  kind: string
  payload: unknown
  status: JobStatus
  dueAt: string
  attempts: number
  maxAttempts: number
  leaseUntil: string | null
  leasedBy: string | null
  lastError: string | null
  createdAt: string
  finishedAt: string | null
}

export interface ClaimOptions {
  workerId: string
  /** Business time: only jobs due at or before it are claimed. */
  dueBy: Date
  leaseMs: number
  /** Only jobs of these kinds; every kind when absent. */
  kinds?: readonly string[]
  /** Not jobs with these concurrency keys: the worker runs as many of them as it may. */
  busyKeys?: readonly string[]
  /**
   * Jobs sharing a concurrency key are claimed in the order they were written, one at a time in every process:
   * one that runs, or waits for its retry, holds back those written after it.
   */
  inKeyOrder?: boolean
}

export interface JobQueue extends JobScheduler {
  /** Leases the earliest due job that nobody holds, counting an attempt; undefined when none is left. */
  claim(options: ClaimOptions): Promise<ClaimedJob | undefined>
  /** Extends the lease from wall now; false once the holder lost the job. */
  renew(job: ClaimedJob, leaseMs: number): Promise<boolean>
  /** Marks the job done; false, changing nothing, if the holder lost it. */
  complete(job: ClaimedJob): Promise<boolean>
  /**
   * Keeps the error and makes the job due again after min(2^(attempt-1) s, 1 h) from `now` (business time),
   * or dead after its last attempt; false, changing nothing, if the holder lost it.
   */
  fail(job: ClaimedJob, error: unknown, now: Date): Promise<boolean>
  find(id: string): Promise<Job | undefined>
}

export interface JobQueueOptions {
  /** Milliseconds since the epoch, for leases; every process sharing the database must agree on it. */
  wallClock?: () => number
}

export function createJobQueue({ db, dialect }: DbHandle, options: JobQueueOptions = {}): JobQueue {
  const wallClock = options.wallClock ?? Date.now
  const wallTime = (afterMs = 0) => new Date(wallClock() + afterMs).toISOString()

  // Claims and results are bookkeeping: one lost to a power failure makes the job run again, and a handler
  // must bear that anyway (see worker.ts).
  const bookkeeping = <T>(work: (trx: Db) => Promise<T>) => unflushedTransaction({ db, dialect }, work)

  /** Writes `values` only while `job` is held by the claim that produced it. */
  function updateHeld(job: ClaimedJob, values: Updateable<JobTable>): Promise<boolean> {
    return bookkeeping(async (trx) => {
      const result = await trx
        .updateTable('jobs')
        .set(values)
        .where('id', '=', job.id)
        .where('status', '=', 'pending')
        .where('leased_by', '=', job.leasedBy)
        .where('attempts', '=', job.attempt)
        // Failing clears the lease: a heartbeat that lands after it must not take the job back.
        .where('lease_until', 'is not', null)
        .executeTakeFirst()
      return result.numUpdatedRows > 0n
    })
  }

  /**
   * Moves the job of the row's kind and key that waits to be claimed up to the row's due time, if it is due
   * later. 'none': there is no such job. On PostgreSQL the waiting job stays locked until the caller commits, so
   * no worker claims it before the work it was asked for is visible.
   */
  async function bringForward(target: Db, row: Insertable<JobTable>): Promise<'none' | 'sooner' | 'as-is'> {
    if (row.concurrency_key == null) {
      throw new Error(`Job ${row.kind}: only a job with a concurrency key can coalesce.`)
    }
    let query = target
      .selectFrom('jobs')
      .select(['id', 'due_at'])
      .where('status', '=', 'pending')
      .where('kind', '=', row.kind)
      .where('concurrency_key', '=', row.concurrency_key)
      .where('lease_until', 'is', null)
      .limit(1)
    if (dialect === 'postgres') query = query.forUpdate()
    const waiting = await query.executeTakeFirst()
    if (!waiting) return 'none'
    if (waiting.due_at <= row.due_at) return 'as-is'
    await target.updateTable('jobs').set({ due_at: row.due_at }).where('id', '=', waiting.id).execute()
    return 'sooner'
  }

  async function claimOne(trx: Db, { workerId, dueBy, leaseMs, kinds, busyKeys, inKeyOrder }: ClaimOptions) {
    const now = wallClock()
    const claimable = (eb: ExpressionBuilder<Database, 'jobs'>) =>
      eb.and([
        eb('status', '=', 'pending'),
        eb('due_at', '<=', dueBy.toISOString()),
        eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', new Date(now).toISOString())]),
        ...(inKeyOrder ? [eb.not(eb.exists(earlierInKey(eb)))] : []),
      ])
    let next = trx.selectFrom('jobs').select('id').where(claimable).orderBy('due_at').limit(1)
    if (kinds) next = next.where('kind', 'in', kinds)
    if (busyKeys?.length) {
      next = next.where((eb) =>
        eb.or([eb('concurrency_key', 'is', null), eb('concurrency_key', 'not in', busyKeys)]),
      )
    }
    // PostgreSQL processes claim side by side, each skipping the rows another is taking. SQLite runs one
    // writing statement at a time and has no row locks (FOR UPDATE is a syntax error there).
    if (dialect === 'postgres') next = next.forUpdate().skipLocked()
    return trx
      .updateTable('jobs')
      .set((eb) => ({
        lease_until: new Date(now + leaseMs).toISOString(),
        leased_by: workerId,
        attempts: eb('attempts', '+', 1),
        // Complete and fail clear the lease, so a lease still set here is one whose holder vanished.
        last_error: eb
          .case()
          .when('lease_until', 'is not', null)
          .then(
            sql<string>`'attempt ' || ${eb.ref('attempts')} || ' by ' || ${eb.ref('leased_by')} || ' ended without a result: its lease expired'`,
          )
          .else(eb.ref('last_error'))
          .end(),
      }))
      .where('id', '=', next)
      .where(claimable) // checked again here, so that no claim relies on the sub-select's lock alone
      .returning(['id', 'kind', 'payload_json', 'due_at', 'attempts', 'max_attempts', 'concurrency_key'])
      .executeTakeFirst()
  }

  // Ids that sort in the order jobs were written (the wall millisecond, then a count within it), which is the
  // order inKeyOrder claims in. Two processes writing jobs of one key in the same millisecond are not ordered;
  // one key's jobs come from one order's changes, which its version lock puts one after another.
  let lastMs = 0
  let sameMs = 0
  const nextId = (): string => {
    let ms = Math.max(wallClock(), lastMs)
    sameMs = ms === lastMs ? sameMs + 1 : 0
    if (sameMs > 0xffff) {
      ms += 1
      sameMs = 0
    }
    lastMs = ms
    return `${ms.toString(16).padStart(12, '0')}${sameMs.toString(16).padStart(4, '0')}${lowerHexId(8)}`
  }

  return {
    async enqueue(target: Db, requests: readonly JobRequest[]): Promise<number> {
      const createdAt = wallTime()
      const rows: Insertable<JobTable>[] = []
      let broughtForward = 0
      for (const request of requests) {
        const row = toRow(request, nextId(), createdAt)
        const waiting = request.coalesce ? await bringForward(target, row) : 'none'
        if (waiting === 'none') rows.push(row)
        else if (waiting === 'sooner') broughtForward++
      }
      for (let start = 0; start < rows.length; start += INSERT_BATCH) {
        await target
          .insertInto('jobs')
          .values(rows.slice(start, start + INSERT_BATCH))
          .execute()
      }
      return rows.length + broughtForward
    },

    async claim(claim) {
      if (claim.kinds?.length === 0) return undefined
      for (;;) {
        const row = await bookkeeping((trx) => claimOne(trx, claim))
        if (!row) return undefined
        const job: ClaimedJob = {
          id: row.id,
          kind: row.kind,
          payload: JSON.parse(row.payload_json) as unknown,
          dueAt: row.due_at,
          attempt: row.attempts,
          maxAttempts: row.max_attempts,
          leasedBy: claim.workerId,
          concurrencyKey: row.concurrency_key,
        }
        if (job.attempt <= job.maxAttempts) return job
        // The holder of the last attempt vanished: no attempt is left, and last_error says what happened.
        await updateHeld(job, {
          status: 'dead',
          attempts: job.maxAttempts,
          lease_until: null,
          finished_at: wallTime(),
        })
      }
    },

    renew: (job, leaseMs) => updateHeld(job, { lease_until: wallTime(leaseMs) }),

    complete: (job) => updateHeld(job, { status: 'done', lease_until: null, finished_at: wallTime() }),

    fail(job, error, now) {
      const lastError = describeError(error)
      if (job.attempt >= job.maxAttempts) {
        return updateHeld(job, {
          status: 'dead',
          lease_until: null,
          last_error: lastError,
          finished_at: wallTime(),
        })
      }
      const dueAt = new Date(now.getTime() + retryDelayMs(job.attempt)).toISOString()
      return updateHeld(job, { due_at: dueAt, lease_until: null, last_error: lastError })
    },

    async find(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toJob(row)
    },
  }
}

const retryDelayMs = (attempt: number): number => Math.min(1000 * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS)

function toRow(request: JobRequest, id: string, createdAt: string): Insertable<JobTable> {
  const dueAt = new Date(request.dueAt)
  if (Number.isNaN(dueAt.getTime()))
    throw new Error(`Job ${request.kind}: dueAt ${request.dueAt} is not a date.`)
  const payloadJson = JSON.stringify(request.payload) as string | undefined
  if (payloadJson === undefined) throw new Error(`Job ${request.kind}: the payload is not JSON.`)
  const maxAttempts = request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`Job ${request.kind}: maxAttempts must be a positive integer, not ${maxAttempts}.`)
  }
  return {
    id,
    kind: request.kind,
    payload_json: payloadJson,
    status: 'pending',
    // Due times are compared as text, so all of them are written in toISOString's one format.
    due_at: dueAt.toISOString(),
    attempts: 0,
    max_attempts: maxAttempts,
    lease_until: null,
    leased_by: null,
    last_error: null,
    concurrency_key: request.concurrencyKey ?? null,
    created_at: createdAt,
    finished_at: null,
  }
}

/** A job of the same kind and key, written before this one, that has not ended. */
const earlierInKey = (eb: ExpressionBuilder<Database, 'jobs'>) =>
  eb
    .selectFrom('jobs as earlier')
    .select('earlier.id')
    .whereRef('earlier.kind', '=', 'jobs.kind')
    .whereRef('earlier.concurrency_key', '=', 'jobs.concurrency_key')
    .where('earlier.status', '=', 'pending')
    .whereRef('earlier.id', '<', 'jobs.id')

const describeError = (error: unknown): string =>
  (error instanceof Error ? String(error) : inspect(error)).slice(0, MAX_ERROR_LENGTH)

function toJob(row: Selectable<JobTable>): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload_json) as unknown,
    status: row.status,
    dueAt: row.due_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    leaseUntil: row.lease_until,
    leasedBy: row.leased_by,
    lastError: row.last_error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  }
}
