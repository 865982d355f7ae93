// Feed v2 (deprecated) through the HTTP API: the default feed its first call creates, its item shape and confirm,
// and that it is the same queue as Feed v3's.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api, errorCode, handledOrder } from './api.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

interface FeedV2Item {
  orderId: string
  status: string
  dateTime: string
  commitToken: string
  eventId: string
  handle: string
  domain: string
  state: string
}

const STATUS = '/api/oms/pvt/feed/orders/status'

function feedV2(test: TestApp, headers = test.headers) {
  const client = api(test, headers)
  return {
    async items(query = ''): Promise<FeedV2Item[]> {
      const res = await client.send('GET', `${STATUS}${query}`)
      assert.equal(res.statusCode, 200, res.body)
      return res.json<FeedV2Item[]>()
    },
    confirm: (tokens: string[]) =>
      client.send(
        'POST',
        `${STATUS}/confirm`,
        tokens.map((commitToken) => ({ commitToken })),
      ),
  }
}

function feedV3(test: TestApp, headers = test.headers) {
  const client = api(test, headers)
  return {
    configure: (body: unknown) => client.send('POST', '/api/orders/feed/config', body),
    async config() {
      const res = await client.send('GET', '/api/orders/feed/config')
      assert.equal(res.statusCode, 200, res.body)
      return res.json<{ filter: object; queue: object; quantity: number }>()
    },
    async items(maxlot: number): Promise<{ eventId: string; handle: string; state: string }[]> {
      const res = await client.send('GET', `/api/orders/feed?maxlot=${maxlot}`)
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    },
    commit: (handles: string[]) => client.send('POST', '/api/orders/feed', { handles }),
  }
}

