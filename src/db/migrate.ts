// Brings a database to the latest schema. Migrations are listed explicitly so src/ and any bundle agree.
import SQLite from 'better-sqlite3'
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely'
import { openDatabase, type DbHandle, type Dialect } from './database.ts'
import * as core from './migrations/0001-core.ts'
import * as jobs from './migrations/0002-jobs.ts'
import * as orderCore from './migrations/0003-order-core.ts'
import * as settingsAndRateLimits from './migrations/0004-settings-and-rate-limits.ts'
import * as invoicesAndChanges from './migrations/0005-invoices-and-changes.ts'
import * as feeds from './migrations/0006-feeds.ts'
import * as hooks from './migrations/0007-hooks.ts'
import * as versionDocuments from './migrations/0008-version-documents.ts'
import * as feedIndexes from './migrations/0009-feed-indexes.ts'
import * as jobConcurrencyKeys from './migrations/0010-job-concurrency-keys.ts'
import * as hookDeliveryHeads from './migrations/0011-hook-delivery-heads.ts'
import * as jobCoalesceIndex from './migrations/0012-job-coalesce-index.ts'
import * as orderSearch from './migrations/0013-order-search.ts'
import * as orderSearchStats from './migrations/0014-order-search-stats.ts'
import * as orderSearchFacets from './migrations/0015-order-search-facets.ts'
import * as sellers from './migrations/0016-sellers.ts'
import * as sellerCallbackKeys from './migrations/0017-seller-callback-keys.ts'
import * as affiliates from './migrations/0018-affiliates.ts'
import * as modificationSettings from './migrations/0019-modification-settings.ts'
import * as accountEventStream from './migrations/0020-account-event-stream.ts'
import * as facetValueIndex from './migrations/0021-facet-value-index.ts'
import * as orderSearchPageIndexes from './migrations/0022-order-search-page-indexes.ts'
import * as commitLog from './migrations/0023-commit-log.ts'
import * as dropUnusedOrderIndexes from './migrations/0024-drop-unused-order-indexes.ts'
import * as sqliteStreamIndex from './migrations/0025-sqlite-stream-index.ts'

type MigrationModule = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> }

const MIGRATIONS: Record<string, MigrationModule> = {
  '0001-core': core,
  '0002-jobs': jobs,
  '0003-order-core': orderCore,
  '0004-settings-and-rate-limits': settingsAndRateLimits,
  '0005-invoices-and-changes': invoicesAndChanges,
  '0006-feeds': feeds,
  '0007-hooks': hooks,
  '0008-version-documents': versionDocuments,
  '0009-feed-indexes': feedIndexes,
  '0010-job-concurrency-keys': jobConcurrencyKeys,
  '0011-hook-delivery-heads': hookDeliveryHeads,
  '0012-job-coalesce-index': jobCoalesceIndex,
  '0013-order-search': orderSearch,
  '0014-order-search-stats': orderSearchStats,
  '0015-order-search-facets': orderSearchFacets,
  '0016-sellers': sellers,
  '0017-seller-callback-keys': sellerCallbackKeys,
  '0018-affiliates': affiliates,
  '0019-modification-settings': modificationSettings,
  '0020-account-event-stream': accountEventStream,
  '0021-facet-value-index': facetValueIndex,
  '0022-order-search-page-indexes': orderSearchPageIndexes,
  '0023-commit-log': commitLog,
  '0024-drop-unused-order-indexes': dropUnusedOrderIndexes,
  '0025-sqlite-stream-index': sqliteStreamIndex,
}

export const migrateToLatest = (handle: DbHandle): Promise<string[]> =>
  migrate(handle, (migrator) => migrator.migrateToLatest())

/**
 * Whether Ordo's migrations ever ran in this database: someone else's database has no record of them. It
 * only reads: a SQLite file is opened read-only, so a file that is not Ordo's is left exactly as it was.
 */
export async function isOrdoDatabase(target: Parameters<typeof openDatabase>[0]): Promise<boolean> {
  const table = 'kysely_migration'
  if (!target.databaseUrl) {
    const file = new SQLite(target.sqlitePath, { readonly: true, fileMustExist: true })
    try {
      return (
        file.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table) !== undefined
      )
    } finally {
      file.close()
    }
  }
  const { db } = openDatabase(target)
  try {
    const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
    return tables.some((each) => each.name === table)
  } finally {
    await db.destroy()
  }
}

/** Up to and including `name`: how an upgrade test builds a database as an older Ordo left it. */
export const migrateTo = (handle: DbHandle, name: string): Promise<string[]> =>
  migrate(handle, (migrator) => migrator.migrateTo(name))

async function migrate(
  { db, dialect }: DbHandle,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<string[]> {
  const migrations: Record<string, Migration> = Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, module]) => [
      name,
      { up: (d: Kysely<unknown>) => module.up(d, dialect) },
    ]),
  )
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } })
  const { error, results } = await run(migrator)
  if (error) throw error instanceof Error ? error : new Error('Migration failed', { cause: error })
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
