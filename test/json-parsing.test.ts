// Request bodies are parsed safely on every route: no prototype poisoning, bounded nesting, UTF-8 only, JSON only,
// no NUL in decoded values and no numbers outside their domain.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { MAX_JSON_DEPTH } from '../src/platform/json-body.ts'
import { api, errorCode } from './api.ts'
import { exampleOrder, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp, countOrders } from './harness.ts'

const message = (res: LightMyRequestResponse) => res.json<{ error: { message: string } }>().error.message

const post = (test: TestApp, url: string, payload: string | Buffer, contentType?: string) =>
  test.app.inject({
    method: url.endsWith('settings') ? 'PUT' : 'POST',
    url,
    headers: { ...test.headers, ...(contentType ? { 'content-type': contentType } : {}) },
    payload,
  })

const settingsOf = async (test: TestApp) =>
  (await test.deps.db.selectFrom('accounts').select('settings_json').where('name', '=', 'acme').execute())[0]
    ?.settings_json

const SETTINGS = '/api/ordo/pvt/settings'
const INTAKE = '/api/oms/pvt/orders'

describeEachDialect('JSON parsing', (dialect) => {
  it('refuses bodies that set __proto__ or constructor.prototype, and stores nothing', async (t) => {
    const test = await startTestApp(t, dialect)
    const before = await settingsOf(test)
    for (const payload of [
      '{"__proto__":{"isAdmin":true}}',
      '{"\\u005f_proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
    ]) {
      const res = await post(test, SETTINGS, payload, 'application/json')
      assert.equal(res.statusCode, 400, `${payload}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001')
      assert.match(message(res), /must not set __proto__ or constructor\.prototype/)
    }
    const order = `{"__proto__":{"isAdmin":true},${JSON.stringify(exampleOrder()).slice(1)}`
    const placed = await post(test, INTAKE, order, 'application/json')
    assert.equal(placed.statusCode, 400, placed.body)
    assert.equal(await settingsOf(test), before)
    assert.equal(await countOrders(test), 0)
  })

  it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels with a 400 that says so`, async (t) => {
    const test = await startTestApp(t, dialect)
    const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)
    const res = await post(test, SETTINGS, deep(5000), 'application/json')
    assert.equal(res.statusCode, 400, res.body)
    assert.match(message(res), new RegExp(`nested deeper than ${MAX_JSON_DEPTH} levels`))
    const arrays = await post(test, INTAKE, `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`)
    assert.equal(arrays.statusCode, 400, arrays.body)
    assert.match(message(arrays), /nested deeper/)
    // Brackets inside strings are text, not nesting.
    const order = { ...singleOrder('BRACKETS'), openTextField: { value: '['.repeat(1000) } }
    const accepted = await post(test, INTAKE, JSON.stringify(order), 'application/json')
    assert.equal(accepted.statusCode, 201, accepted.body)
  })

  it('accepts a UTF-8 byte-order mark and refuses invalid UTF-8', async (t) => {
    const test = await startTestApp(t, dialect)
    const withBom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(singleOrder('BOM'))),
    ])
    const bom = await post(test, INTAKE, withBom, 'application/json')
    assert.equal(bom.statusCode, 201, bom.body)
    const json = JSON.stringify(singleOrder('LATIN1'))
    const at = json.indexOf('Blue')
    const latin1 = Buffer.concat([
      Buffer.from(json.slice(0, at)),
      Buffer.from([0xc7, 0xe3]), // "Çã" in ISO-8859-1
      Buffer.from(json.slice(at)),
    ])
    const invalid = await post(test, INTAKE, latin1, 'application/json; charset=utf-8')
    assert.equal(invalid.statusCode, 400, invalid.body)
    assert.match(message(invalid), /not valid UTF-8/)
    assert.equal(await countOrders(test), 1)
  })

  it('answers 415 OMS014 to a body that is not JSON, and accepts JSON sent as text/plain', async (t) => {
    const test = await startTestApp(t, dialect)
    const boundary = 'X-ORDO-BOUNDARY'
    const notJson: [string, string][] = [
      ['application/xml', '<order><items><item id="1001"/></items></order>'],
      [
        `multipart/form-data; boundary=${boundary}`,
        `--${boundary}\r\nContent-Disposition: form-data; name="order"\r\n\r\n{}\r\n--${boundary}--\r\n`,
      ],
      ['application/x-www-form-urlencoded', 'items=1001&quantity=1'],
      ['text/plain', 'please place my order'],
      // Not a media type at all: refused the same way, even with a JSON body.
      ['garbage', JSON.stringify(singleOrder('GARBAGE'))],
    ]
    for (const [type, payload] of notJson) {
      const res = await post(test, INTAKE, payload, type)
      assert.equal(res.statusCode, 415, `${type}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS014')
      assert.match(message(res), /must be JSON/)
    }
    const broken = await post(test, INTAKE, '{"items": [', 'application/json')
    assert.equal(broken.statusCode, 400)
    const plain = await post(test, INTAKE, JSON.stringify(singleOrder('PLAIN')), 'text/plain')
    assert.equal(plain.statusCode, 201, plain.body)
    assert.equal(await countOrders(test), 1)
  })

  it('looks for NUL in decoded values: "100%00 off" is text, U+0000 is refused', async (t) => {
    const test = await startTestApp(t, dialect)
    const offer = { ...singleOrder('PERCENT'), openTextField: { value: '100%00 off, \\u0000 is not NUL' } }
    const accepted = await api(test).place(offer)
    assert.equal(accepted.statusCode, 201, accepted.body)
    const id = accepted.json<{ orders: { orderId: string }[] }>().orders[0]?.orderId ?? ''
    const stored = await api(test).getOk(id)
    assert.deepEqual(stored.openTextField, offer.openTextField)
    const reason = await api(test).cancel(id, { reason: 'Customer asked: 100%00 off' })
    assert.equal(reason.statusCode, 200, reason.body)

    const nul = await api(test).place({ ...singleOrder('NUL'), openTextField: { value: 'a\u0000b' } })
    assert.equal(nul.statusCode, 400, nul.body)
    assert.match(message(nul), /NUL character/)
    const nulKey = await post(test, INTAKE, '{"a\\u0000":1}', 'application/json')
    assert.equal(nulKey.statusCode, 400, nulKey.body)
    assert.match(message(nulKey), /NUL character/)
    const path = await api(test).send('GET', '/api/oms/pvt/orders/abc%00')
    assert.equal(path.statusCode, 400)
    assert.match(message(path), /NUL character/)
    const query = await api(test).send('GET', `/api/oms/pvt/orders/${id}?an=acme%00`)
    assert.equal(query.statusCode, 400)
    const percent = await api(test).send('GET', `/api/oms/pvt/orders/${id}?note=100%2500`)
    assert.equal(percent.statusCode, 200, percent.body)
    assert.equal(await countOrders(test), 1)
  })

  it('refuses numbers outside their domain: geoCoordinates off the globe and non-finite values', async (t) => {
    const test = await startTestApp(t, dialect)
    const order = singleOrder('GEO')
    const at = (geoCoordinates: number[]) => ({
      ...order,
      shippingData: { ...order.shippingData, address: { ...order.shippingData.address, geoCoordinates } },
    })
    for (const [coordinates, expected] of [
      [[-200, 10], /geoCoordinates\[0\] must be at least -180/],
      [[181, 10], /geoCoordinates\[0\] must be at most 180/],
      [[-46.6, 95], /geoCoordinates\[1\] must be at most 90/],
      [[-46.6, -90.5], /geoCoordinates\[1\] must be at least -90/],
    ] as const) {
      const res = await api(test).place(at([...coordinates]))
      assert.equal(res.statusCode, 400, res.body)
      assert.match(message(res), expected)
    }
    const infinite = JSON.stringify(at([0, 0])).replace(
      '"geoCoordinates":[0,0]',
      '"geoCoordinates":[1e400,0]',
    )
    const res = await post(test, INTAKE, infinite, 'application/json')
    assert.equal(res.statusCode, 400, res.body)
    assert.match(message(res), /number 1e400, which is out of range/)
    const price = JSON.stringify(order).replace('"price":4000', '"price":-1e400')
    const negative = await post(test, INTAKE, price, 'application/json')
    assert.equal(negative.statusCode, 400, negative.body)
    assert.match(message(negative), /-1e400/)
    const setting = await post(test, SETTINGS, '{"cancellationGracePeriodMinutes":1e999}', 'application/json')
    assert.equal(setting.statusCode, 400, setting.body)

    const onGlobe = await api(test).place(at([-46.6333, -23.5505]))
    assert.equal(onGlobe.statusCode, 201, onGlobe.body)
    const none = await api(test).place({ ...at([]), marketplaceOrderId: 'ERP-GEO-NONE' })
    assert.equal(none.statusCode, 201, none.body)
    assert.equal(await countOrders(test), 2)
  })
})
