import assert from 'node:assert/strict'
import { it } from 'node:test'
import { applySettingsPatch, DEFAULT_SETTINGS, readSettings, type SettingsPatch } from './account-settings.ts'

it('reads the known fields of stored settings and takes defaults for anything else', () => {
  for (const json of [
    '{}',
    'null',
    '[]',
    '"x"',
    '{"rateLimits":[1]}',
    '{"cancellationGracePeriodMinutes":-1}',
  ]) {
    assert.deepEqual(readSettings(json), DEFAULT_SETTINGS, json)
  }
  const read = readSettings(
    '{"cancellationGracePeriodMinutes":7,"isAdmin":true,"rateLimits":{"placeOrderPerMinute":9,"getOrderPerMinute":1.5,"x":1}}',
  )
  assert.deepEqual(read, {
    cancellationGracePeriodMinutes: 7,
    rateLimits: { ...DEFAULT_SETTINGS.rateLimits, placeOrderPerMinute: 9 },
    allowInsecureHooks: false,
    windowToChangeSellerDays: 2,
  })
  assert.equal(Object.getPrototypeOf(readSettings('{"__proto__":{"isAdmin":true}}')), Object.prototype)
  assert.equal('isAdmin' in readSettings('{"__proto__":{"isAdmin":true}}'), false)
})

it('refuses a change with unknown fields, naming each, and a value out of range', () => {
  const patch = JSON.parse('{"__proto__":{},"junk":1,"rateLimits":{"nope":2}}') as SettingsPatch
  assert.throws(() => applySettingsPatch(DEFAULT_SETTINGS, patch), {
    message: 'Unknown settings: "__proto__", "junk", "rateLimits.nope".',
  })
  assert.throws(() => applySettingsPatch(DEFAULT_SETTINGS, { cancellationGracePeriodMinutes: Number.NaN }), {
    message: 'cancellationGracePeriodMinutes must be a whole number between 0 and 43200.',
  })
})
