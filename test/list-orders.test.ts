// List orders against brute force: orders of varied customers, payments, channels, dates and statuses are
// placed and moved through the API; random queries then get exactly the orders, page, order and statistics
// that filtering every Get order document by hand gives. Also: a write is in the list as soon as it is
// answered, the account's own orders only, and malformed parameters are refused naming the parameter.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import { CompiledQuery, type Kysely } from 'kysely'
import { api, errorCode } from './api.ts'
import { exampleOrder, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import * as searchStatsMigration from '../src/db/migrations/0014-order-search-stats.ts'
import * as searchFacetsMigration from '../src/db/migrations/0015-order-search-facets.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import type { Principal } from '../src/platform/principal.ts'
import type { ListOrdersDocument } from '../src/modules/search/search.schemas.ts'
import { listOrders, refreshSearchIndex } from '../src/modules/search/search.service.ts'
import { seedOrders } from '../src/modules/seed/seed.service.ts'

const ORDERS = 48
const NAMES = [
  ['Ana', 'Silva'],
  ['Bruno', 'Souza'],
  ['Carla', 'Silveira'],
  ['Davi', 'Lima'],
] as const
const PAYMENTS = ['Visa', 'Boleto Bancário', 'Pix'] as const

const invoice = (invoiceValue: number) => ({
  type: 'Output',
  invoiceNumber: `NF-${invoiceValue}`,
  invoiceValue,
  issuanceDate: '2026-03-02T10:00:00-03:00',
})

/** Places `ORDERS` orders a minute or more apart and leaves each in a status; returns their documents. */
async function placeVariedOrders(test: TestApp): Promise<OrderDocument[]> {
  const client = api(test)
  await client.send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const ids: string[] = []
  for (let i = 0; i < ORDERS; i++) {
    test.clock.advance(60_000 * (1 + (i % 7)))
    const [firstName, lastName] = NAMES[i % NAMES.length] ?? NAMES[0]
    const value = 2000 + 137 * i
    const base = singleOrder(`LIST-${i}`, value)
    const placed = await client.placeOk({
      ...base,
      salesChannel: String(1 + (i % 3)),
      items: base.items.map((item) => ({
        ...item,
        id: String(1001 + (i % 4)),
        quantity: 1 + (i % 3),
        price: Math.floor((value - 1000) / (1 + (i % 3))),
      })),
      clientProfileData: {
        ...base.clientProfileData,
        email: `${firstName.toLowerCase()}.${i % 5}@example.com`,
        firstName,
        lastName,
        document: String(10_000_000_000 + (i % 6)),
      },
      paymentData: {
        payments: [
          {
            paymentSystem: '2',
            paymentSystemName: PAYMENTS[i % PAYMENTS.length] ?? 'Visa',
            group: 'creditCard',
            value: 1000 + Math.floor((value - 1000) / (1 + (i % 3))) * (1 + (i % 3)),
          },
        ],
      },
    })
    const order = placed.orders[0]
    assert.ok(order)
    ids.push(order.orderId)
    const stage = i % 5
    if (stage === 0) continue
    test.clock.advance(30_000)
    for (const payment of order.paymentData.transactions[0]?.payments ?? []) {
      assert.equal((await client.notifyPayment(order.orderId, payment.id)).statusCode, 200)
    }
    if (stage === 1) continue
    if (stage === 2) {
      assert.equal((await client.cancel(order.orderId)).statusCode, 200)
      continue
    }
    assert.equal((await client.startHandling(order.orderId)).statusCode, 204)
    if (stage === 4) {
      test.clock.advance(45_000)
      const got = await client.getOk(order.orderId)
      const res = await client.invoice(order.orderId, invoice(got.value))
      assert.equal(res.statusCode, 200, res.body)
    }
  }
  // Three days on, the orders' estimates (3 business days) are around now: late, today and the days ahead.
  test.clock.advance(3 * 86_400_000 - 2 * 3_600_000)
  return Promise.all(ids.map((id) => client.getOk(id)))
}

interface Query {
  f_status?: string
  q?: string
  f_creationDate?: string
  f_authorizedDate?: string
  f_invoicedDate?: string
  salesChannelId?: string
  f_paymentNames?: string
  f_statusDescription?: string
  f_shippingEstimate?: string
  searchField?: string
  sku_Ids?: string
  paymentId?: string
  facets?: boolean
  orderBy: string
  per_page: number
  page: number
}

const range = (field: string, from: string | undefined, to: string | undefined) =>
  `${field}:[${from ?? '*'} TO ${to ?? '*'}]`

const inRange = (value: string | null, text: string | undefined) => {
  if (text === undefined) return true
  if (value === null) return false
  const [, from, to] = /\[(\S+) TO (\S+)\]/.exec(text) ?? []
  const at = Date.parse(value)
  return (from === '*' || at >= Date.parse(from ?? '')) && (to === '*' || at <= Date.parse(to ?? ''))
}

const paymentNamesOf = (doc: OrderDocument) => [
  ...new Set(doc.paymentData.transactions.flatMap((t) => t.payments.map((p) => p.paymentSystemName))),
]
const itemsOf = (doc: OrderDocument) => doc.items.reduce((sum, item) => sum + item.quantity, 0)

const DAY = 86_400_000
/** When the whole order is expected: the latest of its items' estimates. */
const estimateOf = (doc: OrderDocument) =>
  doc.shippingData.logisticsInfo.map((l) => l.shippingEstimateDate).reduce((a, b) => (a > b ? a : b))

/** `N.days` by hand: late, today, tomorrow (UTC days), or the next N days. */
function inEstimate(doc: OrderDocument, text: string | undefined, now: Date): boolean {
  if (text === undefined) return true
  const days = Number(text.replace('.days', ''))
  const at = Date.parse(estimateOf(doc))
  const today = Math.floor(now.getTime() / DAY) * DAY
  if (days < 0) return at < now.getTime()
  if (days <= 1) return at >= today + days * DAY && at < today + (days + 1) * DAY
  return at >= now.getTime() && at <= now.getTime() + days * DAY
}

/** What List orders must answer, by brute force over the documents. */
function expected(docs: readonly OrderDocument[], query: Query, now: Date) {
  const q = query.q?.toLowerCase()
  const matching = docs.filter(
    (doc) =>
      (!query.f_status || query.f_status.split(',').includes(doc.status)) &&
      (!q ||
        doc.orderId === query.q ||
        doc.clientProfileData.email.toLowerCase() === q ||
        doc.clientProfileData.document === query.q ||
        `${doc.clientProfileData.firstName} ${doc.clientProfileData.lastName}`.toLowerCase().includes(q)) &&
      inRange(doc.creationDate, query.f_creationDate) &&
      inRange(doc.authorizedDate, query.f_authorizedDate) &&
      inRange(doc.invoicedDate, query.f_invoicedDate) &&
      (!query.salesChannelId || doc.salesChannel === query.salesChannelId) &&
      (!query.f_paymentNames || paymentNamesOf(doc).includes(query.f_paymentNames)) &&
      (!query.f_statusDescription || doc.statusDescription === query.f_statusDescription) &&
      (!query.sku_Ids || doc.items.some((item) => item.id === query.sku_Ids)) &&
      (!query.paymentId ||
        doc.paymentData.transactions.some((t) => t.payments.some((p) => p.id === query.paymentId))) &&
      inEstimate(doc, query.f_shippingEstimate, now),
  )
  const [field, direction] = query.orderBy.split(',') as [string, 'asc' | 'desc']
  const key = (doc: OrderDocument): string | number =>
    field === 'creationDate'
      ? doc.creationDate
      : field === 'totalValue'
        ? doc.value
        : field === 'items'
          ? itemsOf(doc)
          : field === 'origin'
            ? doc.origin
            : doc.orderId
  const sign = direction === 'asc' ? 1 : -1
  const sorted = [...matching].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)]
    if (ka !== kb) return ka < kb ? -sign : sign
    return a.orderId < b.orderId ? -sign : sign
  })
  const start = (query.page - 1) * query.per_page
  return { matching, page: sorted.slice(start, start + query.per_page).map((doc) => doc.orderId) }
}

