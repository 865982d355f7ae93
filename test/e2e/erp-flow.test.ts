// The ERP integration of seeds/004 (VTEX's "Guia de integração de ERPs - Pedidos") against a real server and a
// real hook receiver, with plain HTTP calls: feed and hook configured, orders placed and paid, the feed read,
// each order fetched and handled and the items committed, a change, a partial and a final invoice, tracking,
// another order canceled. Every transition of each order must reach the hook once and the feed once, in order.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { FeedItemDocument } from '../../src/modules/feed/feed.schemas.ts'
import type { OrderDocument } from '../../src/modules/orders/order.schemas.ts'
import { singleOrder } from '../fixtures.ts'
import { describeEachDialect } from '../harness.ts'
import type { Received } from '../hook-receiver.ts'
import {
  APPROVED_PATH,
  eventually,
  serverWithHook,
  EVERY_STATUS,
  transitionsOf,
  type TimelineTransition,
} from './client.ts'

type FeedItem = FeedItemDocument

/** A transition as one line, the same whichever channel carried it. */
const line = (domain: string, lastState: string | null, state: string, at: string) =>
  `${domain}: ${lastState ?? ''} -> ${state} at ${at}`
const fromTimeline = (t: TimelineTransition) => line(t.domain, t.lastState, t.state, t.date)
const fromFeed = (item: FeedItem) => line(item.domain, item.lastState, item.state, item.currentChange)
const fromHook = ({ json }: Received) =>
  line(json.Domain ?? '', json.LastState ?? '', json.State ?? '', json.CurrentChange ?? '')

const ERP_HEADERS = { 'X-Erp-Token': 'erp-token' }

