// The job queue on real databases: transactional enqueue, due times, backoff, the dead state, leases and fencing.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDialect } from './harness.ts'
import { T0, W0, at, enqueueOne, jobRequest, queueFixture } from './jobs.ts'

const LEASE_MS = 10_000

describeEachDialect('job queue', (dialect) => {
  it('writes jobs with the caller’s transaction: a rollback leaves none, a commit leaves them all', async (t) => {
    const { handle, queue } = await queueFixture(t, dialect)
    const count = async () => (await handle.db.selectFrom('jobs').select('id').execute()).length
    await assert.rejects(
      handle.db.transaction().execute(async (trx) => {
        await queue.enqueue(trx, [jobRequest()])
        throw new Error('the change failed')
      }),
      /the change failed/,
    )
    assert.equal(await count(), 0)

    await handle.db.transaction().execute((trx) => queue.enqueue(trx, [jobRequest(), jobRequest()]))
    assert.equal(await count(), 2)
  })

  it('stores a job as asked, with defaults, and rejects a request it could not run', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const payload = { orderId: 'v1-01', steps: [1, 2], note: null }
    const id = await enqueueOne(fixture, { kind: 'deliver-hook', payload, dueAt: '2026-03-02T12:01:00Z' })
    assert.deepEqual(await fixture.queue.find(id), {
      id,
      kind: 'deliver-hook',
      payload,
      status: 'pending',
      dueAt: '2026-03-02T12:01:00.000Z', // one format, because due times are compared as text
      attempts: 0,
      maxAttempts: 10,
      leaseUntil: null,
      leasedBy: null,
      lastError: null,
      createdAt: W0,
      finishedAt: null,
    })

    for (const bad of [
      { dueAt: 'tomorrow' },
      { payload: undefined },
      { maxAttempts: 0 },
      { maxAttempts: 1.5 },
    ]) {
      await assert.rejects(
        fixture.queue.enqueue(fixture.handle.db, [jobRequest(), jobRequest(bad)]),
        /^Error: Job test/,
      )
    }
    assert.equal((await fixture.handle.db.selectFrom('jobs').select('id').execute()).length, 1)
  })

  it('claims the earliest due job once the business clock reaches it, whatever the wall clock says', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock, wall } = fixture
    const later = await enqueueOne(fixture, { dueAt: at(T0, 120_000) })
    const sooner = await enqueueOne(fixture, { dueAt: at(T0, 60_000) })
    const claim = () => queue.claim({ workerId: 'worker-a', dueBy: clock.now(), leaseMs: LEASE_MS })

    assert.equal(await claim(), undefined)
    wall.advance(86_400_000) // the wall clock is years ahead and moves on: it decides nothing about due times
    assert.equal(await claim(), undefined)
    clock.advance(59_999)
    assert.equal(await claim(), undefined)
    clock.advance(1)
    const job = await claim()
    assert.deepEqual(job, {
      id: sooner,
      kind: 'test',
      payload: { n: 1 },
      dueAt: at(T0, 60_000),
      attempt: 1,
      maxAttempts: 10,
      leasedBy: 'worker-a',
      concurrencyKey: null,
    })
    assert.equal(await claim(), undefined)
    clock.advance(60_000)
    assert.equal((await claim())?.id, later)
  })

  it('retries a failing job after 1 s, 2 s, 4 s … at most 1 h of business time, then ends it dead', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock, wall } = fixture
    const id = await enqueueOne(fixture, { maxAttempts: 14 })
    const claim = () => queue.claim({ workerId: 'worker-a', dueBy: clock.now(), leaseMs: LEASE_MS })
    const delays = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600].map((seconds) => seconds * 1000)

    for (const [index, delay] of delays.entries()) {
      const job = await claim()
      assert.ok(job)
      assert.equal(job.attempt, index + 1)
      assert.equal(await queue.fail(job, new Error(`attempt ${job.attempt}`), clock.now()), true)
      const stored = await queue.find(id)
      assert.ok(stored)
      assert.deepEqual(
        [stored.status, stored.dueAt, stored.leaseUntil, stored.lastError],
        ['pending', at(clock.now().toISOString(), delay), null, `Error: attempt ${job.attempt}`],
      )
      clock.advance(delay - 1)
      assert.equal(await claim(), undefined, `retry ${index + 1} ran early`)
      clock.advance(1)
    }

    const last = await claim()
    assert.ok(last)
    assert.equal(last.attempt, 14)
    wall.advance(5_000)
    assert.equal(await queue.fail(last, 'still broken', clock.now()), true)
    const dead = await queue.find(id)
    assert.ok(dead)
    assert.deepEqual(
      [dead.status, dead.attempts, dead.leaseUntil, dead.lastError, dead.finishedAt],
      ['dead', 14, null, "'still broken'", at(W0, 5_000)],
    )
    clock.advance(86_400_000)
    assert.equal(await claim(), undefined)
  })

  it('keeps other workers off a leased job while it is renewed, and lets one take it once the lease expires', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock, wall } = fixture
    const id = await enqueueOne(fixture)
    const claim = (workerId: string) => queue.claim({ workerId, dueBy: clock.now(), leaseMs: LEASE_MS })

    const first = await claim('worker-a')
    assert.ok(first)
    assert.equal((await queue.find(id))?.leaseUntil, at(W0, LEASE_MS))
    assert.equal(await claim('worker-b'), undefined)
    wall.advance(9_000)
    assert.equal(await queue.renew(first, LEASE_MS), true)
    wall.advance(9_999) // 1 ms before the renewed lease ends
    assert.equal(await claim('worker-b'), undefined)
    wall.advance(1)
    const second = await claim('worker-b')
    assert.equal(second?.attempt, 2)
    assert.equal(
      (await queue.find(id))?.lastError,
      'attempt 1 by worker-a ended without a result: its lease expired',
    )

    // Fencing: the first worker's late calls change nothing.
    assert.equal(await queue.complete(first), false)
    assert.equal(await queue.renew(first, LEASE_MS), false)
    assert.equal(await queue.fail(first, new Error('late'), clock.now()), false)
    assert.equal((await queue.find(id))?.leasedBy, 'worker-b')

    assert.equal(await queue.complete(second), true)
    assert.equal(await queue.complete(second), false) // done once
    const done = await queue.find(id)
    assert.ok(done)
    assert.deepEqual(
      [done.status, done.attempts, done.leasedBy, done.leaseUntil, done.finishedAt],
      ['done', 2, 'worker-b', null, at(W0, 19_000)],
    )
  })

  it('ends a job dead when its worker vanished during the last attempt', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock, wall } = fixture
    const id = await enqueueOne(fixture, { maxAttempts: 1 })
    assert.ok(await queue.claim({ workerId: 'worker-a', dueBy: clock.now(), leaseMs: LEASE_MS }))
    wall.advance(LEASE_MS)
    assert.equal(
      await queue.claim({ workerId: 'worker-b', dueBy: clock.now(), leaseMs: LEASE_MS }),
      undefined,
    )
    const dead = await queue.find(id)
    assert.ok(dead)
    assert.deepEqual(
      [dead.status, dead.attempts, dead.lastError, dead.finishedAt],
      ['dead', 1, 'attempt 1 by worker-a ended without a result: its lease expired', at(W0, LEASE_MS)],
    )
  })

  it('does not let a heartbeat that lands after a failure lease the job again', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock } = fixture
    const id = await enqueueOne(fixture)
    const job = await queue.claim({ workerId: 'worker-a', dueBy: clock.now(), leaseMs: LEASE_MS })
    assert.ok(job)
    assert.equal(await queue.fail(job, new Error('boom'), clock.now()), true)
    assert.equal(await queue.renew(job, LEASE_MS), false)
    assert.equal(await queue.complete(job), false)
    assert.equal((await queue.find(id))?.leaseUntil, null)
  })

  it('never hands the same job to two concurrent claimers', async (t) => {
    const { handle, queue, clock } = await queueFixture(t, dialect)
    const total = 60
    await queue.enqueue(
      handle.db,
      Array.from({ length: total }, (_, n) => jobRequest({ payload: { n } })),
    )
    const claimed: string[] = []
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (;;) {
          const job = await queue.claim({
            workerId: `worker-${worker}`,
            dueBy: clock.now(),
            leaseMs: LEASE_MS,
          })
          if (!job) return
          claimed.push(job.id)
        }
      }),
    )
    assert.equal(claimed.length, total)
    assert.equal(new Set(claimed).size, total)
    const attempts = await handle.db.selectFrom('jobs').select('attempts').execute()
    assert.ok(attempts.every((row) => row.attempts === 1))
  })

  it('coalesces: one job of a kind and key waits, a sooner request brings it forward, a running one does not count', async (t) => {
    const { handle, queue, clock } = await queueFixture(t, dialect)
    const coalescing = (dueAt: string, concurrencyKey = 'hook a') =>
      jobRequest({ kind: 'sender', payload: { hook: concurrencyKey }, dueAt, concurrencyKey, coalesce: true })
    const waiting = () =>
      handle.db
        .selectFrom('jobs')
        .select(['concurrency_key', 'due_at'])
        .where('status', '=', 'pending')
        .execute()

    assert.equal(await queue.enqueue(handle.db, [coalescing(at(T0, 60_000))]), 1, 'added')
    assert.equal(
      await queue.enqueue(handle.db, [coalescing(at(T0, 90_000))]),
      0,
      'later: the waiting one stays',
    )
    assert.equal(await queue.enqueue(handle.db, [coalescing(T0)]), 1, 'sooner: brought forward')
    assert.equal(
      await queue.enqueue(handle.db, [coalescing(T0, 'hook b')]),
      1,
      'another key: a job of its own',
    )
    assert.deepEqual((await waiting()).map((row) => [row.concurrency_key, row.due_at]).sort(), [
      ['hook a', T0],
      ['hook b', T0],
    ])

    const running = await queue.claim({ workerId: 'w', dueBy: clock.now(), leaseMs: LEASE_MS })
    assert.ok(running)
    assert.equal(await queue.enqueue(handle.db, [coalescing(T0, running.concurrencyKey ?? '')]), 1)
    assert.equal((await waiting()).filter((row) => row.concurrency_key === running.concurrencyKey).length, 2)

    await assert.rejects(
      queue.enqueue(handle.db, [jobRequest({ coalesce: true })]),
      /only a job with a concurrency key can coalesce/,
    )
  })

  it('in key order: a job of a key runs only after those written before it ended, a retry holding back the rest', async (t) => {
    const fixture = await queueFixture(t, dialect)
    const { queue, clock } = fixture
    const keyed = (n: number, concurrencyKey = 'order A') =>
      enqueueOne(fixture, { payload: { n }, concurrencyKey })
    // Written in the same millisecond of the wall clock, which the test's wall clock does not move.
    const first = await keyed(1)
    const second = await keyed(2)
    const other = await keyed(3, 'order B')
    const claim = (workerId: string) =>
      queue.claim({ workerId, dueBy: clock.now(), leaseMs: LEASE_MS, inKeyOrder: true })

    const running = await claim('worker-a')
    assert.equal(running?.id, first)
    // Another process sees the first one running: it may take the other key's job, not the second.
    assert.equal((await claim('worker-b'))?.id, other)
    assert.equal(await claim('worker-b'), undefined)

    // The first fails: while it waits for its retry, the second still waits behind it.
    assert.equal(await queue.fail(running, new Error('seller down'), clock.now()), true)
    assert.equal(await claim('worker-b'), undefined)
    clock.advance(1000)
    const retried = await claim('worker-b')
    assert.deepEqual([retried?.id, retried?.attempt], [first, 2])
    assert.ok(retried && (await queue.complete(retried)))
    assert.equal((await claim('worker-b'))?.id, second)

    // Without inKeyOrder, keys only bound concurrency per worker: claims take what is due.
    const third = await keyed(4)
    const fourth = await keyed(5)
    const unordered = new Set([third, fourth])
    for (const worker of ['worker-c', 'worker-d']) {
      const job = await queue.claim({ workerId: worker, dueBy: clock.now(), leaseMs: LEASE_MS })
      assert.ok(job && unordered.delete(job.id))
    }
  })
})
