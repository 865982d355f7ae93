// All SQL for feeds: configurations, the items of each feed's queue, and the fan-out's cursor.
import { sql, type Insertable, type Selectable } from 'kysely'
import type { Db, DbHandle } from '../../db/database.ts'
import type { FeedConfigTable, FeedItemTable } from './feed.table.ts'

export type FeedConfigRow = Selectable<FeedConfigTable>
export type FeedItemRow = Selectable<FeedItemTable>

/** A place in the order event stream (the orders core's StreamPosition). */
interface Position {
  tx: number
  id: number
}

export const findConfig = (db: Db, account: string, appKey: string): Promise<FeedConfigRow | undefined> =>
  db
    .selectFrom('feed_configs')
    .selectAll()
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .executeTakeFirst()

export const listConfigs = (db: Db): Promise<FeedConfigRow[]> =>
  db.selectFrom('feed_configs').selectAll().execute()

/** Creates the configuration, or changes its filter and queue: an update keeps the feed's items and start. */
export async function saveConfig(db: Db, row: FeedConfigRow): Promise<void> {
  await db
    .insertInto('feed_configs')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['account', 'app_key']).doUpdateSet({
        filter_json: row.filter_json,
        visibility_timeout_s: row.visibility_timeout_s,
        retention_s: row.retention_s,
      }),
    )
    .execute()
}

/** Creates the configuration unless the key has one already, which is kept as it is. */
export async function createConfigIfMissing(db: Db, row: FeedConfigRow): Promise<void> {
  await db
    .insertInto('feed_configs')
    .values(row)
    .onConflict((oc) => oc.columns(['account', 'app_key']).doNothing())
    .execute()
}

/** Deletes the configuration and what its queue held. Whether there was one. */
export async function deleteConfig(db: Db, account: string, appKey: string): Promise<boolean> {
  await db.deleteFrom('feed_items').where('account', '=', account).where('app_key', '=', appKey).execute()
  const deleted = await db
    .deleteFrom('feed_configs')
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .executeTakeFirst()
  return deleted.numDeletedRows > 0n
}

/** An event already in a feed is not added again: fan-out runs again after a crash without duplicating. */
export async function insertItems(db: Db, items: readonly Insertable<FeedItemTable>[]): Promise<void> {
  if (items.length === 0) return
  await db
    .insertInto('feed_items')
    .values([...items])
    .onConflict((oc) => oc.columns(['account', 'app_key', 'event_id']).doNothing())
    .execute()
}

/** Drops the items older than the feed's retention. */
export async function dropExpired(
  db: Db,
  account: string,
  appKey: string,
  enqueuedBefore: string,
): Promise<void> {
  await db
    .deleteFrom('feed_items')
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .where('enqueued_at', '<', enqueuedBefore)
    .execute()
}

/** An item as a retrieval took it: it has the handle of that retrieval. */
export type TakenItem = FeedItemRow & { handle: string }

/**
 * Takes up to `limit` visible items, oldest first, hides them until `hiddenUntil` and gives each its handle.
 * On PostgreSQL a concurrent reader skips the rows another one is taking, so an item goes to one reader at a time.
 */
export async function takeVisible(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  feed: { account: string; appKey: string },
  now: string,
  limit: number,
  hiddenUntil: string,
  handleOf: (item: FeedItemRow) => string,
): Promise<TakenItem[]> {
  const query = db
    .selectFrom('feed_items')
    .selectAll()
    .where('account', '=', feed.account)
    .where('app_key', '=', feed.appKey)
    .where('visible_at', '<=', now)
    .orderBy('id')
    .limit(limit)
  const visible =
    dialect === 'postgres' ? await query.forUpdate().skipLocked().execute() : await query.execute()
  if (visible.length === 0) return []
  const taken = visible.map((item) => ({ ...item, handle: handleOf(item), visible_at: hiddenUntil }))
  // One statement for the lot, each item its own handle.
  const handles = sql.join(
    taken.map((item) => sql`when ${item.id} then ${item.handle}`),
    sql` `,
  )
  await db
    .updateTable('feed_items')
    .set({ handle: sql<string>`case ${sql.ref('id')} ${handles} end`, visible_at: hiddenUntil })
    .where(
      'id',
      'in',
      taken.map((item) => item.id),
    )
    .execute()
  return taken
}

/** Deletes the items the handles name in this feed; a stale or foreign handle matches nothing. */
export async function deleteByHandles(
  db: Db,
  feed: { account: string; appKey: string },
  handles: readonly string[],
): Promise<number> {
  if (handles.length === 0) return 0
  const deleted = await db
    .deleteFrom('feed_items')
    .where('account', '=', feed.account)
    .where('app_key', '=', feed.appKey)
    .where('handle', 'in', [...handles])
    .executeTakeFirst()
  return Number(deleted.numDeletedRows)
}

export async function queueStats(
  db: Db,
  account: string,
  appKey: string,
): Promise<{ quantity: number; oldest: string | null }> {
  const row = await db
    .selectFrom('feed_items')
    .select((eb) => [eb.fn.countAll<number | string>().as('quantity'), eb.fn.min('enqueued_at').as('oldest')])
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .executeTakeFirst()
  return { quantity: Number(row?.quantity ?? 0), oldest: row?.oldest ?? null }
}

