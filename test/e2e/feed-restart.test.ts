// The fan-out survives `kill -9`: a server killed while orders move, once restarted, puts every transition in
// the feed exactly once.
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { it } from 'node:test'
import { singleOrder } from '../fixtures.ts'
import { describeEachDialect } from '../harness.ts'
import { adminClient, APPROVED_PATH } from './client.ts'
import { sandbox } from './process.ts'

const ORDERS = 12

interface FeedItem {
  eventId: string
  orderId: string
  state: string
}

describeEachDialect('feed after kill -9', (dialect) => {
  it('has every transition of every order once, after a restart', async (t) => {
    const box = await sandbox(t, dialect)
    let server = await box.serve()
    const { call, approvedOrder } = adminClient(server)
    await call(server, 'PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    // A long visibility timeout: what one retrieval took does not come back during the test.
    await call(server, 'POST', '/api/orders/feed/config', {
      queue: { visibilityTimeoutInSeconds: 3600, MessageRetentionPeriodInSeconds: 345_600 },
    })

    await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => approvedOrder(server, singleOrder(`KILL-${i}`))),
    )
    // Every change was acknowledged; the fan-out may be anywhere in the stream when the process dies.
    await server.stop('SIGKILL')
    server = await box.serve()

    const seen: FeedItem[] = []
    const expected = ORDERS * APPROVED_PATH.length
    // The restarted server's fan-out catches up on its own; the feed is read until it has everything.
    for (let polls = 0; seen.length < expected && polls < 2000; polls++) {
      const lot = (await call(server, 'GET', '/api/orders/feed?maxlot=10')) as FeedItem[]
      seen.push(...lot)
      if (lot.length === 0) await delay(20)
    }
    assert.equal(seen.length, expected)
    assert.equal(new Set(seen.map((item) => item.eventId)).size, expected, 'no event twice')
    const perOrder = new Map<string, string[]>()
    for (const item of seen) perOrder.set(item.orderId, [...(perOrder.get(item.orderId) ?? []), item.state])
    assert.equal(perOrder.size, ORDERS)
    for (const states of perOrder.values()) {
      assert.deepEqual(states, APPROVED_PATH)
    }
  })
})
