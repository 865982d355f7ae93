// Jobs may name a concurrency key (a hook's deliveries share one), so that a worker runs only so many of
// them at once and leaves its other slots to everything else.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('concurrency_key', 'text').execute()
}