/** Present in a third of the queries: several filters at once, but seldom all of them, which would match nothing. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary, weight: 1 })

function queryOf(docs: readonly OrderDocument[]): fc.Arbitrary<Query> {
  const dates = (pick: (doc: OrderDocument) => string | null) => {
    const date = fc.constantFrom(...docs.map(pick).filter((d): d is string => d !== null))
    return sometimes(
      fc
        .tuple(fc.option(date, { nil: undefined }), fc.option(date, { nil: undefined }))
        .map(([a, b]): [string | undefined, string | undefined] =>
          a !== undefined && b !== undefined && b < a ? [b, a] : [a, b],
        ),
    )
  }
  const searchField = sometimes(
    fc.oneof(
      fc
        .constantFrom('1001', '1002', '1003', '1004', '9999')
        .map((sku) => ({ searchField: 'sku_Ids', sku_Ids: sku })),
      fc
        .constantFrom(
          ...docs.flatMap((doc) => doc.paymentData.transactions.flatMap((t) => t.payments.map((p) => p.id))),
        )
        .map((paymentId) => ({ searchField: 'paymentId', paymentId })),
    ),
  )
  return fc
    .record({
      search: searchField,
      f_status: sometimes(
        fc
          .subarray(['payment-pending', 'ready-for-handling', 'canceled', 'handling', 'invoiced'], {
            minLength: 1,
            maxLength: 2,
          })
          .map((statuses) => statuses.join(',')),
      ),
      q: sometimes(
        fc.oneof(
          fc.constantFrom(...docs.map((doc) => doc.orderId)),
          fc.constantFrom(...docs.map((doc) => doc.clientProfileData.email.toUpperCase())),
          fc.constantFrom(...docs.map((doc) => doc.clientProfileData.document)),
          fc.constantFrom('silv', 'Souza', 'ana silva', 'LIMA'),
        ),
      ),
      creation: dates((doc) => doc.creationDate),
      authorized: dates((doc) => doc.authorizedDate),
      invoiced: dates((doc) => doc.invoicedDate),
      salesChannelId: sometimes(fc.constantFrom('1', '2', '3')),
      f_paymentNames: sometimes(fc.constantFrom(...PAYMENTS)),
      f_statusDescription: sometimes(fc.constantFrom(...new Set(docs.map((doc) => doc.statusDescription)))),
      f_shippingEstimate: sometimes(fc.constantFrom('-1.days', '0.days', '1.days', '7.days', '2.days')),
      facets: fc.boolean(),
      orderBy: fc
        .tuple(
          fc.constantFrom('creationDate', 'orderId', 'items', 'totalValue', 'origin'),
          fc.constantFrom('asc', 'desc'),
        )
        .map((parts) => parts.join(',')),
      per_page: fc.integer({ min: 1, max: 20 }),
      page: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ creation, authorized, invoiced, search, ...rest }): Query => ({
      ...rest,
      ...search,
      f_creationDate: creation && range('creationDate', ...creation),
      f_authorizedDate: authorized && range('authorizedDate', ...authorized),
      f_invoicedDate: invoiced && range('invoicedDate', ...invoiced),
    }))
}

/** Every facet's counts by hand over the matching documents. */
function assertFacets(body: ListOrdersDocument, matching: readonly OrderDocument[], now: Date) {
  const counted = (keys: (doc: OrderDocument) => string[]) => {
    const counts: Record<string, number> = {}
    for (const doc of matching) for (const key of keys(doc)) counts[key] = (counts[key] ?? 0) + 1
    return counts
  }
  const facet = (name: string) => {
    const found = body.facets.find((f) => f.name === name)
    assert.ok(found, name)
    return Object.fromEntries(found.items.map((item) => [item.url, item.quantity]))
  }
  const nonZero = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0))
  assert.deepEqual(
    facet('SalesChannelName'),
    counted((doc) => [doc.salesChannel]),
  )
  assert.deepEqual(
    facet('SellerNames'),
    counted((doc) => doc.sellers.map((seller) => seller.name)),
  )
  assert.deepEqual(facet('PaymentNames'), counted(paymentNamesOf))
  assert.deepEqual(
    facet('StatusDescription'),
    counted((doc) => [doc.statusDescription]),
  )
  assert.deepEqual(facet('CallCenterOperatorName'), {})
  assert.deepEqual(
    nonZero(facet('ShippingEstimatedDate')),
    nonZero(
      counted((doc) => ['-1.days', '0.days', '1.days', '7.days'].filter((n) => inEstimate(doc, n, now))),
    ),
  )
  for (const [name, date] of [
    ['creationDate', (doc: OrderDocument) => doc.creationDate],
    ['authorizedDate', (doc: OrderDocument) => doc.authorizedDate],
  ] as const) {
    const got = facet(name)
    assert.equal(Object.keys(got).length, 5, name)
    for (const [url, quantity] of Object.entries(got)) {
      assert.equal(quantity, matching.filter((doc) => inRange(date(doc), url)).length, `${name} ${url}`)
    }
  }
}

