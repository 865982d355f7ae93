// SQL for durable timers: scheduled inside business transactions, claimed by whichever worker gets there first.
import type { Db } from '../db/database.ts'
import { lowerHexId } from '../platform/ids.ts'

export interface Timer {
  id: string
  account: string
  orderId: string
  kind: string
  dueAt: string
}

export async function insertTimers(
  db: Db,
  account: string,
  orderId: string,
  timers: readonly { kind: string; dueAt: string }[],
  now: string,
): Promise<void> {
  if (timers.length === 0) return
  await db
    .insertInto('timers')
    .values(
      timers.map((t) => ({
        id: lowerHexId(),
        account,
        order_id: orderId,
        kind: t.kind,
        due_at: t.dueAt,
        fired_at: null,
        created_at: now,
      })),
    )
    .execute()
}

export async function listDueTimers(db: Db, now: string, limit: number): Promise<Timer[]> {
  const rows = await db
    .selectFrom('timers')
    .select(['id', 'account', 'order_id', 'kind', 'due_at'])
    .where('fired_at', 'is', null)
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    account: r.account,
    orderId: r.order_id,
    kind: r.kind,
    dueAt: r.due_at,
  }))
}

/** Marks a timer done; false if another worker already did, so its effect is applied once. */
export async function markFired(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('timers')
    .set({ fired_at: now })
    .where('id', '=', id)
    .where('fired_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
