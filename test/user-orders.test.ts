// The user orders (My Account): a shopper token sees its own customer's orders and nothing else, in the list and
// in detail; keys with View order and the Call center operator role name any customer; the B2B filters; and
// both responses validate against the reference's schemas.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { api } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { referenceValidator } from './reference.ts'
import type { UserOrdersDocument } from '../src/modules/search/search.schemas.ts'

async function shopperHeaders(test: TestApp, email: string): Promise<Record<string, string>> {
  const res = await api(test).send('POST', '/api/ordo/pvt/shopper-tokens', { email })
  assert.equal(res.statusCode, 201, res.body)
  return { VtexIdclientAutCookie: res.json<{ token: string }>().token }
}

/** Three orders of Ana (one approved), one of Bruno; returns their ids. */
async function orders(test: TestApp) {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const place = async (tag: string, email: string) => {
    const base = singleOrder(tag)
    const placed = await api(test).placeOk({
      ...base,
      clientProfileData: {
        ...base.clientProfileData,
        email,
        firstName: email.toLowerCase().startsWith('ana') ? 'Ana' : 'Bruno',
      },
    })
    test.clock.advance(60_000)
    return placed.orders[0]?.orderId ?? ''
  }
  const ana = [
    await place('A1', 'ana@example.com'),
    await place('A2', 'Ana@Example.com'),
    await place('A3', 'ana@example.com'),
  ]
  const bruno = await place('B1', 'bruno@example.com')
  const approved = await api(test).getOk(ana[0] ?? '')
  for (const payment of approved.paymentData.transactions[0]?.payments ?? []) {
    assert.equal((await api(test).notifyPayment(approved.orderId, payment.id)).statusCode, 200)
  }
  return { ana, bruno }
}

const listed = (res: { statusCode: number; body: string; json: <T>() => T }) => {
  assert.equal(res.statusCode, 200, res.body)
  return res.json<UserOrdersDocument>().list.map((item) => item.orderId)
}

