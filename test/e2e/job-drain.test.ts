// Acceptance test of the job queue: two worker processes on one PostgreSQL database drain 1,000 jobs, each run once,
// and the job of a process killed with kill -9 mid-run is run by the other once its lease expires.
import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { createJobQueue } from '../../src/worker/job-queue.ts'
import { DIALECTS } from '../harness.ts'
import type { JobRunTable, RecordPayload } from './job-worker-process.ts'
import { sandbox, type Child } from './process.ts'

const WORKER = resolve(import.meta.dirname, 'job-worker-process.ts')
const TOTAL = 1000
const BLOCKED = 500
/**
 * Short, so that the killed worker's job is taken over soon, yet several times the longest claim-to-complete seen
 * on a loaded machine (0.7 s at load 24 on 2 cores): a live worker that stalls past its lease loses its job, and
 * the test would count a second run.
 */
const LEASE_MS = 5000
/** A wait fails only after this long without any change in what it watches: slow progress is not failure. */
const STUCK_MS = 120_000
const POLL_MS = 50

// PostgreSQL only. Several processes on one SQLite file is not a setup Ordo supports (embedded means one process),
// and SQLite's busy handler is not fair: one writer process can keep the other waiting for seconds, past a short
// lease or the 5 s busy timeout, and the job then rightly runs twice. It failed here once in a full test run.
const skip = DIALECTS.includes('postgres') ? false : 'needs ORDO_TEST_DATABASE_URL'

describe('job queue across processes [postgres]', { skip }, () => {
  it('two processes drain 1,000 jobs, each run once; a job whose process is killed mid-run is run by the other', async (t) => {
    const box = await sandbox(t, 'postgres')
    const handle = box.open()
    await migrateToLatest(handle)
    await handle.db.schema
      .createTable('job_runs')
      .addColumn('job_id', 'text', (c) => c.primaryKey())
      .addColumn('worker', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .execute()
    const db = handle.db.withTables<{ job_runs: JobRunTable }>()
    const jobRow = (id: string) =>
      handle.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

    const workers = new Map<string, Child>(
      ['worker-a', 'worker-b'].map((name) => [
        name,
        box.start(WORKER, ['--name', name, '--lease-ms', String(LEASE_MS)]),
      ]),
    )
    const until = watcher(workers)
    // Both poll before there is work, so they compete from the first job on.
    await until('both workers ready', [...workers.keys()], () =>
      [...workers.values()].map((w) => w.stdout().startsWith('ready\n')).every(Boolean),
    )

    // Due a millisecond apart, in the past: the workers take them roughly in order, so the blocked one comes midway.
    const started = Date.now()
    await createJobQueue(handle).enqueue(
      handle.db,
      Array.from({ length: TOTAL }, (_, n) => ({
        kind: 'record',
        payload: { n, block: n === BLOCKED } satisfies RecordPayload,
        dueAt: new Date(started - TOTAL + n).toISOString(),
      })),
    )

    const announcement = () =>
      [...workers]
        .map(([name, w]) => [name, /^blocked (\w+)$/m.exec(w.stdout())?.[1]] as const)
        .find(([, id]) => id)
    const [killed, blockedId] = await until(
      'a worker to announce the blocked job',
      [...workers.keys()],
      announcement,
    )
    const survivor = [...workers.keys()].find((name) => name !== killed)
    assert.ok(blockedId && survivor)

    // A live worker keeps its job past the lease it claimed it with: the heartbeat renews it.
    const claimedLease = (await jobRow(blockedId)).lease_until
    assert.ok(claimedLease)
    await delay(Date.parse(claimedLease) - Date.now() + POLL_MS)
    const held = await jobRow(blockedId)
    assert.deepEqual([held.status, held.attempts, held.leased_by], ['pending', 1, killed], report(workers))
    assert.ok(held.lease_until && held.lease_until > claimedLease)

    assert.deepEqual(await workers.get(killed)?.stop('SIGKILL'), { code: null, signal: 'SIGKILL' })
    const killedAt = Date.now()
    const pending = () =>
      handle.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.n))
    await until('the queue to drain', [survivor], pending, (count) => count === 0)
    assert.deepEqual(await workers.get(survivor)?.stop('SIGTERM'), { code: 0, signal: null }, report(workers))

    const jobs = await handle.db.selectFrom('jobs').selectAll().execute()
    const runs = new Map(
      (await db.selectFrom('job_runs').selectAll().execute()).map((run) => [run.job_id, run]),
    )
    assert.equal(jobs.length, TOTAL)
    assert.equal(runs.size, TOTAL, report(workers))
    for (const job of jobs) {
      const attempts: number = job.id === blockedId ? 2 : 1
      assert.deepEqual(
        [job.status, job.attempts],
        ['done', attempts],
        `job ${job.payload_json}: ${job.last_error}\n${report(workers)}`,
      )
      const run = runs.get(job.id)
      assert.deepEqual([run?.attempt, run?.worker], [attempts, job.leased_by], `run of ${job.payload_json}`)
    }
    const blocked = await jobRow(blockedId)
    assert.equal(blocked.leased_by, survivor)
    assert.equal(blocked.last_error, `attempt 1 by ${killed} ended without a result: its lease expired`)

    // finished_at is wall time, so it measures the run.
    const doneAt = (job: { finished_at: string | null }) => Date.parse(job.finished_at ?? '')
    const lastOther = Math.max(...jobs.filter((job) => job.id !== blockedId).map(doneAt))
    const share = (name: string) => [...runs.values()].filter((run) => run.worker === name).length
    t.diagnostic(
      `the other ${TOTAL - 1} jobs were done ${lastOther - started} ms after enqueueing; ` +
        `the blocked one ${doneAt(blocked) - killedAt} ms after kill -9 (lease ${LEASE_MS} ms); ` +
        `${killed} ran ${share(killed)}, ${survivor} ran ${share(survivor)}`,
    )
  })
})

const report = (workers: Map<string, Child>): string =>
  [...workers].map(([name, w]) => `${name} stdout:\n${w.stdout()}\n${name} stderr:\n${w.stderr()}`).join('\n')

/**
 * Returns `until(what, alive, read, done)`: polls `read` until `done` accepts what it returned (by default: until
 * it returns anything but undefined). Fails at once if a worker named in `alive` exits, and if what `read` returns
 * stays the same for STUCK_MS.
 */
function watcher(workers: Map<string, Child>) {
  const exited = new Set<string>()
  for (const [name, worker] of workers) void worker.closed.then(() => exited.add(name))
  return async <S>(
    what: string,
    alive: string[],
    read: () => S | Promise<S>,
    done: (state: S) => boolean = (state) => state !== undefined && state !== false,
  ): Promise<NonNullable<S>> => {
    let last: string | undefined
    let stuckSince = Date.now()
    for (;;) {
      const gone = alive.filter((name) => exited.has(name))
      assert.deepEqual(gone, [], `${gone.join(', ')} exited while waiting for ${what}\n${report(workers)}`)
      const state = await read()
      if (done(state) && state !== undefined && state !== null) return state
      const seen = JSON.stringify(state)
      if (seen !== last) [last, stuckSince] = [seen, Date.now()]
      if (Date.now() - stuckSince > STUCK_MS)
        assert.fail(`Still waiting for ${what}: ${seen}\n${report(workers)}`)
      await delay(POLL_MS)
    }
  }
}
