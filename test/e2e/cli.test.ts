// The `ordo` CLI as a real process: accounts, keys and settings on each dialect, and beside a live server.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import SQLite from 'better-sqlite3'
import { DEFAULT_SETTINGS } from '../../src/modules/accounts/account-settings.ts'
import { CACHE_TTL_MS } from '../../src/platform/credential-cache.ts'
import { singleOrder } from '../fixtures.ts'
import { describeEachDialect, keyHeaders } from '../harness.ts'
import { freePort } from '../local-server.ts'
import { sandbox, type CommandResult, type Sandbox } from './process.ts'

const COMMANDS = [
  'serve',
  'migrate',
  'accounts create',
  'keys create',
  'keys list',
  'keys revoke',
  'settings get',
  'settings set',
  'sellers add',
  'sellers list',
  'sellers remove',
  'affiliates add',
  'affiliates list',
  'affiliates remove',
  'seed',
  'export',
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

/** A mistake the user can fix: exit 2 and one line on stderr that says what, never a stack trace. */
function assertOneLineError(result: CommandResult, message: RegExp): void {
  assert.equal(result.code, 2, `exit ${String(result.code ?? result.signal)}\n${result.stderr}`)
  assert.match(result.stderr, /^ordo: [^\n]+\n$/, 'exactly one line on stderr')
  assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/, 'no stack frame')
  assert.match(result.stderr, message)
  assert.equal(result.stdout, '')
}

/** Creates the account `acme` and a full-access key of it through the CLI. */
async function acmeWithKey(ordo: Sandbox['ordo']): Promise<{ appKey: string; appToken: string }> {
  ok(await ordo(['accounts', 'create', 'acme']))
  return JSON.parse(
    ok(await ordo(['keys', 'create', '--account', 'acme', '--role', 'OMS - Full access', '--json'])),
  ) as { appKey: string; appToken: string }
}

const filesIn = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()

