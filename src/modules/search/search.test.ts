// Unit tests of the statistics' and facets' counters: which buckets a saved order changes, how many orders stand
// at each extreme, how a creation-date range splits into whole UTC days and the hours read from the orders, and
// how a facet's rolling range splits into days, hours and at most an hour of orders at each end.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { validationFailed } from '../../platform/errors.ts'
import {
  countedDaysOf,
  countedOf,
  countedRangeOf,
  facetChanges,
  parseListQuery,
  statsChanges,
  sumsOfParts,
  trimmedBuckets,
  type Counted,
} from './search.ts'

const NOW = new Date('2026-03-10T12:00:00.000Z')
const query = (raw: Record<string, string>) => parseListQuery(raw, NOW, validationFailed)

const row = (status: string, total_value: number): Counted => ({
  account: 'acme',
  creation_date: '2026-03-02T12:00:00.000Z',
  status,
  origin: 'Marketplace',
  currency_code: 'BRL',
  total_value,
  total_items: 2,
  sales_channel: '1',
  seller_name: 'Acme',
  payment_names: 'Visa',
  authorized_date: null,
  shipping_estimated_date: '2026-03-05T15:30:00.000Z',
})

it('moves an order between the buckets of its day and of all days, counting who stands at each extreme', () => {
  const placed = statsChanges([
    { before: undefined, after: row('payment-pending', 500) },
    { before: undefined, after: row('payment-pending', 500) },
    { before: undefined, after: row('payment-pending', 900) },
  ])
  assert.deepEqual(
    placed.changes.map((c) => [
      c.day,
      c.orders,
      c.value_sum,
      c.value_min,
      c.value_min_n,
      c.value_max,
      c.value_max_n,
    ]),
    [
      ['', 3, 1900, 500, 2, 900, 1],
      ['2026-03-02', 3, 1900, 500, 2, 900, 1],
    ],
    'in the order of their keys, as writers lock them',
  )
  assert.deepEqual(placed.departures, [])
  const moved = statsChanges([{ before: row('payment-pending', 500), after: row('canceled', 500) }])
  assert.deepEqual(
    moved.changes.map((c) => [c.day, c.status, c.orders, c.value_sum, c.value_min]),
    [
      ['', 'canceled', 1, 500, 500],
      ['', 'payment-pending', -1, -500, null],
      ['2026-03-02', 'canceled', 1, 500, 500],
      ['2026-03-02', 'payment-pending', -1, -500, null],
    ],
  )
  // The day's extremes are found again before all days', which are found from the days.
  assert.deepEqual(
    moved.departures.map((d) => d.key.day),
    ['2026-03-02', ''],
  )
  assert.deepEqual(
    statsChanges([{ before: row('handling', 500), after: row('handling', 500) }]).changes,
    [],
    'a save that changes nothing counted changes no bucket',
  )
})

it("reads the reference's waiting-for-sellers-confirmation as the workflow's waiting-for-authorization", () => {
  assert.deepEqual(query({ f_status: 'waiting-for-sellers-confirmation, payment-pending' }).statuses, [
    'waiting-for-authorization',
    'payment-pending',
  ])
  assert.throws(() => query({ f_status: 'waiting-for-seller' }), /f_status has "waiting-for-seller"/)
})

