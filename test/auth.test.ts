// Authentication and authorization: keys, user tokens, roles → resources, and account isolation.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { revokeKey } from '../src/modules/access/access.service.ts'
import { buildApp } from '../src/app.ts'
import { assembleDeps } from '../src/assemble.ts'
import { CACHE_TTL_MS, CredentialCache } from '../src/platform/credential-cache.ts'
import { createJobQueue } from '../src/worker/job-queue.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import { api, errorCode } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

async function placedOrderId(test: TestApp): Promise<string> {
  const placed = await api(test).placeOk(exampleOrder())
  return placed.orders[0]?.orderId ?? ''
}

const envelope = (body: string) =>
  JSON.parse(body) as { error: { code: string; message: string; exception: null } }

describeEachDialect('access control', (dialect) => {
  it('answers 401 in the error envelope without credentials or with a wrong token', async (t) => {
    const test = await startTestApp(t, dialect)
    const id = await placedOrderId(test)
    for (const headers of [
      {},
      { 'x-vtex-api-appkey': test.admin.appKey },
      { 'x-vtex-api-appkey': test.admin.appKey, 'x-vtex-api-apptoken': 'WRONG' },
      { 'x-vtex-api-appkey': 'vtexappkey-nobody-XXXX', 'x-vtex-api-apptoken': test.admin.appToken },
      { vtexidclientautcookie: 'not-a-token' },
    ]) {
      const res = await test.app.inject({ method: 'GET', url: `/api/oms/pvt/orders/${id}`, headers })
      assert.equal(res.statusCode, 401)
      assert.deepEqual(envelope(res.body), {
        error: { code: '1', message: 'Unauthorized access', exception: null },
      })
    }
  })

  it('answers 403 to a key without View order, and 200 to read-only and integration keys', async (t) => {
    const test = await startTestApp(t, dialect)
    const id = await placedOrderId(test)
    const checkoutAdmin = await test.newKey(['Checkout Admin'])
    const readOnly = await test.newKey(['OMS - Read only'])
    const integration = await test.newKey(['IntegrationProfile - Fulfillment Oms'])
    const noView = await test.newKey(['Call center operator'])
    assert.equal((await api(test, readOnly).get(id)).statusCode, 200)
    assert.equal((await api(test, integration).get(id)).statusCode, 200)
    assert.equal((await api(test, checkoutAdmin).get(id)).statusCode, 200) // Orders Full Access also grants it
    const startHandling = await api(test, readOnly).startHandling(id)
    assert.equal(startHandling.statusCode, 403)
    assert.equal(envelope(startHandling.body).error.exception, null)
    const cancel = await api(test, checkoutAdmin).cancel(id)
    assert.equal(cancel.statusCode, 403)
    const withoutView = await api(test, noView).get(id)
    assert.equal(withoutView.statusCode, 403)
    assert.deepEqual(envelope(withoutView.body), {
      error: {
        code: 'OMS002',
        message: 'The credentials are not enabled to access the service.',
        exception: null,
      },
    })
  })

  it("never lets a key reach another account's orders", async (t) => {
    const test = await startTestApp(t, dialect)
    const id = await placedOrderId(test)
    await createAccount(test.deps, 'globex')
    const other = await test.newKey(['OMS - Full access'], 'globex')
    // The other account has no such order: its key sees nothing of acme's.
    assert.equal((await api(test, other).get(id)).statusCode, 404)
    // Naming acme in the URL with globex's key is forbidden.
    const named = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${id}?an=acme`,
      headers: other,
    })
    assert.equal(named.statusCode, 403)
    assert.equal(envelope(named.body).error.code, 'OMS002')
    const byHost = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${id}`,
      headers: { ...other, host: 'acme.vtexcommercestable.com.br' },
    })
    assert.equal(byHost.statusCode, 403)
    // The own account in ?an= or the host name is fine; unrelated host names are ignored.
    assert.equal((await api(test).send('GET', `/api/oms/pvt/orders/${id}?an=acme`)).statusCode, 200)
    for (const host of ['acme.vtexcommercestable.com.br', 'api.example.com', '127.0.0.1:8080']) {
      const res = await test.app.inject({
        method: 'GET',
        url: `/api/oms/pvt/orders/${id}`,
        headers: { ...test.headers, host },
      })
      assert.equal(res.statusCode, 200, host)
    }
  })

  it('mints 24-hour user tokens from a key, accepted as header or cookie', async (t) => {
    const test = await startTestApp(t, dialect)
    const id = await placedOrderId(test)
    const login = await test.app.inject({
      method: 'POST',
      url: '/api/vtexid/apptoken/login',
      payload: { appkey: test.admin.appKey, apptoken: test.admin.appToken },
    })
    assert.equal(login.statusCode, 200)
    const { authStatus, token, expires } = login.json<{
      authStatus: string
      token: string
      expires: number
    }>()
    assert.equal(authStatus, 'Success')
    assert.equal(expires, Date.parse('2026-03-02T12:00:00.000Z') / 1000 + 24 * 3600)
    const viaHeader = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${id}`,
      headers: { vtexidclientautcookie: token },
    })
    assert.equal(viaHeader.statusCode, 200)
    const viaCookie = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${id}`,
      headers: { cookie: `other=1; VtexIdclientAutCookie=${token}` },
    })
    assert.equal(viaCookie.statusCode, 200)
    test.clock.advance(24 * 3600 * 1000)
    const expired = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${id}`,
      headers: { vtexidclientautcookie: token },
    })
    assert.equal(expired.statusCode, 401)
    const bad = await test.app.inject({
      method: 'POST',
      url: '/api/vtexid/apptoken/login',
      payload: { appkey: test.admin.appKey, apptoken: 'nope' },
    })
    assert.equal(bad.statusCode, 401)
  })

  it('stops accepting a revoked key and the tokens minted from it', async (t) => {
    const test = await startTestApp(t, dialect)
    const id = await placedOrderId(test)
    const headers = await test.newKey(['OMS - Read only'])
    const appKey = headers['x-vtex-api-appkey'] ?? ''
    const login = await test.app.inject({
      method: 'POST',
      url: '/api/vtexid/apptoken/login',
      payload: { appkey: appKey, apptoken: headers['x-vtex-api-apptoken'] },
    })
    const { token } = login.json<{ token: string }>()
    await revokeKey(test.deps, appKey)
    assert.equal((await api(test, headers).get(id)).statusCode, 401)
    const viaToken = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${id}`,
      headers: { vtexidclientautcookie: token },
    })
    assert.equal(viaToken.statusCode, 401)
  })

  it('refuses a key revoked by another process once CACHE_TTL_MS has passed, on the cached path too', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const id = await placedOrderId(test)
    const headers = await test.newKey(['OMS - Read only'])
    // This process's own view of real time, which the cache bounds its decisions by.
    let elapsed = 0
    const app = await buildApp({ ...test.deps, credentials: new CredentialCache(() => elapsed) })
    t.after(() => app.close())
    const get = async () =>
      (await app.inject({ method: 'GET', url: `/api/oms/pvt/orders/${id}`, headers })).statusCode
    assert.equal(await get(), 200)
    // Revoked through its own connections, as `ordo keys revoke` beside the server does: nothing tells this one.
    const other = test.openAgain()
    await revokeKey(
      assembleDeps(other, test.clock, createJobQueue(other)),
      headers['x-vtex-api-appkey'] ?? '',
    )
    await other.db.destroy()
    elapsed = CACHE_TTL_MS - 1
    assert.equal(await get(), 200, 'within the documented bound the decision made a moment ago stands')
    elapsed = CACHE_TTL_MS
    assert.equal(await get(), 401)
  })

  it('answers 401 to a malformed cookie and 403 to a repeated ?an= naming another account', async (t) => {
    const test = await startTestApp(t, dialect)
    const id = await placedOrderId(test)
    const cookie = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${id}`,
      headers: { cookie: 'VtexIdclientAutCookie=%E0%A4%A' },
    })
    assert.equal(cookie.statusCode, 401)
    const repeated = await api(test).send('GET', `/api/oms/pvt/orders/${id}?an=zzz&an=zzz`)
    assert.equal(repeated.statusCode, 403)
    const mixed = await api(test).send('GET', `/api/oms/pvt/orders/${id}?an=acme&an=zzz`)
    assert.equal(mixed.statusCode, 403)
    assert.equal((await api(test).send('GET', `/api/oms/pvt/orders/${id}?an=acme&an=acme`)).statusCode, 200)
  })

  it('stores secrets only as hashes', async (t) => {
    const test = await startTestApp(t, dialect)
    const rows = await test.deps.db.selectFrom('api_keys').selectAll().execute()
    for (const row of rows) assert.notEqual(row.token_hash, test.admin.appToken)
    assert.ok(rows.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash)))
    const res = await api(test).get('nothing-here')
    assert.equal(errorCode(res), 'OMS004')
  })
})
