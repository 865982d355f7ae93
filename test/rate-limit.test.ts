// Per-account rate limits from settings: 429 in the envelope with Retry-After beyond the limit, per account
// and group of routes, off at 0, and shared by processes on one PostgreSQL database.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createKey } from '../src/modules/access/access.service.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import { RATE_LIMITED_ROUTES } from '../src/modules/accounts/rate-limit.guard.ts'
import { ManualClock } from '../src/platform/clock.ts'
import { createJobQueue } from '../src/worker/job-queue.ts'
import { api, errorCode } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { DIALECTS, describeEachDialect, freshDatabase, keyHeaders, startTestApp } from './harness.ts'
import { assembleDeps } from '../src/assemble.ts'

const SETTINGS = '/api/ordo/pvt/settings'

const statuses = (responses: LightMyRequestResponse[]) => responses.map((res) => res.statusCode)

function assertTooManyRequests(res: LightMyRequestResponse, retryAfterSeconds: number): void {
  assert.equal(res.statusCode, 429, res.body)
  assert.equal(errorCode(res), 'OMS015')
  assert.deepEqual(Object.keys(res.json<{ error: object }>().error), ['code', 'message', 'exception'])
  assert.equal(res.headers['retry-after'], String(retryAfterSeconds))
}

describeEachDialect('rate limits', (dialect) => {
  it('answer 429 with Retry-After beyond an account limit, until the minute is over', async (t) => {
    const test = await startTestApp(t, dialect)
    const client = api(test)
    const [order] = (await client.placeOk(singleOrder('limit'))).orders
    assert.ok(order)
    const put = await client.send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 3 } })
    assert.equal(put.statusCode, 200, put.body)

    test.clock.advance(15_000) // 12:00:15: the minute ends in 45 s
    const first = [
      await client.get(order.orderId),
      await client.get(order.orderId),
      await client.get(order.orderId),
    ]
    assert.deepEqual(statuses(first), [200, 200, 200])
    assertTooManyRequests(await client.get(order.orderId), 45)
    // HEAD is Get order without the body: it is refused too, not a way around the limit.
    const head = await test.app.inject({
      method: 'HEAD',
      url: `/api/oms/pvt/orders/${order.orderId}`,
      headers: test.headers,
    })
    assert.equal(head.statusCode, 429)
    // Other groups of routes count on their own: the order group's limit is not used up.
    const group = await client.send('GET', `/api/oms/pvt/orders/order-group/${order.orderGroup}`)
    assert.equal(group.statusCode, 200, group.body)
    // Another account's limit is its own.
    await createAccount(test.deps, 'other')
    const other = api(
      test,
      keyHeaders(await createKey(test.deps, { account: 'other', roles: ['OMS - Full access'] })),
    )
    assert.equal((await other.get(order.orderId)).statusCode, 404)

    test.clock.advance(45_000)
    assert.equal((await client.get(order.orderId)).statusCode, 200)
  })

  it('count requests that arrive together exactly, one number each', async (t) => {
    const test = await startTestApp(t, dialect)
    const client = api(test)
    const [order] = (await client.placeOk(singleOrder('together'))).orders
    assert.ok(order)
    await client.send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 5 } })
    const answers = await Promise.all(Array.from({ length: 12 }, () => client.get(order.orderId)))
    assert.deepEqual(statuses(answers).sort(), [200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429])
  })

  it('are off at 0, at once, and other routes have none unless set', async (t) => {
    const test = await startTestApp(t, dialect)
    const client = api(test)
    const [order] = (await client.placeOk(singleOrder('off'))).orders
    assert.ok(order)
    await client.send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 1 } })
    assert.equal((await client.get(order.orderId)).statusCode, 200)
    assert.equal((await client.get(order.orderId)).statusCode, 429)
    await client.send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 0 } })
    for (let i = 0; i < 5; i++) assert.equal((await client.get(order.orderId)).statusCode, 200)
    for (let i = 0; i < 5; i++) assert.equal((await client.timeline(order.orderId)).statusCode, 200)

    await client.send('PUT', SETTINGS, { rateLimits: { orderDetailsPerMinute: 2 } })
    assert.equal((await client.timeline(order.orderId)).statusCode, 200)
    assert.equal((await client.timeline(order.orderId)).statusCode, 200)
    assertTooManyRequests(await client.timeline(order.orderId), 60)
  })

  it('apply to routes that exist', async (t) => {
    const { app } = await startTestApp(t, dialect)
    for (const route of Object.keys(RATE_LIMITED_ROUTES)) {
      const [method, url] = route.split(' ') as ['GET' | 'POST', string]
      assert.ok(app.hasRoute({ method, url }), route)
    }
  })
})

it(
  'are shared by two servers on one PostgreSQL database',
  { skip: !DIALECTS.includes('postgres') },
  async (t) => {
    const database = await freshDatabase('postgres')
    const clock = new ManualClock('2026-03-02T12:00:00.000Z')
    const servers = await Promise.all(
      [0, 1].map(async () => {
        const handle = openDatabase({ databaseUrl: database.url, sqlitePath: ':memory:' })
        const deps = assembleDeps(handle, clock, createJobQueue(handle))
        return { deps, app: await buildApp(deps) }
      }),
    )
    t.after(async () => {
      for (const { app, deps } of servers) {
        await app.close()
        await deps.db.destroy()
      }
      await database.drop()
    })
    const [one, two] = servers
    assert.ok(one && two)
    await migrateToLatest(one.deps)
    await createAccount(one.deps, 'acme')
    const headers = keyHeaders(await createKey(one.deps, { account: 'acme', roles: ['OMS - Full access'] }))
    const inject = (server: typeof one, method: 'GET' | 'PUT', url: string, payload?: unknown) =>
      server.app.inject({
        method,
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as object }),
      })
    assert.equal(
      (await inject(one, 'PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 4 } })).statusCode,
      200,
    )

    const order = '/api/oms/pvt/orders/1234567890123-01'
    const answers = []
    for (const server of [one, two, one, two, one, two]) answers.push(await inject(server, 'GET', order))
    assert.deepEqual(statuses(answers), [404, 404, 404, 404, 429, 429])
    assertTooManyRequests(answers[5] as LightMyRequestResponse, 60)
  },
)
