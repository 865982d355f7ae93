// The admin's sessions and its pages: signing in sets an HttpOnly, SameSite=Strict cookie that authenticates
// ordinary API calls under the key's role, and signing out or revoking the key ends it; /admin serves the built
// app with its security headers.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createShopperToken, login, revokeKey } from '../src/modules/access/access.service.ts'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

/** Signs in with `body`; resolves to the response and the cookie to send back (name=value). */
async function signIn(test: TestApp, body: unknown) {
  const res = await test.app.inject({ method: 'POST', url: '/api/ordo/pvt/session', payload: body as object })
  const setCookie = String(res.headers['set-cookie'] ?? '')
  return { res, setCookie, cookie: setCookie.split(';')[0] ?? '' }
}

const asCookie = (test: TestApp, cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string) =>
  test.app.inject({ method, url, headers: { cookie } })

describeEachDialect('admin sessions', (dialect) => {
  it('signs in with a key pair: an HttpOnly SameSite=Strict cookie that calls the API as the key', async (t) => {
    const test = await startTestApp(t, dialect)
    const orderId = (await api(test).placeOk(exampleOrder())).orders[0]?.orderId ?? ''
    const { res, setCookie, cookie } = await signIn(test, {
      appKey: test.admin.appKey,
      appToken: test.admin.appToken,
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.match(
      setCookie,
      /^VtexIdclientAutCookie=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=86400$/,
    )
    assert.equal(res.headers['cache-control'], 'no-store')
    const session = res.json<{ account: string; appKey: string; resources: string[] }>()
    assert.equal(session.account, 'acme')
    assert.equal(session.appKey, test.admin.appKey)
    assert.ok(session.resources.includes('Notify invoice'))
    assert.doesNotMatch(res.body, new RegExp(cookie.split('=')[1] ?? 'x'), 'the token is in the cookie only')

    const order = await asCookie(test, cookie, 'GET', `/api/oms/pvt/orders/${orderId}`)
    assert.equal(order.statusCode, 200, order.body)
    const who = await asCookie(test, cookie, 'GET', '/api/ordo/pvt/session')
    assert.deepEqual(who.json(), session)
  })

  it("keeps a read-only key's session to its role: reads pass, actions get 403", async (t) => {
    const test = await startTestApp(t, dialect)
    const orderId = (await api(test).placeOk(exampleOrder())).orders[0]?.orderId ?? ''
    const readOnly = await test.newKey(['OMS - Read only'])
    const { cookie } = await signIn(test, {
      appKey: readOnly['x-vtex-api-appkey'],
      appToken: readOnly['x-vtex-api-apptoken'],
    })
    assert.equal((await asCookie(test, cookie, 'GET', `/api/oms/pvt/orders/${orderId}`)).statusCode, 200)
    const refused = await asCookie(test, cookie, 'POST', `/api/oms/pvt/orders/${orderId}/cancel`)
    assert.equal(refused.statusCode, 403)
    assert.match(refused.json<{ error: { message: string } }>().error.message, /not enabled/)
  })

  it('signs in with a user token, and signing out ends it at once', async (t) => {
    const test = await startTestApp(t, dialect)
    const token = await login(test.deps, test.admin.appKey, test.admin.appToken)
    const { res, cookie } = await signIn(test, { userToken: token.token })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal((await asCookie(test, cookie, 'GET', '/api/ordo/pvt/session')).statusCode, 200)
    const out = await asCookie(test, cookie, 'DELETE', '/api/ordo/pvt/session')
    assert.equal(out.statusCode, 204)
    assert.match(String(out.headers['set-cookie']), /^VtexIdclientAutCookie=; .*Max-Age=0/)
    assert.equal((await asCookie(test, cookie, 'GET', '/api/ordo/pvt/session')).statusCode, 401)
    const again = await asCookie(test, cookie, 'DELETE', '/api/ordo/pvt/session')
    assert.equal(again.statusCode, 204, 'signing out twice is not an error')
  })

  it('ends the session when its key is revoked', async (t) => {
    const test = await startTestApp(t, dialect)
    const key = await test.newKey(['OMS - Full access'])
    const appKey = key['x-vtex-api-appkey'] ?? ''
    const { cookie } = await signIn(test, { appKey, appToken: key['x-vtex-api-apptoken'] })
    assert.equal((await asCookie(test, cookie, 'GET', '/api/ordo/pvt/session')).statusCode, 200)
    await revokeKey(test.deps, appKey)
    assert.equal((await asCookie(test, cookie, 'GET', '/api/ordo/pvt/session')).statusCode, 401)
  })

  it("refuses what another site's page sends with the cookie, and signing in from one", async (t) => {
    const test = await startTestApp(t, dialect)
    const orderId = (await api(test).placeOk(exampleOrder())).orders[0]?.orderId ?? ''
    const { cookie } = await signIn(test, { appKey: test.admin.appKey, appToken: test.admin.appToken })
    const cancel = (headers: Record<string, string>) =>
      test.app.inject({
        method: 'POST',
        url: `/api/oms/pvt/orders/${orderId}/cancel`,
        headers: { cookie, 'content-type': 'text/plain', host: 'oms.example.com', ...headers },
        payload: '{}',
      })
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      // A sibling subdomain (the storefront) is the same site, and SameSite cookies go with its requests.
      { 'sec-fetch-site': 'same-site', origin: 'https://shop.example.com' },
    ]
    for (const headers of foreign) {
      const refused = await cancel(headers)
      assert.equal(refused.statusCode, 403, JSON.stringify(headers))
      assert.match(refused.json<{ error: { message: string } }>().error.message, /another site/)
    }
    // Reads are not refused, and headers' credentials are not a session.
    const read = await test.app.inject({
      method: 'GET',
      url: `/api/oms/pvt/orders/${orderId}`,
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    })
    assert.equal(read.statusCode, 200)
    const byKey = await api(test).send(
      'POST',
      `/api/oms/pvt/orders/${orderId}/cancel`,
      {},
      {
        origin: 'https://elsewhere.example',
      },
    )
    assert.equal(byKey.statusCode, 200, byKey.body)
    assert.equal((await api(test).getOk(orderId)).status, 'canceled', 'canceled once, by the key')

    const forged = await test.app.inject({
      method: 'POST',
      url: '/api/ordo/pvt/session',
      headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
      payload: JSON.stringify({ appKey: test.admin.appKey, appToken: test.admin.appToken }),
    })
    assert.equal(forged.statusCode, 403)
    assert.equal(forged.headers['set-cookie'], undefined)
    const own = await test.app.inject({
      method: 'POST',
      url: `/api/oms/pvt/orders/${orderId}/cancel`,
      headers: {
        cookie,
        'sec-fetch-site': 'same-origin',
        origin: 'http://oms.example.com',
        host: 'oms.example.com',
      },
      payload: {},
    })
    assert.notEqual(own.statusCode, 403, own.body)
  })

  it('ends the session the cookie held when signing in again', async (t) => {
    const test = await startTestApp(t, dialect)
    const body = { appKey: test.admin.appKey, appToken: test.admin.appToken }
    const first = await signIn(test, body)
    const second = await test.app.inject({
      method: 'POST',
      url: '/api/ordo/pvt/session',
      headers: { cookie: first.cookie },
      payload: body,
    })
    assert.equal(second.statusCode, 200)
    assert.equal((await asCookie(test, first.cookie, 'GET', '/api/ordo/pvt/session')).statusCode, 401)
    const next = String(second.headers['set-cookie']).split(';')[0] ?? ''
    assert.equal((await asCookie(test, next, 'GET', '/api/ordo/pvt/session')).statusCode, 200)
  })

  it('refuses wrong credentials, shopper tokens and malformed bodies, and sets no cookie', async (t) => {
    const test = await startTestApp(t, dialect)
    const shopper = await createShopperToken(test.deps, 'acme', 'ana@example.com')
    const seller = await test.newKey(['Ordo - External seller'])
    const externalSeller = { appKey: seller['x-vtex-api-appkey'], appToken: seller['x-vtex-api-apptoken'] }
    const cases: [unknown, number, RegExp][] = [
      [{ appKey: test.admin.appKey, appToken: 'wrong' }, 401, /do not match an active key/],
      [{ userToken: 'no-such-token' }, 401, /unknown or has expired/],
      [{ userToken: shopper.token }, 403, /shopper token/],
      [externalSeller, 403, /calls back for its seller/],
      [{}, 400, /./],
      [{ appKey: test.admin.appKey }, 400, /./],
    ]
    for (const [body, status, message] of cases) {
      const { res, setCookie } = await signIn(test, body)
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`)
      assert.match(res.json<{ error: { message: string } }>().error.message, message)
      assert.equal(setCookie, '')
    }
  })
})

describeEachDialect('admin pages', (dialect) => {
  it('serves the app at /admin and every path under it, with its security headers', async (t) => {
    const test = await startTestApp(t, dialect)
    for (const url of ['/admin', '/admin/', '/admin/orders?f_status=handling', '/admin/orders/123-01']) {
      const res = await test.app.inject({ method: 'GET', url })
      assert.equal(res.statusCode, 200, url)
      assert.match(String(res.headers['content-type']), /^text\/html/)
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/)
      assert.equal(res.headers['cache-control'], 'no-cache')
      assert.match(res.body, /<div id="app"><\/div>/)
    }
  })

  it('serves the hashed assets gzipped to browsers that take it, cached for good', async (t) => {
    const test = await startTestApp(t, dialect)
    const page = await test.app.inject({ method: 'GET', url: '/admin' })
    const script = /src="(\/admin\/assets\/app-[\w]+\.js)"/.exec(page.body)?.[1]
    assert.ok(script, page.body)
    const res = await test.app.inject({ method: 'GET', url: script, headers: { 'accept-encoding': 'gzip' } })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-encoding'], 'gzip')
    assert.match(String(res.headers['cache-control']), /immutable/)
    assert.match(String(res.headers['content-type']), /javascript/)
    // Issue 13's budget for the app's script, as the browser downloads it.
    assert.ok(res.rawPayload.length < 150 * 1024, `${res.rawPayload.length} bytes gzipped`)
    const missing = await test.app.inject({ method: 'GET', url: '/admin/assets/nothing.js' })
    assert.equal(missing.statusCode, 404)
  })
})
