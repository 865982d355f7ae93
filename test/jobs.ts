// Shared by the job queue tests: a queue on a fresh database, with its business and wall clocks in the test's hands.
import type { TestContext } from 'node:test'
import type { DbHandle, Dialect } from '../src/db/database.ts'
import { ManualClock } from '../src/platform/clock.ts'
import type { JobRequest } from '../src/platform/jobs.ts'
import { createJobQueue, type JobQueue } from '../src/worker/job-queue.ts'
import { migratedDatabase } from './harness.ts'

/** Business time. */
export const T0 = '2026-03-02T12:00:00.000Z'
/** Wall time, years away from business time, so a query that mixes the two up is caught. */
export const W0 = '2031-07-01T00:00:00.000Z'

export const at = (base: string, ms: number): string => new Date(Date.parse(base) + ms).toISOString()

export interface QueueFixture {
  handle: DbHandle
  queue: JobQueue
  /** Business time: due times and retries. */
  clock: ManualClock
  /** Wall time: leases. */
  wall: ManualClock
}

export async function queueFixture(t: TestContext, dialect: Dialect): Promise<QueueFixture> {
  const { handle, close } = await migratedDatabase(dialect)
  t.after(close)
  const wall = new ManualClock(W0)
  const queue = createJobQueue(handle, { wallClock: () => wall.now().getTime() })
  return { handle, queue, clock: new ManualClock(T0), wall }
}

export const jobRequest = (overrides: Partial<JobRequest> = {}): JobRequest => ({
  kind: 'test',
  payload: { n: 1 },
  dueAt: T0,
  ...overrides,
})

/** Enqueues one job outside any business transaction and returns its id. */
export async function enqueueOne(
  fixture: QueueFixture,
  overrides: Partial<JobRequest> = {},
): Promise<string> {
  const before = new Set((await fixture.handle.db.selectFrom('jobs').select('id').execute()).map((r) => r.id))
  await fixture.queue.enqueue(fixture.handle.db, [jobRequest(overrides)])
  const rows = await fixture.handle.db.selectFrom('jobs').select('id').execute()
  const added = rows.find((row) => !before.has(row.id))
  if (!added) throw new Error('The job was not written.')
  return added.id
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
}

/** A promise resolved from outside: how a test waits for an event rather than for time. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => (resolve = done))
  return { promise, resolve }
}
