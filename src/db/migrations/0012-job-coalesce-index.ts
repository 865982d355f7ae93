// A coalescing request (a hook's sender) looks for the job of its kind and key that waits to be claimed: an
// index by kind and key finds it without reading every pending job of the kind, one per hook.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('jobs_coalesce_idx')
    .on('jobs')
    .columns(['kind', 'concurrency_key', 'status'])
    .execute()
}
