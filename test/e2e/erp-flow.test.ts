// The ERP integration of seeds/004 (VTEX's "Guia de integração de ERPs - Pedidos") against a real server and a
// real hook receiver, with plain HTTP calls: feed and hook configured, orders placed and paid, the feed read,
// each order fetched and handled and the items committed, a change, a partial and a final invoice, tracking,
// another order canceled. Every transition of each order must reach the hook once and the feed once, in order.
// Once as the store that sells and fulfils, once as a seller fulfilling what another account's marketplace sold.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { FeedItemDocument } from '../../src/modules/feed/feed.schemas.ts'
import type { OrderDocument } from '../../src/modules/orders/order.schemas.ts'
import { MARKETPLACE_PATH, PARTNER, SELLER_APPROVED_PATH, singleOrder } from '../fixtures.ts'
import { describeEachDialect } from '../harness.ts'
import { hookReceiver, type HookReceiver, type Received } from '../hook-receiver.ts'
import {
  APPROVED_PATH,
  clientOf,
  eventually,
  serverWithHook,
  EVERY_STATUS,
  transitionsOf,
  type AdminClient,
  type TimelineTransition,
} from './client.ts'
import type { Server } from './process.ts'

type FeedItem = FeedItemDocument

/** A transition as one line, the same whichever channel carried it. */
const line = (domain: string, lastState: string | null, state: string, at: string) =>
  `${domain}: ${lastState ?? ''} -> ${state} at ${at}`
const fromTimeline = (t: TimelineTransition) => line(t.domain, t.lastState, t.state, t.date)
const fromFeed = (item: FeedItem) => line(item.domain, item.lastState, item.state, item.currentChange)
const fromHook = ({ json }: Received) =>
  line(json.Domain ?? '', json.LastState ?? '', json.State ?? '', json.CurrentChange ?? '')

const ERP_HEADERS = { 'X-Erp-Token': 'erp-token' }
const FAST_JOBS = { ORDO_TIMER_INTERVAL_MS: '50' }

describeEachDialect('the ERP integration of the integration guide', (dialect) => {
  it('sees every transition of every order once on the hook and once in the feed, in order', async (t) => {
    const { server, client, hook } = await serverWithHook(t, dialect, ERP_HEADERS)
    await erpFlow({
      server,
      client,
      hook,
      account: 'ordo',
      sell: (tag, value) => client.approvedOrder(server, singleOrder(tag, value)),
      approvedPath: APPROVED_PATH,
      discount: true,
    })
  })

  it("runs on a seller's account against the seller's feed, while its marketplace's feed sees the marketplace's statuses", async (t) => {
    // The worker looks for due jobs often: the marketplace's messages reach the seller at once.
    const { box, server, client: marketplace } = await serverWithHook(t, dialect, {}, FAST_JOBS)
    assert.equal((await box.ordo(['accounts', 'create', PARTNER.account], FAST_JOBS)).code, 0)
    const created = await box.ordo(
      ['keys', 'create', '--account', PARTNER.account, '--role', 'OMS - Full access', '--json'],
      FAST_JOBS,
    )
    const sellerKey = JSON.parse(created.stdout) as { appKey: string; appToken: string }
    const seller = clientOf(sellerKey)
    await seller.call(server, 'PUT', '/api/ordo/pvt/settings', {
      allowInsecureHooks: true,
      cancellationGracePeriodMinutes: 0,
    })
    const hook = await hookReceiver(t)
    await seller.call(server, 'POST', '/api/orders/hook/config', {
      filter: EVERY_STATUS,
      hook: { url: hook.url, headers: ERP_HEADERS },
    })
    // The partner's consent to sell through the marketplace: a key of its own.
    await marketplace.call(server, 'PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
      name: PARTNER.name,
      account: PARTNER.account,
      ...sellerKey,
    })
    await marketplace.call(server, 'POST', '/api/orders/feed/config', { filter: EVERY_STATUS })

    // The marketplace sells the partner's items and takes the payment; the partner's ERP does the rest.
    const sold: string[] = []
    await erpFlow({
      server,
      client: seller,
      hook,
      account: PARTNER.account,
      sell: async (tag, value) => {
        const body = singleOrder(tag, value)
        const items = body.items.map((item) => ({ ...item, seller: PARTNER.id }))
        const orderId = await marketplace.approvedOrder(server, { ...body, items })
        sold.push(orderId)
        return `SLR-${orderId}`
      },
      approvedPath: SELLER_APPROVED_PATH,
      discount: false,
    })

    // The marketplace's own feed saw its orders wait for the seller, then be invoiced by it, or wait for another
    // seller once it canceled (VTEX's window to change seller, 2 days by default).
    const [shipped, canceled] = sold
    assert.ok(shipped && canceled)
    const expected = new Map<string, string[]>([
      [shipped, [...MARKETPLACE_PATH, 'invoice', 'invoiced']],
      [canceled, [...MARKETPLACE_PATH, 'window-to-change-seller']],
    ])
    const seen: FeedItem[] = []
    await eventually('every marketplace transition in its feed', async () => {
      const lot = (await marketplace.call(server, 'GET', '/api/orders/feed?maxlot=10')) as FeedItem[]
      seen.push(...lot)
      if (lot.length > 0) {
        await marketplace.call(server, 'POST', '/api/orders/feed', {
          handles: lot.map((item) => item.handle),
        })
      }
      return [...expected].every(
        ([id, states]) => seen.filter((item) => item.orderId === id).length >= states.length,
      )
    })
    for (const [id, states] of expected) {
      const items = seen.filter((item) => item.orderId === id)
      assert.deepEqual(
        items.map((item) => item.state),
        states,
        `the marketplace feed's items of ${id}`,
      )
      assert.ok(items.every((item) => item.domain === 'Marketplace'))
    }
  })
})

/** What the ERP does with the orders `sell` brings it (each approved, waiting for the ERP), as the guide says. */
async function erpFlow({
  server,
  client,
  hook,
  account,
  sell,
  approvedPath,
  discount,
}: {
  server: Server
  client: AdminClient
  hook: HookReceiver
  account: string
  sell: (tag: string, value: number) => Promise<string>
  approvedPath: readonly string[]
  /** Whether the ERP registers a discount before invoicing. */
  discount: boolean
}): Promise<void> {
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

  // Two orders are sold, and their payments are approved.
  const shipped = await sell('FLOW-SHIPPED', 5000)
  const canceled = await sell('FLOW-CANCELED', 3000)
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

  // Invoice: a discount by phone (where the order is the store's own: a seller's change does not reach its
  // marketplace's order yet), then a partial invoice and a final one for what remains.
  if (discount) {
    await call('POST', `${order(shipped)}/changes`, {
      requestId: 'erp-change-1',
      reason: 'Promotion by phone.',
      discountValue: 1000,
    })
  }
  const changed = await getOrder(shipped)
  assert.equal(changed.value, discount ? 4000 : 5000)
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
  assert.deepEqual(states(shipped), [...approvedPath, 'start-handling', 'handling', 'invoice', 'invoiced'])
  assert.deepEqual(states(canceled), [...approvedPath, 'start-handling', 'handling', 'cancel', 'canceled'])
  for (const received of hook.notifications()) {
    assert.equal(received.headers['x-erp-token'], 'erp-token')
    assert.deepEqual(received.json.Origin, { Account: account, Key: client.appKey })
  }
  // Everything read was committed: nothing is left, visible or not.
  assert.deepEqual(await readFeed(), [])
  const config = (await call('GET', '/api/orders/feed/config')) as { quantity: number }
  assert.equal(config.quantity, 0)
}
