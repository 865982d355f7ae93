// Unit tests of the statistics' counters: which buckets a saved order changes, how many orders stand at each
// extreme, and how a creation-date range splits into whole UTC days and the hours read from the orders.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { validationFailed } from '../../platform/errors.ts'
import { countedOf, parseListQuery, statsChanges, type Counted } from './search.ts'

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
      ['2026-03-02', 3, 1900, 500, 2, 900, 1],
      ['', 3, 1900, 500, 2, 900, 1],
    ],
  )
  assert.deepEqual(placed.departures, [])
  const moved = statsChanges([{ before: row('payment-pending', 500), after: row('canceled', 500) }])
  assert.deepEqual(
    moved.changes.map((c) => [c.day, c.status, c.orders, c.value_sum, c.value_min]),
    [
      ['2026-03-02', 'payment-pending', -1, -500, null],
      ['', 'payment-pending', -1, -500, null],
      ['2026-03-02', 'canceled', 1, 500, 500],
      ['', 'canceled', 1, 500, 500],
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

it('answers from whole UTC days, the hours of partial days from the orders, and other filters not at all', () => {
  assert.deepEqual(countedOf(query({})), { days: 'all', partial: [] })
  assert.deepEqual(countedOf(query({ f_status: 'invoiced,canceled' })), { days: 'all', partial: [] })
  assert.deepEqual(
    countedOf(
      query({ f_creationDate: 'creationDate:[2026-01-01T00:00:00.000Z TO 2026-01-31T23:59:59.999Z]' }),
    ),
    { days: { from: '2026-01-01', to: '2026-02-01' }, partial: [] },
  )
  assert.deepEqual(
    countedOf(
      query({
        f_creationDate: 'creationDate:[2026-01-01T00:00:00.000-03:00 TO 2026-01-31T23:59:59.999-03:00]',
      }),
    ),
    {
      days: { from: '2026-01-02', to: '2026-02-01' },
      partial: [
        { from: '2026-01-01T03:00:00.000Z', to: '2026-01-02T00:00:00.000Z', toExclusive: true },
        { from: '2026-02-01T00:00:00.000Z', to: '2026-02-01T03:00:00.000Z', toExclusive: true },
      ],
    },
  )
  assert.deepEqual(countedOf(query({ f_creationDate: 'creationDate:[* TO 2026-01-31T23:59:59.999Z]' })), {
    days: { to: '2026-02-01' },
    partial: [],
  })
  const inOneDay = 'creationDate:[2026-01-05T10:00:00.000Z TO 2026-01-05T11:00:00.000Z]'
  assert.deepEqual(countedOf(query({ f_creationDate: inOneDay })), {
    days: 'none',
    partial: [{ from: '2026-01-05T10:00:00.000Z', to: '2026-01-05T11:00:00.000Z' }],
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
