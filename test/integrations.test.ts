// Ordo's integrations overview and the delivery log of another key's hook: every feed and hook of the caller's
// account with its queue and delivery counts as the tables hold them, never a header value or secret, never
// another account's; and the delivery-log routes acting on another key of the account with appKey.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api, errorCode } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { hookReceiver, type HookReceiver } from './hook-receiver.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import type { HookDeliveryDocument } from '../src/modules/feed/hook.schemas.ts'
import type { IntegrationsDocument } from '../src/modules/feed/integrations.schemas.ts'

const INTEGRATIONS = '/api/ordo/pvt/integrations'
const DELIVERIES = '/api/ordo/pvt/hook/deliveries'
const SECRET = `whsec_${Buffer.from('b'.repeat(32)).toString('base64')}`
const ERP_TOKEN = 'erp-token-value'

interface Setup {
  test: TestApp
  /** The admin's own key (test.headers) has a feed and a hook whose receiver answers 200. */
  adminKey: string
  /** A hook (signed, receiver answering 503) and no feed. */
  hooked: { key: string; headers: Record<string, string>; receiver: HookReceiver }
  /** A feed and no hook. */
  fed: { key: string; headers: Record<string, string> }
  /** A key of the account with neither. */
  bare: { key: string; headers: Record<string, string> }
  /** A key of another account, with a feed and a hook. */
  foreign: { key: string; headers: Record<string, string> }
  orders: string[]
}

const appKeyOf = (headers: Record<string, string>) => headers['x-vtex-api-appkey'] ?? ''

async function hookFor(test: TestApp, headers: Record<string, string>, url: string, extra: object = {}) {
  const res = await api(test, headers).send('POST', '/api/orders/hook/config', {
    filter: { type: 'FromWorkflow' },
    hook: { url, headers: { Authorization: `Bearer ${ERP_TOKEN}`, 'X-Tenant': 'acme-erp' } },
    ...extra,
  })
  assert.equal(res.statusCode, 200, res.body)
}

