// The `ordo` CLI as a real process: accounts, keys and settings on each dialect, and beside a live server.
import assert from 'node:assert/strict'
import { DEFAULT_SETTINGS } from '../../src/modules/accounts/account-settings.ts'
import { CACHE_TTL_MS } from '../../src/platform/credential-cache.ts'
import { it } from 'node:test'
import { describeEachDialect, keyHeaders } from '../harness.ts'
import { sandbox, type CommandResult } from './process.ts'

const COMMANDS = [
  'serve',
  'migrate',
  'accounts create',
  'keys create',
  'keys list',
  'keys revoke',
  'settings get',
  'settings set',
]

const ok = (result: CommandResult): string => {
  assert.equal(result.code, 0, `exit ${String(result.code ?? result.signal)}\n${result.stderr}`)
  return result.stdout
}

it('ordo --help exits 0 and lists every command', async (t) => {
  const { ordo } = await sandbox(t, 'sqlite')
  const help = ok(await ordo(['--help']))
  for (const command of COMMANDS) assert.match(help, new RegExp(`ordo ${command}\\b`))
  assert.match(help, /OMS - Full access/)
})

it('ordo serve with a bad --port exits 2 with a one-line message, not a stack trace', async (t) => {
  const { ordo } = await sandbox(t, 'sqlite')
  const badPort = await ordo(['serve', '--port', 'eighty'])
  assert.equal(badPort.code, 2)
  assert.equal(badPort.stderr, 'ordo: Invalid port: eighty\n')
})

describeEachDialect('ordo CLI', (dialect) => {
  it('creates an account and a key, lists the key, and sets and gets settings', async (t) => {
    const { ordo } = await sandbox(t, dialect)
    assert.match(ok(await ordo(['accounts', 'create', 'acme'])), /Created account acme/)

    const created = ok(
      await ordo(['keys', 'create', '--account', 'acme', '--role', 'OMS - Full access', '--json']),
    )
    const pair = JSON.parse(created) as Record<string, unknown>
    assert.deepEqual(Object.keys(pair).sort(), ['appKey', 'appToken'])
    assert.match(String(pair.appKey), /^vtexappkey-acme-/)
    assert.equal(typeof pair.appToken, 'string')

    const listed = ok(await ordo(['keys', 'list', '--account', 'acme']))
    const line = listed.split('\n').find((l) => l.startsWith(String(pair.appKey)))
    assert.ok(line, listed)
    assert.match(line, /OMS - Full access\tactive/)

    const set = ok(await ordo(['settings', 'set', '--account', 'acme', '--grace-period-minutes', '0']))
    assert.deepEqual(JSON.parse(set), { ...DEFAULT_SETTINGS, cancellationGracePeriodMinutes: 0 })
    const got = ok(await ordo(['settings', 'get', '--account', 'acme']))
    assert.deepEqual(JSON.parse(got), { ...DEFAULT_SETTINGS, cancellationGracePeriodMinutes: 0 })
  })

  it('refuses bad input with a non-zero exit and a message that says what is wrong', async (t) => {
    const { ordo } = await sandbox(t, dialect)
    ok(await ordo(['accounts', 'create', 'acme']))

    const badRole = await ordo(['keys', 'create', '--account', 'acme', '--role', 'Superuser'])
    assert.notEqual(badRole.code, 0)
    assert.equal(badRole.stdout, '')
    assert.match(badRole.stderr, /^ordo: Unknown role Superuser\. Known roles: .*OMS - Full access/)

    const noAccount = await ordo(['keys', 'create', '--account', 'nope', '--role', 'OMS - Full access'])
    assert.notEqual(noAccount.code, 0)
    assert.match(noAccount.stderr, /Account nope does not exist/)

    // '' would be Number('') = 0, silently removing the grace period: an unset shell variable must not do that.
    const setMinutes = ['settings', 'set', '--account', 'acme', '--grace-period-minutes']
    for (const minutes of ['', 'ten']) {
      const badMinutes = await ordo([...setMinutes, minutes])
      assert.notEqual(badMinutes.code, 0, `--grace-period-minutes '${minutes}' was accepted`)
      assert.match(badMinutes.stderr, /cancellationGracePeriodMinutes must be a whole number/)
    }
    assert.deepEqual(JSON.parse(ok(await ordo(['settings', 'get', '--account', 'acme']))), DEFAULT_SETTINGS)
  })

  it('works beside a live server: a key it creates is accepted at once and refused once revoked', async (t) => {
    const { ordo, serve } = await sandbox(t, dialect)
    const server = await serve()
    ok(await ordo(['accounts', 'create', 'acme']))

    const pair = JSON.parse(
      ok(await ordo(['keys', 'create', '--account', 'acme', '--role', 'OMS - Full access', '--json'])),
    ) as { appKey: string; appToken: string }
    const before = await server.request('GET', '/api/ordo/pvt/settings', { headers: keyHeaders(pair) })
    assert.equal(before.status, 200, before.text)
    assert.deepEqual(before.body, DEFAULT_SETTINGS)

    assert.match(ok(await ordo(['keys', 'revoke', pair.appKey])), new RegExp(`Revoked ${pair.appKey}`))
    // The server remembers a verified key for CACHE_TTL_MS; a revocation from another process lands within it.
    // Judged by when each request was sent: a slow answer on a loaded machine must not end the wait early.
    const revokedAt = Date.now()
    let sentAt = revokedAt
    let after = await server.request('GET', '/api/ordo/pvt/settings', { headers: keyHeaders(pair) })
    while (after.status === 200 && sentAt - revokedAt < CACHE_TTL_MS + 2000) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      sentAt = Date.now()
      after = await server.request('GET', '/api/ordo/pvt/settings', { headers: keyHeaders(pair) })
    }
    assert.equal(after.status, 401, after.text)
    assert.match(ok(await ordo(['keys', 'list', '--account', 'acme'])), /\trevoked \d{4}-/)

    const again = await ordo(['keys', 'revoke', pair.appKey])
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /No active key/)
  })
})
