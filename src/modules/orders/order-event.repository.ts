// All SQL for the order event log: appending a change's events, an order's history, and the account-wide
// stream that feeds and hooks follow.
import { sql, type Selectable } from 'kysely'
import { insertRuns, type Db, type DbHandle } from '../../db/database.ts'
import type { EventData, OrderEvent, OrderEventDraft, Origin } from './order-event.ts'
import type { OrderStatus, WorkflowInstance } from './order-status.ts'
import type { OrderEventTable } from './order.table.ts'

/**
 * Where a reader of the stream stands: everything up to and including this event has been seen. On PostgreSQL
 * the stream is ordered by (writing transaction id, id); on SQLite `tx` is always 0.
 */
export interface StreamPosition {
  tx: number
  id: number
}

export const STREAM_START: StreamPosition = { tx: 0, id: 0 }

export interface NewEvents {
  account: string
  orderId: string
  orderVersion: number
  origin: Origin
  createdAt: string
  events: readonly OrderEventDraft[]
}

/**
 * Appends the events of order versions, in the order given. A use case must read the order before it writes
 * anything, so its transaction id is newer than that of the version it read: the stream then keeps each order's
 * versions in order (see assertNothingWritten).
 */
export async function insertEvents(db: Db, versions: readonly NewEvents[]): Promise<void> {
  const rows = versions.flatMap((version) =>
    version.events.map((event) => ({
      account: version.account,
      order_id: version.orderId,
      order_version: version.orderVersion,
      kind: event.kind,
      domain: event.domain,
      state: event.state,
      last_state: event.lastState,
      last_change: event.lastChange,
      current_change: event.currentChange,
      data_json: JSON.stringify(event.data),
      origin_account: version.origin.account,
      origin_key: version.origin.key,
      created_at: version.createdAt,
    })),
  )
  for (const run of insertRuns(rows)) await db.insertInto('order_events').values(run).execute()
}

export async function listEvents(db: Db, account: string, orderId: string): Promise<OrderEvent[]> {
  const rows = await db
    .selectFrom('order_events')
    .selectAll()
    .where('account', '=', account)
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute()
  return rows.map(toEvent)
}

export interface StreamBatch {
  events: (OrderEvent & { position: StreamPosition })[]
  /** Where the next read starts: the last event returned, or `after` when there was none. */
  next: StreamPosition
}

/**
 * Events committed after `after`, in commit order, at most `limit`. A bigserial id is not commit order on
 * PostgreSQL: a transaction that took id 10 can commit after one that took id 11, and a reader that already
 * moved past 11 would never see 10. So the stream is ordered by the writing transaction's id, and only
 * transactions older than every transaction still running (the snapshot's xmin) are read: none of them can
 * add an event any more, and every later one will sort after them. A long transaction delays the stream;
 * it never makes it skip. Transaction ids are the server's, so both sides add the stored offset that
 * alignEventStream raises when the database moved to a server whose ids are behind. SQLite has one writer at
 * a time, so its ids are commit order already.
 */
export const readEventStream = (
  handle: Pick<DbHandle, 'db' | 'dialect'>,
  after: StreamPosition,
  limit: number,
): Promise<StreamBatch> => readStream(handle, after, limit, undefined)

/** Which events of the stream a reader follows: one account's, or one order's of it. */
export interface StreamScope {
  account: string
  orderId?: string | undefined
}

/**
 * The stream of one account (or one order), by the same rule as readEventStream: the same positions, the
 * same order and the same horizon on PostgreSQL, so a position from either is a place in both.
 */
export const readScopedEventStream = (
  handle: Pick<DbHandle, 'db' | 'dialect'>,
  scope: StreamScope,
  after: StreamPosition,
  limit: number,
): Promise<StreamBatch> => readStream(handle, after, limit, scope)