describe('ordo refuses in one line, exit 2, and creates nothing', () => {
  const cases: Array<[string, string[], RegExp, Record<string, string>?]> = [
    ['a port that is not a number', ['serve', '--port', 'eighty'], /^ordo: Invalid port: eighty\n$/],
    ['an empty port', ['serve'], /Invalid port: \(empty\)/, { PORT: '' }],
    ['an unknown log level', ['serve', '--log-level', 'loud'], /Invalid log level: loud\. Use one of fatal/],
    ['an empty host', ['serve', '--host', ''], /Invalid host/],
    [
      'a --database-url that is not PostgreSQL (and not its password)',
      ['keys', 'list', '--account', 'acme', '--database-url', 'mysql://root:s3cret@db/ordo'],
      /^ordo: Invalid --database-url: it must start with postgres:\/\/ or postgresql:\/\/[^\n]*\n$/,
    ],
    [
      'a DATABASE_URL that is not PostgreSQL',
      ['migrate'],
      /Invalid DATABASE_URL: it must start with postgres:\/\//,
      { DATABASE_URL: 'mysql://root@db/ordo' },
    ],
    [
      'a listing without a database',
      ['keys', 'list', '--account', 'ordo'],
      /No database at \.\/data\/ordo\.db/,
    ],
    [
      'settings without a database',
      ['settings', 'get', '--account', 'ordo', '--db', 'ordo.db'],
      /No database at ordo\.db: ordo serve or ordo migrate creates one/,
    ],
    [
      '--db into a directory that does not exist',
      ['accounts', 'create', 'acme', '--db', 'missing/ordo.db'],
      /No directory missing for the database missing\/ordo\.db/,
    ],
    [
      'ORDO_DB into a directory that does not exist',
      ['migrate'],
      /No directory missing for the database missing\/ordo\.db/,
      { ORDO_DB: 'missing/ordo.db' },
    ],
    [
      'an unknown option',
      ['keys', 'list', '--account', 'acme', '--bogus'],
      /--bogus is not an option\. Run ordo keys list --help/,
    ],
    [
      'an option of another command',
      ['keys', 'list', '--port', '80'],
      /--port is not an option of ordo keys list/,
    ],
    [
      'an option without its value',
      ['keys', 'list', '--account'],
      /--account.*Run ordo keys list --help\.$/m,
    ],
    ['an unknown command', ['frobnicate'], /Unknown command frobnicate\. Run ordo --help\./],
    ['a group without its command', ['keys'], /keys needs a command: create, list, revoke/],
    ['no command', ['--json'], /No command given/],
    ['accounts create without its NAME', ['accounts', 'create'], /Usage: ordo accounts create NAME/],
    ['accounts create with two names', ['accounts', 'create', 'a', 'b'], /Usage: ordo accounts create NAME/],
    [
      'accounts create with the name as --account',
      ['accounts', 'create', '--account', 'acme'],
      /--account is not an option of ordo accounts create/,
    ],
  ]
  for (const [what, args, message, env] of cases) {
    it(what, async (t) => {
      const { bareOrdo, dir } = await sandbox(t, 'sqlite')
      assertOneLineError(await bareOrdo(args, env), message)
      assert.deepEqual(filesIn(dir), [])
    })
  }

  it('a file that is not a database, which it leaves as it was', async (t) => {
    const { bareOrdo, dir } = await sandbox(t, 'sqlite')
    writeFileSync(join(dir, 'notes.txt'), 'not a database, but long enough to have a header\n'.repeat(4))
    for (const args of [['keys', 'list', '--account', 'ordo'], ['migrate']]) {
      assertOneLineError(
        await bareOrdo([...args, '--db', 'notes.txt']),
        /Cannot use the database notes\.txt: file is not a database/,
      )
    }
    assert.deepEqual(filesIn(dir), ['notes.txt'])
    assert.match(readFileSync(join(dir, 'notes.txt'), 'utf8'), /^not a database/)
  })

  it('a PostgreSQL that does not answer', async (t) => {
    const { bareOrdo } = await sandbox(t, 'sqlite')
    const port = await freePort()
    const url = `postgres://postgres:s3cret@127.0.0.1:${port}/ordo`
    const result = await bareOrdo(['keys', 'list', '--account', 'ordo', '--database-url', url])
    assertOneLineError(
      result,
      new RegExp(`Cannot use the database postgres://127\\.0\\.0\\.1:${port}/ordo: .*ECONNREFUSED`),
    )
    assert.doesNotMatch(result.stderr, /s3cret/)
  })

  it('a port in use', async (t) => {
    const { bareOrdo } = await sandbox(t, 'sqlite')
    const taken = createServer()
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done))
    t.after(() => new Promise<void>((done) => taken.close(() => done())))
    const { port } = taken.address() as AddressInfo
    const result = await bareOrdo([
      'serve',
      '--port',
      String(port),
      '--db',
      'ordo.db',
      '--log-level',
      'silent',
    ])
    assert.equal(result.code, 2, result.stderr)
    // Serving was asked for, so its database was created and its first key printed before the port was tried.
    assert.equal(
      result.stderr,
      `ordo: Port ${port} on 127.0.0.1 is in use (EADDRINUSE): choose another with --port or PORT.\n`,
    )
  })
})

it('creates only the default directory, ./data/, and only for a command that creates a database', async (t) => {
  const { bareOrdo, dir } = await sandbox(t, 'sqlite')
  assert.match(ok(await bareOrdo(['migrate'])), /Applied: /)
  assert.ok(filesIn(dir).includes(join('data', 'ordo.db')), filesIn(dir).join(', '))
  assert.equal(ok(await bareOrdo(['keys', 'list', '--account', 'ordo'])), '')
})

