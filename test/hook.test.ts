// The order hook through the HTTP API with a real HTTP receiver: the ping, delivery in order per order,
// retries while the receiver is down (on the injectable clock), giving up and redelivering, signatures.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { api, errorCode } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { hookReceiver } from './hook-receiver.ts'
import { HOOK_DELIVERY_JOB, resumeHookSenders } from '../src/modules/feed/hook.service.ts'
import { DEFAULT_DELIVERIES_IN_FLIGHT } from '../src/modules/feed/hook.ts'

const HOOK_FILTER = { type: 'FromWorkflow', status: ['ready-for-handling', 'start-handling', 'handling'] }

async function configure(test: TestApp, url: string, extra: object = {}) {
  await api(test).send('PUT', '/api/ordo/pvt/settings', {
    allowInsecureHooks: true,
    cancellationGracePeriodMinutes: 0,
  })
  const res = await api(test).send('POST', '/api/orders/hook/config', {
    filter: HOOK_FILTER,
    hook: { url, headers: { 'X-Erp-Token': 'secret-token' } },
    ...extra,
  })
  assert.equal(res.statusCode, 200, res.body)
}

/** Fans out what was committed and runs the jobs that are due: one step of the server's background work. */
async function deliver(test: TestApp) {
  await test.fanOut()
  await test.runDueJobs()
}