describeEachDialect('feed v2', (dialect) => {
  it('the first call creates the default feed, which then takes what happens after it, oldest first', async (t) => {
    const test = await startTestApp(t, dialect)
    const before = await handledOrder(test, 'V2-BEFORE')
    test.clock.advance(1000)
    assert.equal((await api(test).send('GET', '/api/orders/feed/config')).statusCode, 404)

    assert.deepEqual(await feedV2(test).items(), [])
    assert.deepEqual(await feedV3(test).config(), {
      filter: { type: 'FromWorkflow' },
      queue: {
        visibilityTimeoutInSeconds: 240,
        MessageRetentionPeriodInSeconds: 345_600,
        messageRetentionPeriodInSeconds: 345_600,
      },
      quantity: 0,
      approximateAgeOfOldestMessageInSeconds: 0,
      expressionErrors: { count: 0, orders: [] },
    })

    const orderId = await handledOrder(test, 'V2-AFTER')
    await test.fanOut()
    // Its 11 transitions take two lots of at most 10: the first lot's items are hidden as the second is read.
    const first = await feedV2(test).items()
    assert.equal(first.length, 10)
    const items = [...first, ...(await feedV2(test).items())]
    assert.equal(items.length, 11)
    assert.notEqual(orderId, before)
    assert.ok(items.every((item) => item.orderId === orderId))
    assert.deepEqual(
      items.slice(-2).map((i) => [i.domain, i.state]),
      [
        ['Fulfillment', 'start-handling'],
        ['Fulfillment', 'handling'],
      ],
    )
    const eventIds = items.map((i) => i.eventId)
    assert.deepEqual(eventIds, [...eventIds].sort(), 'oldest first')
    for (const item of items) {
      assert.deepEqual(Object.keys(item).sort(), [
        'commitToken',
        'dateTime',
        'domain',
        'eventId',
        'handle',
        'orderId',
        'state',
        'status',
      ])
      assert.equal(item.status, item.state)
      assert.equal(item.commitToken, item.handle)
      assert.match(item.eventId, /^[0-9A-F]{32}$/)
      assert.match(item.handle, /^[0-9a-f]{48}$/)
      assert.equal(item.dateTime, test.clock.now().toISOString())
    }
  })

  it('honours maxLot and maxlot (1–10); anything else is a 400 in the error envelope', async (t) => {
    const test = await startTestApp(t, dialect)
    await feedV2(test).items()
    await handledOrder(test, 'V2-LOT')
    await test.fanOut()
    const { quantity } = await feedV3(test).config()
    assert.ok(quantity > 5, `${quantity} items`)

    const first = await feedV2(test).items('?maxLot=2')
    const second = await feedV2(test).items('?maxlot=3')
    const rest = await feedV2(test).items()
    assert.deepEqual([first.length, second.length, rest.length], [2, 3, Math.min(10, quantity - 5)])
    assert.equal(
      new Set([...first, ...second, ...rest].map((i) => i.eventId)).size,
      first.length + 3 + rest.length,
    )
    for (const query of ['?maxLot=11', '?maxLot=0', '?maxLot=abc', '?maxlot=11']) {
      const res = await api(test).send('GET', `${STATUS}${query}`)
      assert.equal(res.statusCode, 400, query)
      assert.equal(errorCode(res), 'OMS001', query)
      assert.equal(res.json<{ error: { exception: null } }>().error.exception, null)
    }
  })

  it('hides what it returns for the visibility timeout; confirm deletes, and ignores stale tokens', async (t) => {
    const test = await startTestApp(t, dialect)
    await feedV2(test).items()
    const orderId = await handledOrder(test, 'V2-CONFIRM')
    await test.fanOut()
    const items = await feedV2(test).items('?maxLot=2')
    assert.equal(items.length, 2)
    const rest = await feedV2(test).items()
    assert.ok(!rest.some((i) => items.some((taken) => taken.eventId === i.eventId)))
    const restConfirmed = await feedV2(test).confirm(rest.map((i) => i.commitToken))
    assert.equal(restConfirmed.headers['x-ordo-ignored-handles'], '0')

    test.clock.advance(239_000)
    assert.deepEqual(await feedV2(test).items(), [])
    test.clock.advance(1000)
    const again = await feedV2(test).items()
    assert.deepEqual(
      again.map((i) => [i.orderId, i.eventId]),
      items.map((i) => [orderId, i.eventId]),
    )
    assert.ok(again.every((item, i) => item.commitToken !== items[i]?.commitToken))

    const stale = await feedV2(test).confirm(items.map((i) => i.commitToken))
    assert.equal(stale.statusCode, 200, stale.body)
    assert.equal(stale.body, '')
    assert.equal(stale.headers['x-ordo-ignored-handles'], '2')
    const fresh = await feedV2(test).confirm([...again.map((i) => i.commitToken), 'no-such-token'])
    assert.equal(fresh.statusCode, 200, fresh.body)
    assert.equal(fresh.headers['x-ordo-ignored-handles'], '1')
    test.clock.advance(240_000)
    assert.deepEqual(await feedV2(test).items(), [])
    assert.equal((await feedV3(test).config()).quantity, 0)
  })

  it('keeps a feed configured through v3, filter and queue, and takes its items', async (t) => {
    const test = await startTestApp(t, dialect)
    const filter = { type: 'FromWorkflow', status: ['start-handling'] }
    const queue = { visibilityTimeoutInSeconds: 60, MessageRetentionPeriodInSeconds: 3600 }
    assert.equal((await feedV3(test).configure({ filter, queue })).statusCode, 200)
    const configured = await feedV3(test).config()

    const orderId = await handledOrder(test, 'V2-KEEP')
    await test.fanOut()
    const items = await feedV2(test).items()
    assert.deepEqual(
      items.map((i) => [i.orderId, i.status]),
      [[orderId, 'start-handling']],
    )
    assert.deepEqual(await feedV3(test).config(), { ...configured, quantity: 1 })
    test.clock.advance(60_000)
    assert.equal((await feedV2(test).items()).length, 1, 'back after the v3 visibility timeout')
  })

  it('is the same queue as Feed v3: a token of one commits through the other', async (t) => {
    const test = await startTestApp(t, dialect)
    await feedV2(test).items()
    await handledOrder(test, 'V2-SAME')
    await test.fanOut()
    const fromV3 = await feedV3(test).items(2)
    assert.equal(fromV3.length, 2)
    const fromV2 = await feedV2(test).items('?maxLot=2')
    assert.equal(fromV2.length, 2)
    assert.ok(!fromV2.some((i) => fromV3.some((taken) => taken.eventId === i.eventId)))

    const confirmed = await feedV2(test).confirm(fromV3.map((i) => i.handle))
    assert.equal(confirmed.headers['x-ordo-ignored-handles'], '0')
    const committed = await feedV3(test).commit(fromV2.map((i) => i.commitToken))
    assert.equal(committed.headers['x-ordo-ignored-handles'], '0')
    const { quantity } = await feedV3(test).config()
    test.clock.advance(240_000)
    const left = await feedV2(test).items()
    assert.equal(left.length, quantity)
    const gone = new Set([...fromV3, ...fromV2].map((i) => i.eventId))
    assert.ok(!left.some((i) => gone.has(i.eventId)))
  })

  it('first calls made at the same time all answer []', async (t) => {
    const test = await startTestApp(t, dialect)
    const calls = await Promise.all(
      Array.from({ length: 8 }, () => api(test).send('GET', `${STATUS}?maxLot=1`)),
    )
    assert.deepEqual(
      calls.map((res) => [res.statusCode, res.body]),
      calls.map(() => [200, '[]']),
    )
    assert.equal((await feedV3(test).config()).quantity, 0)
  })

  it('a feed deleted through v3 comes back as the default one at the next v2 call', async (t) => {
    const test = await startTestApp(t, dialect)
    const filter = { type: 'FromWorkflow', status: ['invoiced'] }
    assert.equal((await feedV3(test).configure({ filter })).statusCode, 200)
    const deleted = await test.app.inject({
      method: 'DELETE',
      url: '/api/orders/feed/config',
      headers: test.headers,
    })
    assert.equal(deleted.statusCode, 200, deleted.body)
    assert.deepEqual(await feedV2(test).items(), [])
    assert.deepEqual((await feedV3(test).config()).filter, { type: 'FromWorkflow' })
  })

  it('refuses a confirm body that is not an array of commitTokens, and keeps each feed to its key', async (t) => {
    const test = await startTestApp(t, dialect)
    const other = await test.newKey(['IntegrationProfile - Fulfillment Oms'])
    await feedV2(test).items()
    await feedV2(test, other).items()
    await handledOrder(test, 'V2-BODY')
    await test.fanOut()
    const mine = await feedV2(test).items('?maxLot=3')
    const theirs = await feedV2(test, other).confirm(mine.map((i) => i.commitToken))
    assert.equal(theirs.headers['x-ordo-ignored-handles'], '3')

    const url = `${STATUS}/confirm`
    for (const body of [
      { commitToken: mine[0]?.commitToken },
      { handles: [] },
      [{}],
      [{ handle: mine[0]?.commitToken }],
      [{ commitToken: 7 }],
      [{ commitToken: 'x'.repeat(201) }],
      Array.from({ length: 101 }, () => ({ commitToken: 'x' })),
    ]) {
      const res = await api(test).send('POST', url, body)
      assert.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 80))
      assert.equal(errorCode(res), 'OMS001')
    }
    const empty = await api(test).send('POST', url, [])
    assert.equal(empty.statusCode, 200, empty.body)
    assert.equal(empty.headers['x-ordo-ignored-handles'], '0')
    const mineConfirmed = await feedV2(test).confirm(mine.map((i) => i.commitToken))
    assert.equal(mineConfirmed.headers['x-ordo-ignored-handles'], '0')
  })
})