/** queueStats of every feed of the account, an empty one too. */
export async function queueStatsOfAccount(
  db: Db,
  account: string,
): Promise<{ appKey: string; quantity: number; oldest: string | null }[]> {
  const rows = await db
    .selectFrom('feed_configs as c')
    .leftJoin('feed_items as i', (join) =>
      join.onRef('i.account', '=', 'c.account').onRef('i.app_key', '=', 'c.app_key'),
    )
    .select((eb) => [
      'c.app_key',
      eb.fn.count<number | string>('i.id').as('quantity'),
      eb.fn.min('i.enqueued_at').as('oldest'),
    ])
    .where('c.account', '=', account)
    .groupBy('c.app_key')
    .orderBy('c.app_key')
    .execute()
  return rows.map((row) => ({ appKey: row.app_key, quantity: Number(row.quantity), oldest: row.oldest }))
}

/**
 * Every feed of the account with its configuration and queue (items waiting, hidden or not, and the oldest one's
 * time), in one statement. The items are counted over the (account, app_key, enqueued_at) index alone.
 */
export async function feedsOfAccount(
  db: Db,
  account: string,
): Promise<(FeedConfigRow & { quantity: number; oldest: string | null })[]> {
  const rows = await db
    .selectFrom('feed_configs as c')
    .leftJoin('feed_items as i', (join) =>
      join.onRef('i.account', '=', 'c.account').onRef('i.app_key', '=', 'c.app_key'),
    )
    .selectAll('c')
    .select((eb) => [
      eb.fn.count<number | string>('i.enqueued_at').as('quantity'),
      eb.fn.min('i.enqueued_at').as('oldest'),
    ])
    .where('c.account', '=', account)
    // The configuration's key: PostgreSQL takes its other columns as depending on it.
    .groupBy(['c.account', 'c.app_key'])
    .execute()
  return rows.map((row) => ({ ...row, quantity: Number(row.quantity) }))
}

/**
 * The cursor of a stream reader, locked for the rest of the transaction on PostgreSQL so that one process at a
 * time moves it (SQLite's single writer does the same by itself). Created at the start on first use.
 */
export async function lockCursor(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  name: string,
): Promise<Position> {
  await db
    .insertInto('stream_cursors')
    .values({ name, tx: 0, event_id: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  const query = db.selectFrom('stream_cursors').select(['tx', 'event_id']).where('name', '=', name)
  const row =
    dialect === 'postgres'
      ? await query.forUpdate().executeTakeFirstOrThrow()
      : await query.executeTakeFirstOrThrow()
  return { tx: Number(row.tx), id: Number(row.event_id) }
}

export async function moveCursor(db: Db, name: string, to: Position): Promise<void> {
  await db
    .updateTable('stream_cursors')
    .set({ tx: to.tx, event_id: to.id })
    .where('name', '=', name)
    .execute()
}

export interface FilterStateKey {
  account: string
  appKey: string
  channel: string
  orderId: string
}

/** Whether each JSONata filter held for each order at the last version the fan-out read. */
export async function findFilterStates(
  db: Db,
  keys: readonly FilterStateKey[],
): Promise<Map<string, boolean>> {
  const states = new Map<string, boolean>()
  const orderIds = [...new Set(keys.map((key) => key.orderId))]
  if (orderIds.length === 0) return states
  const rows = await db.selectFrom('filter_states').selectAll().where('order_id', 'in', orderIds).execute()
  for (const row of rows) {
    states.set(
      filterStateId({
        account: row.account,
        appKey: row.app_key,
        channel: row.channel,
        orderId: row.order_id,
      }),
      row.matched === 1,
    )
  }
  return states
}

export const filterStateId = ({ account, appKey, channel, orderId }: FilterStateKey): string =>
  JSON.stringify([account, appKey, channel, orderId])

export async function saveFilterStates(
  db: Db,
  states: readonly (FilterStateKey & { matched: boolean; error: string | null })[],
): Promise<void> {
  for (const state of states) {
    const values = { matched: state.matched ? 1 : 0, last_error: state.error }
    await db
      .insertInto('filter_states')
      .values({
        account: state.account,
        app_key: state.appKey,
        channel: state.channel,
        order_id: state.orderId,
        ...values,
      })
      .onConflict((oc) => oc.columns(['account', 'app_key', 'channel', 'order_id']).doUpdateSet(values))
      .execute()
  }
}

/** Orders whose latest version a subscription's expression could not be evaluated on: how many, and a few. */
export async function expressionErrors(
  db: Db,
  { account, appKey, channel }: Omit<FilterStateKey, 'orderId'>,
  examples: number,
): Promise<{ count: number; orders: { orderId: string; error: string }[] }> {
  const failing = db
    .selectFrom('filter_states')
    .where('account', '=', account)
    .where('app_key', '=', appKey)
    .where('channel', '=', channel)
    .where('last_error', 'is not', null)
  const counted = await failing.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirst()
  const rows = await failing.select(['order_id', 'last_error']).orderBy('order_id').limit(examples).execute()
  return {
    count: Number(counted?.count ?? 0),
    orders: rows.map((row) => ({ orderId: row.order_id, error: row.last_error ?? '' })),
  }
}

/**
 * A filter's states (single fire, failures) belong to its expression: a new expression, or a deleted filter,
 * starts from nothing. `filterJson` is the filter being saved, undefined when it is deleted.
 */
export async function resetFilterStates(
  db: Db,
  key: Omit<FilterStateKey, 'orderId'>,
  before: string | undefined,
  filterJson?: string,
): Promise<void> {
  if (before !== undefined && before === filterJson) return
  await db
    .deleteFrom('filter_states')
    .where('account', '=', key.account)
    .where('app_key', '=', key.appKey)
    .where('channel', '=', key.channel)
    .execute()
}
