// Brings a database to the latest schema. Migrations are listed explicitly so src/ and any bundle agree.
import { Migrator, type Kysely, type Migration } from 'kysely'
import type { DbHandle, Dialect } from './database.ts'
import * as core from './migrations/0001-core.ts'
import * as jobs from './migrations/0002-jobs.ts'

type MigrationModule = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> }

const MIGRATIONS: Record<string, MigrationModule> = {
  '0001-core': core,
  '0002-jobs': jobs,
}

export async function migrateToLatest({ db, dialect }: DbHandle): Promise<string[]> {
  const migrations: Record<string, Migration> = Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, module]) => [
      name,
      { up: (d: Kysely<unknown>) => module.up(d, dialect) },
    ]),
  )
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error('Migration failed', { cause: error })
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
