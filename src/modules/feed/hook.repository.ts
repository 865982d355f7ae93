// All SQL for hooks: configurations, deliveries and their attempts.
import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { DeliveryStatus, HookAttemptTable, HookConfigTable, HookDeliveryTable } from './hook.table.ts'

export type HookConfigRow = Selectable<HookConfigTable>
export type HookDeliveryRow = Selectable<HookDeliveryTable>
export type HookAttemptRow = Selectable<HookAttemptTable>

export interface HookKey {
  account: string
  appKey: string
}

export const findHook = (db: Db, { account, appKey }: HookKey): Promise<HookConfigRow | undefined> =>
  db
    .selectFrom('hook_configs')
    .selectAll()
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .executeTakeFirst()

export const listHooks = (db: Db): Promise<HookConfigRow[]> =>
  db.selectFrom('hook_configs').selectAll().execute()

/** Creates the hook, or changes it: an update keeps its deliveries and its start. */
export async function saveHook(db: Db, row: HookConfigRow): Promise<void> {
  await db
    .insertInto('hook_configs')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['account', 'app_key']).doUpdateSet({
        filter_json: row.filter_json,
        url: row.url,
        headers_json: row.headers_json,
        secret: row.secret,
      }),
    )
    .execute()
}

/** Deletes the hook; its deliveries stay in the log. Whether there was one. */
export async function deleteHook(db: Db, { account, appKey }: HookKey): Promise<boolean> {
  const deleted = await db
    .deleteFrom('hook_configs')
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .executeTakeFirst()
  return deleted.numDeletedRows > 0n
}

/** An event already delivered to a hook is not added again: fan-out runs again after a crash harmlessly. */
export async function insertDeliveries(
  db: Db,
  rows: readonly Insertable<HookDeliveryTable>[],
): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('hook_deliveries')
    .values([...rows])
    .onConflict((oc) => oc.columns(['account', 'app_key', 'event_id']).doNothing())
    .execute()
}

/** The oldest delivery of an order to a hook that is neither delivered nor failed: the only one that may go. */
export const firstOpenDelivery = (
  db: Db,
  { account, appKey }: HookKey,
  orderId: string,
): Promise<HookDeliveryRow | undefined> =>
  db
    .selectFrom('hook_deliveries')
    .selectAll()
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .where('order_id', '=', orderId)
    .where('status', 'in', ['pending', 'delivering'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()

/** Takes the delivery for an attempt if it is still as it was read; false when another worker took it first. */
export async function takeDelivery(db: Db, delivery: HookDeliveryRow, leaseUntil: string): Promise<boolean> {
  const taken = await db
    .updateTable('hook_deliveries')
    .set({ status: 'delivering', lease_until: leaseUntil, attempts: delivery.attempts + 1 })
    .where('id', '=', delivery.id)
    .where('status', '=', delivery.status)
    .where('attempts', '=', delivery.attempts)
    .executeTakeFirst()
  return taken.numUpdatedRows > 0n
}

export async function finishAttempt(
  db: Db,
  delivery: { id: number; attempts: number },
  attempt: Omit<Insertable<HookAttemptTable>, 'delivery_id'>,
  next: { status: DeliveryStatus; nextAttemptAt?: string; finishedAt?: string },
): Promise<boolean> {
  const updated = await db
    .updateTable('hook_deliveries')
    .set({
      status: next.status,
      lease_until: null,
      ...(next.nextAttemptAt ? { next_attempt_at: next.nextAttemptAt } : {}),
      ...(next.finishedAt ? { finished_at: next.finishedAt } : {}),
    })
    .where('id', '=', delivery.id)
    .where('status', '=', 'delivering')
    .where('attempts', '=', delivery.attempts)
    .executeTakeFirst()
  // A worker whose lease ran out and whose delivery another took records nothing: the other one will.
  if (updated.numUpdatedRows === 0n) return false
  await db
    .insertInto('hook_attempts')
    .values({ ...attempt, delivery_id: delivery.id })
    .execute()
  return true
}

export interface DeliveryFilter {
  status?: DeliveryStatus | undefined
  orderId?: string | undefined
  limit: number
}

export const listDeliveries = (db: Db, { account, appKey }: HookKey, filter: DeliveryFilter) => {
  let query = db
    .selectFrom('hook_deliveries')
    .selectAll()
    .where('account', '=', account)
    .where('app_key', '=', appKey)
  if (filter.status) query = query.where('status', '=', filter.status)
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId)
  return query.orderBy('id', 'desc').limit(filter.limit).execute()
}

export const attemptsOf = (db: Db, deliveryIds: readonly number[]): Promise<HookAttemptRow[]> =>
  deliveryIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('hook_attempts')
        .selectAll()
        .where('delivery_id', 'in', [...deliveryIds])
        .orderBy('id')
        .execute()

/** Puts failed deliveries back in line (one, or all of a hook's); returns the orders they belong to. */
export async function reopenFailed(
  db: Db,
  { account, appKey }: HookKey,
  now: string,
  deliveryId?: number,
): Promise<string[]> {
  let query = db
    .updateTable('hook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, finished_at: null })
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .where('status', '=', 'failed')
  if (deliveryId !== undefined) query = query.where('id', '=', deliveryId)
  const reopened = await query.returning('order_id').execute()
  return [...new Set(reopened.map((row) => row.order_id))]
}
