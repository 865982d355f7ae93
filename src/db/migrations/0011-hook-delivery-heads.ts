// A hook's sender takes what is due from one index range instead of looking at each order: of an order's open
// deliveries only the oldest (the head) stays pending or delivering, the rest become `queued` behind it, and
// a delivering one is due again when its lease ends.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE hook_deliveries SET status = 'queued'
    WHERE status IN ('pending', 'delivering') AND EXISTS (
      SELECT 1 FROM hook_deliveries AS head
      WHERE head.account = hook_deliveries.account AND head.app_key = hook_deliveries.app_key
        AND head.order_id = hook_deliveries.order_id AND head.status IN ('pending', 'delivering')
        AND head.id < hook_deliveries.id
    )`.execute(db)
  await sql`
    UPDATE hook_deliveries SET next_attempt_at = lease_until
    WHERE status = 'delivering' AND lease_until IS NOT NULL`.execute(db)
  await db.schema
    .createIndex('hook_deliveries_due_idx')
    .on('hook_deliveries')
    .columns(['account', 'app_key', 'status', 'next_attempt_at'])
    .execute()
}