describeEachDialect('order hook', (dialect) => {
  it('is saved once its URL answers the ping; https unless the account allows http; never link-local', async (t) => {
    const test = await startTestApp(t, dialect)
    const hook = await hookReceiver(t)
    const post = (body: unknown) => api(test).send('POST', '/api/orders/hook/config', body)
    const body = { filter: HOOK_FILTER, hook: { url: hook.url, headers: {} } }
    const insecure = await post(body)
    assert.equal(insecure.statusCode, 400)
    assert.match(
      insecure.json<{ error: { message: string } }>().error.message,
      /Only https scheme is accepted/,
    )
    await api(test).send('PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true })
    hook.state.status = 500
    const refused = await post(body)
    assert.equal(refused.statusCode, 400)
    assert.match(refused.json<{ error: { message: string } }>().error.message, /Unable to check address.*500/)
    const metadata = await post({ ...body, hook: { url: 'http://169.254.169.254/latest', headers: {} } })
    assert.equal(metadata.statusCode, 400)
    assert.match(metadata.json<{ error: { message: string } }>().error.message, /link-local/)
    // The same address as a URL writes an IPv4-mapped IPv6 literal.
    const mapped = await post({ ...body, hook: { url: 'http://[::ffff:169.254.169.254]/', headers: {} } })
    assert.equal(mapped.statusCode, 400)
    assert.match(mapped.json<{ error: { message: string } }>().error.message, /link-local/)
    // A value HTTP cannot carry is refused with the other bad input, not at send time.
    const control = await post({ ...body, hook: { url: hook.url, headers: { 'X-Token': 'a\u0001b' } } })
    assert.equal(control.statusCode, 400)
    hook.state.status = 200
    assert.equal((await post(body)).statusCode, 200)
    assert.deepEqual(
      hook.received.map((r) => r.json),
      [{ hookConfig: 'ping' }, { hookConfig: 'ping' }],
    )
    const config = (await api(test).send('GET', '/api/orders/hook/config')).json<{ hook: { url: string } }>()
    assert.equal(config.hook.url, hook.url)
    const mixed = await post({
      ...body,
      filter: { type: 'FromWorkflow', status: ['handling'], expression: 'x' },
    })
    assert.equal(errorCode(mixed), 'OMS021')
  })

  it('posts each event once, in order, with the PascalCase body and the configured headers', async (t) => {
    const test = await startTestApp(t, dialect)
    const hook = await hookReceiver(t)
    await configure(test, hook.url)
    const order = await api(test).handlingOrder(singleOrder('HOOK-1'))
    await deliver(test)
    await deliver(test)
    const got = hook.notifications()
    assert.deepEqual(
      got.map((r) => [r.json.OrderId, r.json.State]),
      [
        [order.orderId, 'ready-for-handling'],
        [order.orderId, 'start-handling'],
        [order.orderId, 'handling'],
      ],
    )
    const [first] = got
    assert.ok(first)
    assert.deepEqual(Object.keys(first.json), [
      'Domain',
      'OrderId',
      'State',
      'LastState',
      'LastChange',
      'CurrentChange',
      'Origin',
    ])
    assert.deepEqual((first.json as { Origin?: unknown }).Origin, { Account: 'acme', Key: test.admin.appKey })
    assert.equal(first.headers['x-erp-token'], 'secret-token')
    assert.equal(first.headers['webhook-signature'], undefined)
    const log = (await api(test).send('GET', '/api/ordo/pvt/hook/deliveries?status=delivered')).json<
      unknown[]
    >()
    assert.equal(log.length, 3)
  })

  it('sends many orders side by side, each order one event at a time and in order, at most the bound at once', async (t) => {
    const test = await startTestApp(t, dialect)
    const hook = await hookReceiver(t)
    await configure(test, hook.url)
    hook.state.delayMs = 20
    const orders: string[] = []
    for (let n = 0; n < 24; n++)
      orders.push((await api(test).handlingOrder(singleOrder(`SIDE-${n}`))).orderId)
    await deliver(test)
    assert.equal(hook.notifications().length, orders.length * 3)
    for (const orderId of orders) {
      assert.deepEqual(
        hook
          .notifications()
          .filter((r) => r.json.OrderId === orderId)
          .map((r) => r.json.State),
        ['ready-for-handling', 'start-handling', 'handling'],
      )
    }
    const peak = hook.peakUnanswered()
    assert.ok(peak > 1 && peak <= DEFAULT_DELIVERIES_IN_FLIGHT, `${peak} at once`)
    // Every event of the burst woke the same sender: one job sent them all.
    const senders = await test.deps.db
      .selectFrom('jobs')
      .select('status')
      .where('kind', '=', HOOK_DELIVERY_JOB)
      .execute()
    assert.deepEqual(senders, [{ status: 'done' }])
  })

  it('resumes at start-up the hooks whose sender job ran out of attempts', async (t) => {
    const test = await startTestApp(t, dialect)
    const hook = await hookReceiver(t)
    await configure(test, hook.url)
    const order = await api(test).handlingOrder(singleOrder('RESUME-1'))
    await test.fanOut()
    // As a sender that failed its last attempt while the database was away leaves it.
    await test.deps.db
      .updateTable('jobs')
      .set({ status: 'dead' })
      .where('kind', '=', HOOK_DELIVERY_JOB)
      .execute()
    assert.equal(await test.runDueJobs(), 0)
    await resumeHookSenders(test.deps)
    await test.runDueJobs()
    assert.deepEqual(
      hook.notifications().map((r) => [r.json.OrderId, r.json.State]),
      ['ready-for-handling', 'start-handling', 'handling'].map((state) => [order.orderId, state]),
    )
  })

  it('keeps every event while the receiver is down and delivers them afterwards, in order per order', async (t) => {
    const test = await startTestApp(t, dialect)
    const hook = await hookReceiver(t)
    await configure(test, hook.url)
    hook.state.status = 503
    const orders = [
      await api(test).handlingOrder(singleOrder('DOWN-1')),
      await api(test).handlingOrder(singleOrder('DOWN-2')),
    ]
    await deliver(test)
    // One attempt per order: the first event of each failed, the later ones wait behind it.
    assert.equal(hook.notifications().length, 2)
    for (let step = 0; step < 5; step++) {
      test.clock.advance(3600_000)
      await test.runDueJobs()
    }
    const pending = (await api(test).send('GET', '/api/ordo/pvt/hook/deliveries?status=pending')).json<
      { orderId: string; attempts: { status: number | null }[] }[]
    >()
    assert.equal(pending.length, 6)
    assert.ok(pending.some((d) => d.attempts.length === 6 && d.attempts.every((a) => a.status === 503)))

    hook.state.status = 200
    hook.received.length = 0
    test.clock.advance(3600_000)
    await test.runDueJobs()
    for (const order of orders) {
      assert.deepEqual(
        hook
          .notifications()
          .filter((r) => r.json.OrderId === order.orderId)
          .map((r) => r.json.State),
        ['ready-for-handling', 'start-handling', 'handling'],
      )
    }
  })

  it('gives up after four days, keeps the delivery as failed, and redelivers it on request', async (t) => {
    const test = await startTestApp(t, dialect)
    const hook = await hookReceiver(t)
    await configure(test, hook.url)
    hook.state.status = 500
    await api(test).handlingOrder(singleOrder('GIVE-UP'))
    await deliver(test)
    for (let hour = 0; hour < 4 * 24 + 2; hour++) {
      test.clock.advance(3600_000)
      await test.runDueJobs()
    }
    const failed = (await api(test).send('GET', '/api/ordo/pvt/hook/deliveries?status=failed')).json<
      { id: number }[]
    >()
    assert.equal(failed.length, 3, 'the first gave up, and the two behind it after their own tries')
    hook.state.status = 200
    hook.received.length = 0
    const redelivered = await api(test).send('POST', '/api/ordo/pvt/hook/deliveries/redeliver')
    assert.deepEqual(redelivered.json(), { orders: 1 })
    await test.runDueJobs()
    assert.deepEqual(
      hook.notifications().map((r) => r.json.State),
      ['ready-for-handling', 'start-handling', 'handling'],
    )
  })

  it('signs deliveries the Standard Webhooks way when the hook has a secret', async (t) => {
    const test = await startTestApp(t, dialect)
    const hook = await hookReceiver(t)
    const secret = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`
    await configure(test, hook.url, { secret })
    await api(test).handlingOrder(singleOrder('SIGNED'))
    await deliver(test)
    const [first] = hook.notifications()
    assert.ok(first)
    const verified = new Webhook(secret).verify(first.body, {
      'webhook-id': String(first.headers['webhook-id']),
      'webhook-timestamp': String(first.headers['webhook-timestamp']),
      'webhook-signature': String(first.headers['webhook-signature']),
    })
    assert.deepEqual(verified, JSON.parse(first.body))
    const config = (await api(test).send('GET', '/api/orders/hook/config')).json<Record<string, unknown>>()
    assert.equal(config.signed, true)
    assert.equal(JSON.stringify(config).includes(secret), false)
  })
})
