// Get order answers from memory, and memory forgets an order when it changes: at once when this process changed
// it (before the change is acknowledged), within the commit watch's bound when another process did.
import assert from 'node:assert/strict'
import { it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { buildApp } from '../src/app.ts'
import { assembleDeps } from '../src/assemble.ts'
import { COMMIT_WATCH_NAME } from '../src/db/commit-watch.ts'
import { createJobQueue } from '../src/worker/job-queue.ts'
import { api } from './api.ts'
import { exampleOrder, singleOrder } from './fixtures.ts'
import type { Dialect } from '../src/db/database.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

/** What the database holds for the order: what Get order must answer once a change was acknowledged. */
async function stored(test: TestApp, orderId: string): Promise<unknown> {
  const row = await test.deps.db
    .selectFrom('orders')
    .select('document')
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow()
  return JSON.parse(row.document)
}

const cacheHits = (test: TestApp) => test.deps.documents.stats().hits

/** On PostgreSQL memory answers once the commit watch listens, which the first read starts. */
async function untilListening(test: TestApp): Promise<void> {
  while (!test.deps.commits.caughtUp()) await sleep(10)
}

/** Another process on the same database, serving the same API: its own connections, cache and commit watch. */
async function otherProcess(test: TestApp) {
  const handle = test.openAgain()
  const app = await buildApp(assembleDeps(handle, test.clock, createJobQueue(handle)))
  return {
    app,
    close: async () => {
      await app.close()
      await handle.db.destroy()
    },
  }
}

/** Two orders ready for handling, each read once, so that memory holds them. */
async function twoRemembered(t: TestContext, dialect: Dialect) {
  const test = await startTestApp(t, dialect, { file: true })
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const changed = (await api(test).approvedOrder(singleOrder('CHANGED'))).orderId
  const kept = (await api(test).approvedOrder(singleOrder('KEPT'))).orderId
  await untilListening(test)
  for (const id of [changed, kept]) await api(test).getOk(id)
  return { test, changed, kept }
}

/** Another process starts handling the order, and is gone once it answered. */
async function startedElsewhere(test: TestApp, orderId: string): Promise<void> {
  const other = await otherProcess(test)
  try {
    const started = await other.app.inject({
      method: 'POST',
      url: `/api/oms/pvt/orders/${orderId}/start-handling`,
      headers: test.headers,
    })
    assert.equal(started.statusCode, 204, started.body)
  } finally {
    await other.close()
  }
}

describeEachDialect('Get order from memory', (dialect) => {
  it('answers every acknowledged change at once, also with reads in flight as it commits', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const placed = await api(test).placeOk(exampleOrder())
    const ids = placed.orders.map((order) => order.orderId)
    const [first] = placed.orders
    assert.ok(first && ids.length === 2)
    const paymentId = first.paymentData.transactions[0]?.payments[0]?.id ?? ''
    const invoice = {
      type: 'Output',
      invoiceNumber: 'NF-1',
      issuanceDate: '2026-03-02T10:00:00-03:00',
      invoiceValue: first.value,
      trackingNumber: 'TRK-1',
      courier: 'Transportadora',
    }
    // Each is acknowledged with a 2xx; the payment changes the whole group at once.
    const changes = [
      () => api(test).notifyPayment(first.orderId, paymentId),
      () => api(test).startHandling(first.orderId),
      () =>
        api(test).send('POST', `/api/oms/pvt/orders/${first.orderId}/interactions`, {
          source: 'ERP',
          message: 'picked',
        }),
      () => api(test).invoice(first.orderId, invoice),
      () =>
        api(test).trackingStatus(first.orderId, 'NF-1', {
          isDelivered: true,
          deliveredDate: '2026-03-05T15:00:00.000Z',
          events: [
            {
              city: 'Rio de Janeiro',
              state: 'RJ',
              description: 'Entregue',
              date: '2026-03-05T15:00:00.000Z',
            },
          ],
        }),
    ]
    await untilListening(test)
    for (const id of ids) await api(test).getOk(id) // remembered from here on
    const sequences = placed.orders.map((order) => `seq${order.sequence}`)
    for (const change of changes) {
      const inFlight = [...ids, ...sequences].map((id) => api(test).get(id))
      const res = await change()
      assert.ok(res.statusCode < 300, res.body)
      await Promise.all(inFlight)
      for (const [index, id] of ids.entries()) {
        const now = await stored(test, id)
        assert.deepEqual(await api(test).getOk(id), now, res.body)
        assert.deepEqual(await api(test).getOk(sequences[index] ?? ''), now, res.body)
      }
    }
    assert.equal((await api(test).getOk(first.orderId)).status, 'invoiced')
  })

  it('forgets only the order that changed', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const [kept, changed] = await Promise.all(
      ['KEPT', 'CHANGED'].map(async (tag) => (await api(test).approvedOrder(singleOrder(tag))).orderId),
    )
    assert.ok(kept && changed)
    await untilListening(test)
    for (const id of [kept, changed]) await api(test).getOk(id)
    assert.equal((await api(test).startHandling(changed)).statusCode, 204)
    const hits = cacheHits(test)
    await api(test).getOk(kept)
    assert.equal(cacheHits(test), hits + 1, 'the unchanged order is still in memory')
    assert.equal((await api(test).getOk(changed)).status, 'handling')
    assert.equal(cacheHits(test), hits + 1, 'the changed one was read again')
    await api(test).getOk(changed)
    assert.equal(cacheHits(test), hits + 2)
  })

  it("answers another process's change once the commit watch's bound has passed, and keeps the other orders", async (t) => {
    const { test, changed, kept } = await twoRemembered(t, dialect)
    const hits = cacheHits(test)
    assert.equal((await api(test).getOk(changed)).status, 'ready-for-handling')
    assert.equal(cacheHits(test), hits + 1, 'remembered')
    await startedElsewhere(test, changed)
    // The bound is the contract: a read that starts this long after the acknowledgement sees the change,
    // however busy the machine (a slow machine only makes the wait longer).
    await sleep(test.deps.commits.boundMs)
    assert.equal((await api(test).getOk(changed)).status, 'handling')
    assert.deepEqual(await api(test).getOk(changed), await stored(test, changed))
    const before = cacheHits(test)
    await api(test).getOk(kept)
    assert.equal(cacheHits(test), before + 1, 'the order the other process did not change is still in memory')
  })

  if (dialect === 'sqlite') {
    it('forgets everything when changes it has not read were pruned from the commit log', async (t) => {
      const { test, changed, kept } = await twoRemembered(t, dialect)
      await startedElsewhere(test, changed)
      // As the log's pruning leaves it for a server that has not looked for a long while: the row naming the
      // change is gone, a newer one (about another order) is there.
      const handle = test.openAgain()
      try {
        await sql`delete from commit_log`.execute(handle.db)
        const payload = 'elsewhere\nacme\t0000000000000-01'
        await sql`insert into commit_log (payload) values (${payload})`.execute(handle.db)
      } finally {
        await handle.db.destroy()
      }
      await sleep(test.deps.commits.boundMs)
      assert.equal((await api(test).getOk(changed)).status, 'handling')
      const hits = cacheHits(test)
      await api(test).getOk(kept)
      assert.equal(cacheHits(test), hits, 'read again: what else changed is unknown')
    })
  }

  if (dialect === 'postgres') {
    it('reads from the database while it cannot listen, and forgets everything once it listens again', async (t) => {
      const test = await startTestApp(t, dialect)
      const placed = await api(test).placeOk(singleOrder('UNHEARD'))
      const orderId = placed.orders[0]?.orderId ?? ''
      await untilListening(test)
      await api(test).getOk(orderId)
      const hits = cacheHits(test)
      await api(test).getOk(orderId)
      assert.equal(cacheHits(test), hits + 1, 'remembered')
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = ${COMMIT_WATCH_NAME} and datname = current_database()`.execute(test.deps.db)
      // A change nobody announces: only a cache that asks the database, or forgot everything, shows it.
      await test.deps.db
        .updateTable('orders')
        .set({ document: JSON.stringify({ ...placed.orders[0], followUpEmail: 'unheard@example.com' }) })
        .where('order_id', '=', orderId)
        .execute()
      await sleep(test.deps.commits.boundMs)
      assert.equal((await api(test).getOk(orderId)).followUpEmail, 'unheard@example.com')
      await untilListening(test)
      await api(test).getOk(orderId)
      const again = cacheHits(test)
      assert.equal((await api(test).getOk(orderId)).followUpEmail, 'unheard@example.com')
      assert.equal(cacheHits(test), again + 1, 'remembered again once listening')
    })
  }
})