it('answers from whole UTC days, the hours of partial days from the orders, and other filters not at all', () => {
  const all = { days: 'all', partial: [], trimmed: [] }
  assert.deepEqual(countedOf(query({})), all)
  assert.deepEqual(countedOf(query({ f_status: 'invoiced,canceled' })), all)
  assert.deepEqual(
    countedOf(
      query({ f_creationDate: 'creationDate:[2026-01-01T00:00:00.000Z TO 2026-01-31T23:59:59.999Z]' }),
    ),
    { days: { from: '2026-01-01', to: '2026-02-01' }, partial: [], trimmed: [] },
  )
  // Brazil's days: 21 hours of the first UTC day, its whole counters less its first 3 hours; 3 of the last.
  const brazil = countedOf(
    query({
      f_creationDate: 'creationDate:[2026-01-01T00:00:00.000-03:00 TO 2026-01-31T23:59:59.999-03:00]',
    }),
  )
  assert.deepEqual(brazil, {
    days: { from: '2026-01-02', to: '2026-02-01' },
    partial: [{ from: '2026-02-01T00:00:00.000Z', to: '2026-02-01T03:00:00.000Z', toExclusive: true }],
    trimmed: [
      {
        day: '2026-01-01',
        inside: { from: '2026-01-01T03:00:00.000Z', to: '2026-01-02T00:00:00.000Z', toExclusive: true },
        outside: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T03:00:00.000Z', toExclusive: true },
      },
    ],
  })
  assert.deepEqual(brazil && countedDaysOf(brazil), { from: '2026-01-01', to: '2026-02-01' })
  const lateEnd = countedOf(
    query({ f_creationDate: 'creationDate:[2026-01-01T00:00:00.000Z TO 2026-01-31T20:00:00.000Z]' }),
  )
  assert.deepEqual(lateEnd?.trimmed, [
    {
      day: '2026-01-31',
      inside: { from: '2026-01-31T00:00:00.000Z', to: '2026-01-31T20:00:00.001Z', toExclusive: true },
      outside: { from: '2026-01-31T20:00:00.001Z', to: '2026-02-01T00:00:00.000Z', toExclusive: true },
    },
  ])
  assert.deepEqual(lateEnd && countedDaysOf(lateEnd), { from: '2026-01-01', to: '2026-02-01' })
  assert.deepEqual(countedOf(query({ f_creationDate: 'creationDate:[* TO 2026-01-31T23:59:59.999Z]' })), {
    days: { to: '2026-02-01' },
    partial: [],
    trimmed: [],
  })
  const inOneDay = 'creationDate:[2026-01-05T10:00:00.000Z TO 2026-01-05T11:00:00.000Z]'
  assert.deepEqual(countedOf(query({ f_creationDate: inOneDay })), {
    days: 'none',
    partial: [{ from: '2026-01-05T10:00:00.000Z', to: '2026-01-05T11:00:00.000Z' }],
    trimmed: [],
  })
  const others: Record<string, string>[] = [
    { q: 'ana' },
    { salesChannelId: '1' },
    { f_paymentNames: 'Visa' },
    { f_UtmSource: 'x' },
  ]
  for (const raw of others) {
    assert.equal(countedOf(query(raw)), undefined, JSON.stringify(raw))
  }
})

it("takes a trimmed day's orders outside the range from its buckets, its extremes while any holder is left", () => {
  const bucket = (status: string, orders: number, value: [number, number, number, number], sum: number) => ({
    account: 'acme',
    day: '2026-03-02',
    status,
    origin: 'Marketplace',
    currency_code: 'BRL',
    orders,
    value_sum: sum,
    value_squares: sum * 1000,
    items_sum: orders,
    items_squares: orders,
    value_min: value[0],
    value_min_n: value[1],
    value_max: value[2],
    value_max_n: value[3],
    items_min: 1,
    items_min_n: orders,
    items_max: 1,
    items_max_n: orders,
  })
  const order = (status: string, total_value: number) => ({
    status,
    origin: 'Marketplace',
    currency_code: 'BRL',
    total_value,
    total_items: 1,
  })
  // Invoiced: 4 orders, 100 (once) to 900 (twice); the outside holds the only 100 and one 900.
  const parts = trimmedBuckets(
    [bucket('invoiced', 4, [100, 1, 900, 2], 2300), bucket('canceled', 1, [50, 1, 50, 1], 50)],
    [order('invoiced', 100), order('invoiced', 900), order('canceled', 50)],
  )
  assert.equal(parts.length, 1, 'a bucket all of whose orders are outside is gone')
  const [invoiced] = parts
  assert.deepEqual(invoiced?.value, {
    count: 2,
    min: 100,
    max: 900,
    sum: 1300,
    sumOfSquares: 2300 * 1000 - 820_000,
  })
  assert.deepEqual(invoiced?.bounded?.value, { min: true, max: false })
  assert.deepEqual(invoiced?.bounded?.items, { min: false, max: false })
  const certain = (min: number, max: number) => ({
    origin: 'Marketplace',
    currency: 'BRL',
    value: { count: 3, min, max, sum: 3 * min, sumOfSquares: 0 },
    items: { count: 3, min: 1, max: 1, sum: 3, sumOfSquares: 3 },
  })
  // Another day's 80 is below the bound of 100: the trimmed day's minimum, above 100, does not decide.
  const decided = sumsOfParts([certain(80, 500), ...parts])
  assert.equal(decided.decided, true)
  assert.deepEqual(decided.groups[0]?.value, {
    count: 5,
    min: 80,
    max: 900,
    sum: 1540,
    sumOfSquares: 2300 * 1000 - 820_000,
  })
  assert.equal(
    sumsOfParts([certain(120, 500), ...parts]).decided,
    false,
    'the minimum may be between 100 and 120',
  )
  assert.equal(sumsOfParts(parts).decided, false)
})

