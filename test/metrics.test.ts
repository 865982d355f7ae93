// GET /metrics: Prometheus text with the fan-out counter, the caller's account's feed gauges and the job
// gauges, for keys holding `Ordo settings` only.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { it } from 'node:test'
import { createKey } from '../src/modules/access/access.service.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import { api } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, keyHeaders, startTestApp, type TestApp } from './harness.ts'

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** The samples of a text exposition (comments skipped); label values here hold no quotes or commas. */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)
      assert.ok(match, line)
      const [, name = '', labels = '', value = ''] = match
      const pairs = (labels === '' ? [] : labels.split(',')).map((pair): [string, string] => {
        const [, key = '', text = ''] = /^(\w+)="(.*)"$/.exec(pair) ?? []
        return [key, text]
      })
      return { name, labels: Object.fromEntries(pairs), value: Number(value) }
    })
}

const valueOf = (all: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  all.find((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    ?.value

async function scrape(test: TestApp, headers = test.headers): Promise<Sample[]> {
  const res = await api(test, headers).send('GET', '/metrics')
  assert.equal(res.statusCode, 200, res.body)
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/)
  return samples(res.body)
}

describeEachDialect('metrics', (dialect) => {
  it("shows events fanned out, the caller's feed depth and age, and the job backlog", async (t) => {
    const test = await startTestApp(t, dialect)
    const appKey = test.admin.appKey
    const before = await scrape(test)
    assert.equal(valueOf(before, 'ordo_feed_events_fanned_out_total'), 0)
    for (const outcome of ['delivered', 'retry', 'failed']) {
      assert.equal(valueOf(before, 'ordo_hook_deliveries_total', { outcome }), 0, outcome)
    }
    assert.equal(valueOf(before, 'ordo_hook_delivery_seconds_count'), 0)
    assert.equal(valueOf(before, 'ordo_feed_items'), undefined, 'no feed, no series')

    const configured = await api(test).send('POST', '/api/orders/feed/config', {})
    assert.equal(configured.statusCode, 200, configured.body)
    const empty = await scrape(test)
    assert.equal(valueOf(empty, 'ordo_feed_items', { account: 'acme', app_key: appKey }), 0)
    assert.equal(valueOf(empty, 'ordo_feed_oldest_item_age_seconds', { account: 'acme', app_key: appKey }), 0)

    await api(test).approvedOrder(singleOrder('METRICS-1'))
    const read = await test.fanOut()
    assert.ok(read > 0)
    test.clock.advance(90_000)
    const quantity = (await api(test).send('GET', '/api/orders/feed/config')).json<{ quantity: number }>()
      .quantity
    assert.ok(quantity > 0)

    const after = await scrape(test)
    assert.equal(valueOf(after, 'ordo_feed_events_fanned_out_total'), read)
    assert.equal(valueOf(after, 'ordo_feed_items', { account: 'acme', app_key: appKey }), quantity)
    assert.equal(
      valueOf(after, 'ordo_feed_oldest_item_age_seconds', { account: 'acme', app_key: appKey }),
      90,
    )
    // The approved order waits in its grace period, and the 30 days it had to be paid in have a job too (which
    // will find nothing to do): two pending order-timeout jobs, none dead.
    assert.equal(valueOf(after, 'ordo_jobs', { status: 'pending', kind: 'order-timeout' }), 2)
    assert.equal(valueOf(after, 'ordo_jobs', { status: 'dead', kind: 'order-timeout' }), 0)
  })

  it("shows another account's feeds to neither side; refuses a key without Ordo settings", async (t) => {
    const test = await startTestApp(t, dialect)
    await createAccount(test.deps, 'globex')
    const globex = await createKey(test.deps, { account: 'globex', roles: ['OMS - Full access'] })
    const configured = await api(test, keyHeaders(globex)).send('POST', '/api/orders/feed/config', {})
    assert.equal(configured.statusCode, 200, configured.body)
    assert.equal((await api(test).send('POST', '/api/orders/feed/config', {})).statusCode, 200)

    const feedsIn = (all: Sample[]) =>
      all.filter((s) => s.name === 'ordo_feed_items').map((s) => [s.labels.account, s.labels.app_key])
    assert.deepEqual(feedsIn(await scrape(test)), [['acme', test.admin.appKey]])
    assert.deepEqual(feedsIn(await scrape(test, keyHeaders(globex))), [['globex', globex.appKey]])

    const integration = await test.newKey(['IntegrationProfile - Fulfillment Oms'])
    const refused = await api(test, integration).send('GET', '/metrics')
    assert.equal(refused.statusCode, 403, refused.body)
    assert.equal((await test.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  })

  it("counts Get order's cache hits and misses, and times its reads", async (t) => {
    const test = await startTestApp(t, dialect)
    const { orderId } = (await api(test).placeOk(singleOrder('METRICS-READ'))).orders[0] ?? { orderId: '' }
    while (!test.deps.commits.caughtUp()) await sleep(10) // PostgreSQL: memory answers once it listens
    const lookups = (all: Sample[], result: string) =>
      valueOf(all, 'ordo_get_order_cache_lookups_total', { result }) ?? NaN
    const before = await scrape(test)
    for (let read = 0; read < 3; read++) await api(test).getOk(orderId)
    assert.equal((await api(test).get('0000000000000-01')).statusCode, 404)
    const after = await scrape(test)
    assert.equal(lookups(after, 'miss') - lookups(before, 'miss'), 2, 'the first read and the unknown order')
    assert.equal(lookups(after, 'hit') - lookups(before, 'hit'), 2)
    assert.equal(valueOf(after, 'ordo_get_order_cache_documents'), 1)
    assert.ok((valueOf(after, 'ordo_get_order_cache_bytes') ?? 0) > 1000)
    const timed = (all: Sample[]) => valueOf(all, 'ordo_get_order_read_seconds_count') ?? NaN
    assert.equal(timed(after) - timed(before), 4, 'each read, the 404 too')
    assert.ok((valueOf(after, 'ordo_get_order_read_seconds_sum') ?? 0) > 0)
  })

  it('counts hook deliveries by outcome and times them', async (t) => {
    const test = await startTestApp(t, dialect)
    const answer = { status: 200 }
    const server = createServer((req, res) => {
      req.resume().on('end', () => res.writeHead(answer.status).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    await api(test).send('PUT', '/api/ordo/pvt/settings', {
      allowInsecureHooks: true,
      cancellationGracePeriodMinutes: 0,
    })
    const filter = { type: 'FromWorkflow', status: ['handling'] }
    const configured = await api(test).send('POST', '/api/orders/hook/config', { filter, hook: { url } })
    assert.equal(configured.statusCode, 200, configured.body)
    await api(test).handlingOrder(singleOrder('METRICS-2'))
    answer.status = 500
    await test.fanOut()
    await test.runDueJobs()
    answer.status = 200
    test.clock.advance(60 * 60_000)
    await test.runDueJobs()

    const all = await scrape(test)
    assert.equal(valueOf(all, 'ordo_hook_deliveries_total', { outcome: 'retry' }), 1)
    assert.equal(valueOf(all, 'ordo_hook_deliveries_total', { outcome: 'delivered' }), 1)
    assert.equal(valueOf(all, 'ordo_hook_deliveries_total', { outcome: 'failed' }), 0)
    assert.equal(valueOf(all, 'ordo_hook_delivery_seconds_count'), 2)
  })
})
