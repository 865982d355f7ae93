// The event stream a feed or hook worker follows: every committed event exactly once, each order's versions in
// order, also when transactions commit in another order than they started (PostgreSQL).
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'
import { assertNothingWritten, insertEvents } from '../src/modules/orders/order-event.repository.ts'
import {
  prepareStoredOrders,
  readEventStream,
  takeVersionDocuments,
  versionKey,
  STREAM_START,
  type StreamPosition,
} from '../src/modules/orders/order.service.ts'
import { api } from './api.ts'
import { interactionEvent, singleOrder } from './fixtures.ts'
import { describeEachDialect, DIALECTS, startTestApp, type TestApp } from './harness.ts'
import { INTAKE_STATES } from './workflow-log.ts'

interface Seen {
  orderId: string
  orderVersion: number
  id: number
}

/** Reads the stream from `from` to its current end, in batches of `batch`. */
async function drain(
  test: TestApp,
  from: StreamPosition,
  batch = 7,
): Promise<{ seen: Seen[]; next: StreamPosition }> {
  const seen: Seen[] = []
  let next = from
  for (;;) {
    const page = await readEventStream(test.deps, next, batch)
    seen.push(...page.events.map(({ orderId, orderVersion, id }) => ({ orderId, orderVersion, id })))
    next = page.next
    if (page.events.length < batch) return { seen, next }
  }
}

/**
 * Reads until `count` events have come. On PostgreSQL a transaction of another test process that is still
 * running holds the stream back for a moment (the horizon is the server's), so the reader waits on the events.
 */
async function drainUntil(test: TestApp, from: StreamPosition, count: number) {
  const seen: Seen[] = []
  let next = from
  // A lost event must fail the test, not hang the run; no loaded machine needs this long.
  const giveUp = Date.now() + 120_000
  while (seen.length < count) {
    if (Date.now() > giveUp) assert.fail(`the stream gave ${seen.length} of ${count} events`)
    const page = await drain(test, next)
    seen.push(...page.seen)
    next = page.next
    if (seen.length < count) await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return { seen, next }
}

const append = (db: Db, orderId: string, orderVersion: number) =>
  insertEvents(db, [
    {
      account: 'acme',
      orderId,
      orderVersion,
      origin: { account: 'acme', key: 'test' },
      createdAt: '2026-03-02T12:00:00.000Z',
      events: [interactionEvent(`${orderId} v${orderVersion}`)],
    },
  ])

/** Each order's versions appear in ascending order, and no event appears twice. */
function assertOrderly(seen: readonly Seen[]): void {
  assert.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'an event was read twice')
  const last = new Map<string, number>()
  for (const event of seen) {
    assert.ok(event.orderVersion >= (last.get(event.orderId) ?? 0), `${event.orderId} went back in versions`)
    last.set(event.orderId, event.orderVersion)
  }
}

