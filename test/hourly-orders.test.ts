// Ordo's orders per hour and status against brute force: orders placed at several clock times across hours and
// days, some moved through statuses, are counted per UTC hour from the counters exactly as grouping their Get
// order documents by hand counts them; the counts follow a status change; the statement reads a range of the
// counters' primary key on both databases; and malformed ranges are refused naming the parameter.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { CompiledQuery, sql } from 'kysely'
import { api, errorCode } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { insertRuns } from '../src/db/database.ts'
import { ORDER_STATUSES } from '../src/modules/orders/order-status.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import type { HourlyOrdersDocument } from '../src/modules/search/search.schemas.ts'
import { hourlyCountsQuery } from '../src/modules/search/search.repository.ts'

const HOURLY = '/api/ordo/pvt/orders/stats/hourly'
const HOUR_MS = 3_600_000

type Hour = HourlyOrdersDocument['hours'][number]

/**
 * Places an order at each offset (minutes after the clock's start, increasing) and leaves it in a status by its
 * place: placed (payment-pending), approved (ready-for-handling), canceled or handling. Returns their ids.
 */
async function placeAtTimes(test: TestApp, minutes: readonly number[], tag = 'H'): Promise<string[]> {
  const client = api(test)
  await client.send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const start = test.clock.now().getTime()
  const ids: string[] = []
  for (const [i, offset] of minutes.entries()) {
    test.clock.advance(start + offset * 60_000 - test.clock.now().getTime())
    const order = (await client.placeOk(singleOrder(`${tag}-${i}`))).orders[0]
    assert.ok(order)
    ids.push(order.orderId)
    const stage = i % 4
    if (stage === 0) continue
    if (stage === 2) {
      assert.equal((await client.cancel(order.orderId)).statusCode, 200)
      continue
    }
    for (const payment of order.paymentData.transactions[0]?.payments ?? []) {
      assert.equal((await client.notifyPayment(order.orderId, payment.id)).statusCode, 200)
    }
    if (stage === 3) assert.equal((await client.startHandling(order.orderId)).statusCode, 204)
  }
  return ids
}

/** The hours that begin in [from, to), per current status, counted from the documents by hand. */
function bruteForce(docs: readonly OrderDocument[], from: string, to: string): Hour[] {
  const counts = new Map<string, Hour>()
  for (const doc of docs) {
    const created = Date.parse(doc.creationDate)
    const hourStart = Math.floor(created / HOUR_MS) * HOUR_MS
    if (hourStart < Date.parse(from) || hourStart >= Date.parse(to)) continue
    const hour = new Date(hourStart).toISOString().slice(0, 13)
    const key = `${hour} ${doc.status}`
    const counted = counts.get(key) ?? { hour, status: doc.status, orders: 0 }
    counted.orders++
    counts.set(key, counted)
  }
  return [...counts.values()].sort((a, b) =>
    a.hour === b.hour ? (a.status < b.status ? -1 : 1) : a.hour < b.hour ? -1 : 1,
  )
}

async function hourly(test: TestApp, from: string, to: string): Promise<HourlyOrdersDocument> {
  const query = new URLSearchParams({ from, to })
  const res = await api(test).send('GET', `${HOURLY}?${query.toString()}`)
  assert.equal(res.statusCode, 200, res.body)
  return res.json<HourlyOrdersDocument>()
}

/** Ranges over the orders' days, whole hours and not, in UTC and in time zones off by whole and odd hours. */
const RANGES: [from: string, to: string][] = [
  ['2026-03-01T00:00:00.000Z', '2026-03-06T00:00:00.000Z'],
  ['2026-03-02T12:00:00.000Z', '2026-03-02T13:00:00.000Z'],
  ['2026-03-02T12:30:00.000Z', '2026-03-03T12:30:00.000Z'],
  ['2026-03-02T00:00:00-03:00', '2026-03-03T00:00:00-03:00'],
  ['2026-03-03T00:00:00-03:00', '2026-03-04T00:00:00-03:00'],
  ['2026-03-02T00:00:00+05:30', '2026-03-03T00:00:00+05:30'],
  ['2026-03-03T00:00:00+05:30', '2026-03-04T00:00:00+05:30'],
  ['2026-03-02T12:10:00.000Z', '2026-03-02T12:50:00.000Z'],
  ['2026-03-02T14:00:00.000Z', '2026-03-02T14:00:00.001Z'],
]