async function setUp(test: TestApp, t: Parameters<typeof hookReceiver>[0]): Promise<Setup> {
  const client = api(test)
  await client.send('PUT', '/api/ordo/pvt/settings', {
    allowInsecureHooks: true,
    cancellationGracePeriodMinutes: 0,
  })
  const own = await hookReceiver(t)
  const failing = await hookReceiver(t)
  const integration = ['IntegrationProfile - Fulfillment Oms']
  const hooked = { ...(await named(test, integration)), receiver: failing }
  const fed = await named(test, integration)
  const bare = await named(test, ['OMS - Read only'])
  await createAccount(test.deps, 'globex')
  const foreign = await named(test, ['OMS - Full access'], 'globex')
  await api(test, foreign.headers).send('PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true })

  assert.equal((await client.send('POST', '/api/orders/feed/config', {})).statusCode, 200)
  const res = await client.send('POST', '/api/orders/hook/config', {
    filter: { type: 'FromWorkflow', status: ['ready-for-handling', 'handling'] },
    hook: { url: own.url, headers: { 'X-Erp-Token': ERP_TOKEN } },
  })
  assert.equal(res.statusCode, 200, res.body)
  await hookFor(test, hooked.headers, failing.url, { secret: SECRET })
  const feed = await api(test, fed.headers).send('POST', '/api/orders/feed/config', {
    filter: { type: 'FromWorkflow', status: ['handling'] },
    queue: { visibilityTimeoutInSeconds: 60, MessageRetentionPeriodInSeconds: 3600 },
  })
  assert.equal(feed.statusCode, 200, feed.body)
  await hookFor(test, foreign.headers, own.url)
  assert.equal((await api(test, foreign.headers).send('POST', '/api/orders/feed/config', {})).statusCode, 200)

  failing.state.status = 503
  const orders: string[] = []
  for (const tag of ['INT-1', 'INT-2', 'INT-3']) {
    orders.push((await client.handlingOrder(singleOrder(tag))).orderId)
    test.clock.advance(30_000)
  }
  await api(test, foreign.headers).placeOk(singleOrder('GLOBEX-1'))
  await test.fanOut()
  await test.runDueJobs()
  // The failing hook gave up on the first order (arranged: four days of retries are another suite's).
  const [first] = orders
  await test.deps.db
    .updateTable('hook_deliveries')
    .set({ status: 'failed', finished_at: test.clock.now().toISOString() })
    .where('app_key', '=', hooked.key)
    .where('order_id', '=', first ?? '')
    .execute()
  test.clock.advance(90_000)
  return { test, adminKey: test.admin.appKey, hooked, fed, bare, foreign, orders }
}

async function named(test: TestApp, roles: string[], account?: string) {
  const headers = await test.newKey(roles, account)
  return { key: appKeyOf(headers), headers }
}

/** What the overview must say, from the tables themselves. */
async function expectedCounts(test: TestApp) {
  const deliveries = await test.deps.db
    .selectFrom('hook_deliveries')
    .select(['app_key', 'status'])
    .where('account', '=', 'acme')
    .execute()
  const counts = new Map<string, Record<string, number>>()
  for (const { app_key, status } of deliveries) {
    const key = counts.get(app_key) ?? { pending: 0, delivering: 0, delivered: 0, failed: 0 }
    key[status === 'queued' ? 'pending' : status] = (key[status === 'queued' ? 'pending' : status] ?? 0) + 1
    counts.set(app_key, key)
  }
  const items = await test.deps.db
    .selectFrom('feed_items')
    .select(['app_key', 'enqueued_at'])
    .where('account', '=', 'acme')
    .execute()
  const queues = new Map<string, { quantity: number; age: number }>()
  for (const { app_key, enqueued_at } of items) {
    const queue = queues.get(app_key) ?? { quantity: 0, age: 0 }
    const age = (test.clock.now().getTime() - Date.parse(enqueued_at)) / 1000
    queues.set(app_key, { quantity: queue.quantity + 1, age: Math.max(queue.age, age) })
  }
  return { counts, queues }
}

const deliveriesOf = async (test: TestApp, query: string, headers = test.headers) => {
  const res = await api(test, headers).send('GET', `${DELIVERIES}${query}`)
  assert.equal(res.statusCode, 200, res.body)
  return res.json<HookDeliveryDocument[]>()
}

describeEachDialect('integrations overview', (dialect) => {
  it("shows every feed and hook of the account by AppKey, with counts as the tables hold them and no header's value", async (t) => {
    const test = await startTestApp(t, dialect)
    const setup = await setUp(test, t)
    // A delivery in flight, as a sender leaves it while it waits for the answer.
    const head = await test.deps.db
      .selectFrom('hook_deliveries')
      .select('id')
      .where('app_key', '=', setup.hooked.key)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    const leaseEnd = new Date(test.clock.now().getTime() + 10_000).toISOString()
    await test.deps.db
      .updateTable('hook_deliveries')
      .set({ status: 'delivering', lease_until: leaseEnd, next_attempt_at: leaseEnd })
      .where('id', '=', head.id)
      .execute()
    const { counts, queues } = await expectedCounts(test)
    assert.ok((counts.get(setup.adminKey)?.delivered ?? 0) > 0, 'the own hook delivered')
    assert.ok((counts.get(setup.hooked.key)?.pending ?? 0) > 0, 'the failing hook retries')
    assert.ok((counts.get(setup.hooked.key)?.failed ?? 0) > 0, 'the failing hook gave up on one order')
    assert.equal(counts.get(setup.hooked.key)?.delivering, 1)
    assert.ok((queues.get(setup.fed.key)?.quantity ?? 0) > 0, 'the second feed has items')

    // A view-only key of the account sees it all, though it has neither a feed nor a hook itself.
    const res = await api(test, setup.bare.headers).send('GET', INTEGRATIONS)
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json<IntegrationsDocument>()
    const sorted = (keys: string[]) => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const feedKeys = sorted([setup.adminKey, setup.fed.key])
    const hookKeys = sorted([setup.adminKey, setup.hooked.key])
    assert.deepEqual(
      body.feeds.map((feed) => feed.appKey),
      feedKeys,
    )
    assert.deepEqual(
      body.hooks.map((hook) => hook.appKey),
      hookKeys,
    )
    const queueOf = (key: string) => queues.get(key) ?? { quantity: 0, age: 0 }
    assert.deepEqual(
      body.feeds,
      feedKeys.map((appKey) =>
        appKey === setup.fed.key
          ? {
              appKey,
              filter: { type: 'FromWorkflow', status: ['handling'] },
              queue: { visibilityTimeoutInSeconds: 60, MessageRetentionPeriodInSeconds: 3600 },
              quantity: queueOf(appKey).quantity,
              approximateAgeOfOldestMessageInSeconds: queueOf(appKey).age,
            }
          : {
              appKey,
              filter: { type: 'FromWorkflow' },
              queue: { visibilityTimeoutInSeconds: 240, MessageRetentionPeriodInSeconds: 345_600 },
              quantity: queueOf(appKey).quantity,
              approximateAgeOfOldestMessageInSeconds: queueOf(appKey).age,
            },
      ),
    )
    const hookUrl = async (headers: Record<string, string>) =>
      (await api(test, headers).send('GET', '/api/orders/hook/config')).json<{ hook: { url: string } }>().hook
        .url
    assert.deepEqual(
      body.hooks,
      await Promise.all(
        hookKeys.map(async (appKey) =>
          appKey === setup.hooked.key
            ? {
                appKey,
                filter: { type: 'FromWorkflow' },
                hook: {
                  url: await hookUrl(setup.hooked.headers),
                  headers: ['Authorization', 'X-Tenant'],
                  hasSecret: true,
                },
                deliveries: counts.get(appKey),
              }
            : {
                appKey,
                filter: { type: 'FromWorkflow', status: ['ready-for-handling', 'handling'] },
                hook: { url: await hookUrl(test.headers), headers: ['X-Erp-Token'], hasSecret: false },
                deliveries: counts.get(appKey),
              },
        ),
      ),
    )
    for (const secret of [ERP_TOKEN, SECRET, 'acme-erp', setup.foreign.key]) {
      assert.equal(res.body.includes(secret), false, `${secret} is not shown`)
    }

    // Deleted, a hook leaves the overview; its log stays.
    const deleted = await test.app.inject({
      method: 'DELETE',
      url: '/api/orders/hook/config',
      headers: setup.hooked.headers,
    })
    assert.equal(deleted.statusCode, 200, deleted.body)
    const after = (await api(test).send('GET', INTEGRATIONS)).json<IntegrationsDocument>()
    assert.deepEqual(
      after.hooks.map((hook) => hook.appKey),
      [setup.adminKey],
    )
  })

  it("shows a hook's query, where tokens go, only to keys that may change hooks", async (t) => {
    const test = await startTestApp(t, dialect)
    await api(test).send('PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true })
    const receiver = await hookReceiver(t)
    const url = `${receiver.url}?token=${ERP_TOKEN}`
    await hookFor(test, test.headers, url)
    const shown = async (headers: Record<string, string>) =>
      (await api(test, headers).send('GET', INTEGRATIONS)).json<IntegrationsDocument>().hooks[0]?.hook.url
    assert.equal(await shown(test.headers), url)
    assert.equal(await shown(await test.newKey(['OMS - Read only'])), `${receiver.url}?…`)
  })

  it('answers an account with no feed nor hook with empty lists', async (t) => {
    const test = await startTestApp(t, dialect)
    const res = await api(test).send('GET', INTEGRATIONS)
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(res.json(), { feeds: [], hooks: [] })
  })

  it("lists and redelivers another key's hook of the account with appKey; never another account's", async (t) => {
    const test = await startTestApp(t, dialect)
    const setup = await setUp(test, t)
    const { hooked } = setup
    const stored = async (appKey: string) =>
      test.deps.db
        .selectFrom('hook_deliveries')
        .select(['id', 'status'])
        .where('account', '=', 'acme')
        .where('app_key', '=', appKey)
        .orderBy('id', 'desc')
        .execute()

    // Without appKey, the caller's own, as before; with it, the other key's.
    const own = await deliveriesOf(test, '')
    assert.deepEqual(
      own.map((d) => d.id),
      (await stored(setup.adminKey)).map((row) => Number(row.id)),
    )
    const other = await deliveriesOf(test, `?appKey=${encodeURIComponent(hooked.key)}`, setup.bare.headers)
    assert.deepEqual(
      other.map((d) => d.id),
      (await stored(hooked.key)).map((row) => Number(row.id)),
    )
    assert.ok(other.every((d) => d.body.Origin.Key === hooked.key))
    const failed = await deliveriesOf(test, `?appKey=${encodeURIComponent(hooked.key)}&status=failed`)
    assert.ok(failed.length > 0)
    assert.deepEqual(
      failed.map((d) => d.id),
      (await stored(hooked.key)).filter((row) => row.status === 'failed').map((row) => Number(row.id)),
    )

    // Refused: another account's key, a key without a hook, a key that does not exist, a misspelt parameter.
    for (const [appKey, status] of [
      [setup.foreign.key, 404],
      [setup.bare.key, 404],
      ['vtexappkey-acme-NOSUCH', 404],
    ] as const) {
      for (const [method, url] of [
        ['GET', DELIVERIES],
        ['POST', `${DELIVERIES}/redeliver`],
        ['POST', `${DELIVERIES}/${failed[0]?.id ?? 0}/redeliver`],
      ] as const) {
        const res = await api(test).send(method, `${url}?appKey=${encodeURIComponent(appKey)}`)
        assert.equal(res.statusCode, status, `${method} ${url} ${appKey}: ${res.body}`)
        assert.equal(errorCode(res), 'OMS005')
        assert.equal(
          res.json<{ error: { message: string } }>().error.message,
          `There is no hook configuration for the application key ${appKey} in the account acme.`,
        )
      }
    }
    for (const [method, url, message] of [
      [
        'GET',
        `${DELIVERIES}?appkey=${hooked.key}`,
        /appkey is not allowed \(allowed: status, orderId, appKey, an, accountName\)/,
      ],
      ['GET', `${DELIVERIES}?appKey=`, /appKey must not be empty/],
      [
        'POST',
        `${DELIVERIES}/redeliver?appkey=${hooked.key}`,
        /appkey is not allowed \(allowed: appKey, an, accountName\)/,
      ],
      ['POST', `${DELIVERIES}/1/redeliver?key=${hooked.key}`, /key is not allowed/],
    ] as const) {
      const res = await api(test).send(method, url)
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001')
      assert.match(res.json<{ error: { message: string } }>().error.message, message)
    }
    // Nothing above touched the other account's log.
    const foreignLog = await deliveriesOf(test, '', setup.foreign.headers)
    assert.ok(foreignLog.length > 0 && foreignLog.every((d) => d.body.Origin.Account === 'globex'))

    // One failed delivery of the other key's hook: not the caller's own, so not found without appKey.
    const [one] = failed
    assert.ok(one)
    const notOwn = await api(test).send('POST', `${DELIVERIES}/${one.id}/redeliver`)
    assert.equal(notOwn.statusCode, 404, notOwn.body)
    hooked.receiver.state.status = 200
    const redelivered = await api(test).send(
      'POST',
      `${DELIVERIES}/${one.id}/redeliver?appKey=${encodeURIComponent(hooked.key)}`,
    )
    assert.equal(redelivered.statusCode, 200, redelivered.body)
    assert.deepEqual(redelivered.json(), { orders: 1 })
    // The other key's sender takes it up: delivered to that hook's receiver, with its own Origin.
    await test.runDueJobs()
    const sent = hooked.receiver
      .notifications()
      .filter((r) => r.json.OrderId === one.orderId && r.json.State === one.body.State)
    assert.ok(sent.length > 0)
    assert.ok(sent.every((r) => r.json.Origin?.Key === hooked.key))
    const log = await deliveriesOf(test, `?appKey=${encodeURIComponent(hooked.key)}&orderId=${one.orderId}`)
    const done = log.find((d) => d.id === one.id)
    assert.equal(done?.status, 'delivered')
    assert.equal(done.attempts.at(-1)?.status, 200)
    // The rest of that order's failed deliveries, all at once.
    const rest = await api(test).send(
      'POST',
      `${DELIVERIES}/redeliver?appKey=${encodeURIComponent(hooked.key)}`,
    )
    assert.equal(rest.statusCode, 200, rest.body)
    assert.deepEqual(rest.json(), { orders: 1 })
    const again = await api(test).send(
      'POST',
      `${DELIVERIES}/redeliver?appKey=${encodeURIComponent(hooked.key)}`,
    )
    assert.deepEqual(again.json(), { orders: 0 })
    // The caller's own hook had nothing failed: without appKey, as before.
    assert.deepEqual((await api(test).send('POST', `${DELIVERIES}/redeliver`)).json(), { orders: 0 })
  })
})
