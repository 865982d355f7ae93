// Settings are a closed schema: unknown fields are refused and never stored, null resets, junk that an
// earlier version stored is neither read nor kept.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { sql } from 'kysely'
import { migrateTo } from '../src/db/migrate.ts'
import { DEFAULT_SETTINGS, type AccountSettings } from '../src/modules/accounts/account-settings.ts'
import { api, errorCode } from './api.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

const SETTINGS = '/api/ordo/pvt/settings'

const storedJson = async (test: TestApp): Promise<string> => {
  const row = await test.deps.db
    .selectFrom('accounts')
    .select('settings_json')
    .where('name', '=', 'acme')
    .executeTakeFirstOrThrow()
  return row.settings_json
}

const putRaw = (test: TestApp, payload: string) =>
  test.app.inject({
    method: 'PUT',
    url: SETTINGS,
    headers: { ...test.headers, 'content-type': 'application/json' },
    payload,
  })

/** Asserts the request was refused with a 400 in the envelope and left the stored settings as they were. */
async function assertRefused(test: TestApp, send: () => Promise<{ statusCode: number; body: string }>) {
  const before = await storedJson(test)
  const res = await send()
  assert.equal(res.statusCode, 400, res.body)
  assert.equal(errorCode(res as Parameters<typeof errorCode>[0]), 'OMS001')
  assert.equal(await storedJson(test), before)
  return JSON.parse(res.body) as { error: { message: string } }
}