async function readStream(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  after: StreamPosition,
  limit: number,
  scope: StreamScope | undefined,
): Promise<StreamBatch> {
  let query = db.selectFrom('order_events').selectAll().limit(limit)
  if (scope) query = query.where('account', '=', scope.account)
  if (scope?.orderId !== undefined) query = query.where('order_id', '=', scope.orderId)
  const rows =
    dialect === 'postgres'
      ? await query
          .orderBy('tx_id')
          .orderBy('id')
          .where(sql<boolean>`(tx_id, id) > (${after.tx}, ${after.id})`)
          .where(BEFORE_HORIZON)
          .execute()
      : // Ordered by id alone: SQLite's planner does not know tx_id is always 0 there, and would scan the
        // stream from its start for an order by (tx_id, id).
        await query.where('id', '>', after.id).orderBy('id').execute()
  const events = rows.map((row) => ({ ...toEvent(row), position: { tx: row.tx_id, id: row.id } }))
  return { events, next: events.at(-1)?.position ?? after }
}

/**
 * PostgreSQL: the events of transactions older than every transaction still running, in the same statement as
 * the read. See readEventStream.
 */
const BEFORE_HORIZON = sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
  + (select coalesce(max(tx_offset), 0) from order_stream_offsets)`

/**
 * Where the account's stream ends now: the position of its last event a read would return (STREAM_START when
 * it has none). A reader starting there sees only what the stream shows later; on PostgreSQL that includes
 * events of transactions still behind the horizon, which no read has returned yet.
 */
export async function accountStreamEnd(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  account: string,
): Promise<StreamPosition> {
  const query = db.selectFrom('order_events').select(['tx_id', 'id']).where('account', '=', account).limit(1)
  const row =
    dialect === 'postgres'
      ? await query.where(BEFORE_HORIZON).orderBy('tx_id', 'desc').orderBy('id', 'desc').executeTakeFirst()
      : await query.orderBy('id', 'desc').executeTakeFirst()
  return row ? { tx: row.tx_id, id: row.id } : STREAM_START
}

/** Whether an event past the position is committed, whether or not the stream would return it yet. */
export async function anyEventAfter(
  { db, dialect }: Pick<DbHandle, 'db' | 'dialect'>,
  after: StreamPosition,
): Promise<boolean> {
  const query = db.selectFrom('order_events').select('id').limit(1)
  const row =
    dialect === 'postgres'
      ? await query.where(sql<boolean>`(tx_id, id) > (${after.tx}, ${after.id})`).executeTakeFirst()
      : await query.where('id', '>', after.id).executeTakeFirst()
  return row !== undefined
}

/**
 * A database restored from a dump onto another PostgreSQL server keeps its events' transaction ids while the
 * server's own ids may be far behind: new events would sort before old ones and readers would wait for ever.
 * Raising the offset so that the next transaction sorts after every stored event puts that right; it changes
 * nothing when the ids are already ahead. Runs at start-up, before anything is written.
 */
export async function alignEventStream({ db, dialect }: Pick<DbHandle, 'db' | 'dialect'>): Promise<boolean> {
  if (dialect !== 'postgres') return false
  const result = await sql`insert into order_stream_offsets (tx_offset)
    select max(tx_id) + 1 - pg_current_xact_id()::text::bigint from order_events
    having max(tx_id) >= ordo_stream_tx()`.execute(db)
  return (result.numAffectedRows ?? 0n) > 0n
}

/**
 * PostgreSQL gives a transaction its id at its first write. The write path calls this before it reads the order
 * it will change: had the transaction written anything already, its id could be older than that of the version
 * it is about to read, and the stream would show that order's versions out of order.
 */
export async function assertNothingWritten({ db, dialect }: Pick<DbHandle, 'db' | 'dialect'>): Promise<void> {
  if (dialect !== 'postgres') return
  const { rows } = await sql<{
    xid: string | null
  }>`select pg_current_xact_id_if_assigned()::text as xid`.execute(db)
  if (rows[0]?.xid)
    throw new Error('An order change wrote before it read its order; see assertNothingWritten.')
}

function toEvent(row: Selectable<OrderEventTable>): OrderEvent {
  return {
    id: row.id,
    account: row.account,
    orderId: row.order_id,
    orderVersion: row.order_version,
    kind: row.kind,
    data: JSON.parse(row.data_json) as EventData[keyof EventData],
    domain: row.domain as WorkflowInstance,
    state: row.state as OrderStatus,
    lastState: row.last_state as OrderStatus | null,
    lastChange: row.last_change,
    currentChange: row.current_change,
    origin: { account: row.origin_account, key: row.origin_key },
  } as OrderEvent
}
