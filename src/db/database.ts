// The whole schema as one type, and the one function that opens a connection on either dialect.
import SQLite from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  sql,
  SqliteAdapter,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type SqliteDatabase,
} from 'kysely'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { postgresCommitWatch, sqliteCommitWatch, type CommitWatch } from './commit-watch.ts'
import type { ApiKeyTable, UserTokenTable } from '../modules/access/access.table.ts'
import type { AccountTable } from '../modules/accounts/account.table.ts'
import type { RateLimitCountTable } from '../modules/accounts/rate-limit.table.ts'
import type {
  FeedConfigTable,
  FeedItemTable,
  FilterStateTable,
  StreamCursorTable,
} from '../modules/feed/feed.table.ts'
import type { HookAttemptTable, HookConfigTable, HookDeliveryTable } from '../modules/feed/hook.table.ts'
import type { OrderGroupTable, OrderSequenceTable } from '../modules/intake/intake.table.ts'
import type { OrderEventTable, OrderTable, OrderVersionDocumentTable } from '../modules/orders/order.table.ts'
import type {
  OrderSearchFacetsTable,
  OrderSearchStatsTable,
  OrderSearchTable,
  OrderSearchTermTable,
} from '../modules/search/search.table.ts'
import type { SellerTable } from '../modules/sellers/seller.table.ts'
import type { AffiliateTable } from '../modules/affiliates/affiliate.table.ts'
import type { ModificationSettingsTable } from '../modules/changes/modification-settings.table.ts'
import type { JobTable } from '../worker/job.table.ts'

export interface Database {
  accounts: AccountTable
  api_keys: ApiKeyTable
  user_tokens: UserTokenTable
  order_sequences: OrderSequenceTable
  order_groups: OrderGroupTable
  orders: OrderTable
  order_events: OrderEventTable
  jobs: JobTable
  rate_limit_counts: RateLimitCountTable
  feed_configs: FeedConfigTable
  feed_items: FeedItemTable
  stream_cursors: StreamCursorTable
  hook_configs: HookConfigTable
  hook_deliveries: HookDeliveryTable
  hook_attempts: HookAttemptTable
  order_version_documents: OrderVersionDocumentTable
  filter_states: FilterStateTable
  order_search: OrderSearchTable
  order_search_terms: OrderSearchTermTable
  order_search_stats: OrderSearchStatsTable
  order_search_facets: OrderSearchFacetsTable
  sellers: SellerTable
  affiliates: AffiliateTable
  modification_settings: ModificationSettingsTable
}

/** A connection or a transaction: repositories accept either. */
export type Db = Kysely<Database>

/**
 * Whether `db`, a handle or a transaction, is SQLite's: for the few statements whose text differs, written where
 * only the handle is at hand. Kysely marks getExecutor() internal; this is the one place that relies on it.
 */
export const isSqlite = (db: Db): boolean => db.getExecutor().adapter instanceof SqliteAdapter

export type Dialect = 'sqlite' | 'postgres'

export interface DbHandle {
  db: Db
  dialect: Dialect
  /**
   * SQLite files only: a second, read-only connection for the hottest point reads (Get order). It sees only
   * committed data and skips Kysely's per-query cost; everything else goes through `db`.
   */
  reader?: SQLite.Database | undefined
  /** What this process hears of other processes' commits; `db.destroy()` closes it too. */
  commits: CommitWatch
}

/**
 * A transaction whose commit does not wait for the disk, for bookkeeping that is redone when lost: claiming
 * and settling jobs, handing out feed items, recording hook attempts, the fan-out's progress. A power failure
 * (or a crash of the PostgreSQL server) may lose the latest such commits; a crash of Ordo's process never does,
 * and neither does any commit that waited, nor anything before it (both databases write their log in commit
 * order). Whatever a client was
 * answered 2xx for is written with `db.transaction()`, which waits.
 */
export async function unflushedTransaction<T>(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  if (dialect === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx)
      return work(trx)
    })
  }
  // A pragma, not part of any transaction: set and reset on the one connection while this holds it.
  return db.connection().execute(async (connection) => {
    await sql`pragma synchronous = NORMAL`.execute(connection)
    try {
      return await connection.transaction().execute(work)
    } finally {
      await sql`pragma synchronous = FULL`.execute(connection)
    }
  })
}

/**
 * The rows of a multi-row INSERT in runs that stay under either database's limit on bound parameters (SQLite's
 * is 32766, PostgreSQL's 65535).
 */
export const insertRuns = <T extends object>(rows: readonly T[]): Generator<T[]> =>
  runsOf(rows, Math.max(Math.floor(PARAMETERS / Math.max(Object.keys(rows[0] ?? {}).length, 1)), 1))

/** The values of an `IN` list in runs under the same limit. */
export const inListRuns = <T>(values: readonly T[]): Generator<T[]> => runsOf(values, PARAMETERS)

/**
 * The terms of an `OR` in runs SQLite accepts: it parses an OR of n terms n deep, and refuses expressions
 * deeper than 1000.
 */
