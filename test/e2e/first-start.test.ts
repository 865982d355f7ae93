// `ordo serve` on an empty database: the bootstrap admin key is printed once and works against the real server.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { PlacedGroupBody } from '../api.ts'
import { exampleOrder, PARTNER } from '../fixtures.ts'
import { describeEachDialect, keyHeaders } from '../harness.ts'
import { printedKey } from '../local-server.ts'
import { sandbox } from './process.ts'

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'gm'))?.length ?? 0

describeEachDialect('first start', (dialect) => {
  it('prints the bootstrap key once; the key places and reads an order; a second start prints none', async (t) => {
    const { ordo, serve } = await sandbox(t, dialect)
    const first = await serve()
    assert.equal(count(first.stdout(), /^\s*X-VTEX-API-AppKey:/), 1, first.stdout())
    assert.equal(count(first.stdout(), /^\s*X-VTEX-API-AppToken:/), 1, first.stdout())
    const admin = printedKey(first.stdout())
    assert.ok(admin, first.stdout())
    assert.match(admin.appKey, /^vtexappkey-ordo-/)
    const headers = keyHeaders(admin)

    const refused = await first.request('POST', '/api/oms/pvt/orders', { headers, body: exampleOrder() })
    assert.equal(refused.status, 400, 'the example order names a seller this account has not registered')
    // Seller partner is another account on this server, which consents with a key of its own.
    assert.equal((await ordo(['accounts', 'create', PARTNER.account])).code, 0)
    const created = await ordo([
      'keys',
      'create',
      '--account',
      PARTNER.account,
      '--role',
      'OMS - Full access',
      '--json',
    ])
    const partnerKey = JSON.parse(created.stdout) as { appKey: string; appToken: string }
    const seller = await first.request('PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
      headers,
      body: { name: PARTNER.name, account: PARTNER.account, ...partnerKey },
    })
    assert.equal(seller.status, 201, seller.text)
    const placed = await first.request('POST', '/api/oms/pvt/orders', { headers, body: exampleOrder() })
    assert.equal(placed.status, 201, placed.text)
    const { orders } = placed.body as PlacedGroupBody
    assert.equal(orders.length, 2)
    // The store's own order reads back as placed; the partner's moves on as the partner accepts it.
    for (const [index, order] of orders.entries()) {
      const read = await first.request('GET', `/api/oms/pvt/orders/${order.orderId}`, { headers })
      assert.equal(read.status, 200, read.text)
      if (index === 0) assert.deepEqual(read.body, order)
    }
    const unauthenticated = await first.request('GET', `/api/oms/pvt/orders/${orders[0]?.orderId}`)
    assert.equal(unauthenticated.status, 401)

    // A graceful stop: SIGTERM closes the server and the database, and the process exits by itself.
    assert.deepEqual(await first.stop('SIGTERM'), { code: 0, signal: null })

    const second = await serve()
    assert.equal(count(second.stdout(), /X-VTEX-API-App(Key|Token)/), 0, second.stdout())
    assert.doesNotMatch(second.stdout(), /shown only once/)
    const again = await second.request('GET', `/api/oms/pvt/orders/${orders[0]?.orderId}`, { headers })
    assert.equal(again.status, 200, again.text)
    assert.deepEqual(again.body, orders[0])
  })
})