const url = (query: Query) =>
  `/api/oms/pvt/orders?${new URLSearchParams(
    Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]): [string, string] => [name, String(value)]),
  ).toString()}`

/** Asks List orders `query` and checks the page, paging and statistics against brute force over `docs`. */
async function assertAnswered(test: TestApp, docs: readonly OrderDocument[], query: Query): Promise<void> {
  const res = await api(test).send('GET', url(query))
  assert.equal(res.statusCode, 200, res.body)
  const body = res.json<ListOrdersDocument>()
  const want = expected(docs, query, test.clock.now())
  assert.deepEqual(
    body.list.map((item) => item.orderId),
    want.page,
    `${url(query)}: the page`,
  )
  assert.deepEqual(body.paging, {
    total: want.matching.length,
    pages: Math.ceil(want.matching.length / query.per_page),
    currentPage: query.page,
    perPage: query.per_page,
  })
  const values = want.matching.map((doc) => doc.value)
  const value = body.stats.stats.totalValue
  assert.equal(value.Count, values.length)
  assert.equal(
    value.Sum,
    values.reduce((a, b) => a + b, 0),
  )
  assert.equal(
    value.SumOfSquares,
    values.reduce((a, b) => a + b * b, 0),
  )
  assert.equal(value.Max, values.length ? Math.max(...values) : 0)
  assert.equal(value.Min, values.length ? Math.min(...values) : 0)
  assert.equal(
    body.stats.stats.totalItems.Sum,
    want.matching.reduce((sum, doc) => sum + itemsOf(doc), 0),
  )
  if (query.facets) assertFacets(body, want.matching, test.clock.now())
  else assert.deepEqual(body.facets, [])
  for (const item of body.list) {
    const doc = docs.find((d) => d.orderId === item.orderId)
    assert.ok(doc)
    assert.equal(item.totalValue, doc.value)
    assert.equal(item.status, doc.status)
    assert.equal(item.statusDescription, doc.statusDescription)
    assert.equal(item.clientName, `${doc.clientProfileData.firstName} ${doc.clientProfileData.lastName}`)
    assert.equal(item.paymentNames, paymentNamesOf(doc).join(', '))
    assert.equal(item.items, null)
  }
}

