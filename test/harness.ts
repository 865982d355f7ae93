// Boots the real app on a fresh, migrated database per test: in-memory SQLite, and a throwaway PostgreSQL
// database as well when ORDO_TEST_DATABASE_URL is set (CI sets it).
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, type TestContext } from 'node:test'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import pg from 'pg'
import { buildApp } from '../src/app.ts'
import { openDatabase, type DbHandle, type Dialect } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { Deps } from '../src/deps.ts'
import { jobHandlers } from '../src/job-handlers.ts'
import { createKey, type KeyPair } from '../src/modules/access/access.service.ts'
import { accountExists, createAccount } from '../src/modules/accounts/account.service.ts'
import { prepareStoredOrders } from '../src/modules/orders/order.service.ts'
import { ManualClock } from '../src/platform/clock.ts'
import { createJobQueue, type JobQueue } from '../src/worker/job-queue.ts'
import { runDueJobs } from '../src/worker/worker.ts'
import { fanOutAll } from '../src/modules/feed/feed.service.ts'
import { assembleDeps } from '../src/assemble.ts'
import { putSeller } from '../src/modules/sellers/seller.service.ts'
import { PARTNER } from './fixtures.ts'

// eslint-disable-next-line no-restricted-properties -- tests choose their databases from the environment
const POSTGRES_URL = process.env.ORDO_TEST_DATABASE_URL

export const DIALECTS: Dialect[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite']

/** Closed connections' backends go within moments, even on a loaded machine. */
const CONNECTIONS_GONE_WITHIN_MS = 30_000

/** Runs a suite once per database dialect under test. */
export function describeEachDialect(name: string, suite: (dialect: Dialect) => void): void {
  for (const dialect of DIALECTS) describe(`${name} [${dialect}]`, () => suite(dialect))
}

export interface TestDatabase {
  url: string | undefined
  drop: () => Promise<void>
}

/** A new empty database: `:memory:` for SQLite, `create database` on the PostgreSQL server. */
export async function freshDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { url: undefined, drop: async () => {} }
  if (!POSTGRES_URL) throw new Error('ORDO_TEST_DATABASE_URL is not set')
  const name = `ordo_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(POSTGRES_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      // pg's pool.end() resolves before its sockets close: `with (force)` would kill those backends and their
      // clients would throw uncaught errors. Wait until they are gone, by the clock, not a number of polls: on a
      // loaded machine they take longer. Only a connection something still holds open outlasts the cap.
      const deadline = Date.now() + CONNECTIONS_GONE_WITHIN_MS
      for (;;) {
        const { rows } = await client.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        )
        if (rows[0]?.n === 0 || Date.now() > deadline) break
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

export interface TestApp {
  app: FastifyInstance
  deps: Deps
  clock: ManualClock
  admin: KeyPair
  /** Headers that authenticate as the admin key of account `acme`. */
  headers: Record<string, string>
  newKey: (roles: string[], account?: string) => Promise<Record<string, string>>
  queue: JobQueue
  /** Runs every job due by the test clock, as the server's worker would; resolves to how many ran. */
  runDueJobs: () => Promise<number>
  /** Turns every event committed so far into feed items, as the server's fan-out does. */
  fanOut: () => Promise<number>
  /** The test's database opened again, as another process would (SQLite: only with `{ file: true }`). */
  openAgain: () => DbHandle
}

export interface TestAppOptions {
  /** SQLite in a file, as a server runs it (WAL, the read-only connection), instead of in memory. */
  file?: boolean
  /** Runs on the new, empty database before it is migrated: an upgrade test writes an older Ordo's data here. */
  before?: (handle: DbHandle) => Promise<void>
  /** Fastify options for buildApp, e.g. a logger writing to a stream the test reads. */
  app?: FastifyServerOptions
  /** The server's address as others reach it (ORDO_PUBLIC_URL). */
  publicUrl?: string
}

export interface MigratedDatabase {
  handle: DbHandle
  /** Opens the same database again, as another process would: its own connections, its own commit watch. */
  openAgain: () => DbHandle
  /** Closes the connections, then drops the database (or removes the SQLite file). */
  close: () => Promise<void>
}

/** A fresh database at the latest schema, opened as a server opens it. */
export async function migratedDatabase(
  dialect: Dialect,
  options: TestAppOptions = {},
): Promise<MigratedDatabase> {
  const database = await freshDatabase(dialect)
  const directory =
    options.file && dialect === 'sqlite' ? await mkdtemp(join(tmpdir(), 'ordo-test-')) : undefined
  const target = {
    databaseUrl: database.url,
    sqlitePath: directory ? join(directory, 'ordo.db') : ':memory:',
  }
  const handle = openDatabase(target)
  await options.before?.(handle)
  await migrateToLatest(handle)
  // As a server does on start.
  await prepareStoredOrders(handle)
  return {
    handle,
    openAgain: () => {
      if (target.sqlitePath === ':memory:' && !target.databaseUrl) {
        throw new Error('An in-memory database is private to its connection: use { file: true }')
      }
      return openDatabase(target)
    },
    close: async () => {
      await handle.db.destroy()
      await database.drop()
      if (directory) await rm(directory, { recursive: true, force: true })
    },
  }
}

export async function startTestApp(
  t: TestContext,
  dialect: Dialect,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const { handle, openAgain, close } = await migratedDatabase(dialect, options)
  const clock = new ManualClock('2026-03-02T12:00:00.000Z')
  const queue = createJobQueue(handle)
  const deps = assembleDeps(handle, clock, queue, { publicUrl: options.publicUrl ?? null })
  const handlers = jobHandlers(deps)
  const app = await buildApp(deps, options.app)
  // node:test runs t.after hooks in registration order: one hook keeps close-then-drop explicit.
  t.after(async () => {
    await app.close()
    await close()
  })
  if (!(await accountExists(deps, 'acme'))) await createAccount(deps, 'acme')
  // The example order's second seller, registered as intake requires.
  if (!(await accountExists(deps, PARTNER.account))) await createAccount(deps, PARTNER.account)
  await putSeller(
    deps,
    'acme',
    PARTNER.id,
    { name: PARTNER.name, account: PARTNER.account },
    { operator: true },
  )
  const admin = await createKey(deps, { account: 'acme', roles: ['OMS - Full access'] })
  const newKey = async (roles: string[], account = 'acme') =>
    keyHeaders(await createKey(deps, { account, roles }))
  return {
    app,
    deps,
    clock,
    admin,
    headers: keyHeaders(admin),
    newKey,
    queue,
    fanOut: () => fanOutAll(deps),
    openAgain,
    // A failing job is a failing test: rethrow instead of retrying later.
    runDueJobs: () =>
      runDueJobs(queue, handlers, {
        clock,
        inKeyOrder: true,
        onError: (error) => {
          throw error
        },
      }),
  }
}

export const keyHeaders = (pair: KeyPair): Record<string, string> => ({
  'x-vtex-api-appkey': pair.appKey,
  'x-vtex-api-apptoken': pair.appToken,
})

/** How many orders the test's database holds: a refused request must leave it as it was. */
export async function countOrders(test: TestApp): Promise<number> {
  const row = await test.deps.db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