describeEachDialect('the ERP integration of the integration guide', (dialect) => {
  it('sees every transition of every order once on the hook and once in the feed, in order', async (t) => {
    const { server, client, hook } = await serverWithHook(t, dialect, ERP_HEADERS)
    const call = (method: string, path: string, body?: unknown) => client.call(server, method, path, body)
    const order = (id: string) => `/api/oms/pvt/orders/${id}`
    const getOrder = async (id: string) => (await call('GET', order(id))) as OrderDocument

    // Configuration: the hook answered VTEX's ping; the feed takes every status too.
    assert.deepEqual(
      hook.received.map((r) => r.json),
      [{ hookConfig: 'ping' }],
    )
    await call('POST', '/api/orders/feed/config', {
      filter: EVERY_STATUS,
      queue: { visibilityTimeoutInSeconds: 240, MessageRetentionPeriodInSeconds: 345_600 },
    })

    // The store sells two orders, and their payments are approved.
    const [shipped, canceled] = await Promise.all([
      client.approvedOrder(server, singleOrder('FLOW-SHIPPED', 5000)),
      client.approvedOrder(server, singleOrder('FLOW-CANCELED', 3000)),
    ])
    assert.ok(shipped && canceled)

    // Download: take feed events; for each order ready for handling, get it and start handling; commit the lot.
    const feed: FeedItem[] = []
    const readFeed = async () => {
      const lot = (await call('GET', '/api/orders/feed?maxlot=10')) as FeedItem[]
      feed.push(...lot)
      return lot
    }
    const commit = (lot: FeedItem[]) =>
      lot.length === 0
        ? undefined
        : call('POST', '/api/orders/feed', { handles: lot.map((item) => item.handle) })
    const handled = new Set<string>()
    await eventually('both orders ready for handling in the feed', async () => {
      const lot = await readFeed()
      for (const item of lot.filter((i) => i.state === 'ready-for-handling')) {
        const document = await getOrder(item.orderId)
        assert.equal(document.status, 'ready-for-handling')
        await call('POST', `${order(item.orderId)}/start-handling`)
        handled.add(item.orderId)
      }
      await commit(lot)
      return handled.size === 2
    })
    assert.deepEqual([...handled].sort(), [shipped, canceled].sort())

    // Invoice: a discount by phone, then a partial invoice and a final one for what remains.
    await call('POST', `${order(shipped)}/changes`, {
      requestId: 'erp-change-1',
      reason: 'Promotion by phone.',
      discountValue: 1000,
    })
    const changed = await getOrder(shipped)
    assert.equal(changed.value, 4000)
    const invoice = (invoiceNumber: string, invoiceValue: string, extra: object = {}) => ({
      type: 'Output',
      issuanceDate: '2026-03-02',
      invoiceNumber,
      invoiceValue,
      invoiceKey: null,
      invoiceUrl: null,
      courier: null,
      trackingNumber: null,
      trackingUrl: null,
      ...extra,
    })
    await call('POST', `${order(shipped)}/invoice`, invoice('NF-1001', '1500'))
    assert.equal((await getOrder(shipped)).status, 'handling')
    await call(
      'POST',
      `${order(shipped)}/invoice`,
      invoice('NF-1002', String(changed.value - 1500), { items: [{ id: '1001', price: 4000, quantity: 1 }] }),
    )
    assert.equal((await getOrder(shipped)).status, 'invoiced')

    // Tracking: the number, then the carrier's events.
    await call('PATCH', `${order(shipped)}/invoice/NF-1002`, {
      trackingNumber: '87658',
      trackingUrl: null,
      courier: null,
    })
    await call('PUT', `${order(shipped)}/invoice/NF-1002/tracking`, {
      isDelivered: true,
      deliveredDate: '2026-03-05',
      events: [{ city: 'Rio de Janeiro', state: 'RJ', description: 'Entregue', date: '2026-03-05' }],
    })
    const tracked = (await getOrder(shipped)).packageAttachment.packages.find(
      (p) => p.invoiceNumber === 'NF-1002',
    )
    assert.equal(tracked?.trackingNumber, '87658')

    // The extra step: the other order is canceled while it is being handled.
    await call('POST', `${order(canceled)}/cancel`, { reason: 'Out of stock' })
    assert.equal((await getOrder(canceled)).status, 'canceled')

    // Both channels catch up with the timelines: the feed is read and committed until it holds nothing more.
    const expected = new Map<string, string[]>()
    for (const id of [shipped, canceled])
      expected.set(id, (await transitionsOf(client, server, id)).map(fromTimeline))
    const delivered = (id: string) => hook.notifications().filter((r) => r.json.OrderId === id)
    const inFeed = (id: string) => feed.filter((item) => item.orderId === id)
    const caughtUp = (of: (id: string) => unknown[]) =>
      [...expected].every(([id, lines]) => of(id).length >= lines.length)
    await eventually('every transition on the hook and in the feed', async () => {
      await commit(await readFeed())
      return caughtUp(delivered) && caughtUp(inFeed)
    })

    for (const [id, lines] of expected) {
      assert.deepEqual(delivered(id).map(fromHook), lines, `the hook's notifications of ${id}`)
      assert.deepEqual(inFeed(id).map(fromFeed), lines, `the feed's items of ${id}`)
    }
    assert.equal(new Set(feed.map((item) => item.eventId)).size, feed.length, 'no feed item twice')
    const states = (id: string) => expected.get(id)?.map((l) => l.replace(/^.*-> | at .*$/g, ''))
    assert.deepEqual(states(shipped), [...APPROVED_PATH, 'start-handling', 'handling', 'invoice', 'invoiced'])
    assert.deepEqual(states(canceled), [...APPROVED_PATH, 'start-handling', 'handling', 'cancel', 'canceled'])
    for (const received of hook.notifications()) {
      assert.equal(received.headers['x-erp-token'], 'erp-token')
      assert.deepEqual(received.json.Origin, { Account: 'ordo', Key: client.appKey })
    }
    // Everything read was committed: nothing is left, visible or not.
    assert.deepEqual(await readFeed(), [])
    const config = (await call('GET', '/api/orders/feed/config')) as { quantity: number }
    assert.equal(config.quantity, 0)
  })
})
