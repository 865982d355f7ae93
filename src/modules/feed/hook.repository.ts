// All SQL for hooks: configurations, deliveries and their attempts.
import type { ExpressionBuilder, Insertable, Selectable } from 'kysely'
import type { Database, Db, DbHandle } from '../../db/database.ts'
import type {
  DeliveryStatus,
  HookAttemptTable,
  HookConfigTable,
  HookDeliveryTable,
  StoredDeliveryStatus,
} from './hook.table.ts'

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

/** Every hook of the account. */
export const listHooksOfAccount = (db: Db, account: string): Promise<HookConfigRow[]> =>
  db.selectFrom('hook_configs').selectAll().where('account', '=', account).execute()

/**
 * How many deliveries each hook of the account has in each stored status, counted in one statement over the
 * (account, app_key, status, id) index: no row is read, only index entries.
 */
export async function deliveryCountsOfAccount(
  db: Db,
  account: string,
): Promise<{ appKey: string; status: StoredDeliveryStatus; count: number }[]> {
  const rows = await db
    .selectFrom('hook_deliveries')
    .select((eb) => ['app_key', 'status', eb.fn.countAll<number | string>().as('count')])
    .where('account', '=', account)
    .where('app_key', 'in', (eb) =>
      eb.selectFrom('hook_configs').select('app_key').where('account', '=', account),
    )
    .groupBy(['app_key', 'status'])
    .execute()
  return rows.map((row) => ({ appKey: row.app_key, status: row.status, count: Number(row.count) }))
}

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

/** The statuses of a delivery that is neither delivered nor failed. */
const OPEN: StoredDeliveryStatus[] = ['pending', 'delivering', 'queued']

/**
 * Which of `orderIds` have an open delivery to the hook, so that a new one queues behind it. On PostgreSQL every
 * delivery of those orders is locked to the end of the transaction: a sender finishing one of them, the
 * fan-out and a redelivery take their turns, and each sees what the one before left.
 */
export async function lockOrderDeliveries(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  { account, appKey }: HookKey,
  orderIds: readonly string[],
): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set()
  // Every delivery of these orders, open or not: a condition on the status would let SQLite pick the index
  // by status and read every open delivery of the hook, the whole backlog when its receiver is down.
  let query = db
    .selectFrom('hook_deliveries')
    .select(['id', 'order_id', 'status'])
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .where('order_id', 'in', [...new Set(orderIds)])
  if (dialect === 'postgres') query = query.forUpdate()
  const rows = await query.execute()
  return new Set(rows.filter((row) => OPEN.includes(row.status)).map((row) => row.order_id))
}

/**
 * Leases up to `limit` deliveries that may be sent now, oldest first: heads whose time has come, or whose
 * sender's lease ran out (it died). On PostgreSQL, rows another process is taking are skipped.
 */