export const orListRuns = <T>(terms: readonly T[]): Generator<T[]> => runsOf(terms, OR_TERMS)

const PARAMETERS = 30_000
const OR_TERMS = 200

function* runsOf<T>(list: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < list.length; start += size) yield list.slice(start, start + size)
}

// COUNT(*) and BIGSERIAL come back as strings from pg; every number Ordo stores fits in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

/**
 * A PostgreSQL URL (config.ts checks its scheme), or else a SQLite file, which is created when missing but whose
 * directory is not: the CLI decides which files may be created.
 */
export function openDatabase(target: { databaseUrl?: string | undefined; sqlitePath: string }): DbHandle {
  if (target.databaseUrl) {
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: 10 })
    const commits = postgresCommitWatch(target.databaseUrl)
    return {
      db: new Kysely<Database>({ dialect: new WatchedPostgresDialect({ pool }, commits) }),
      dialect: 'postgres',
      commits,
    }
  }
  const path = target.sqlitePath
  const sqlite = new SQLite(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL') // a 2xx promises durability, also across power loss
  sqlite.pragma('busy_timeout = 0') // waits for another writer without blocking (ImmediateSqliteDialect)
  sqlite.pragma('foreign_keys = ON')
  // An in-memory database is private to its connection, so it cannot have a second one.
  const reader = path === ':memory:' ? undefined : readConnection(path)
  return {
    db: new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite, reader) }),
    }),
    dialect: 'sqlite',
    reader,
    commits: sqliteCommitWatch(sqlite, reader),
  }
}

/**
 * Transactions begin IMMEDIATE, taking the write lock at once, waiting while another process (the CLI, a second
 * server) holds it. A deferred BEGIN reads first and fails outright with SQLITE_BUSY_SNAPSHOT when that process
 * commits before the first write: every use case would have to retry. The wait does not block: SQLite's own
 * (busy_timeout) sleeps in the thread that waits, and in a server every request would sleep with it, so the
 * connection gives up at once and the statement is tried again after a pause, until LOCK_WAIT_MS have passed.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver()
    const acquire = driver.acquireConnection.bind(driver)
    let waiting: DatabaseConnection | undefined
    // The driver has one connection, and releases it whatever the object handed back.
    driver.acquireConnection = async () => {
      const connection = await acquire()
      return (waiting ??= {
        executeQuery: (query) => whenUnlocked(() => connection.executeQuery(query)),
        streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
      })
    }
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'))
    }
    return driver
  }
}

/** As long as busy_timeout was before: a lock held longer than this is a fault, reported as the error it is. */
const LOCK_WAIT_MS = 5000

/**
 * Runs `statement` again while it fails on a lock another connection holds (SQLITE_BUSY: it did nothing). Inside
 * a transaction, which took the lock as it began, a statement never waits.
 */
async function whenUnlocked<T>(statement: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + LOCK_WAIT_MS
  for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, 20)) {
    try {
      return await statement()
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || performance.now() > deadline) throw error
    }
    await sleep(pauseMs)
  }
}

function readConnection(path: string): SQLite.Database {
  const connection = new SQLite(path, { readonly: true })
  connection.pragma('busy_timeout = 5000')
  return connection
}

/** Its driver's destroy, which `db.destroy()` calls, also closes the commit watch's listening connection. */
class WatchedPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly commits: CommitWatch,
  ) {
    super(config)
  }

  override createDriver(): Driver {
    const driver = super.createDriver()
    const destroy = driver.destroy.bind(driver)
    driver.destroy = async () => {
      await this.commits.close()
      await destroy()
    }
    return driver
  }
}

/**
 * Kysely prepares every query anew; compiling SQL costs more than running a point lookup. Its SQLite driver
 * runs one query at a time, so a statement can be reused safely.
 */
function withStatementCache(sqlite: SQLite.Database, reader: SQLite.Database | undefined): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>()
  // A long select that keeps its shape (List orders' facet buckets) costs more to prepare than to run; one whose
  // IN list varies makes a new one each time, so few are kept.
  const longSelects = new Map<string, SQLite.Statement>()
  const kept = (cache: Map<string, SQLite.Statement>, size: number, sql: string) => {
    let statement = cache.get(sql)
    if (!statement) {
      if (cache.size >= size) cache.clear()
      statement = sqlite.prepare(sql)
      cache.set(sql, statement)
    }
    return statement
  }
  return {
    close: () => {
      reader?.close()
      sqlite.close()
    },
    prepare: (sql: string) => {
      if (sql.length <= 8192) return kept(statements, 1000, sql) // bounded: queries with IN lists vary in shape
      if (sql.startsWith('select')) return kept(longSelects, 32, sql)
      // A multi-row insert compiles to a program of a megabyte or so, and its shape varies with its rows:
      // kept, a thousand of them held over a gigabyte (`ordo seed`). Preparing one again is cheap beside it.
      return sqlite.prepare(sql)
    },
  }
}