describeEachDialect('orders per hour and status', (dialect) => {
  it('counts each UTC hour as brute force over the orders does, and follows a status change', async (t) => {
    const test = await startTestApp(t, dialect)
    // From 2026-03-02T12:00Z: within the first hour, on both sides of hour and day boundaries, two days on.
    const ids = await placeAtTimes(test, [
      0,
      1,
      30,
      59,
      60,
      61,
      119,
      150,
      300,
      11 * 60 + 59,
      12 * 60,
      12 * 60 + 1,
      13 * 60 + 45,
      36 * 60 + 5,
    ])
    // Another account's orders at the same hours are not counted.
    const partner = api(test, await test.newKey(['OMS - Full access'], 'partner'))
    await partner.placeOk(singleOrder('OTHER-1'))
    const docs = async () => Promise.all(ids.map((id) => api(test).getOk(id)))
    const before = await docs()
    assert.ok(new Set(before.map((doc) => doc.status)).size >= 4, 'orders in several statuses')
    for (const [from, to] of RANGES) {
      const got = await hourly(test, from, to)
      assert.deepEqual(
        got,
        {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          hours: bruteForce(before, from, to),
        },
        `${from} ${to}`,
      )
    }
    const [whole] = RANGES
    assert.ok(whole)
    const all = await hourly(test, ...whole)
    assert.equal(
      all.hours.reduce((sum, hour) => sum + hour.orders, 0),
      ids.length,
    )

    // Moved on, an order leaves its status's count for its new status's, in the hour it was created.
    const pending = before.find((doc) => doc.status === 'payment-pending')
    const handling = before.find((doc) => doc.status === 'ready-for-handling')
    assert.ok(pending && handling)
    assert.equal((await api(test).cancel(pending.orderId)).statusCode, 200)
    assert.equal((await api(test).startHandling(handling.orderId)).statusCode, 204)
    const after = await docs()
    assert.equal(after.find((doc) => doc.orderId === pending.orderId)?.status, 'canceled')
    for (const [from, to] of RANGES) {
      assert.deepEqual((await hourly(test, from, to)).hours, bruteForce(after, from, to), `${from} ${to}`)
    }
    const hourOf = (doc: OrderDocument) => new Date(doc.creationDate).toISOString().slice(0, 13)
    const countOf = (hours: Hour[], hour: string, status: string) =>
      hours.find((each) => each.hour === hour && each.status === status)?.orders ?? 0
    const moved = (await hourly(test, ...whole)).hours
    assert.equal(
      countOf(moved, hourOf(pending), 'canceled'),
      countOf(all.hours, hourOf(pending), 'canceled') + 1,
    )
    assert.equal(
      countOf(moved, hourOf(pending), 'payment-pending'),
      countOf(all.hours, hourOf(pending), 'payment-pending') - 1,
    )
  })

  it('reads a range of the counters primary key for each status, never the orders', async (t) => {
    const test = await startTestApp(t, dialect)
    await placeAtTimes(test, [0, 90, 24 * 60])
    // Two months of older counters, as a store running for a while has, so that the planner weighs real ranges.
    const { db } = test.deps
    const older = Array.from({ length: 60 * 24 }, (_, n) =>
      new Date(Date.parse('2025-12-01T00:00:00Z') + n * HOUR_MS).toISOString().slice(0, 13),
    ).flatMap((value) =>
      ['', 'payment-pending', 'ready-for-handling', 'handling', 'invoiced', 'canceled'].flatMap((status) =>
        ['', value.slice(0, 10)].map((day) => ({
          account: 'acme',
          facet: 'creation_date hour',
          status,
          day,
          value,
          orders: 1,
        })),
      ),
    )
    for (const run of insertRuns(older)) await db.insertInto('order_search_facets').values(run).execute()
    await sql`analyze`.execute(db)
    const hours = { first: '2026-03-01T03', last: '2026-03-04T02' }
    const query = hourlyCountsQuery(db, 'acme', ORDER_STATUSES, hours).compile()
    const explain = async (prefix: string) =>
      (
        await db.executeQuery<Record<string, string>>(
          CompiledQuery.raw(`${prefix} ${query.sql}`, [...query.parameters]),
        )
      ).rows
    if (dialect === 'sqlite') {
      const details = (await explain('explain query plan')).map((row) => row.detail)
      assert.deepEqual(details, [
        'SEARCH order_search_facets USING INDEX sqlite_autoindex_order_search_facets_1 (account=? AND facet=? AND status=? AND day=? AND value>? AND value<?)',
      ])
      return
    }
    const plan = (await explain('explain')).map((row) => row['QUERY PLAN']).join('\n')
    assert.match(
      plan,
      // The primary key, or the counters' value index (migration 0021), which leads with the same columns.
      /Index (Only )?Scan (on|using) order_search_facets_(pk|value_idx)/,
      plan,
    )
    assert.doesNotMatch(plan, /Seq Scan|order_search /, plan)
    const condition = /Index Cond: (.*)/.exec(plan)?.[1] ?? ''
    for (const part of [/account = /, /facet = /, /status = ANY /, /day = ''/, /value >= /, /value <= /]) {
      assert.match(condition, part, plan)
    }
  })

  it('refuses a missing, malformed, backward or too long range with a 400 that names the parameter', async (t) => {
    const test = await startTestApp(t, dialect)
    const ok = '2026-03-01T00:00:00.000Z'
    for (const [query, named] of [
      ['', /from is required/],
      [`from=${ok}`, /to is required/],
      [`to=${ok}`, /from is required/],
      [`from=yesterday&to=${ok}`, /from must be an ISO 8601 instant with its offset.*"yesterday"/],
      [`from=${ok}&to=2026-03-02`, /to must be an ISO 8601 instant/],
      [`from=2026-03-01T00:00:00&to=${ok}`, /from must be an ISO 8601 instant/],
      [`from=2026-02-30T00:00:00Z&to=${ok}`, /from must be an ISO 8601 instant/],
      [`from=&to=${ok}`, /from must be an ISO 8601 instant/],
      [`from=${ok}&to=${ok}`, /to must be after from/],
      [`from=2026-03-02T00:00:00Z&to=${ok}`, /to must be after from/],
      [`from=${ok}&to=2026-06-02T00:00:00.001Z`, /to must be at most 93 days after from/],
      [
        `from=${ok}&to=2026-03-02T00:00:00Z&status=handling`,
        /status is not allowed \(allowed: from, to, an, accountName\)/,
      ],
      [`from=${ok}&to=2026-03-02T00:00:00Z&from=${ok}`, /from must be of type string/],
      [`from=${'2'.repeat(101)}&to=${ok}`, /from must be at most 100 characters/],
    ] as const) {
      const res = await api(test).send('GET', `${HOURLY}?${query.replaceAll('+', '%2B')}`)
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001', query)
      assert.equal(res.json<{ error: { exception: unknown } }>().error.exception, null)
      assert.match(res.json<{ error: { message: string } }>().error.message, named, query)
    }
    // The account's name is taken as on every route: the caller's own is answered, another's refused.
    const named = (an: string) =>
      api(test).send('GET', `${HOURLY}?from=${ok}&to=2026-03-02T00:00:00Z&an=${an}`)
    assert.equal((await named('acme')).statusCode, 200)
    assert.equal((await named('partner')).statusCode, 403)
    // 93 days exactly is answered; the ends are echoed in UTC.
    const longest = await hourly(test, ok, '2026-06-02T00:00:00+00:00')
    assert.deepEqual(longest, { from: ok, to: '2026-06-02T00:00:00.000Z', hours: [] })
  })
})
