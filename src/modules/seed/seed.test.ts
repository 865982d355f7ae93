// Unit tests of the seed's orders: the same seed and index make the same placement, placements come in time order
// over the span, each pays exactly its cart, and the fates come in about their shares.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { FATES, randomOf, scenarioOf } from './seed.ts'

const FROM = Date.parse('2024-06-01T00:00:00.000Z')
const TO = Date.parse('2026-06-01T00:00:00.000Z')
const COUNT = 2_000

it('makes the same placement for the same seed and index, and another for another seed', () => {
  assert.deepEqual(scenarioOf(7, 123, COUNT, FROM, TO), scenarioOf(7, 123, COUNT, FROM, TO))
  assert.notDeepEqual(scenarioOf(7, 123, COUNT, FROM, TO).body, scenarioOf(8, 123, COUNT, FROM, TO).body)
  const random = randomOf(42)
  const draws = Array.from({ length: 1000 }, random)
  assert.ok(draws.every((x) => x >= 0 && x < 1))
  assert.deepEqual(draws.slice(0, 5), Array.from({ length: 5 }, randomOf(42)))
})

it('places in time order over the whole span, each paying its cart, with the fates in about their shares', () => {
  const scenarios = Array.from({ length: COUNT }, (_, index) => scenarioOf(1, index, COUNT, FROM, TO))
  const times = scenarios.map((s) => s.placedAt)
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  )
  assert.ok(times[0]! >= FROM && times.at(-1)! < TO)
  assert.ok(times.at(-1)! - times[0]! > 0.99 * (TO - FROM))
  for (const { body, placedAt, decidedAt, handledAt, invoicedAt } of scenarios) {
    const cart =
      body.items.reduce((sum, item) => sum + item.price * item.quantity, 0) +
      body.shippingData.logisticsInfo.reduce((sum, logistics) => sum + logistics.price, 0)
    assert.equal(
      body.paymentData.payments.reduce((sum, payment) => sum + payment.value, 0),
      cart,
    )
    assert.equal(body.shippingData.logisticsInfo.length, body.items.length)
    assert.ok(placedAt < decidedAt && decidedAt < handledAt && handledAt < invoicedAt)
  }
  for (const [fate, share] of FATES) {
    const seen = scenarios.filter((s) => s.fate === fate).length / COUNT
    assert.ok(Math.abs(seen - share) < 0.04, `${fate}: ${seen} against ${share}`)
  }
  const sellers = new Set(scenarios.flatMap((s) => s.body.items.map((item) => item.seller)))
  assert.deepEqual([...sellers].sort(), ['1', 'partner'])
  assert.ok(new Set(scenarios.map((s) => s.body.clientProfileData.email)).size > 500, 'many customers')
  assert.ok(new Set(scenarios.map((s) => s.body.paymentData.payments[0]?.paymentSystemName)).size >= 4)
  assert.deepEqual(new Set(scenarios.map((s) => s.body.salesChannel)), new Set(['1', '2', '3']))
})