describeEachDialect('settings', (dialect) => {
  it('start at their defaults: the grace period and VTEX documented rate limits', async (t) => {
    const test = await startTestApp(t, dialect)
    const res = await api(test).send('GET', SETTINGS)
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), DEFAULT_SETTINGS)
    assert.equal(DEFAULT_SETTINGS.rateLimits.getOrderPerMinute, 6000)
    assert.equal(DEFAULT_SETTINGS.rateLimits.getOrderGroupPerMinute, 6000)
  })

  it('refuse unknown fields with a 400 naming each of them, and store nothing', async (t) => {
    const test = await startTestApp(t, dialect)
    const { send } = api(test)
    const junk = await assertRefused(test, () => send('PUT', SETTINGS, { junk: 'hello', isAdmin: true }))
    assert.match(junk.error.message, /"junk"/)
    assert.match(junk.error.message, /"isAdmin"/)
    // A known field beside an unknown one is not applied either.
    const mixed = await assertRefused(test, () =>
      send('PUT', SETTINGS, { cancellationGracePeriodMinutes: 5, rateLimits: { bogus: 1 } }),
    )
    assert.match(mixed.error.message, /"rateLimits\.bogus"/)
    await assertRefused(test, () => putRaw(test, '{"__proto__":{"isAdmin":true}}'))
    await assertRefused(test, () => putRaw(test, '{"rateLimits":{"__proto__":{"getOrderPerMinute":1}}}'))
    assert.deepEqual((await send('GET', SETTINGS)).json(), DEFAULT_SETTINGS)
  })

  it('refuse a body nested 5,000 levels deep with a 400, wherever it is nested', async (t) => {
    const test = await startTestApp(t, dialect)
    const deep = (inner: string) => '{"a":'.repeat(5000) + inner + '}'.repeat(5000)
    await assertRefused(test, () => putRaw(test, `{"junk":${deep('1')}}`))
    await assertRefused(test, () => putRaw(test, `{"rateLimits":{"getOrderPerMinute":${deep('1')}}}`))
    await assertRefused(test, () => putRaw(test, `{"rateLimits":${deep('1')}}`))
    await assertRefused(test, () => putRaw(test, '['.repeat(5000) + ']'.repeat(5000)))
  })

  it('do not grow: seven PUTs of 1 MB each are refused and the row stays small', async (t) => {
    const test = await startTestApp(t, dialect)
    const filler = 'x'.repeat(1000 * 1000)
    for (let i = 0; i < 7; i++) {
      await assertRefused(test, () =>
        api(test).send('PUT', SETTINGS, { cancellationGracePeriodMinutes: 10, [`junk${i}`]: filler }),
      )
    }
    const res = await api(test).send('PUT', SETTINGS, { cancellationGracePeriodMinutes: 10 })
    assert.equal(res.statusCode, 200)
    assert.ok((await storedJson(test)).length < 300, await storedJson(test))
  })

  it('change the fields sent, and reset a field sent as null to its default', async (t) => {
    const test = await startTestApp(t, dialect)
    const put = async (body: unknown): Promise<AccountSettings> => {
      const res = await api(test).send('PUT', SETTINGS, body)
      assert.equal(res.statusCode, 200, res.body)
      const answered = res.json<AccountSettings>()
      assert.deepEqual((await api(test).send('GET', SETTINGS)).json(), answered)
      return answered
    }
    const changed = await put({
      cancellationGracePeriodMinutes: 5,
      rateLimits: { getOrderPerMinute: 10, placeOrderPerMinute: 20 },
    })
    assert.deepEqual(changed, {
      cancellationGracePeriodMinutes: 5,
      rateLimits: { ...DEFAULT_SETTINGS.rateLimits, getOrderPerMinute: 10, placeOrderPerMinute: 20 },
      allowInsecureHooks: false,
      windowToChangeSellerDays: 2,
    })
    assert.equal((await put({ allowInsecureHooks: true })).allowInsecureHooks, true)
    assert.equal((await put({ allowInsecureHooks: null })).allowInsecureHooks, false)
    const graceReset = await put({ cancellationGracePeriodMinutes: null })
    assert.deepEqual(graceReset, { ...changed, cancellationGracePeriodMinutes: 30 })
    const oneLimitReset = await put({ rateLimits: { getOrderPerMinute: null } })
    assert.deepEqual(oneLimitReset.rateLimits, { ...DEFAULT_SETTINGS.rateLimits, placeOrderPerMinute: 20 })
    assert.deepEqual(await put({ rateLimits: null }), DEFAULT_SETTINGS)
    await assertRefused(test, () =>
      api(test).send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: -1 } }),
    )
    await assertRefused(test, () =>
      api(test).send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 1.5 } }),
    )
  })

  it('keep both of two changes of different fields made at the same time', async (t) => {
    const test = await startTestApp(t, dialect)
    for (let round = 1; round <= 10; round++) {
      const answers = await Promise.all([
        api(test).send('PUT', SETTINGS, { cancellationGracePeriodMinutes: round }),
        api(test).send('PUT', SETTINGS, { rateLimits: { placeOrderPerMinute: 100 + round } }),
      ])
      for (const res of answers) assert.equal(res.statusCode, 200, res.body)
      const settings = (await api(test).send('GET', SETTINGS)).json<AccountSettings>()
      assert.equal(settings.cancellationGracePeriodMinutes, round)
      assert.equal(settings.rateLimits.placeOrderPerMinute, 100 + round)
    }
  })

  it('read only the known fields of a row an earlier version filled with junk, and drop the junk on change', async (t) => {
    const test = await startTestApp(t, dialect)
    await test.deps.db
      .updateTable('accounts')
      .set({
        settings_json: JSON.stringify({
          cancellationGracePeriodMinutes: 12,
          junk: 'x'.repeat(1000),
          isAdmin: true,
          rateLimits: { getOrderPerMinute: 'lots', bogus: 1 },
        }),
      })
      .where('name', '=', 'acme')
      .execute()
    const read = (await api(test).send('GET', SETTINGS)).json<AccountSettings>()
    assert.deepEqual(read, { ...DEFAULT_SETTINGS, cancellationGracePeriodMinutes: 12 })
    const res = await api(test).send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 7 } })
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(JSON.parse(await storedJson(test)), {
      cancellationGracePeriodMinutes: 12,
      rateLimits: { ...DEFAULT_SETTINGS.rateLimits, getOrderPerMinute: 7 },
      allowInsecureHooks: false,
      windowToChangeSellerDays: 2,
    })
  })

  it('are rewritten to the known fields when a 0.1.0 database is migrated', async (t) => {
    const rows = {
      acme: '{"cancellationGracePeriodMinutes":12,"junk":"hello","isAdmin":true}',
      beta: '{"cancellationGracePeriodMinutes":"12","__proto__":{"x":1}}',
      gamma: '{"cancellationGracePeriodMinutes":0}',
    }
    const test = await startTestApp(t, dialect, {
      before: async (handle) => {
        await migrateTo(handle, '0003-order-core')
        const createdAt = '2026-01-01T00:00:00.000Z'
        for (const [name, json] of Object.entries(rows)) {
          await sql`insert into accounts (name, settings_json, created_at) values (${name}, ${json}, ${createdAt})`.execute(
            handle.db,
          )
        }
      },
    })
    const stored = await test.deps.db
      .selectFrom('accounts')
      .select(['name', 'settings_json'])
      .where('name', 'in', Object.keys(rows))
      .orderBy('name')
      .execute()
    assert.deepEqual(stored, [
      { name: 'acme', settings_json: '{"cancellationGracePeriodMinutes":12}' },
      { name: 'beta', settings_json: '{}' },
      { name: 'gamma', settings_json: '{"cancellationGracePeriodMinutes":0}' },
    ])
  })
})
