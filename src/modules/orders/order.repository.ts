// All SQL for orders, their groups and their event log. Rows in, domain values out; no business rules.
import type SQLite from 'better-sqlite3'
import type { Db, DbHandle } from '../../db/database.ts'
import { AppError } from '../../platform/errors.ts'
import type { Order, OrderState, Transition } from './order.ts'
import type { OrderDocument } from './order.schemas.ts'

/** `seq501456` addresses an order by its sequence, as Get order allows. */
const SEQUENCE_ID = /^seq(\d{1,15})$/

function byId(
  orderId: string,
): { column: 'order_id'; value: string } | { column: 'sequence'; value: number } {
  const seq = SEQUENCE_ID.exec(orderId)
  return seq ? { column: 'sequence', value: Number(seq[1]) } : { column: 'order_id', value: orderId }
}

/**
 * The stored Get order document, as bytes: the hot path never parses or re-serialises it. On a SQLite file it
 * goes through the read-only connection and a small cache of recent documents (see DocumentReads).
 */
export async function findOrderDocument(
  { db, reader }: Pick<DbHandle, 'db' | 'reader'>,
  account: string,
  orderId: string,
): Promise<string | undefined> {
  const key = byId(orderId)
  if (reader) return documentReads(reader).find(account, key.column, key.value)
  const row = await db
    .selectFrom('orders')
    .select('document')
    .where('account', '=', account)
    .where(key.column, '=', key.value)
    .executeTakeFirst()
  return row?.document
}

export async function findGroupDocuments(db: Db, account: string, orderGroup: string): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('document')
    .where('account', '=', account)
    .where('order_group', '=', orderGroup)
    .orderBy('order_id')
    .execute()
  return rows.map((row) => row.document)
}

export async function findOrder(db: Db, account: string, orderId: string): Promise<Order | undefined> {
  const key = byId(orderId)
  const row = await db
    .selectFrom('orders')
    .select(['account', 'document', 'state_json', 'version'])
    .where('account', '=', account)
    .where(key.column, '=', key.value)
    .executeTakeFirst()
  return (
    row && {
      account: row.account,
      document: JSON.parse(row.document) as OrderDocument,
      state: JSON.parse(row.state_json) as OrderState,
      version: row.version,
    }
  )
}

function indexedColumns(order: Order) {
  const doc = order.document
  const client = doc.clientProfileData
  return {
    status: doc.status,
    document: JSON.stringify(doc),
    state_json: JSON.stringify(order.state),
    last_change: doc.lastChange,
    marketplace_order_id: doc.marketplaceOrderId || null,
    client_email: client.email.toLowerCase(),
    client_document: client.document || null,
    client_name: `${client.firstName} ${client.lastName}`.trim(),
    sales_channel: doc.salesChannel,
    seller_names: doc.sellers.map((s) => s.name).join(','),
    total_value: doc.value,
  }
}

export async function insertOrder(db: Db, order: Order): Promise<void> {
  const doc = order.document
  await db
    .insertInto('orders')
    .values({
      account: order.account,
      order_id: doc.orderId,
      order_group: doc.orderGroup,
      sequence: Number(doc.sequence),
      version: order.version,
      creation_date: doc.creationDate,
      ...indexedColumns(order),
    })
    .execute()
}

/** Optimistic lock: saves only if nobody saved the order since it was read. Returns the order at its new version. */
export async function updateOrder(db: Db, order: Order): Promise<Order> {
  const result = await db
    .updateTable('orders')
    .set({ ...indexedColumns(order), version: order.version + 1 })
    .where('account', '=', order.account)
    .where('order_id', '=', order.document.orderId)
    .where('version', '=', order.version)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) {
    throw new AppError(
      'VERSION_CONFLICT',
      `Order ${order.document.orderId} changed concurrently; retry the request.`,
    )
  }
  return { ...order, version: order.version + 1 }
}

export async function insertEvents(
  db: Db,
  order: Order,
  transitions: readonly Transition[],
  /** Who caused the events: an AppKey, `customer:<email>` or `system` (see actorName). */
  origin: string,
  now: string,
): Promise<void> {
  if (transitions.length === 0) return
  await db
    .insertInto('order_events')
    .values(
      transitions.map((t) => ({
        account: order.account,
        order_id: order.document.orderId,
        domain: t.domain,
        state: t.state,
        last_state: t.lastState,
        last_change: t.lastChange,
        current_change: t.currentChange,
        order_version: order.version,
        origin_key: origin,
        created_at: now,
      })),
    )
    .execute()
}

export interface StoredEvent extends Transition {
  id: number
  orderVersion: number
  originKey: string | null
}

