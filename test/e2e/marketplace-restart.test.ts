// A marketplace's messages to its seller survive `kill -9`: orders placed for the partner are acknowledged, the
// server dies before its worker delivers a single placement, and once restarted it delivers every one, once.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { PlacedGroupBody } from '../api.ts'
import { exampleOrder, PARTNER } from '../fixtures.ts'
import { describeEachDialect, keyHeaders } from '../harness.ts'
import { printedKey } from '../local-server.ts'
import { eventually } from './client.ts'
import { sandbox } from './process.ts'

const ORDERS = 5

describeEachDialect('marketplace messages after kill -9', (dialect) => {
  it('delivers every placement acknowledged before the kill, and makes each seller order once', async (t) => {
    const { ordo, serve } = await sandbox(t, dialect)
    // The worker looks for due jobs once a minute: none is delivered before the kill. A placement it had claimed
    // is taken over once its lease ends, so a short lease keeps the test short.
    const first = await serve({ ORDO_TIMER_INTERVAL_MS: '60000', ORDO_JOB_LEASE_MS: '2000' })
    const admin = printedKey(first.stdout())
    assert.ok(admin, first.stdout())
    const headers = keyHeaders(admin)
    assert.equal((await ordo(['accounts', 'create', PARTNER.account])).code, 0)
    const partnerKey = JSON.parse(
      (await ordo(['keys', 'create', '--account', PARTNER.account, '--role', 'OMS - Full access', '--json']))
        .stdout,
    ) as { appKey: string; appToken: string }
    const registered = await first.request('PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
      headers,
      body: { name: PARTNER.name, account: PARTNER.account, ...partnerKey },
    })
    assert.equal(registered.status, 201, registered.text)

    const sold: string[] = []
    for (let i = 0; i < ORDERS; i++) {
      const placed = await first.request('POST', '/api/oms/pvt/orders', {
        headers,
        body: exampleOrder({ marketplaceOrderId: `KILL-${i}` }),
      })
      assert.equal(placed.status, 201, placed.text)
      const order = (placed.body as PlacedGroupBody).orders[1]
      assert.equal(order?.status, 'waiting-for-authorization')
      sold.push(order?.orderId ?? '')
    }
    await first.stop('SIGKILL')

    const server = await serve({ ORDO_TIMER_INTERVAL_MS: '50' })
    const statusOf = async (orderId: string) =>
      (
        (await server.request('GET', `/api/oms/pvt/orders/${orderId}`, { headers })).body as {
          status: string
        }
      ).status
    await eventually(
      'every placement delivered and accepted',
      async () => (await Promise.all(sold.map(statusOf))).every((status) => status === 'payment-pending'),
      { attempts: 600, intervalMs: 50 },
    )
    const partner = keyHeaders(partnerKey)
    for (const orderId of sold) {
      const copy = await server.request('GET', `/api/oms/pvt/orders/SLR-${orderId}`, { headers: partner })
      assert.equal(copy.status, 200, copy.text)
      assert.equal((copy.body as { marketplaceOrderId: string }).marketplaceOrderId, orderId)
    }
    const listed = await server.request('GET', '/api/oms/pvt/orders', { headers: partner })
    assert.equal(
      (listed.body as { paging: { total: number } }).paging.total,
      ORDERS,
      'each seller order once',
    )
  })
})