it("counts an order in each value facet and its dates' days and hours, by status and creation day and for all", () => {
  const placed = facetChanges([{ before: undefined, after: row('payment-pending', 500) }])
  const counts = [
    ['creation_date day', '2026-03-02'],
    ['creation_date hour', '2026-03-02T12'],
    ['payment_names', 'Visa'],
    ['sales_channel', '1'],
    ['seller_name', 'Acme'],
    ['shipping_estimated_date day', '2026-03-05'],
    ['shipping_estimated_date hour', '2026-03-05T15'],
  ]
  const key = (c: { facet: string; status: string; day: string; value: string }) =>
    JSON.stringify([c.facet, c.status, c.day, c.value])
  assert.deepEqual(
    new Set(placed.map((c) => `${key(c)} ${c.orders}`)),
    new Set(
      counts.flatMap(([facet = '', value = '']) =>
        ['payment-pending', ''].flatMap((status) =>
          ['2026-03-02', ''].map((day) => `${key({ facet, status, day, value })} 1`),
        ),
      ),
    ),
  )
  const approved = { ...row('payment-pending', 500), authorized_date: '2026-03-02T12:40:00.000Z' }
  assert.deepEqual(
    facetChanges([{ before: row('payment-pending', 500), after: approved }]).map((c) => c.facet),
    [...Array<string>(4).fill('authorized_date day'), ...Array<string>(4).fill('authorized_date hour')],
    'only what changed',
  )
  const moved = facetChanges([{ before: approved, after: { ...approved, status: 'ready-for-handling' } }])
  assert.equal(moved.length, 2 * 2 * (counts.length + 2), "both days' counters move to the new status")
  assert.ok(moved.every((c) => c.orders === (c.status === 'ready-for-handling' ? 1 : -1)))
})

it('counts a rolling range as whole days, and the hours and the last hour of the days of its ends', () => {
  const part = (at: string, hourStart: string) => ({
    day: at.slice(0, 10),
    hour: at.slice(0, 13),
    hourStart,
    at,
  })
  assert.deepEqual(countedRangeOf({ from: '2026-03-03T12:34:56.789Z', to: '2026-03-10T12:34:56.789Z' }), {
    days: { from: '2026-03-03', to: '2026-03-10' },
    upToEnd: part('2026-03-10T12:34:56.790Z', '2026-03-10T12:00:00.000Z'),
    upToStart: part('2026-03-03T12:34:56.789Z', '2026-03-03T12:00:00.000Z'),
  })
  assert.deepEqual(countedRangeOf({ to: '2026-03-10T05:00:00.000Z', toExclusive: true }), {
    days: { to: '2026-03-10' },
    upToEnd: part('2026-03-10T05:00:00.000Z', '2026-03-10T05:00:00.000Z'),
  })
  assert.deepEqual(countedRangeOf({ from: '2026-03-10T05:00:00.000Z' }), {
    days: { from: '2026-03-10' },
    upToStart: part('2026-03-10T05:00:00.000Z', '2026-03-10T05:00:00.000Z'),
  })
  assert.deepEqual(countedRangeOf({}), { days: {} })
  const empty = { from: '2026-03-10T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z', toExclusive: true }
  assert.equal(countedRangeOf(empty), undefined)
})