const SEEDED = 3_000

const ALL_WITH_FACETS: Query = { facets: true, orderBy: 'creationDate,desc', per_page: 15, page: 1 }

/** Every order of the account, as Get order has it. */
async function allDocuments(test: TestApp): Promise<OrderDocument[]> {
  const res = await api(test).send('GET', '/api/ordo/pvt/orders/export?format=jsonl')
  assert.equal(res.statusCode, 200)
  const ids = res.body
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { orderId: string }).orderId)
  const docs: OrderDocument[] = []
  for (const id of ids) docs.push(await api(test).getOk(id))
  return docs
}

/**
 * Queries on what the statistics' counters answer — statuses and creation dates, bounds on whole UTC days, inside
 * a day, in another offset, or open — and now and then a filter they cannot answer.
 */
function seededQueryOf(docs: readonly OrderDocument[], days: readonly string[]): fc.Arbitrary<Query> {
  const instant = fc.oneof(
    fc.constantFrom(...days).map((day) => `${day}T00:00:00.000Z`),
    fc.constantFrom(...days).map((day) => `${day}T23:59:59.999Z`),
    fc.constantFrom(...days).map((day) => `${day}T00:00:00.000-03:00`),
    fc.constantFrom(...docs.map((doc) => doc.creationDate)),
  )
  const statuses = [...new Set(docs.map((doc) => doc.status))]
  return fc.record({
    f_status: sometimes(fc.subarray(statuses, { minLength: 1 }).map((list) => list.join(','))),
    f_creationDate: fc
      .tuple(fc.option(instant, { nil: undefined }), fc.option(instant, { nil: undefined }))
      .map(([a, b]) =>
        a !== undefined && b !== undefined && Date.parse(b) < Date.parse(a) ? [b, a] : [a, b],
      )
      .map(([from, to]) => range('creationDate', from, to)),
    salesChannelId: sometimes(fc.constantFrom('1', '2', '3')),
    facets: fc.boolean(),
    orderBy: fc.constantFrom('creationDate,desc', 'totalValue,asc'),
    per_page: fc.constant(15),
    page: fc.integer({ min: 1, max: 3 }),
  })
}