it("ordo COMMAND --help prints that command's own help, before any database is opened", async (t) => {
  const { bareOrdo, dir } = await sandbox(t, 'sqlite')
  // Every command's own help; the other two spellings take the same path, so two commands stand for all.
  const asks = COMMANDS.flatMap((command) => {
    const words = command.split(' ')
    const spellings = [[...words, '--help']]
    if (command === 'serve' || command === 'keys create') spellings.push(['help', ...words], [...words, '-h'])
    return spellings.map((ask) => ({ command, ask }))
  })
  for (const { command, ask } of asks) {
    const help = ok(await bareOrdo(ask))
    assert.match(help, new RegExp(`^Usage: ordo ${command}\\b`), ask.join(' '))
    const others = COMMANDS.filter((other) => other !== command && !other.startsWith(`${command} `))
    for (const other of others)
      assert.doesNotMatch(help, new RegExp(`^(Usage:)? *ordo ${other}\\b`, 'm'), ask.join(' '))
    assert.match(help, /--db FILE/)
  }
  assert.match(ok(await bareOrdo(['keys', 'create', '--help'])), /--role "ROLE" +one of: OMS - Full access/)
  assert.match(ok(await bareOrdo(['serve', '--help'])), /--host 0\.0\.0\.0 listens on every interface/)
  const group = ok(await bareOrdo(['keys', '--help']))
  for (const sub of ['create', 'list', 'revoke']) assert.match(group, new RegExp(`ordo keys ${sub}\\b`))
  assert.doesNotMatch(group, /ordo settings/)
  assertOneLineError(await bareOrdo(['frobnicate', '--help']), /Unknown command frobnicate/)
  assert.deepEqual(filesIn(dir), [])
})