describeEachDialect('user orders', (dialect) => {
  it('shows a shopper its own orders, newest first, and nothing of anyone else', async (t) => {
    const test = await startTestApp(t, dialect)
    const { ana, bruno } = await orders(test)
    const shopper = api(test, await shopperHeaders(test, 'ANA@example.com'))
    assert.deepEqual(listed(await shopper.send('GET', '/api/oms/user/orders')), [...ana].reverse())
    assert.deepEqual(
      listed(await shopper.send('GET', '/api/oms/user/orders?clientEmail=ana@example.com')),
      [...ana].reverse(),
    )
    const theirs = await shopper.send('GET', '/api/oms/user/orders?clientEmail=bruno@example.com')
    assert.equal(theirs.statusCode, 403, theirs.body)

    const own = await shopper.send('GET', `/api/oms/user/orders/${ana[1]}`)
    assert.equal(own.statusCode, 200, own.body)
    assert.equal(own.json<{ orderId: string }>().orderId, ana[1])
    const other = await shopper.send('GET', `/api/oms/user/orders/${bruno}`)
    assert.equal(other.statusCode, 404, other.body)
    assert.doesNotMatch(other.body, /bruno/i)
    // Not a way around it: the shopper token opens neither List orders nor Get order.
    assert.equal((await shopper.send('GET', '/api/oms/pvt/orders')).statusCode, 403)
    assert.equal((await shopper.send('GET', `/api/oms/pvt/orders/${bruno}`)).statusCode, 403)
  })

  it('lets keys with View order and the Call center operator role name any customer, who must be named', async (t) => {
    const test = await startTestApp(t, dialect)
    const { ana, bruno } = await orders(test)
    for (const role of ['OMS - Read only', 'Call center operator']) {
      const caller = api(test, await test.newKey([role]))
      assert.deepEqual(
        listed(await caller.send('GET', '/api/oms/user/orders?clientEmail=bruno@example.com')),
        [bruno],
      )
      const unnamed = await caller.send('GET', '/api/oms/user/orders')
      assert.equal(unnamed.statusCode, 400, unnamed.body)
      assert.match(unnamed.body, /clientEmail is required/)
      const detail = await caller.send('GET', `/api/oms/user/orders/${ana[2]}`)
      assert.equal(detail.statusCode, 200, detail.body)
    }
    const checkout = api(test, await test.newKey(['Checkout Admin']))
    assert.equal(
      (await checkout.send('GET', '/api/oms/user/orders?clientEmail=ana@example.com')).statusCode,
      403,
    )
  })

  it('filters by status (repeated), exact text and creation date, pages, and validates against the reference', async (t) => {
    const test = await startTestApp(t, dialect)
    const { ana } = await orders(test)
    const [first = '', second = '', third = ''] = ana
    const shopper = api(test, await shopperHeaders(test, 'ana@example.com'))
    const get = (query: string) => shopper.send('GET', `/api/oms/user/orders?${query}`)
    assert.deepEqual(listed(await get('status=payment-pending')), [third, second])
    assert.deepEqual(listed(await get('status=payment-pending&status=ready-for-handling')), [
      third,
      second,
      first,
    ])
    assert.deepEqual(listed(await get(`text=${second}`)), [second])
    assert.deepEqual(listed(await get('text=ana')), [], 'a whole name, not a part of one')
    assert.deepEqual(listed(await get('text=Ana%20Silva')), [third, second, first])
    const created = (await api(test).getOk(second)).creationDate
    assert.deepEqual(listed(await get(`creation_date=${encodeURIComponent(`[* TO ${created}]`)}`)), [
      second,
      first,
    ])
    assert.deepEqual(
      listed(await get(`creation_date=${encodeURIComponent(`creationDate:[${created} TO *]`)}`)),
      [third, second],
    )
    assert.deepEqual(listed(await get('purchase_agent_id=848a994a')), [])
    assert.deepEqual(listed(await get('my_pending_approvals=true')), [])
    const paged = await get('per_page=2&page=2')
    assert.deepEqual(listed(paged), [first])
    const body = paged.json<UserOrdersDocument>()
    assert.deepEqual(body.paging, { total: 3, pages: 2, currentPage: 2, perPage: 2 })

    const list = referenceValidator('/api/oms/user/orders', 'get', '200')
    assert.ok(list(body), JSON.stringify(list.errors?.slice(0, 5)))
    const details = referenceValidator('/api/oms/user/orders/{orderId}', 'get', '200')
    // Every kind of order a customer looks at: approved, canceled, invoiced.
    assert.equal((await api(test).cancel(second)).statusCode, 200)
    assert.equal((await api(test).startHandling(first)).statusCode, 204)
    const value = (await api(test).getOk(first)).value
    const invoiced = await api(test).invoice(first, {
      type: 'Output',
      invoiceNumber: 'NF-1',
      invoiceValue: value,
      issuanceDate: '2026-03-02T10:00:00-03:00',
    })
    assert.equal(invoiced.statusCode, 200, invoiced.body)
    for (const id of [first, second, third]) {
      const detail = (await shopper.send('GET', `/api/oms/user/orders/${id}`)).json<{
        packageAttachment: { packages: unknown[] }
      }>()
      // Userorderdetails types each package as a string; they are Get order's objects (docs/compatibility.md).
      assert.deepEqual(detail.packageAttachment, (await api(test).getOk(id)).packageAttachment)
      const checked = { ...detail, packageAttachment: { ...detail.packageAttachment, packages: [] } }
      assert.ok(
        details(checked),
        JSON.stringify(details.errors?.map((e) => `${e.instancePath} ${e.message}`)),
      )
    }

    for (const [query, message] of [
      ['status=shipped', /status has \\"shipped\\"/],
      ['creation_date=yesterday', /creation_date must look like/],
      ['page=31', /page must be 30 or less/],
      ['my_pending_approvals=maybe', /my_pending_approvals must be true or false/],
    ] as const) {
      const res = await get(query)
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`)
      assert.match(res.body, message, query)
    }
  })
})
