// The fan-out survives `kill -9`: a server killed while orders move, once restarted, puts every transition in
// the feed exactly once.
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { it } from 'node:test'
import type { PlacedGroupBody } from '../api.ts'
import { singleOrder } from '../fixtures.ts'
import { describeEachDialect, keyHeaders } from '../harness.ts'
import { printedKey } from '../local-server.ts'
import { sandbox, type Server } from './process.ts'

const ORDERS = 12

/** Each approved order's transitions with no grace period: order-created … ready-for-handling. */
const TRANSITIONS_PER_ORDER = 8

interface FeedItem {
  eventId: string
  orderId: string
  state: string
}

describeEachDialect('feed after kill -9', (dialect) => {
  it('has every transition of every order once, after a restart', async (t) => {
    const box = await sandbox(t, dialect)
    let server = await box.serve()
    const admin = printedKey(server.stdout())
    assert.ok(admin, server.stdout())
    const headers = keyHeaders(admin)
    const call = async (target: Server, method: string, path: string, body?: unknown) => {
      const res = await target.request(method, path, { headers, body })
      assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${res.text}`)
      return res.body
    }
    await call(server, 'PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    // A long visibility timeout: what one retrieval took does not come back during the test.
    await call(server, 'POST', '/api/orders/feed/config', {
      queue: { visibilityTimeoutInSeconds: 3600, MessageRetentionPeriodInSeconds: 345_600 },
    })

    await Promise.all(
      Array.from({ length: ORDERS }, async (_, i) => {
        const placed = (await call(
          server,
          'POST',
          '/api/oms/pvt/orders',
          singleOrder(`KILL-${i}`),
        )) as PlacedGroupBody
        const order = placed.orders[0]
        assert.ok(order)
        const payment = order.paymentData.transactions[0]?.payments[0]?.id ?? ''
        await call(
          server,
          'POST',
          `/api/oms/pvt/orders/${order.orderId}/payments/${payment}/payment-notification`,
        )
      }),
    )
    // Every change was acknowledged; the fan-out may be anywhere in the stream when the process dies.
    await server.stop('SIGKILL')
    server = await box.serve()

    const seen: FeedItem[] = []
    const expected = ORDERS * TRANSITIONS_PER_ORDER
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
      assert.deepEqual(states, [
        'order-created',
        'on-order-completed',
        'payment-pending',
        'approve-payment',
        'payment-approved',
        'authorize-fulfillment',
        'window-to-cancel',
        'ready-for-handling',
      ])
    }
  })
})