export async function listEvents(db: Db, account: string, orderId: string): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('order_events')
    .selectAll()
    .where('account', '=', account)
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    domain: row.domain as Transition['domain'],
    state: row.state as Transition['state'],
    lastState: row.last_state as Transition['lastState'],
    lastChange: row.last_change,
    currentChange: row.current_change,
    orderVersion: row.order_version,
    originKey: row.origin_key,
  }))
}

/** Hands out `count` new sequence numbers, ascending from 500001 with random gaps so outsiders cannot count orders. */
export async function reserveSequences(db: Db, account: string, gaps: readonly number[]): Promise<number[]> {
  const created = await db
    .insertInto('order_sequences')
    .values({ account, last_value: 500_000 })
    .onConflict((oc) => oc.column('account').doNothing())
    .returning('last_value')
    .executeTakeFirst()
  const steps = created ? [1, ...gaps.slice(1)] : [...gaps]
  const span = steps.reduce((sum, step) => sum + step, 0)
  const row = await db
    .updateTable('order_sequences')
    .set((eb) => ({ last_value: eb('last_value', '+', span) }))
    .where('account', '=', account)
    .returning('last_value')
    .executeTakeFirstOrThrow()
  let value = row.last_value - span
  return steps.map((step) => (value += step))
}

export interface GroupRecord {
  orderGroup: string
  requestHash: string
  /** Which of the retry keys found it. */
  matchedBy: 'idempotency_key' | 'marketplace_order_id'
}

export async function findGroupByKey(
  db: Db,
  account: string,
  key: { idempotencyKey?: string | undefined; marketplaceOrderId?: string | undefined },
): Promise<GroupRecord | undefined> {
  for (const [column, value] of [
    ['idempotency_key', key.idempotencyKey],
    ['marketplace_order_id', key.marketplaceOrderId],
  ] as const) {
    if (value === undefined) continue
    const row = await db
      .selectFrom('order_groups')
      .select(['order_group', 'request_hash'])
      .where('account', '=', account)
      .where(column, '=', value)
      .executeTakeFirst()
    if (row) return { orderGroup: row.order_group, requestHash: row.request_hash, matchedBy: column }
  }
  return undefined
}

export async function insertGroup(
  db: Db,
  group: {
    account: string
    orderGroup: string
    idempotencyKey: string | null
    marketplaceOrderId: string | null
    requestHash: string
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('order_groups')
    .values({
      account: group.account,
      order_group: group.orderGroup,
      idempotency_key: group.idempotencyKey,
      marketplace_order_id: group.marketplaceOrderId,
      request_hash: group.requestHash,
      created_at: group.createdAt,
    })
    .execute()
}

const RECENT_DOCUMENTS = 2000

/**
 * Point reads of documents on the read-only SQLite connection. Recent documents are kept in memory until
 * anything commits to the database: `PRAGMA data_version` changes whenever another connection (this
 * process's writer, the CLI, another server) commits, and then the whole cache is dropped. So a cached
 * document is always the committed one, and a read-mostly integration is served from memory.
 */
class DocumentReads {
  private readonly byColumn: Record<'order_id' | 'sequence', SQLite.Statement>
  private readonly dataVersion: SQLite.Statement
  private seenVersion: unknown
  private readonly recent = new Map<string, string>()

  constructor(reader: SQLite.Database) {
    const prepare = (column: string) =>
      reader.prepare(`select document from orders where account = ? and ${column} = ?`).pluck()
    this.byColumn = { order_id: prepare('order_id'), sequence: prepare('sequence') }
    this.dataVersion = reader.prepare('pragma data_version').pluck()
  }

  find(account: string, column: 'order_id' | 'sequence', value: string | number): string | undefined {
    const version = this.dataVersion.get()
    if (version !== this.seenVersion) {
      this.recent.clear()
      this.seenVersion = version
    }
    const cacheKey = `${account}\n${column}\n${value}`
    const cached = this.recent.get(cacheKey)
    if (cached !== undefined) return cached
    const document = this.byColumn[column].get(account, value) as string | undefined
    if (document !== undefined) {
      if (this.recent.size >= RECENT_DOCUMENTS) this.recent.delete(this.recent.keys().next().value as string)
      this.recent.set(cacheKey, document)
    }
    return document
  }
}

const readers = new WeakMap<SQLite.Database, DocumentReads>()

function documentReads(reader: SQLite.Database): DocumentReads {
  let reads = readers.get(reader)
  if (!reads) {
    reads = new DocumentReads(reader)
    readers.set(reader, reads)
  }
  return reads
}