it('ordo serve listens on 127.0.0.1 alone unless --host or HOST says otherwise', async (t) => {
  const { serve } = await sandbox(t, 'sqlite')
  const server = await serve({}, [])
  const listening = server.stdout().match(/Server listening at [^\s"]+/g) ?? []
  assert.deepEqual(listening, [`Server listening at ${server.url}`])
  // Where the machine has another address, nothing answers there.
  const elsewhere = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address
  if (elsewhere) {
    await assert.rejects(fetch(`http://${elsewhere}:${server.port}/healthz`), 'not reachable from outside')
  }
  const health = await server.request('GET', '/healthz')
  assert.equal(health.status, 200)
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

    // One setting at a time: the other keeps its value.
    const lan = ok(await ordo(['settings', 'set', '--account', 'acme', '--allow-insecure-hooks', 'true']))
    assert.deepEqual(JSON.parse(lan), {
      ...DEFAULT_SETTINGS,
      cancellationGracePeriodMinutes: 0,
      allowInsecureHooks: true,
    })
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
    const badFlag = await ordo(['settings', 'set', '--account', 'acme', '--allow-insecure-hooks', 'yes'])
    assert.notEqual(badFlag.code, 0)
    assert.match(badFlag.stderr, /--allow-insecure-hooks must be true or false, not 'yes'/)
    const nothing = await ordo(['settings', 'set', '--account', 'acme'])
    assert.notEqual(nothing.code, 0)
    assert.match(
      nothing.stderr,
      /needs --grace-period-minutes, --allow-insecure-hooks or --window-to-change-seller-days/,
    )
    assert.deepEqual(JSON.parse(ok(await ordo(['settings', 'get', '--account', 'acme']))), DEFAULT_SETTINGS)
  })

  it('registers, lists and removes affiliates, the marketplaces the account sells for elsewhere', async (t) => {
    const { ordo } = await sandbox(t, dialect)
    ok(await ordo(['accounts', 'create', 'acme']))
    const add = ['affiliates', 'add', 'BIG', '--account', 'acme', '--name', 'Big Marketplace']
    const registered = JSON.parse(
      ok(
        await ordo([
          ...add,
          '--services-endpoint',
          'https://big.example/api/oms',
          '--header',
          'X-VTEX-API-AppKey: k',
          '--json',
        ]),
      ),
    ) as Record<string, unknown>
    assert.deepEqual(
      [registered.id, registered.servicesEndpoint, registered.headers],
      ['BIG', 'https://big.example/api/oms', { 'X-VTEX-API-AppKey': 'k' }],
    )
    assert.match(ok(await ordo(add)), /^Changed affiliate BIG\.\n$/)
    assert.match(ok(await ordo(['affiliates', 'list', '--account', 'acme'])), /^BIG\tBig Marketplace\t/)
    const insecure = await ordo([...add, '--services-endpoint', 'http://big.example/api/oms'])
    assert.equal(insecure.code, 2, insecure.stderr)
    assert.match(insecure.stderr, /Only https scheme is accepted for servicesEndpoint/)
    assert.match(
      ok(await ordo(['affiliates', 'remove', 'BIG', '--account', 'acme'])),
      /^Removed affiliate BIG\.\n$/,
    )
    assert.equal((await ordo(['affiliates', 'remove', 'BIG', '--account', 'acme'])).code, 2)
  })

  it('registers, lists, changes and removes sellers, and refuses what cannot be a seller', async (t) => {
    const { ordo } = await sandbox(t, dialect)
    ok(await ordo(['accounts', 'create', 'acme']))
    ok(await ordo(['accounts', 'create', 'partner']))
    const add = ['sellers', 'add', 'partner', '--account', 'acme', '--name', 'Partner Store']
    assert.match(ok(await ordo([...add, '--seller-account', 'partner'])), /^Registered seller partner\.\n$/)
    const external = ['sellers', 'add', 'mugs', '--account', 'acme', '--name', 'Mugs & Co']
    const registered = JSON.parse(
      ok(
        await ordo([
          ...external,
          '--endpoint',
          'https://mugs.example/api',
          '--header',
          'X-Api-Key: s3cret',
          '--json',
        ]),
      ),
    ) as Record<string, unknown>
    assert.deepEqual(
      { ...registered, createdAt: null, updatedAt: null },
      {
        id: 'mugs',
        name: 'Mugs & Co',
        fulfillmentEndpoint: 'https://mugs.example/api',
        headers: { 'X-Api-Key': 's3cret' },
        createdAt: null,
        updatedAt: null,
      },
    )
    assert.match(ok(await ordo([...add, '--seller-account', 'partner'])), /^Changed seller partner\.\n$/)
    assert.equal(
      ok(await ordo(['sellers', 'list', '--account', 'acme'])),
      '1\tacme\tacme\nmugs\tMugs & Co\thttps://mugs.example/api\npartner\tPartner Store\tpartner\n',
    )

    for (const [args, message] of [
      [['sellers', 'add', 'x', '--account', 'acme', '--seller-account', 'partner'], /needs --name/],
      [['sellers', 'add', 'x', '--account', 'acme', '--name', 'X'], /either --seller-account or --endpoint/],
      [
        [...external, '--endpoint', 'http://mugs.example/api'],
        /Only https scheme is accepted for fulfillmentEndpoint/,
      ],
      [
        [...external, '--endpoint', 'https://mugs.example/', '--header', 'no colon'],
        /--header must be "NAME: VALUE"/,
      ],
      [
        ['sellers', 'add', 'x', '--account', 'acme', '--name', 'X', '--seller-account', 'nope'],
        /no account nope/,
      ],
      [
        ['sellers', 'add', '1', '--account', 'acme', '--name', 'X', '--seller-account', 'partner'],
        /Seller 1 is the account itself/,
      ],
      [
        ['sellers', 'add', 'a b', '--account', 'acme', '--name', 'X', '--seller-account', 'partner'],
        /A seller id is 1 to 128/,
      ],
      [['sellers', 'remove', 'nope', '--account', 'acme'], /Seller nope is not registered in account acme/],
    ] as const) {
      assertOneLineError(await ordo([...args]), message)
    }
    assert.match(
      ok(await ordo(['sellers', 'remove', 'mugs', '--account', 'acme'])),
      /^Removed seller mugs\.\n$/,
    )
    const listed = JSON.parse(ok(await ordo(['sellers', 'list', '--account', 'acme', '--json']))) as {
      id: string
    }[]
    assert.deepEqual(
      listed.map((seller) => seller.id),
      ['1', 'partner'],
    )
  })

  it('works beside a live server: a key it creates is accepted at once and refused once revoked', async (t) => {
    const { ordo, serve } = await sandbox(t, dialect)
    const server = await serve()
    const pair = await acmeWithKey(ordo)
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

describeEachDialect('ordo export', (dialect) => {
  it('writes every matching order to stdout beside a live server, and its progress to stderr', async (t) => {
    const { ordo, serve } = await sandbox(t, dialect)
    const server = await serve()
    const pair = await acmeWithKey(ordo)
    const placed: string[] = []
    for (const tag of ['CLI-1', 'CLI-2', 'CLI-3']) {
      const res = await server.request('POST', '/api/oms/pvt/orders', {
        headers: keyHeaders(pair),
        body: singleOrder(tag),
      })
      assert.equal(res.status, 201, res.text)
      placed.push(...(res.body as { orders: { orderId: string }[] }).orders.map((order) => order.orderId))
    }

    const jsonl = await ordo(['export', '--account', 'acme'])
    const documents = ok(jsonl)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { orderId: string; status: string })
    assert.deepEqual(new Set(documents.map((doc) => doc.orderId)), new Set(placed))
    assert.match(jsonl.stderr, /3\/3 orders/)

    const csv = ok(
      await ordo(['export', '--account', 'acme', '--format', 'csv', '--query', `q=${placed[1]}`]),
    )
    assert.deepEqual(
      csv
        .trim()
        .split('\n')
        .map((line) => line.split(',')[0]),
      ['orderId', placed[1]],
    )
    assertOneLineError(await ordo(['export', '--account', 'acme', '--format', 'xml']), /--format must be/)
    assertOneLineError(
      await ordo(['export', '--account', 'acme', '--query', 'page=2']),
      /page does not apply/,
    )
  })
})

describeEachDialect('ordo seed', (dialect) => {
  it('places the orders asked for, creating the account, and ordo export finds every one', async (t) => {
    const { ordo, open } = await sandbox(t, dialect)
    const seeded = await ordo(['seed', '--orders', '25', '--seed', '9'])
    assert.match(
      ok(seeded),
      /^Created account ordo\.\nPlaced 2[56] orders in [\d.]+ s \(\d+ orders\/s\)\.\n$/,
    )
    assert.match(seeded.stderr, /ordo seed \[/)
    // The grace periods it ended itself leave the next server no timeout jobs to work through as it starts.
    const handle = open()
    const pending = await handle.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    assert.equal(Number(pending.count), 0)
    const lines = ok(await ordo(['export', '--account', 'ordo']))
      .trim()
      .split('\n')
    assert.ok(lines.length === 25 || lines.length === 26, `${lines.length} orders`)
    assertOneLineError(await ordo(['seed', '--orders', 'many']), /--orders must be a whole number/)
  })
})

describeEachDialect('a command that creates nothing', (dialect) => {
  it("refuses a database that is not Ordo's and leaves it as it was", async (t) => {
    const box = await sandbox(t, dialect)
    const sqlitePath = join(box.dir, 'ordo.db')
    if (dialect === 'sqlite') {
      const foreign = new SQLite(sqlitePath)
      foreign.exec('create table notes (body text)')
      foreign.close()
    }
    assertOneLineError(
      await box.ordo(['keys', 'list', '--account', 'ordo']),
      /is not Ordo's: ordo serve or ordo migrate sets one up\./,
    )
    if (dialect === 'sqlite') {
      const foreign = new SQLite(sqlitePath, { readonly: true })
      t.after(() => foreign.close())
      const tables = foreign.prepare("select name from sqlite_master where type = 'table'").pluck().all()
      assert.deepEqual(tables, ['notes'])
      assert.equal(foreign.pragma('journal_mode', { simple: true }), 'delete')
    } else {
      assert.deepEqual(await box.open().db.introspection.getTables(), [])
    }
  })
})