describeEachDialect('order event stream', (dialect) => {
  it('reads every event of concurrent real changes exactly once, each order in version order', async (t) => {
    const test = await startTestApp(t, dialect)
    const orders = await Promise.all(
      ['S1', 'S2', 'S3'].map(
        async (tag) => (await api(test).placeOk(singleOrder(tag))).orders[0]?.orderId ?? '',
      ),
    )
    let position = STREAM_START
    const seen: Seen[] = []
    let writing = true
    // The reader polls while the writers race; whatever it reads before they finish must already be final.
    const reader = (async () => {
      while (writing) {
        const page = await drain(test, position)
        seen.push(...page.seen)
        position = page.next
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    const writes = orders.flatMap((orderId) =>
      Array.from({ length: 15 }, (_, i) =>
        api(test).send('POST', `/api/oms/pvt/orders/${orderId}/interactions`, {
          source: 'ERP',
          message: `m${i}`,
        }),
      ),
    )
    for (const res of await Promise.all(writes)) assert.equal(res.statusCode, 200, res.body)
    writing = false
    await reader
    const stored = await test.deps.db.selectFrom('order_events').select(['id']).execute()
    seen.push(...(await drainUntil(test, position, stored.length - seen.length)).seen)

    assert.equal(seen.length, stored.length, 'every stored event was read')
    assertOrderly(seen)
    for (const orderId of orders) {
      const versions = seen.filter((e) => e.orderId === orderId).map((e) => e.orderVersion)
      assert.equal(Math.max(...versions), 16, `${orderId}: the intake version and 15 interactions`)
    }
  })

  it('keeps the document of the version a change replaced, and hands out the current one from the order', async (t) => {
    const test = await startTestApp(t, dialect)
    const { db } = test.deps
    const orderId = (await api(test).placeOk(singleOrder('KEPT'))).orders[0]?.orderId ?? ''
    const stored = () =>
      db
        .selectFrom('orders')
        .select(['account', 'version', 'document'])
        .where('order_id', '=', orderId)
        .executeTakeFirstOrThrow()
    const kept = () =>
      db.selectFrom('order_version_documents').select('version').where('order_id', '=', orderId).execute()
    const placed = await stored()
    assert.deepEqual(await kept(), [], 'a placement writes its document once, as the order')
    const res = await api(test).cancel(orderId, { reason: 'a new version, with a new document' })
    assert.equal(res.statusCode, 200, res.body)
    const current = await stored()
    assert.equal(current.version, placed.version + 1)
    assert.notEqual(current.document, placed.document)
    assert.deepEqual(await kept(), [{ version: placed.version }])
    const range = { account: current.account, orderId, upTo: current.version }
    const taken = await db.transaction().execute((trx) => takeVersionDocuments(trx, [range], true))
    assert.equal(taken.get(versionKey(current.account, orderId, placed.version)), placed.document)
    assert.equal(taken.get(versionKey(current.account, orderId, current.version)), current.document)
    assert.deepEqual(await kept(), [], 'the kept document is forgotten once taken')
  })

  it('hands out and forgets the documents of the versions asked for, for many orders at once', async (t) => {
    const test = await startTestApp(t, dialect)
    const { db } = test.deps
    // More orders than one statement names, each with three versions of which the first two are taken.
    const orders = Array.from({ length: 450 }, (_, index) => `DOC-${index}-01`)
    const rows = orders.flatMap((orderId) =>
      [1, 2, 3].map((version) => ({
        account: 'acme',
        order_id: orderId,
        version,
        document: `${orderId}@${version}`,
      })),
    )
    for (let start = 0; start < rows.length; start += 500) {
      await db
        .insertInto('order_version_documents')
        .values(rows.slice(start, start + 500))
        .execute()
    }
    const ranges = orders.map((orderId) => ({ account: 'acme', orderId, upTo: 2 }))
    const taken = await db.transaction().execute((trx) => takeVersionDocuments(trx, ranges, true))
    assert.equal(taken.size, 900)
    assert.equal(taken.get(versionKey('acme', 'DOC-449-01', 2)), 'DOC-449-01@2')
    assert.equal(taken.get(versionKey('acme', 'DOC-0-01', 3)), undefined, 'a later version is not taken')
    const left = await db.selectFrom('order_version_documents').select(['order_id', 'version']).execute()
    assert.equal(left.length, 450)
    assert.ok(left.every((row) => row.version === 3))
    // Without a reader of documents, the versions are forgotten all the same.
    const none = await db.transaction().execute((trx) =>
      takeVersionDocuments(
        trx,
        ranges.map((range) => ({ ...range, upTo: 3 })),
        false,
      ),
    )
    assert.equal(none.size, 0)
    assert.equal((await db.selectFrom('order_version_documents').select('version').execute()).length, 0)
  })
})

if (DIALECTS.includes('postgres')) {
  it('[postgres] never skips an event whose transaction commits after later ones', async (t) => {
    const test = await startTestApp(t, 'postgres')
    const { db } = test.deps
    await append(db, 'BEFORE-01', 1)
    const start = await drainUntil(test, STREAM_START, 1)
    assert.deepEqual(
      start.seen.map((e) => e.orderId),
      ['BEFORE-01'],
    )

    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let appended!: () => void
    const lateAppended = new Promise<void>((resolve) => (appended = resolve))
    // Takes its transaction id and its event id first, then stays open while later transactions commit.
    const late = db.transaction().execute(async (trx) => {
      await append(trx, 'LATE-01', 1)
      appended()
      await released
    })
    await lateAppended
    for (let version = 1; version <= 3; version++) await append(db, 'EARLY-01', version)
    await append(db, 'EARLY-02', 1)

    // A reader that trusts ids would now move past the late event's id for good.
    const naive = await db
      .selectFrom('order_events')
      .select(['id', 'order_id'])
      .where('id', '>', start.seen.at(-1)?.id ?? 0)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      naive.map((e) => e.order_id),
      ['EARLY-01', 'EARLY-01', 'EARLY-01', 'EARLY-02'],
    )

    // The stream waits instead: nothing after the open transaction is visible yet.
    const blocked = await drain(test, start.next)
    assert.deepEqual(blocked.seen, [])
    assert.deepEqual(blocked.next, start.next)

    release()
    await late
    const after = await drainUntil(test, blocked.next, 5)
    assert.deepEqual(
      after.seen.map((e) => `${e.orderId} v${e.orderVersion}`),
      ['LATE-01 v1', 'EARLY-01 v1', 'EARLY-01 v2', 'EARLY-01 v3', 'EARLY-02 v1'],
    )
    assertOrderly([...start.seen, ...after.seen])
    assert.deepEqual((await drain(test, after.next)).seen, [], 'nothing is read twice')
  })

  it('[postgres] stays in order when the database moves to a server whose transaction ids are behind', async (t) => {
    const test = await startTestApp(t, 'postgres')
    const order = (await api(test).placeOk(singleOrder('RESTORE'))).orders[0]
    assert.ok(order)
    await drainUntil(test, STREAM_START, INTAKE_STATES.length)
    // What a dump restored onto another server looks like: stored transaction ids far ahead of the server's.
    await sql`update order_events set tx_id = tx_id + 100000000`.execute(test.deps.db)
    assert.deepEqual((await drain(test, STREAM_START)).seen, [], 'every stored event looks unfinished')

    await prepareStoredOrders(test.deps) // what `ordo serve` does on start
    const old = await drainUntil(test, STREAM_START, INTAKE_STATES.length)
    assert.deepEqual(
      old.seen.map((e) => e.orderVersion),
      INTAKE_STATES.map(() => 1),
    )
    const logged = await api(test).send('POST', `/api/oms/pvt/orders/${order.orderId}/interactions`, {
      source: 'ERP',
      message: 'after the restore',
    })
    assert.equal(logged.statusCode, 200, logged.body)
    const fresh = await drainUntil(test, old.next, 1)
    assert.deepEqual(
      fresh.seen.map((e) => e.orderVersion),
      [2],
      'a reader that had caught up gets the new event, after the old ones',
    )
    assertOrderly([...old.seen, ...fresh.seen])
  })

  it('[postgres] refuses an order change whose transaction wrote before it read the order', async (t) => {
    const test = await startTestApp(t, 'postgres')
    const { db, dialect } = test.deps
    await db.transaction().execute(async (trx) => {
      await assertNothingWritten({ db: trx, dialect })
      await append(trx, 'FIRST-01', 1)
      await assert.rejects(assertNothingWritten({ db: trx, dialect }), /wrote before it read/)
    })
  })
}
