// Exports: every matching order, oldest first, as JSON lines of Get order documents or as CSV of the list's
// columns, over HTTP and page by page underneath; the parameters an export does not take are refused.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parse } from 'csv-parse/sync'
import { api, errorCode } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { exportOrders } from '../src/modules/search/export.service.ts'
import type { ListOrdersDocument } from '../src/modules/search/search.schemas.ts'

/** Seven orders a minute apart, every other one approved; returns their ids, oldest first. */
async function place(test: TestApp): Promise<string[]> {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const ids: string[] = []
  for (let i = 0; i < 7; i++) {
    const order = (await api(test).placeOk(singleOrder(`EXPORT-${i}`, 3000 + i))).orders[0]
    assert.ok(order)
    ids.push(order.orderId)
    if (i % 2 === 0) {
      for (const payment of order.paymentData.transactions[0]?.payments ?? []) {
        assert.equal((await api(test).notifyPayment(order.orderId, payment.id)).statusCode, 200)
      }
    }
    test.clock.advance(60_000)
  }
  return ids
}

describeEachDialect('export', (dialect) => {
  it('streams every matching order, oldest first, as Get order documents or as the list in CSV', async (t) => {
    const test = await startTestApp(t, dialect)
    const ids = await place(test)
    const approved = ids.filter((_, i) => i % 2 === 0)
    const formula = singleOrder('EXPORT-FORMULA')
    const risky = await api(test).placeOk({
      ...formula,
      clientProfileData: { ...formula.clientProfileData, firstName: '=HYPERLINK("https://evil.example")' },
    })
    ids.push(risky.orders[0]?.orderId ?? '')

    const jsonl = await api(test).send('GET', '/api/ordo/pvt/orders/export?f_status=ready-for-handling')
    assert.equal(jsonl.statusCode, 200, jsonl.body)
    assert.match(String(jsonl.headers['content-type']), /^application\/x-ndjson/)
    const lines = jsonl.body.split('\n')
    assert.equal(lines.pop(), '', 'every line ends in a newline')
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as { orderId: string }).orderId),
      approved,
    )
    for (const line of lines) {
      const { orderId } = JSON.parse(line) as { orderId: string }
      assert.equal(line, (await api(test).get(orderId)).body, 'the stored Get order document')
    }

    const csv = await api(test).send('GET', '/api/ordo/pvt/orders/export?format=csv')
    assert.equal(csv.statusCode, 200, csv.body)
    assert.match(String(csv.headers['content-type']), /^text\/csv/)
    assert.match(String(csv.headers['content-disposition']), /filename="orders\.csv"/)
    const rows = parse<Record<string, string>>(csv.body, { columns: true })
    const listed = (
      await api(test).send('GET', '/api/oms/pvt/orders?orderBy=creationDate,asc&per_page=100')
    ).json<ListOrdersDocument>().list
    // A spreadsheet must not run a cell: csv-stringify quotes one that starts as a formula would.
    const unsafe = (name: string) => (/^[=+\-@]/.test(name) ? `'${name}` : name)
    assert.deepEqual(
      rows.map((row) => [row.orderId, row.status, row.totalValue, row.clientName, row.paymentNames]),
      listed.map((item) => [
        item.orderId,
        item.status,
        String(item.totalValue),
        unsafe(item.clientName),
        item.paymentNames,
      ]),
    )
    assert.ok(rows.some((row) => row.clientName?.startsWith(`'=HYPERLINK`)))
  })

  it('reads page by page without skipping or repeating an order', async (t) => {
    const test = await startTestApp(t, dialect)
    const ids = await place(test)
    const exported = await exportOrders(test.deps, 'acme', {}, 'jsonl', 3)
    assert.equal(await exported.count(), ids.length)
    const pieces: number[] = []
    const text: string[] = []
    for await (const piece of exported.pieces((orders) => pieces.push(orders))) text.push(piece)
    assert.deepEqual(pieces, [3, 3, 1])
    assert.deepEqual(
      text
        .join('')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { orderId: string }).orderId),
      ids,
    )
  })

  it('refuses what an export does not take, naming it', async (t) => {
    const test = await startTestApp(t, dialect)
    for (const [query, named] of [
      ['page=2', /page does not apply to an export/],
      ['orderBy=orderId,asc', /orderBy does not apply/],
      ['format=xml', /format/],
      ['f_status=shipped', /f_status has "shipped"/],
    ] as const) {
      const res = await api(test).send('GET', `/api/ordo/pvt/orders/export?${query}`)
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`)
      assert.equal(errorCode(res), 'OMS001')
      assert.match(res.json<{ error: { message: string } }>().error.message, named, query)
    }
  })
})
