// Feed v3 through the HTTP API: configuration, the fan-out from the event stream, retrieval with visibility
// timeouts and handles, commits, retention, and the request shapes real clients send.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api, errorCode, handledOrder } from './api.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

interface FeedItem {
  eventId: string
  handle: string
  domain: string
  state: string
  lastState: string
  orderId: string
  lastChange: string
  currentChange: string
  availableDate: string
}

function feed(test: TestApp, headers = test.headers) {
  const client = api(test, headers)
  return {
    configure: (body: unknown) => client.send('POST', '/api/orders/feed/config', body),
    config: () => client.send('GET', '/api/orders/feed/config'),
    async items(query = 'maxlot=10'): Promise<FeedItem[]> {
      const res = await client.send('GET', `/api/orders/feed?${query}`)
      assert.equal(res.statusCode, 200, res.body)
      return res.json<FeedItem[]>()
    },
    commit: (handles: string[]) => client.send('POST', '/api/orders/feed', { handles }),
  }
}

const QUEUE = { visibilityTimeoutInSeconds: 60, MessageRetentionPeriodInSeconds: 345_600 }

describeEachDialect('feed v3', (dialect) => {
  it('a FromWorkflow feed gets the status changes it names, in event order, once each', async (t) => {
    const test = await startTestApp(t, dialect)
    const status = ['ready-for-handling', 'start-handling', 'invoiced']
    const configured = await feed(test).configure({ filter: { type: 'FromWorkflow', status }, queue: QUEUE })
    assert.equal(configured.statusCode, 200, configured.body)
    const orderId = await handledOrder(test, 'FEED-1')
    assert.ok((await test.fanOut()) > 0)
    assert.equal(await test.fanOut(), 0)

    const items = await feed(test).items()
    assert.deepEqual(
      items.map((i) => [i.orderId, i.lastState, i.state, i.domain]),
      [
        [orderId, 'window-to-cancel', 'ready-for-handling', 'Fulfillment'],
        [orderId, 'ready-for-handling', 'start-handling', 'Fulfillment'],
      ],
    )
    for (const item of items) {
      assert.match(item.eventId, /^[0-9A-F]{32}$/)
      assert.match(item.handle, /^[0-9a-f]{48}$/)
    }
    // Hidden for the visibility timeout, then back with new handles until committed.
    assert.deepEqual(await feed(test).items(), [])
    test.clock.advance(60_000)
    const again = await feed(test).items()
    assert.deepEqual(
      again.map((i) => i.eventId),
      items.map((i) => i.eventId),
    )
    assert.ok(again.every((item, i) => item.handle !== items[i]?.handle))

    // A stale handle commits nothing, without an error; the fresh ones commit.
    const stale = await feed(test).commit(items.map((i) => i.handle))
    assert.equal(stale.statusCode, 200, stale.body)
    assert.equal(stale.headers['x-ordo-ignored-handles'], '2')
    const fresh = await feed(test).commit(again.map((i) => i.handle))
    assert.equal(fresh.headers['x-ordo-ignored-handles'], '0')
    test.clock.advance(60_000)
    assert.deepEqual(await feed(test).items(), [])
    const config = (await feed(test).config()).json<{ quantity: number; filter: { status: string[] } }>()
    assert.equal(config.quantity, 0)
    assert.deepEqual(config.filter.status, status)
  })

  it('each AppKey has its own feed; a handle of one cannot commit in another', async (t) => {
    const test = await startTestApp(t, dialect)
    const other = await test.newKey(['IntegrationProfile - Fulfillment Oms'])
    for (const headers of [test.headers, other]) {
      assert.equal((await feed(test, headers).configure({ queue: QUEUE })).statusCode, 200)
    }
    await handledOrder(test, 'FEED-2')
    await test.fanOut()
    const mine = await feed(test).items('maxLot=3')
    assert.equal(mine.length, 3)
    const commit = await feed(test, other).commit(mine.map((i) => i.handle))
    assert.equal(commit.headers['x-ordo-ignored-handles'], '3')
    const theirs = await feed(test, other).items()
    assert.equal(theirs.length, 10)
    assert.deepEqual(
      theirs.slice(0, 3).map((i) => i.eventId),
      mine.map((i) => i.eventId),
    )
  })

  it('a new feed starts empty; an update keeps its items; retention drops old ones', async (t) => {
    const test = await startTestApp(t, dialect)
    const orderId = await handledOrder(test, 'FEED-3')
    test.clock.advance(1000)
    assert.equal((await feed(test).configure({ queue: QUEUE })).statusCode, 200)
    await test.fanOut()
    assert.deepEqual(await feed(test).items(), [])

    const invoice = { invoiceNumber: 'NF-1', invoiceValue: 5000, issuanceDate: '2026-03-02' }
    assert.equal((await api(test).invoice(orderId, invoice)).statusCode, 200)
    await test.fanOut()
    const updated = await feed(test).configure({
      filter: { type: 'FromWorkflow', status: ['invoiced', 'made-up-status'] },
      queue: { visibilityTimeoutInSeconds: 30, messageRetentionPeriodInSeconds: 3600 },
    })
    assert.equal(updated.statusCode, 200, updated.body)
    const config = (await feed(test).config()).json<{
      quantity: number
      filter: { status: string[] }
      queue: Record<string, number>
    }>()
    assert.equal(config.quantity, 2, 'invoice and invoiced, queued before the update')
    assert.deepEqual(config.filter.status, ['invoiced', 'made-up-status'])
    assert.deepEqual(config.queue, {
      visibilityTimeoutInSeconds: 30,
      MessageRetentionPeriodInSeconds: 3600,
      messageRetentionPeriodInSeconds: 3600,
    })
    test.clock.advance(3601_000)
    assert.deepEqual(await feed(test).items(), [])
    assert.equal((await feed(test).config()).json<{ quantity: number }>().quantity, 0)
  })

  it('refuses mixed filters (409), FromOrders for now, bad lots; 404 without a configuration', async (t) => {
    const test = await startTestApp(t, dialect)
    const missing = await api(test).send('GET', '/api/orders/feed?maxlot=1')
    assert.equal(missing.statusCode, 404)
    assert.equal((await feed(test).config()).statusCode, 404)
    const mixed = await feed(test).configure({
      filter: { type: 'FromWorkflow', status: ['handling'], expression: 'value > 1' },
      queue: QUEUE,
    })
    assert.equal(mixed.statusCode, 409)
    assert.equal(errorCode(mixed), 'OMS021')
    const noExpression = await feed(test).configure({ filter: { type: 'FromOrders' } })
    assert.equal(noExpression.statusCode, 400)
    const tooLong = await feed(test).configure({ queue: { MessageRetentionPeriodInSeconds: 1_209_601 } })
    assert.equal(tooLong.statusCode, 400)
    assert.equal((await feed(test).configure({})).statusCode, 200)
    for (const query of ['maxlot=11', 'maxlot=0', 'maxLot=abc']) {
      const res = await api(test).send('GET', `/api/orders/feed?${query}`)
      assert.equal(res.statusCode, 400, query)
    }
    // Trailing slashes and an empty-body DELETE, as clients send them.
    assert.equal((await api(test).send('GET', '/api/orders/feed/?maxlot=1')).statusCode, 200)
    const deleted = await test.app.inject({
      method: 'DELETE',
      url: '/api/orders/feed/config',
      headers: { ...test.headers, 'content-type': 'application/json' },
    })
    assert.equal(deleted.statusCode, 200, deleted.body)
    assert.equal((await feed(test).config()).statusCode, 404)
  })

  it('a FromOrders feed fires once when its expression starts to hold, or on every version that holds', async (t) => {
    const test = await startTestApp(t, dialect)
    const once = await test.newKey(['IntegrationProfile - Fulfillment Oms'])
    const every = test.headers
    const expression = 'status = "handling"'
    const configured = [
      await feed(test, once).configure({
        filter: { type: 'FromOrders', expression, disableSingleFire: false },
      }),
      await feed(test, every).configure({
        filter: { type: 'FromOrders', expression, disableSingleFire: true },
      }),
    ]
    assert.deepEqual(
      configured.map((res) => res.statusCode),
      [200, 200],
    )
    const orderId = await handledOrder(test, 'FROM-ORDERS')
    // A burst of 50 changes, each a version of the order, all read by the fan-out in one go.
    for (let i = 0; i < 50; i++) {
      const res = await api(test).send('POST', `/api/oms/pvt/orders/${orderId}/interactions`, {
        source: 'ERP',
        message: `note ${i}`,
      })
      assert.equal(res.statusCode, 200, res.body)
    }
    await test.fanOut()
    const fired = async (headers: Record<string, string>) => {
      const all: FeedItem[] = []
      for (
        let lot = await feed(test, headers).items();
        lot.length > 0;
        lot = await feed(test, headers).items()
      ) {
        all.push(...lot)
      }
      return all
    }
    const onceItems = await fired(once)
    assert.deepEqual(
      onceItems.map((i) => [i.orderId, i.state]),
      [[orderId, 'handling']],
    )
    assert.equal(
      (await fired(every)).length,
      51,
      'the version that entered handling and each of the 50 after it',
    )
    const config = (await feed(test, once).config()).json<{ filter: object }>()
    assert.deepEqual(config.filter, { type: 'FromOrders', expression, disableSingleFire: false })
  })

  it('skips a version its expression throws on or recurses too deep on, says so in GET, and goes on', async (t) => {
    const test = await startTestApp(t, dialect)
    // Throws on a handling order, holds on a ready one; the other feed recurses past JSONata's stack bound.
    const expression = 'status = "handling" ? $error("no handling here") : status = "ready-for-handling"'
    const deep = await test.newKey(['IntegrationProfile - Fulfillment Oms'])
    const configured = [
      await feed(test).configure({ filter: { type: 'FromOrders', expression, disableSingleFire: true } }),
      await feed(test, deep).configure({
        filter: { type: 'FromOrders', expression: '($f := function($n) { $f($n + 1) }; $f(0))' },
      }),
    ]
    assert.deepEqual(
      configured.map((res) => res.statusCode),
      [200, 200],
    )
    const handled = await handledOrder(test, 'THROWS')
    await test.fanOut()
    const first = await feed(test).items()
    assert.deepEqual(
      first.map((i) => [i.orderId, i.state]),
      [[handled, 'ready-for-handling']],
      'the versions before handling were evaluated; the handling one threw and was skipped',
    )
    const errors = (await feed(test).config()).json<{
      expressionErrors: { count: number; orders: { orderId: string; error: string }[] }
    }>().expressionErrors
    assert.equal(errors.count, 1)
    assert.equal(errors.orders[0]?.orderId, handled)
    assert.match(errors.orders[0]?.error ?? '', /no handling here/)
    const deepErrors = (await feed(test, deep).config()).json<{ expressionErrors: { count: number } }>()
    assert.ok(deepErrors.expressionErrors.count >= 1, 'every version of the order overflowed the stack')
    assert.deepEqual(await feed(test, deep).items(), [])

    // The stream goes on: another order reaching ready-for-handling is in the feed.
    const next = await handledOrder(test, 'AFTER-THROWS')
    await test.fanOut()
    assert.ok(
      (await feed(test).items()).some((i) => i.orderId === next && i.state === 'ready-for-handling'),
      'an order after the failures still reaches the feed',
    )

    // Saving the same filter again (clients do on every start) keeps what it knew; a new expression starts over.
    const errorCount = async () =>
      (await feed(test).config()).json<{ expressionErrors: { count: number } }>().expressionErrors.count
    await feed(test).configure({ filter: { type: 'FromOrders', expression, disableSingleFire: true } })
    assert.equal(await errorCount(), 2)
    await feed(test).configure({ filter: { type: 'FromOrders', expression: 'status = "invoiced"' } })
    assert.equal(await errorCount(), 0)
  })

  it('tests a JSONata expression against a document sent as a string or as an object', async (t) => {
    const test = await startTestApp(t, dialect)
    const run = (body: unknown) => api(test).send('POST', '/api/orders/expressions/jsonata', body)
    const canceled = await run({ Expression: 'status = "canceled"', Document: '{"status":"canceled"}' })
    assert.equal(canceled.statusCode, 200, canceled.body)
    assert.equal(canceled.body, 'true')
    assert.equal((await run({ Expression: 'value > 100', Document: { value: 50 } })).body, 'false')
    assert.equal(
      (await run({ Expression: 'items[quantity > 1]', Document: { items: [{ quantity: 2 }] } })).body,
      'true',
    )
    const broken = await run({ Expression: 'status = ', Document: '{}' })
    assert.equal(broken.statusCode, 400)
    assert.match(
      broken.json<{ error: { message: string } }>().error.message,
      /Invalid JSONata expression: .*S0207/,
    )
    const notJson = await run({ Expression: 'status', Document: '{not json' })
    assert.equal(notJson.statusCode, 400)
    // An expression that never ends is stopped by JSONata's own time limit.
    const endless = await run({ Expression: '($f := function($x){ $f($x + 1) }; $f(0))', Document: '{}' })
    assert.equal(endless.statusCode, 400, endless.body)
    // A FromOrders filter that does not compile gets JSONata's message too.
    const filter = await api(test).send('POST', '/api/orders/feed/config', {
      filter: { type: 'FromOrders', expression: 'status = ' },
    })
    assert.match(filter.json<{ error: { message: string } }>().error.message, /Invalid JSONata expression/)
  })
})
