// An account's sellers over HTTP: the registry, its rules, and intake refusing orders for sellers it does not know.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createKey, revokeKey } from '../src/modules/access/access.service.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import { api, errorCode } from './api.ts'
import { EXTERNAL_PARTNER, exampleOrder, PARTNER } from './fixtures.ts'
import { countOrders, describeEachDialect, startTestApp, type TestApp } from './harness.ts'

const sellers = (test: TestApp, headers = test.headers) => {
  const { send } = api(test, headers)
  const path = (id: string) => `/api/ordo/pvt/sellers/${encodeURIComponent(id)}`
  return {
    list: () => send('GET', '/api/ordo/pvt/sellers'),
    get: (id: string) => send('GET', path(id)),
    put: (id: string, body: unknown) => send('PUT', path(id), body),
    remove: (id: string) => test.app.inject({ method: 'DELETE', url: path(id), headers }),
  }
}

const messageOf = (res: { json: <T>() => T }) => res.json<{ error: { message: string } }>().error.message

describeEachDialect('sellers', (dialect) => {
  it('lists seller 1, the account itself, then the registered sellers by id', async (t) => {
    const test = await startTestApp(t, dialect)
    const created = await sellers(test).put('mugs', {
      ...EXTERNAL_PARTNER,
      name: 'Mugs',
      headers: { 'X-Key': 'k' },
    })
    assert.equal(created.statusCode, 201, created.body)
    const res = await sellers(test).list()
    assert.equal(res.statusCode, 200, res.body)
    const { list } = res.json<{ list: Record<string, unknown>[] }>()
    assert.deepEqual(
      list.map(({ createdAt: _c, updatedAt: _u, ...seller }) => seller),
      [
        { id: '1', name: 'acme', account: 'acme' },
        {
          id: 'mugs',
          name: 'Mugs',
          fulfillmentEndpoint: EXTERNAL_PARTNER.fulfillmentEndpoint,
          headers: { 'X-Key': 'k' },
        },
        { id: PARTNER.id, name: PARTNER.name, account: PARTNER.account },
      ],
    )
    const one = await sellers(test).get('1')
    assert.equal(one.statusCode, 200, one.body)
    assert.equal(one.json<{ account: string }>().account, 'acme')
  })

  it('answers 201 for a new seller and 200 for a change, which keeps when it was registered', async (t) => {
    const test = await startTestApp(t, dialect)
    const first = await sellers(test).put('mugs', { ...EXTERNAL_PARTNER, unknownField: 'ignored' })
    assert.equal(first.statusCode, 201, first.body)
    test.clock.advanceMinutes(5)
    const partnerKey = await createKey(test.deps, { account: PARTNER.account, roles: ['OMS - Full access'] })
    const changed = await sellers(test).put('mugs', {
      name: 'Mugs Again',
      account: PARTNER.account,
      ...partnerKey,
    })
    assert.equal(changed.statusCode, 200, changed.body)
    const before = first.json<{ createdAt: string; updatedAt: string }>()
    const after = changed.json<Record<string, unknown>>()
    assert.deepEqual(after, {
      id: 'mugs',
      name: 'Mugs Again',
      account: PARTNER.account,
      createdAt: before.createdAt,
      updatedAt: '2026-03-02T12:05:00.000Z',
    })
    assert.deepEqual((await sellers(test).get('mugs')).json(), after)
  })

  it('refuses a registration that cannot be a seller with a 400 that says why, and keeps none of it', async (t) => {
    const test = await startTestApp(t, dialect)
    for (const [id, body, message] of [
      ['1', { name: 'Me', account: PARTNER.account }, /Seller 1 is the account itself/],
      ['s', { name: 'S' }, /exactly one of the two is required/],
      [
        's',
        { name: 'S', account: PARTNER.account, fulfillmentEndpoint: 'https://s.example/' },
        /exactly one/,
      ],
      [
        's',
        { name: 'S', account: PARTNER.account, headers: { a: 'b' } },
        /headers and callbackAppKey go with fulfillmentEndpoint/,
      ],
      [
        's',
        { name: 'S', account: PARTNER.account, callbackAppKey: 'k' },
        /headers and callbackAppKey go with fulfillmentEndpoint/,
      ],
      [
        's',
        { name: 'S', fulfillmentEndpoint: 'https://s.example/', callbackAppKey: 'vtexappkey-none' },
        /callbackAppKey vtexappkey-none is not an active key of account acme/,
      ],
      // Whether such an account exists is not told: the consent is missing either way.
      ['s', { name: 'S', account: 'nope' }, /Registering account nope as a seller needs its consent/],
      [
        's',
        { name: 'S', fulfillmentEndpoint: 'https://s.example/', appKey: 'k', appToken: 't' },
        /go with account/,
      ],
      ['s', { name: 'S', account: 'acme' }, /Account acme sells as seller 1/],
      [
        's',
        { name: 'S', fulfillmentEndpoint: 'http://s.example/' },
        /Only https scheme is accepted for fulfillmentEndpoint/,
      ],
      ['s', { name: 'S', fulfillmentEndpoint: 'https://169.254.169.254/' }, /link-local or metadata address/],
      [
        's',
        { name: 'S', fulfillmentEndpoint: 'https://u:p@s.example/' },
        /must not carry credentials; send them in headers/,
      ],
      ['s', { name: 'S', fulfillmentEndpoint: 'not a url' }, /fulfillmentEndpoint must be an absolute URL/],
      ['s', { name: '', account: PARTNER.account }, /name/],
      ['s', { name: 'S', fulfillmentEndpoint: 'https://s.example/', headers: { 'a b': 'c' } }, /headers/],
      ['a b', { name: 'S', account: PARTNER.account }, /sellerId/],
      ['x'.repeat(129), { name: 'S', account: PARTNER.account }, /sellerId/],
    ] as const) {
      const res = await sellers(test).put(id, body)
      assert.equal(res.statusCode, 400, `${id} ${JSON.stringify(body)}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001')
      assert.match(messageOf(res), message)
    }
    const { list } = (await sellers(test).list()).json<{ list: { id: string }[] }>()
    assert.deepEqual(
      list.map((seller) => seller.id),
      ['1', PARTNER.id],
    )
  })

  it("makes another account a seller only with that account's consent: a key of it that may place orders", async (t) => {
    const test = await startTestApp(t, dialect)
    const registration = { name: 'Globex', account: 'globex' }
    await createAccount(test.deps, 'globex')
    const own = await createKey(test.deps, { account: 'acme', roles: ['OMS - Full access'] })
    const viewer = await createKey(test.deps, { account: 'globex', roles: ['OMS - Read only'] })
    const revoked = await createKey(test.deps, { account: 'globex', roles: ['OMS - Full access'] })
    await revokeKey(test.deps, revoked.appKey)
    for (const key of [{}, own, viewer, revoked, { appKey: viewer.appKey, appToken: 'wrong' }]) {
      const res = await sellers(test).put('globex', { ...registration, ...key })
      assert.equal(res.statusCode, 400, res.body)
      assert.match(messageOf(res), /Registering account globex as a seller needs its consent/)
    }
    const consent = await createKey(test.deps, {
      account: 'globex',
      roles: ['IntegrationProfile - Fulfillment Oms'],
    })
    const res = await sellers(test).put('globex', { ...registration, ...consent })
    assert.equal(res.statusCode, 201, res.body)
    assert.doesNotMatch(res.body, new RegExp(consent.appToken), 'the key is checked, not kept')
  })

  it('takes plain http endpoints once the account allows insecure hooks', async (t) => {
    const test = await startTestApp(t, dialect)
    const allowed = await api(test).send('PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true })
    assert.equal(allowed.statusCode, 200, allowed.body)
    const res = await sellers(test).put('lan', {
      name: 'LAN',
      fulfillmentEndpoint: 'http://10.0.0.5:8080/seller',
    })
    assert.equal(res.statusCode, 201, res.body)
  })

  it('answers 404 for a seller it does not have, and 400 for removing seller 1', async (t) => {
    const test = await startTestApp(t, dialect)
    for (const res of [await sellers(test).get('nope'), await sellers(test).remove('nope')]) {
      assert.equal(res.statusCode, 404, res.body)
      assert.equal(errorCode(res), 'OMS005')
      assert.match(messageOf(res), /Seller nope is not registered in account acme/)
    }
    const own = await sellers(test).remove('1')
    assert.equal(own.statusCode, 400, own.body)
    assert.match(messageOf(own), /Seller 1 is the account itself/)
  })

  it('names orders after the registry, and refuses orders for a seller it no longer has, storing nothing', async (t) => {
    const test = await startTestApp(t, dialect)
    // The request's own name for the seller gives way to the registered one.
    const body = exampleOrder({ sellers: [{ id: PARTNER.id, name: 'What the cart called it' }] })
    const placed = await api(test).placeOk(body, { 'idempotency-key': 'first' })
    const partnerOrder = placed.orders.find((order) => order.sellers[0]?.id === PARTNER.id)
    assert.equal(partnerOrder?.sellers[0]?.name, PARTNER.name)
    const listed = await api(test).send(
      'GET',
      `/api/oms/pvt/orders?f_sellerNames=${encodeURIComponent(PARTNER.name)}`,
    )
    assert.deepEqual(
      listed.json<{ list: { orderId: string }[] }>().list.map((item) => item.orderId),
      [partnerOrder?.orderId],
    )

    const removed = await sellers(test).remove(PARTNER.id)
    assert.equal(removed.statusCode, 204, removed.body)
    const stored = await countOrders(test)
    const refused = await api(test).place(exampleOrder({ marketplaceOrderId: 'ERP-TEST-2' }))
    assert.equal(refused.statusCode, 400, refused.body)
    assert.equal(errorCode(refused), 'OMS001')
    assert.match(messageOf(refused), /Seller partner is not registered in account acme/)
    assert.equal(await countOrders(test), stored)
    // What was placed before stays as it was, and a retry of it is still answered with it.
    assert.equal((await api(test).getOk(partnerOrder?.orderId ?? '')).sellers[0]?.name, PARTNER.name)
    const retried = await api(test).place(body, { 'idempotency-key': 'first' })
    assert.equal(retried.statusCode, 201, retried.body)
    assert.equal(retried.headers['idempotent-replayed'], 'true')
  })

  it("keeps an external seller's callback key: an active key of the account, one seller's only", async (t) => {
    const test = await startTestApp(t, dialect)
    const { appKey } = await createKey(test.deps, { account: 'acme', roles: ['Ordo - External seller'] })
    const registered = await sellers(test).put(PARTNER.id, { ...EXTERNAL_PARTNER, callbackAppKey: appKey })
    assert.equal(registered.statusCode, 200, registered.body)
    assert.equal(registered.json<{ callbackAppKey: string }>().callbackAppKey, appKey)
    const taken = await sellers(test).put('other', { ...EXTERNAL_PARTNER, callbackAppKey: appKey })
    assert.equal(taken.statusCode, 400, taken.body)
    assert.match(messageOf(taken), new RegExp(`callbackAppKey ${appKey} is seller partner's already`))

    // A key of another account is not one this account's seller can call back with.
    const { appKey: partnerKey } = await createKey(test.deps, {
      account: PARTNER.account,
      roles: ['OMS - Full access'],
    })
    const foreign = await sellers(test).put('other', { ...EXTERNAL_PARTNER, callbackAppKey: partnerKey })
    assert.equal(foreign.statusCode, 400, foreign.body)
    assert.match(messageOf(foreign), /is not an active key of account acme/)

    // Nor is a key that can do more than the seller's calls, such as the store's own.
    const broad = await sellers(test).put('other', { ...EXTERNAL_PARTNER, callbackAppKey: test.admin.appKey })
    assert.equal(broad.statusCode, 400, broad.body)
    assert.match(messageOf(broad), /must have the role Ordo - External seller and no other/)

    // A key with the seller's role that no seller calls back with acts on nothing.
    const stray = await test.newKey(['Ordo - External seller'])
    const refused = await api(test, stray).cancel('1234567500001-01')
    assert.equal(refused.statusCode, 403, refused.body)
    assert.match(messageOf(refused), /no seller of account acme calls back with it/)
  })

  it("counts only the placing account's registrations", async (t) => {
    const test = await startTestApp(t, dialect)
    await createAccount(test.deps, 'globex')
    const globex = await test.newKey(['OMS - Full access'], 'globex')
    const refused = await api(test, globex).place(exampleOrder())
    assert.equal(refused.statusCode, 400, refused.body)
    assert.match(messageOf(refused), /Seller partner is not registered in account globex/)
    const own = await sellers(test, globex).list()
    assert.deepEqual(
      own.json<{ list: { id: string }[] }>().list.map((seller) => seller.id),
      ['1'],
    )
  })
})

describeEachDialect('affiliates', (dialect) => {
  it('registers the marketplaces the account sells for elsewhere, and refuses what it could not call', async (t) => {
    const test = await startTestApp(t, dialect)
    const affiliates = (path = '') => `/api/ordo/pvt/affiliates${path}`
    const store = api(test)
    const body = {
      name: 'Big Marketplace',
      servicesEndpoint: 'https://big.example/api/oms',
      headers: { 'X-VTEX-API-AppKey': 'k' },
    }
    const created = await store.send('PUT', affiliates('/BIG'), body)
    assert.equal(created.statusCode, 201, created.body)
    assert.equal((await store.send('PUT', affiliates('/BIG'), { ...body, name: 'Big' })).statusCode, 200)
    const { list } = (await store.send('GET', affiliates())).json<{ list: { id: string; name: string }[] }>()
    assert.deepEqual(
      list.map((a) => [a.id, a.name]),
      [['BIG', 'Big']],
    )
    for (const [id, bad, message] of [
      ['B-1', body, /affiliateId/],
      [
        'BIG',
        { ...body, servicesEndpoint: 'http://big.example/api/oms' },
        /Only https scheme is accepted for servicesEndpoint/,
      ],
      ['BIG', { ...body, servicesEndpoint: 'https://169.254.169.254/' }, /link-local or metadata address/],
      ['BIG', { name: '' }, /name/],
    ] as const) {
      const res = await store.send('PUT', affiliates(`/${id}`), bad)
      assert.equal(res.statusCode, 400, res.body)
      assert.match(messageOf(res), message)
    }
    const removed = await test.app.inject({
      method: 'DELETE',
      url: affiliates('/BIG'),
      headers: test.headers,
    })
    assert.equal(removed.statusCode, 204, removed.body)
    assert.equal((await store.send('GET', affiliates('/BIG'))).statusCode, 404)
  })
})
