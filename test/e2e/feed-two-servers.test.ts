// Two server processes on one database, both running the fan-out and the job worker: every event reaches the
// feed once and the hook once, and concurrent readers of the feed never get the same item.
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { it } from 'node:test'
import { singleOrder } from '../fixtures.ts'
import { hookReceiver } from '../hook-receiver.ts'
import { describeEachDialect } from '../harness.ts'
import { startServers } from './servers.ts'

const ORDERS = 8

/** Each approved order's transitions with no grace period, and the two of starting handling. */
const TRANSITIONS_PER_ORDER = 11

interface FeedItem {
  eventId: string
  handle: string
}

describeEachDialect('feed and hook with two servers', (dialect) => {
  it('fans each event out once, hands each item to one reader at a time, delivers each event once', async (t) => {
    const { send, handlingOrder } = await startServers(t, dialect, 2)
    const hook = await hookReceiver(t)
    const ok = async (n: number, method: string, path: string, body?: unknown) => {
      const res = await send(n, method, path, body)
      assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${res.text}`)
      return res.body
    }
    await ok(0, 'PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true })
    await ok(0, 'POST', '/api/orders/feed/config', {
      queue: { visibilityTimeoutInSeconds: 3600, MessageRetentionPeriodInSeconds: 345_600 },
    })
    await ok(1, 'POST', '/api/orders/hook/config', {
      filter: { type: 'FromWorkflow' },
      hook: { url: hook.url, headers: {} },
    })
    await Promise.all(Array.from({ length: ORDERS }, (_, i) => handlingOrder(singleOrder(`TWO-${i}`))))

    const expected = ORDERS * TRANSITIONS_PER_ORDER
    const taken: FeedItem[] = []
    // Both servers read the feed at once, again and again, until it has given everything.
    for (let polls = 0; taken.length < expected && polls < 1000; polls++) {
      const lots = (await Promise.all(
        [0, 1].map((n) => ok(n, 'GET', '/api/orders/feed?maxlot=10')),
      )) as FeedItem[][]
      taken.push(...lots.flat())
      if (lots.every((lot) => lot.length === 0)) await delay(20)
    }
    const all = taken.map((item) => item.eventId)
    assert.equal(all.length, expected)
    assert.equal(new Set(all).size, expected, 'no item went to two readers, no event was fanned out twice')

    for (let polls = 0; hook.notifications().length < expected && polls < 1000; polls++) await delay(20)
    const delivered = hook.notifications().map((r) => JSON.stringify([r.json.OrderId, r.json.State]))
    assert.equal(delivered.length, expected)
    assert.equal(new Set(delivered).size, expected, 'each event delivered once')
  })
})
