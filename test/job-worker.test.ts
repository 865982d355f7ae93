// The job worker on real databases: failures back off without stopping the loop, leases are kept alive while a
// handler runs, stop() waits for jobs in flight, and runDueJobs runs what is due once.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { ClaimedJob, JobQueue } from '../src/worker/job-queue.ts'
import { runDueJobs, startWorker, type JobHandlers } from '../src/worker/worker.ts'
import { describeEachDialect } from './harness.ts'
import { T0, W0, at, deferred, enqueueOne, queueFixture, type Deferred } from './jobs.ts'

/** Only a broken worker waits this long: every test below waits for events, never for time. */
const HANG = { timeout: 120_000 }

describeEachDialect('job worker', (dialect) => {
  it(
    'fails a job that has no handler or whose handler throws, with backoff, and goes on',
    HANG,
    async (t) => {
      const fixture = await queueFixture(t, dialect)
      const { queue, clock } = fixture
      // Due one after the other, so the single slot meets the failures first.
      const unknown = await enqueueOne(fixture, { kind: 'unknown', dueAt: at(T0, -3000) })
      const inherited = await enqueueOne(fixture, { kind: 'toString', dueAt: at(T0, -2000) })
      const throwing = await enqueueOne(fixture, { kind: 'throws', dueAt: at(T0, -1000) })
      const fine = await enqueueOne(fixture, { kind: 'works' })
      const ran = deferred()
      const errors: [string, string | undefined][] = []
      const worker = startWorker({
        queue,
        handlers: {
          throws: () => Promise.reject(new Error('boom')),
          works: async () => ran.resolve(),
        },
        clock,
        concurrency: 1,
        onError: (error, job) => errors.push([String(error), job?.id]),
      })
      await ran.promise
      await worker.stop()

      assert.deepEqual(errors, [
        ['Error: No handler for job kind "unknown".', unknown],
        ['Error: No handler for job kind "toString".', inherited],
        ['Error: boom', throwing],
      ])
      for (const [id, lastError] of [
        [unknown, 'Error: No handler for job kind "unknown".'],
        [inherited, 'Error: No handler for job kind "toString".'],
        [throwing, 'Error: boom'],
      ] as const) {
        const job = await queue.find(id)
        assert.ok(job)
        assert.deepEqual(
          [job.status, job.attempts, job.dueAt, job.leaseUntil, job.lastError],
          ['pending', 1, at(T0, 1000), null, lastError],
        )
      }
      assert.equal((await queue.find(fine))?.status, 'done')
    },
  )

  it('renews the lease of a running job, so another worker cannot take it', HANG, async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { clock, wall } = fixture
    const id = await enqueueOne(fixture)
    const started = deferred()
    const release = deferred()
    const expired = Date.parse(at(W0, 60_000))
    const renewedAfterExpiry = deferred()
    const queue: JobQueue = {
      ...fixture.queue,
      renew: async (job, leaseMs) => {
        const calledAt = wall.now().getTime()
        const held = await fixture.queue.renew(job, leaseMs)
        if (calledAt >= expired) renewedAfterExpiry.resolve()
        return held
      },
    }
    const leaseMs = 300
    const worker = startWorker({
      queue,
      handlers: {
        test: async () => {
          started.resolve()
          await release.promise
        },
      },
      clock,
      leaseMs,
      // One slot: another slot of this worker would take the job over in the moment its lease has run out.
      concurrency: 1,
      onError: (error) => assert.fail(String(error)),
    })
    await started.promise
    assert.equal((await queue.find(id))?.leaseUntil, at(W0, leaseMs))
    wall.advance(60_000) // the lease taken at the claim has run out; only the heartbeat keeps the job
    await renewedAfterExpiry.promise
    assert.equal((await queue.find(id))?.leaseUntil, at(W0, 60_000 + leaseMs))
    assert.equal(await queue.claim({ workerId: 'other', dueBy: clock.now(), leaseMs }), undefined)
    release.resolve()
    await worker.stop()
    const done = await queue.find(id)
    assert.deepEqual([done?.status, done?.attempts], ['done', 1])
  })

  it('stop() waits for the jobs in flight and starts no new one', HANG, async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock } = fixture
    const first = await enqueueOne(fixture, { dueAt: at(T0, -1000) })
    const started = deferred()
    const release = deferred()
    const worker = startWorker({
      queue,
      handlers: {
        test: async () => {
          started.resolve()
          await release.promise
        },
      },
      clock,
      concurrency: 1,
      onError: (error) => assert.fail(String(error)),
    })
    await started.promise
    const second = await enqueueOne(fixture)
    let stopped = false
    const stopping = worker.stop().then(() => (stopped = true))
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(stopped, false)
    assert.equal((await queue.find(first))?.status, 'pending')
    release.resolve()
    await stopping
    assert.equal((await queue.find(first))?.status, 'done')
    assert.equal((await queue.find(second))?.attempts, 0)
  })

  it('wake() makes an idle worker look for jobs at once', HANG, async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, idle } = watchIdle(fixture.queue)
    const ran = deferred<ClaimedJob>()
    const worker = startWorker({
      queue,
      handlers: { test: async (_payload, job) => ran.resolve(job) },
      clock: fixture.clock,
      concurrency: 1,
      pollIntervalMs: 3_600_000, // it would not look again by itself during the test
      onError: (error) => assert.fail(String(error)),
    })
    await idle
    const id = await enqueueOne(fixture)
    worker.wake()
    assert.equal((await ran.promise).id, id)
    await worker.stop()
  })

  it(
    'runs at most perKeyConcurrency jobs of one key at once, gives other jobs the free slots, and wakes for the rest',
    HANG,
    async (t) => {
      const fixture = await queueFixture(t, dialect)
      const { queue, clock } = fixture
      for (let n = 0; n < 3; n++) {
        await enqueueOne(fixture, { payload: { n }, concurrencyKey: 'slow', dueAt: at(T0, n - 10_000) })
      }
      await enqueueOne(fixture, { kind: 'other', dueAt: at(T0, -1) }) // due after the three
      const running = new Map<number, Deferred<void>>()
      const startedSlow: number[] = []
      const firstTwo = deferred()
      const otherRan = deferred()
      const thirdStarted = deferred()
      const worker = startWorker({
        queue,
        handlers: {
          test: async (payload) => {
            const { n } = payload as { n: number }
            const release = deferred()
            running.set(n, release)
            startedSlow.push(n)
            assert.ok(running.size <= 2, `${running.size} jobs of one key ran at once`)
            if (startedSlow.length === 2) firstTwo.resolve()
            if (startedSlow.length === 3) thirdStarted.resolve()
            await release.promise
            running.delete(n)
          },
          other: async () => otherRan.resolve(),
        },
        clock,
        concurrency: 4,
        perKeyConcurrency: 2,
        pollIntervalMs: 3_600_000, // only wakes move it during the test
        onError: (error) => assert.fail(String(error)),
      })
      await firstTwo.promise
      await otherRan.promise // a slot the busy key may not use runs the other job
      assert.deepEqual(startedSlow.sort(), [0, 1])
      running.get(0)?.resolve() // a slot of the key frees: the job passed over runs without waiting for a poll
      await thirdStarted.promise
      for (const release of running.values()) release.resolve()
      await worker.stop()
      const rows = await fixture.handle.db.selectFrom('jobs').select('status').execute()
      assert.deepEqual(
        rows.map((row) => row.status),
        ['done', 'done', 'done', 'done'],
      )
    },
  )

  it(
    'wake() reaches every slot when many jobs are due: each slot that finds one wakes the next',
    HANG,
    async (t) => {
      const fixture = await queueFixture(t, dialect)
      const { queue, idle } = watchIdle(fixture.queue)
      const all = deferred()
      let inFlight = 0
      const release = deferred()
      const worker = startWorker({
        queue,
        handlers: {
          test: async () => {
            inFlight += 1
            if (inFlight === 3) all.resolve()
            await release.promise
          },
        },
        clock: fixture.clock,
        concurrency: 3,
        pollIntervalMs: 3_600_000,
        onError: (error) => assert.fail(String(error)),
      })
      await idle
      for (let n = 0; n < 3; n++) await enqueueOne(fixture, { payload: { n } })
      worker.wake()
      await all.promise // one wake, three jobs running at once
      release.resolve()
      await worker.stop()
    },
  )

  it('runDueJobs runs each job due when it was called once, and returns even when they keep failing', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock } = fixture
    const works = await enqueueOne(fixture, { kind: 'works' })
    const failing = await enqueueOne(fixture, { kind: 'fails' })
    const later = await enqueueOne(fixture, { kind: 'works', dueAt: at(T0, 60_000) })
    const handlers: JobHandlers = {
      works: async () => {},
      fails: async () => {
        clock.advance(3_600_000) // business time moves on while jobs run
        throw new Error('still failing')
      },
    }
    const errors: unknown[] = []
    assert.equal(await runDueJobs(queue, handlers, { clock, onError: (error) => errors.push(error) }), 2)
    assert.equal(errors.length, 1)
    assert.equal((await queue.find(works))?.status, 'done')
    assert.equal((await queue.find(failing))?.attempts, 1)
    assert.equal((await queue.find(later))?.status, 'pending') // due by now, but not when the run began

    assert.equal(await runDueJobs(queue, handlers, { clock, kinds: ['works'] }), 1)
    assert.equal((await queue.find(later))?.status, 'done')
    assert.equal((await queue.find(failing))?.attempts, 1)

    // Without onError the first failure is thrown, after it is recorded.
    clock.advance(1000)
    await assert.rejects(runDueJobs(queue, handlers, { clock }), /still failing/)
    assert.equal((await queue.find(failing))?.attempts, 2)
  })
})

/** The queue, and a promise that resolves once a claim through it finds nothing: the worker has gone idle. */
function watchIdle(inner: JobQueue): { queue: JobQueue; idle: Promise<void> } {
  const idle = deferred()
  const queue: JobQueue = {
    ...inner,
    claim: async (options) => {
      const job = await inner.claim(options)
      if (!job) idle.resolve()
      return job
    },
  }
  return { queue, idle: idle.promise }
}
