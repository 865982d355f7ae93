// `ordo seed` underneath: the orders it places are what the API would have made of their scenarios, spread over
// the workflow's statuses, and the same seed makes the same orders again.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api } from './api.ts'
import { describeEachDialect, startTestApp } from './harness.ts'
import type { ListOrdersDocument } from '../src/modules/search/search.schemas.ts'
import { seedOrders } from '../src/modules/seed/seed.service.ts'

const ORDERS = 40

describeEachDialect('seed', (dialect) => {
  it('places orders across the workflow, invoiced ones with their invoice, the same for the same seed', async (t) => {
    const runs = []
    for (const run of [1, 2]) {
      const test = await startTestApp(t, dialect)
      let told = 0
      const made = await seedOrders(test.deps, {
        account: 'acme',
        orders: ORDERS,
        seed: 5,
        until: test.clock.now().getTime(),
        placed: (orders) => (told = orders),
      })
      assert.ok(made >= ORDERS && made <= ORDERS + 1, `made ${made}`)
      assert.equal(told, made, `run ${run} told its progress`)
      const list = (
        await api(test).send('GET', '/api/oms/pvt/orders?per_page=100&orderBy=creationDate,asc')
      ).json<ListOrdersDocument>()
      assert.equal(list.paging.total, made)
      const statuses = new Set(list.list.map((item) => item.status))
      // Few orders are recent enough to wait for payment still: one unpaid for 30 days was canceled by the system.
      for (const status of ['canceled', 'ready-for-handling', 'handling', 'invoiced']) {
        assert.ok(statuses.has(status), `some order ${status}: ${[...statuses].join(', ')}`)
      }
      let expired = 0
      const until = test.clock.now().toISOString()
      for (const item of list.list) {
        const order = await api(test).getOk(item.orderId)
        assert.ok(
          order.lastChange <= until,
          `${order.orderId} changed at ${order.lastChange}, after ${until}`,
        )
        if (order.cancellationData?.RequestedBySystem) {
          assert.equal(order.cancellationData.Reason, 'Fulfillment was not authorized within 30 days.')
          assert.equal(Date.parse(order.lastChange) - Date.parse(order.creationDate) > 30 * 86_400_000, true)
          expired++
        }
        if (item.status !== 'invoiced') continue
        assert.equal(order.packageAttachment.packages.length, 1)
        assert.equal(order.packageAttachment.packages[0]?.invoiceValue, order.value)
        assert.ok(order.invoicedDate && order.invoicedDate > order.creationDate)
      }
      assert.ok(expired > 0, 'some order waited for payment for 30 days')
      const creation = list.list.map((item) => Date.parse(item.creationDate))
      assert.ok(creation[0]! < test.clock.now().getTime() - 600 * 86_400_000, 'spread over two years')
      const again = await seedOrders(test.deps, {
        account: 'acme',
        orders: ORDERS,
        seed: 5,
        until: test.clock.now().getTime(),
      })
      assert.equal(again, 0, 'the same seed again finds its orders there and places none')
      runs.push(list.list.map(({ orderId: _, sequence: __, ...rest }) => rest))
    }
    assert.deepEqual(runs[1], runs[0], 'the same seed makes the same orders')
  })

  it('keeps the documents of replaced versions for an account with a document filter, until the fan-out reads them', async (t) => {
    const test = await startTestApp(t, dialect)
    const feed = await api(test).send('POST', '/api/orders/feed/config', {
      filter: { type: 'FromOrders', expression: 'status = "invoiced"' },
    })
    assert.equal(feed.statusCode, 200, feed.body)
    await seedOrders(test.deps, { account: 'acme', orders: 20, seed: 3, until: test.clock.now().getTime() })
    const { db } = test.deps
    const orders = await db.selectFrom('orders').select(['account', 'order_id', 'version']).execute()
    const kept = await db
      .selectFrom('order_version_documents')
      .select(['account', 'order_id', 'version', 'document'])
      .orderBy('version')
      .execute()
    const versionsOf = (account: string, orderId: string) =>
      kept.filter((row) => row.account === account && row.order_id === orderId).map((row) => row.version)
    for (const order of orders) {
      // The partner, the seed's second seller, has no feed: its orders keep none.
      const expected =
        order.account === 'acme' ? Array.from({ length: order.version - 1 }, (_, index) => index + 1) : []
      assert.deepEqual(versionsOf(order.account, order.order_id), expected, `${order.order_id}`)
    }
    // Each kept document is its version's: the status the version's last event left the order in.
    const events = await db
      .selectFrom('order_events')
      .select(['account', 'order_id', 'order_version', 'state'])
      .orderBy('id')
      .execute()
    const stateOf = new Map(events.map((e) => [`${e.account} ${e.order_id} ${e.order_version}`, e.state]))
    for (const row of kept) {
      const document = JSON.parse(row.document) as { orderId: string; status: string }
      assert.equal(document.orderId, row.order_id)
      assert.equal(document.status, stateOf.get(`${row.account} ${row.order_id} ${row.version}`))
    }
    assert.ok(
      new Set(kept.map((row) => (JSON.parse(row.document) as { status: string }).status)).size > 3,
      'versions of many statuses',
    )
    await test.fanOut()
    assert.deepEqual(await db.selectFrom('order_version_documents').select('version').execute(), [])
  })
})
