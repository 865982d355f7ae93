// Generated malformed requests against every route the app documents: bodies that are not what the route
// takes, path values no id has, headers no client should send. Whatever arrives, the answer is never a 5xx,
// every 4xx is in VTEX's error envelope, and a refused request leaves every table as it was.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

interface Sent {
  method: Method
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
}

interface Route {
  method: Method
  /** The OpenAPI path, with `{name}` where a path parameter goes. */
  path: string
}

/** Every operation of the app's own OpenAPI document: a route added tomorrow is fuzzed without a change here. */
async function documentedRoutes(test: TestApp): Promise<Route[]> {
  await test.app.ready()
  const paths = (test.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => ({ method: method.toUpperCase() as Method, path })),
  )
}

/** Tables whose rows a refused request may add: counting requests toward a rate limit is not a change. */
const COUNTERS = new Set(['rate_limit_counts'])

/** Row counts of every table and the sum of order versions: any write a refused request made shows here. */
async function tableState(test: TestApp): Promise<Record<string, unknown>> {
  const { db } = test.deps
  const state: Record<string, unknown> = {}
  // Every table the schema has, so that a table added later is watched without a change here.
  for (const { name } of await db.introspection.getTables()) {
    if (COUNTERS.has(name)) continue
    const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db)
    state[name] = Number(row.rows[0]?.n)
  }
  const orders = await db
    .selectFrom('orders')
    .select(sql<number>`coalesce(sum(version), 0)`.as('versions'))
    .executeTakeFirstOrThrow()
  state.orderVersions = Number(orders.versions)
  const settings = await db.selectFrom('accounts').select(['name', 'settings_json']).orderBy('name').execute()
  state.settings = settings
  return state
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '%',
    '%00',
    '%E0%A4%A',
    '\u0000',
    '\uFEFF',
    '<x/>',
    "' or 1=1 --",
    '__proto__',
  ),
  fc.string({ minLength: 300, maxLength: 3000 }),
)

/** A path value: a real id now and then, so that refusals on real orders are exercised too. */
const pathValue = (realIds: string[]) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...realIds) },
    { weight: 4, arbitrary: text.map((value) => encodeURIComponent(value)) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%00', '..%2F..%2Fetc', 'a%2Fb') },
  )

const nested = fc
  .integer({ min: 1, max: 6000 })
  .chain((depth) =>
    fc.constantFrom('['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  )

/** Bodies no route takes: not JSON, not UTF-8, too deep, poisoned, out of range, or JSON of the wrong shape. */
const body = fc.oneof(
  text,
  nested,
  fc.constantFrom(
    '{',
    '{"a":1,}',
    '\uFEFF{"x":',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"value":1e400}',
    'null',
    'true',
    '"text"',
    '[]',
    '<order><id>1</id></order>',
    '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  ),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => Buffer.concat([Buffer.from([0xff, 0xfe]), bytes])),
  fc
    .dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
      minKeys: 1,
      maxKeys: 5,
    })
    .map((value) => JSON.stringify({ ...value, notAField: true })),
)

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/xml',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'nonsense',
)

/** Well-formed header syntax (the HTTP layer refuses the rest before Ordo sees it) with values that are not. */
const headerValue = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.=; ,/%'.split('')), maxLength: 60 })

const credentials = (valid: Record<string, string>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(valid) },
    { weight: 1, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc.record({ 'x-vtex-api-appkey': headerValue, 'x-vtex-api-apptoken': headerValue }),
    },
    { weight: 1, arbitrary: fc.record({ vtexidclientautcookie: headerValue }) },
    { weight: 1, arbitrary: fc.record({ cookie: headerValue }) },
  )

const request = (routes: Route[], realIds: string[], valid: Record<string, string>) =>
  fc
    .record({
      route: fc.constantFrom(...routes),
      values: fc.array(pathValue(realIds), { minLength: 4, maxLength: 4 }),
      query: fc.option(fc.tuple(fc.constantFrom('an', 'orderBy', 'page', 'x'), text), { nil: undefined }),
      body: fc.option(body, { nil: undefined, freq: 4 }),
      contentType,
      credentials: credentials(valid),
      extra: fc.dictionary(
        fc.constantFrom('accept', 'x-forwarded-for', 'host', 'x-request-id'),
        headerValue,
        {
          maxKeys: 2,
        },
      ),
    })
    .map(({ route, values, query, body, contentType, credentials, extra }): Sent => {
      let index = 0
      const path = route.path.replace(/\{[^}]+\}/g, () => values[index++ % values.length] ?? '')
      const url = query ? `${path}?${query[0]}=${encodeURIComponent(query[1])}` : path
      const headers: Record<string, string> = { ...extra, ...credentials }
      if (contentType !== undefined) headers['content-type'] = contentType
      return { method: route.method, url, headers, ...(body === undefined ? {} : { payload: body }) }
    })

function assertEnvelope(res: LightMyRequestResponse, sent: Sent): void {
  const where = `${sent.method} ${sent.url} → ${res.statusCode} ${res.body.slice(0, 300)}`
  // The one call Ordo answers 501 (docs/compatibility.md) answers it to every request.
  const unanswered = sent.url.startsWith('/pvt/orderForms/simulation') && res.statusCode === 501
  assert.ok(res.statusCode < 500 || unanswered, `a server error for a malformed request: ${where}`)
  if (res.statusCode < 400) return
  let parsed: unknown
  assert.doesNotThrow(() => (parsed = JSON.parse(res.body)), `the error body is not JSON: ${where}`)
  const error = (parsed as { error?: { code?: unknown; message?: unknown; exception?: unknown } }).error
  assert.ok(error, `the error is not in the envelope: ${where}`)
  assert.equal(typeof error.code, 'string', where)
  assert.ok(typeof error.message === 'string' && error.message.length > 0, where)
  // The new order system (order modifications, the change summary) has an envelope of its own.
  const { operationId, fields } = parsed as { operationId?: unknown; fields?: unknown }
  // An id of `.` or `..` is a path segment the URL resolves away: the request reaches another route.
  if (/^\/api\/(order-system\/|orders\/pvt\/document\/(?!\.\.?\/)[^/?]+\/change-summary)/.test(sent.url)) {
    assert.equal(typeof operationId, 'string', where)
    assert.equal(typeof fields, 'object', where)
  } else assert.equal(error.exception, null, where)
}

describeEachDialect('malformed requests to every route', (dialect) => {
  it('never get a 5xx, always get a 4xx in the error envelope, and change nothing when refused', async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    const order = placed.orders[0]
    assert.ok(order)
    const paymentId = order.paymentData.transactions[0]?.payments[0]?.id ?? ''
    const realIds = [order.orderId, placed.orderGroup, paymentId, `seq${order.sequence}`]
    const routes = await documentedRoutes(test)
    assert.ok(routes.length >= 15, `the OpenAPI document lists only ${routes.length} operations`)

    let state = await tableState(test)
    assert.ok(
      ['accounts', 'orders', 'order_events', 'jobs'].every((table) => table in state),
      'tables watched',
    )
    await fc.assert(
      fc.asyncProperty(request(routes, realIds, test.headers), async (sent) => {
        const res = await test.app.inject(sent)
        assertEnvelope(res, sent)
        const now = await tableState(test)
        // A request that happened to be well-formed may change things; a refused one never does.
        if (res.statusCode >= 400) {
          assert.deepEqual(now, state, `${sent.method} ${sent.url} was refused but changed data`)
        }
        state = now
      }),
      { numRuns: 300, includeErrorInReport: true },
    )
  })
})
