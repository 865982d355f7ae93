// Jobs may name a concurrency key (a hook's deliveries share one), so that a worker runs only so many of
// them at once and leaves its other slots to everything else. Workers claim by kind (hook deliveries have a
// pool of their own): an index led by the kind keeps one pool's claims from reading past the other's backlog.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('concurrency_key', 'text').execute()
  await db.schema
    .createIndex('jobs_claim_kind_idx')
    .on('jobs')
    .columns(['status', 'kind', 'due_at'])
    .execute()
}