describeEachDialect('List orders', (dialect) => {
  it('returns exactly the orders, page, order and statistics that brute force over the documents gives', async (t) => {
    const test = await startTestApp(t, dialect)
    const docs = await placeVariedOrders(test)
    await assertAnswered(test, docs, ALL_WITH_FACETS)
    await fc.assert(
      fc.asyncProperty(queryOf(docs), (query) => assertAnswered(test, docs, query)),
      { numRuns: 200, seed: 42 },
    )
  })

  it('answers the same over thousands of seeded orders spread over two years, kept by the write path', async (t) => {
    const test = await startTestApp(t, dialect)
    await seedOrders(test.deps, {
      account: 'acme',
      orders: SEEDED,
      seed: 11,
      until: test.clock.now().getTime(),
    })
    let docs = await allDocuments(test)
    assert.ok(docs.length >= SEEDED, `${docs.length} orders`)
    // Orders that hold a status's highest or lowest value leave it, through the API: the statistics find the
    // next extremes.
    const ready = docs.filter((doc) => doc.status === 'ready-for-handling')
    const byValue = [...ready].sort((a, b) => a.value - b.value)
    for (const doc of [byValue[0], byValue.at(-1)]) {
      assert.ok(doc)
      assert.equal((await api(test).startHandling(doc.orderId)).statusCode, 204)
    }
    const pending = docs
      .filter((doc) => doc.status === 'payment-pending')
      .sort((a, b) => a.value - b.value)
      .at(-1)
    assert.ok(pending)
    assert.equal((await api(test).cancel(pending.orderId)).statusCode, 200)
    docs = await allDocuments(test)
    // The migration that made the counters fills them from the index as the write path keeps them (which
    // leaves a bucket whose orders all left it in place, empty).
    const counters = () =>
      test.deps.db
        .selectFrom('order_search_stats')
        .selectAll()
        .where('orders', '>', 0)
        .orderBy(['account', 'day', 'status', 'origin', 'currency_code'])
        .execute()
    const kept = await counters()
    await test.deps.db.schema.dropTable('order_search_stats').execute()
    await searchStatsMigration.up(test.deps.db as unknown as Kysely<unknown>)
    assert.deepEqual(await counters(), kept)
    const facetCounters = () =>
      test.deps.db
        .selectFrom('order_search_facets')
        .select([
          'account',
          'facet',
          'status',
          'day',
          'value',
          (eb) => eb.cast<number>('orders', 'integer').as('orders'),
        ])
        .where('orders', '>', 0)
        .orderBy(['account', 'facet', 'status', 'day', 'value'])
        .execute()
    const keptFacets = await facetCounters()
    await test.deps.db.schema.dropTable('order_search_facets').execute()
    for (const index of ['order_search_authorized_date_idx', 'order_search_shipping_estimated_date_idx']) {
      await test.deps.db.schema.dropIndex(index).execute()
    }
    await searchFacetsMigration.up(test.deps.db as unknown as Kysely<unknown>)
    assert.deepEqual(await facetCounters(), keptFacets)
    const days = docs.map((doc) => doc.creationDate.slice(0, 10))
    // All orders, whose facets the counters answer: the rolling ranges end inside an hour that has orders.
    await assertAnswered(test, docs, ALL_WITH_FACETS)
    await fc.assert(
      fc.asyncProperty(seededQueryOf(docs, days), (query) => assertAnswered(test, docs, query)),
      { numRuns: 120, seed: 7 },
    )
  })

  it('keeps the facets of a creation-date range to its orders where a rolling range ends inside an hour', async (t) => {
    const test = await startTestApp(t, dialect)
    const client = api(test)
    // Created late on 2026-03-02 and authorized just after midnight; another created and authorized then.
    const placeAt = async (marketplaceOrderId: string, minutes: number) => {
      test.clock.advance(minutes * 60_000)
      const placed = await client.placeOk(singleOrder(marketplaceOrderId))
      return placed.orders[0]
    }
    const approve = async (order: Awaited<ReturnType<typeof placeAt>>, minutes: number) => {
      test.clock.advance(minutes * 60_000)
      for (const payment of order?.paymentData.transactions[0]?.payments ?? []) {
        assert.equal((await client.notifyPayment(order?.orderId ?? '', payment.id)).statusCode, 200)
      }
    }
    const late = await placeAt('LATE', 11 * 60 + 30) // 23:30
    const early = await placeAt('EARLY', 35) // 00:05
    await approve(late, 5) // 00:10
    await approve(early, 5) // 00:15
    // A day on, 00:20: the authorizedDate buckets of one and two days end at 00:20, inside the hour of both.
    test.clock.advance(86_400_000 + 5 * 60_000)
    const docs = await Promise.all([late, early].map((order) => client.getOk(order?.orderId ?? '')))
    for (const f_creationDate of [
      'creationDate:[2026-03-03T00:00:00.000Z TO *]',
      'creationDate:[* TO 2026-03-02T23:59:59.999Z]',
      'creationDate:[2026-03-02T00:00:00.000Z TO 2026-03-03T23:59:59.999Z]',
    ]) {
      await assertAnswered(test, docs, { ...ALL_WITH_FACETS, f_creationDate })
    }
    await assertAnswered(test, docs, ALL_WITH_FACETS)
  })

  it('reads a date range with facets through its dates, never through every order the account has', async (t) => {
    // SQLite's planner, with no statistics, chose the status index for the status facet of a range (every order of
    // the account), and the creation dates of the range for another date's hour (every order of its days).
    if (dialect !== 'sqlite') return t.skip("SQLite's query plans")
    const test = await startTestApp(t, dialect)
    await api(test).placeOk(singleOrder('PLANNED'))
    test.clock.advance(17 * 60_000)
    const statements: CompiledQuery[] = []
    const db = test.deps.db.withPlugin({
      transformQuery: ({ node, queryId }) => {
        statements.push(test.deps.db.getExecutor().compileQuery(node, queryId))
        return node
      },
      transformResult: ({ result }) => Promise.resolve(result),
    })
    const principal: Principal = {
      account: 'acme',
      appKey: null,
      roles: [],
      resources: new Set(),
      shopperEmail: null,
    }
    for (const offset of ['Z', '-03:00']) {
      const f_creationDate = `creationDate:[2026-01-01T00:00:00.000${offset} TO 2026-03-01T23:59:59.999${offset}]`
      await listOrders({ db, clock: test.clock }, principal, { facets: 'true', f_creationDate })
    }
    const plans: string[] = []
    for (const { sql, parameters } of statements) {
      const { rows } = await test.deps.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${sql}`, [...parameters]),
      )
      plans.push(...rows.map((row) => row.detail))
    }
    const orders = plans.filter((detail) => / order_search /.test(detail))
    assert.ok(orders.length > 0)
    for (const detail of orders) assert.doesNotMatch(detail, /\(account=\?\)$|^SCAN/, detail)
    for (const index of ['order_search_authorized_date_idx', 'order_search_shipping_estimated_date_idx']) {
      assert.ok(
        orders.some((detail) => detail.includes(index)),
        `an hour of another date is read through its index: ${orders.join('\n')}`,
      )
    }
  })

  it("shows a write as soon as it is answered, and only the account's own orders", async (t) => {
    const test = await startTestApp(t, dialect)
    const client = api(test)
    const placed = await client.placeOk(singleOrder('NOW'))
    const id = placed.orders[0]?.orderId ?? ''
    const listed = async (query: string) =>
      (await client.send('GET', `/api/oms/pvt/orders?${query}`)).json<ListOrdersDocument>()
    assert.deepEqual(
      (await listed('f_status=payment-pending')).list.map((item) => item.orderId),
      [id],
    )
    for (const payment of placed.orders[0]?.paymentData.transactions[0]?.payments ?? []) {
      assert.equal((await client.notifyPayment(id, payment.id)).statusCode, 200)
    }
    assert.equal((await listed('f_status=payment-pending')).paging.total, 0)
    assert.equal((await listed('searchField=sku_Ids&sku_Ids=1001')).paging.total, 1)
    assert.equal((await listed('f_paymentNames=Promissory')).paging.total, 1)
    assert.equal((await listed('f_paymentNames=promissory')).paging.total, 0, 'a payment name exactly')
    assert.equal((await listed('f_paymentNames=Promis')).paging.total, 0)
    for (const field of ['listId', 'pci_tid', 'nsu']) {
      assert.equal(
        (await listed(`searchField=${field}&${field}=1`)).paging.total,
        0,
        `${field}: Ordo keeps none`,
      )
    }
    assert.equal(
      (await listed('f_status=payment-approved,ready-for-handling,window-to-cancel')).paging.total,
      1,
    )

    // As every route: a trailing slash, and ?an= naming the credential's own account (another is a 403).
    assert.equal((await listed('an=acme')).paging.total, 1)
    const slash = await client.send('GET', '/api/oms/pvt/orders/?an=acme&f_status=ready-for-handling')
    assert.equal(slash.statusCode, 200, slash.body)
    assert.equal((await client.send('GET', '/api/oms/pvt/orders?an=globex')).statusCode, 403)
    await createAccount(test.deps, 'globex')
    const other = await test.newKey(['OMS - Full access'], 'globex')
    const theirs = await api(test, other).send('GET', '/api/oms/pvt/orders')
    assert.equal(theirs.statusCode, 200, theirs.body)
    assert.equal(theirs.json<ListOrdersDocument>().paging.total, 0)
  })

  it('indexes at start-up the orders stored without a row, or with one an older Ordo wrote', async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    const ids = placed.orders.map((order) => order.orderId).sort()
    // As after an upgrade: one order has no row yet, the other a row of an older shape.
    await test.deps.db
      .deleteFrom('order_search')
      .where('order_id', '=', ids[0] ?? '')
      .execute()
    await test.deps.db
      .updateTable('order_search')
      .set({ index_version: 0, list_item_json: '{}' })
      .where('order_id', '=', ids[1] ?? '')
      .execute()
    assert.equal(await refreshSearchIndex(test.deps), 2)
    assert.equal(await refreshSearchIndex(test.deps), 0, 'current rows are left alone')
    const listed = (
      await api(test).send('GET', '/api/oms/pvt/orders?orderBy=orderId,asc')
    ).json<ListOrdersDocument>()
    assert.deepEqual(
      listed.list.map((item) => [item.orderId, item.status]),
      placed.orders.map((order) => [order.orderId, order.status]).sort(),
    )
  })

  it('refuses malformed parameters with a 400 that names the parameter, and pages past 30', async (t) => {
    const test = await startTestApp(t, dialect)
    for (const [query, named] of [
      ['page=31', /page must be 30 or less/],
      ['per_page=101', /per_page must be 100 or less/],
      ['per_page=0', /per_page must be a whole number/],
      ['f_status=shipped', /f_status has "shipped"/],
      ['orderBy=clientName,asc', /orderBy must be one of/],
      ['orderBy=creationDate,up', /orderBy must be one of/],
      ['f_creationDate=2026-01-01', /f_creationDate must look like creationDate:\[/],
      ['f_invoicedDate=creationDate:[* TO *]', /f_invoicedDate must look like invoicedDate:\[/],
      ['f_creationDate=creationDate:[yesterday TO *]', /f_creationDate must look like/],
      ['q=a%2Bb', /q must not contain "\+"/],
      ['f_isInstore=maybe', /f_isInstore must be true or false/],
      ['searchField=ean&ean=1', /searchField must be one of sku_Ids, paymentId/],
      ['sku_Ids=1001', /sku_Ids is searched only with searchField=sku_Ids/],
      ['searchField=sku_Ids&sku_Ids=1&paymentId=2', /paymentId is searched only with searchField=paymentId/],
      ['f_creationDate=creationDate:[2026-01-01T00:00:00 TO *]', /f_creationDate must look like/],
      ['f_creationDate=creationDate:[2022-02-30T00:00:00Z TO *]', /f_creationDate must look like/],
      ['f_shippingEstimate=1000000000.days', /f_shippingEstimate must be within 36500 days/],
      ['searchField=tid', /searchField=tid needs the value to search for in tid=/],
    ] as const) {
      const res = await api(test).send('GET', `/api/oms/pvt/orders?${query}`)
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001', query)
      assert.match(res.json<{ error: { message: string } }>().error.message, named, query)
    }
  })
})