export async function takeDue(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  { account, appKey }: HookKey,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<HookDeliveryRow[]> {
  let due = db
    .selectFrom('hook_deliveries')
    .select('id')
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .where('status', 'in', ['pending', 'delivering'])
    .where('next_attempt_at', '<=', now)
    // The index's own order (expired leases, then the longest due): no sort of the whole backlog for a few.
    .orderBy('status')
    .orderBy('next_attempt_at')
    .limit(limit)
  if (dialect === 'postgres') due = due.forUpdate().skipLocked()
  const taken = await db
    .updateTable('hook_deliveries')
    .set((eb) => ({
      status: 'delivering',
      lease_until: leaseUntil,
      next_attempt_at: leaseUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute()
  return taken.sort((a, b) => a.id - b.id)
}

/** The end of one attempt: the delivery (held by its `attempts`-th take) and what happens to it next. */
export interface AttemptOutcome {
  id: number
  attempts: number
  attempt: Omit<Insertable<HookAttemptTable>, 'delivery_id'>
  next: { status: 'delivered' | 'failed' } | { status: 'pending'; nextAttemptAt: string }
}

/**
 * Records attempts, as of `now`, and moves each finished order's next delivery up. A delivery whose lease ran out and that
 * another sender took since records nothing: the other one will. Returns the ids recorded.
 */
export async function finishAttempts(
  db: Db,
  key: HookKey,
  outcomes: readonly AttemptOutcome[],
  now: string,
): Promise<Set<number>> {
  const recorded: { id: number; order_id: string; status: StoredDeliveryStatus }[] = []
  const held = (eb: ExpressionBuilder<Database, 'hook_deliveries'>, some: readonly AttemptOutcome[]) =>
    eb.and([
      eb('status', '=', 'delivering'),
      eb.or(some.map((o) => eb.and([eb('id', '=', o.id), eb('attempts', '=', o.attempts)]))),
    ])
  for (const status of ['delivered', 'failed'] as const) {
    const ended = outcomes.filter((o) => o.next.status === status)
    if (ended.length === 0) continue
    recorded.push(
      ...(await db
        .updateTable('hook_deliveries')
        .set({ status, lease_until: null, finished_at: now })
        .where((eb) => held(eb, ended))
        .returning(['id', 'order_id', 'status'])
        .execute()),
    )
  }
  for (const outcome of outcomes) {
    if (outcome.next.status !== 'pending') continue
    recorded.push(
      ...(await db
        .updateTable('hook_deliveries')
        .set({ status: 'pending', lease_until: null, next_attempt_at: outcome.next.nextAttemptAt })
        .where((eb) => held(eb, [outcome]))
        .returning(['id', 'order_id', 'status'])
        .execute()),
    )
  }
  const ids = new Set(recorded.map((row) => row.id))
  const attempts = outcomes.filter((o) => ids.has(o.id)).map((o) => ({ ...o.attempt, delivery_id: o.id }))
  if (attempts.length > 0) await db.insertInto('hook_attempts').values(attempts).execute()
  await moveUpNext(
    db,
    key,
    recorded.filter((row) => row.status !== 'pending').map((row) => row.order_id),
    now,
  )
  return ids
}

/** Makes the oldest queued delivery of each of `orderIds` the order's head, where it has none. */
async function moveUpNext(db: Db, { account, appKey }: HookKey, orderIds: readonly string[], now: string) {
  if (orderIds.length === 0) return
  await db
    .updateTable('hook_deliveries')
    .set({ status: 'pending', next_attempt_at: now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('hook_deliveries')
        .select((inner) => inner.fn.min<number>('id').as('id'))
        .where('account', '=', account)
        .where('app_key', '=', appKey)
        .where('order_id', 'in', [...new Set(orderIds)])
        .where('status', '=', 'queued')
        .groupBy('order_id'),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('hook_deliveries as head')
            .select('head.id')
            .whereRef('head.account', '=', 'hook_deliveries.account')
            .whereRef('head.app_key', '=', 'hook_deliveries.app_key')
            .whereRef('head.order_id', '=', 'hook_deliveries.order_id')
            .where('head.status', 'in', ['pending', 'delivering']),
        ),
      ),
    )
    .execute()
}

/** When the hook's earliest open delivery falls due (a retry, or a lease that may run out); undefined: none. */
export async function nextDueAt(db: Db, { account, appKey }: HookKey): Promise<string | undefined> {
  const row = await db
    .selectFrom('hook_deliveries')
    .select((eb) => eb.fn.min<string>('next_attempt_at').as('at'))
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .where('status', 'in', ['pending', 'delivering'])
    .executeTakeFirst()
  return row?.at ?? undefined
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
  if (filter.status) {
    query = query.where('status', 'in', filter.status === 'pending' ? ['pending', 'queued'] : [filter.status])
  }
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

/**
 * Puts failed deliveries back in line (one, or all of a hook's), behind what their orders have open; returns
 * the orders they belong to.
 */
export async function reopenFailed(
  handle: Pick<DbHandle, 'db' | 'dialect'>,
  key: HookKey,
  now: string,
  deliveryId?: number,
): Promise<string[]> {
  const { db } = handle
  let failed = db
    .selectFrom('hook_deliveries')
    .select('order_id')
    .where('account', '=', key.account)
    .where('app_key', '=', key.appKey)
    .where('status', '=', 'failed')
  if (deliveryId !== undefined) failed = failed.where('id', '=', deliveryId)
  const orders = [...new Set((await failed.execute()).map((row) => row.order_id))]
  if (orders.length === 0) return []
  // A sender finishing an order's head meanwhile would not see these as queued, nor this see its head end.
  await lockOrderDeliveries(handle, key, orders)
  let reopen = db
    .updateTable('hook_deliveries')
    .set({ status: 'queued', attempts: 0, next_attempt_at: now, created_at: now, finished_at: null })
    .where('account', '=', key.account)
    .where('app_key', '=', key.appKey)
    .where('status', '=', 'failed')
  if (deliveryId !== undefined) reopen = reopen.where('id', '=', deliveryId)
  const reopened = [...new Set((await reopen.returning('order_id').execute()).map((row) => row.order_id))]
  await moveUpNext(db, key, reopened, now)
  return reopened
}

/** The hooks that have deliveries to send or retry. */
export const hooksWithOpenDeliveries = (db: Db): Promise<HookKey[]> =>
  db
    .selectFrom('hook_deliveries')
    .select(['account', 'app_key as appKey'])
    .distinct()
    .where('status', 'in', ['pending', 'delivering'])
    .execute()
