// All SQL for orders. Rows in, typed orders out; no business rules.
import type SQLite from 'better-sqlite3'
import type { ExpressionBuilder, Selectable } from 'kysely'
import { insertRuns, orListRuns, type Database, type Db, type DbHandle } from '../../db/database.ts'
import type { DocumentCache } from '../../platform/document-cache.ts'
import { AppError } from '../../platform/errors.ts'
import type { MaybePromise } from '../../platform/maybe-promise.ts'
import { customerName, orderValue, type Order } from './order.ts'
import type { OrderTable } from './order.table.ts'

/** `seq501456` addresses an order by its sequence, as Get order allows. */
const SEQUENCE_ID = /^seq(\d{1,15})$/

function byId(
  orderId: string,
): { column: 'order_id'; value: string } | { column: 'sequence'; value: number } {
  const seq = SEQUENCE_ID.exec(orderId)
  return seq ? { column: 'sequence', value: Number(seq[1]) } : { column: 'order_id', value: orderId }
}

/**
 * The stored Get order document, as the UTF-8 bytes that go out: the hot path never parses, re-serialises or
 * re-encodes it, and a document in `cache` costs no database round trip. On a SQLite file a miss goes through
 * the read-only connection, without Kysely. Only a PostgreSQL miss waits, so only then is the answer a promise:
 * Get order answers a hit in the tick its request arrived in.
 */
export function findOrderDocument(
  { db, reader }: Pick<DbHandle, 'db' | 'reader'>,
  cache: DocumentCache,
  account: string,
  orderId: string,
): MaybePromise<Buffer | undefined> {
  const requested = documentKey(account, orderId)
  const cached = cache.get(requested)
  if (cached) return cached
  const generation = cache.generation
  const key = byId(orderId)
  const kept = (row: DocumentRow | undefined): Buffer | undefined => {
    if (!row) return undefined
    const document = Buffer.from(row.document)
    cache.keep(generation, documentKey(account, row.order_id), document, requested)
    return document
  }
  if (reader)
    return kept(documentReads(reader)[key.column].get(account, key.value) as DocumentRow | undefined)
  return db
    .selectFrom('orders')
    .select(['order_id', 'document'])
    .where('account', '=', account)
    .where(key.column, '=', key.value)
    .executeTakeFirst()
    .then(kept)
}

/** The stored Get order document when it is in `cache` (see DocumentCache.peek). */
export const peekOrderDocument = (
  cache: DocumentCache,
  account: string,
  orderId: string,
): Buffer | undefined => cache.peek(documentKey(account, orderId))

/** What the document cache keeps an order's document by, and what a change of the order makes it forget. */
export const documentKey = (account: string, orderId: string): string => `${account}\t${orderId}`

type DocumentRow = Pick<Selectable<OrderTable>, 'order_id' | 'document'>

const readStatements = new WeakMap<SQLite.Database, Record<'order_id' | 'sequence', SQLite.Statement>>()

function documentReads(reader: SQLite.Database): Record<'order_id' | 'sequence', SQLite.Statement> {
  let statements = readStatements.get(reader)
  if (!statements) {
    const prepare = (column: string) =>
      reader.prepare(`select order_id, document from orders where account = ? and ${column} = ?`)
    statements = { order_id: prepare('order_id'), sequence: prepare('sequence') }
    readStatements.set(reader, statements)
  }
  return statements
}

/** The stored documents of `orderIds` (those that exist), by order id. */
export async function findDocuments(
  db: Db,
  account: string,
  orderIds: readonly string[],
): Promise<Map<string, string>> {
  if (orderIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('orders')
    .select(['order_id', 'document'])
    .where('account', '=', account)
    .where('order_id', 'in', [...orderIds])
    .execute()
  return new Map(rows.map((row) => [row.order_id, row.document]))
}

/** The stored documents of an order group, in order id order. */
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

type OrderRow = Pick<Selectable<OrderTable>, 'account' | 'version' | 'order_json'>

const ORDER_COLUMNS = ['account', 'version', 'order_json'] as const

/**
 * The stored JSON leaves out what the row's own columns hold, so the two can never disagree. Orders stored before
 * flows existed all ran the complete flow, and none was a marketplace's on this server, had a seller's order or
 * an order modification (v2).
 */
function toOrder(row: OrderRow): Order {
  const stored = JSON.parse(row.order_json) as Omit<Order, 'account' | 'version'>
  const workflow = stored.workflow.flow ? stored.workflow : { ...stored.workflow, flow: 'complete' as const }
  const marketplaceAccount = stored.marketplaceAccount ?? null
  const sellerAccount = stored.sellerAccount ?? null
  const sellerOrderId = stored.sellerOrderId ?? null
  const sellerChanges = stored.sellerChanges ?? []
  const modifications = stored.modifications ?? []
  return {
    ...stored,
    workflow,
    marketplaceAccount,
    sellerAccount,
    sellerOrderId,
    sellerChanges,
    modifications,
    account: row.account,
    version: row.version,
  }
}

export async function findOrder(db: Db, account: string, orderId: string): Promise<Order | undefined> {
  const key = byId(orderId)
  const row = await db
    .selectFrom('orders')
    .select(ORDER_COLUMNS)
    .where('account', '=', account)
    .where(key.column, '=', key.value)
    .executeTakeFirst()
  return row && toOrder(row)
}

export async function findGroupOrders(db: Db, account: string, orderGroup: string): Promise<Order[]> {
  const rows = await db
    .selectFrom('orders')
    .select(ORDER_COLUMNS)
    .where('account', '=', account)
    .where('order_group', '=', orderGroup)
    .orderBy('order_id')
    .execute()
  return rows.map(toOrder)
}

/** What is written with every version: the order, its rendered document and the columns filters use. */
export interface OrderWrite {
  order: Order
  /** The Get order document as JSON text. */
  document: string
  renderVersion: number
}

function columns({ order, document, renderVersion }: OrderWrite) {
  const { account, version, ...stored } = order
  return {
    status: order.status,
    order_json: JSON.stringify(stored),
    document,
    render_version: renderVersion,
    last_change: order.lastChange,
    marketplace_order_id: order.marketplaceOrderId,
    client_email: order.client.email.toLowerCase(),
    client_document: order.client.document || null,
    client_name: customerName(order),
    sales_channel: order.salesChannel,
    seller_names: order.seller.name,
    total_value: orderValue(order),
  }
}

/** New orders, each at its first stored version. */
export async function insertOrders(db: Db, writes: readonly OrderWrite[]): Promise<void> {
  const rows = writes.map((write) => ({
    account: write.order.account,
    order_id: write.order.orderId,
    order_group: write.order.orderGroup,
    sequence: write.order.sequence,
    version: write.order.version,
    creation_date: write.order.creationDate,
    ...columns(write),
  }))
  for (const run of insertRuns(rows)) await db.insertInto('orders').values(run).execute()
}

/** Optimistic lock: saves the order's new version only if nobody saved one since the previous was read. */
export async function updateOrder(db: Db, write: OrderWrite): Promise<void> {
  const { order } = write
  const result = await db
    .updateTable('orders')
    .set({ ...columns(write), version: order.version })
    .where('account', '=', order.account)
    .where('order_id', '=', order.orderId)
    .where('version', '=', order.version - 1)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) {
    throw new AppError('VERSION_CONFLICT', `Order ${order.orderId} changed concurrently; retry the request.`)
  }
}

/** Orders whose stored document an older renderer wrote, a batch at a time in key order after `after`. */
export async function findStaleDocuments(
  db: Db,
  renderVersion: number,
  after: { account: string; orderId: string } | undefined,
  limit: number,
): Promise<Order[]> {
  const rows = await db
    .selectFrom('orders')
    .select(ORDER_COLUMNS)
    .where('render_version', '<', renderVersion)
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('account', '>', after?.account ?? ''),
          eb.and([eb('account', '=', after?.account ?? ''), eb('order_id', '>', after?.orderId ?? '')]),
        ]),
      ),
    )
    .orderBy('account')
    .orderBy('order_id')
    .limit(limit)
    .execute()
  return rows.map(toOrder)
}

/** Replaces a stale document without making a new version: the order itself is unchanged. */
export async function rewriteDocument(db: Db, order: Order, document: string, renderVersion: number) {
  await db
    .updateTable('orders')
    .set({ document, render_version: renderVersion })
    .where('account', '=', order.account)
    .where('order_id', '=', order.orderId)
    .where('version', '=', order.version)
    .execute()
}

/**
 * The documents of versions a later one replaced, for the stream's readers that filter on documents (see
 * findVersionDocuments); a current version's document is the order's own.
 */
export async function insertVersionDocuments(db: Db, versions: readonly OrderWrite[]): Promise<void> {
  const rows = versions.map(({ order, document }) => ({
    account: order.account,
    order_id: order.orderId,
    version: order.version,
    document,
  }))
  for (const run of insertRuns(rows)) await db.insertInto('order_version_documents').values(run).execute()
}

/**
 * Keeps the stored document of the order's version before a change replaces it, copied inside the database. A
 * row already there was written by an older Ordo, which kept every version's document as it saved it. (The
 * WHERE lets SQLite read ON CONFLICT as the insert's, not as a join's.)
 */
export async function keepReplacedDocument(db: Db, order: Order): Promise<void> {
  await db
    .insertInto('order_version_documents')
    .columns(['account', 'order_id', 'version', 'document'])
    .expression((eb) =>
      eb
        .selectFrom('orders')
        .select(['account', 'order_id', 'version', 'document'])
        .where('account', '=', order.account)
        .where('order_id', '=', order.orderId)
        .where('version', '=', order.version),
    )
    .onConflict((oc) => oc.columns(['account', 'order_id', 'version']).doNothing())
    .execute()
}

/** Some orders' versions, each up to a version: `{ account, orderId, upTo }`. */
export interface VersionRange {
  account: string
  orderId: string
  upTo: number
}

const inRanges = (
  eb: ExpressionBuilder<Database, 'order_version_documents' | 'orders'>,
  ranges: readonly VersionRange[],
) =>
  eb.or(
    ranges.map((range) =>
      eb.and([
        eb('account', '=', range.account),
        eb('order_id', '=', range.orderId),
        eb('version', '<=', range.upTo),
      ]),
    ),
  )

/**
 * The documents of the versions in `ranges`: each order's current one where it is in its range, and those
 * replaced since. The orders are read first: on PostgreSQL each statement sees what had committed when it
 * started, and a change that commits between the two reads has its copy of the version it replaced seen by the
 * second; read the other way round, that version would be in neither.
 */
export async function findVersionDocuments(db: Db, ranges: readonly VersionRange[]) {
  const rows = []
  for (const run of orListRuns(ranges)) {
    for (const table of ['orders', 'order_version_documents'] as const) {
      rows.push(
        ...(await db
          .selectFrom(table)
          .select(['account', 'order_id', 'version', 'document'])
          .where((eb) => inRanges(eb, run))
          .execute()),
      )
    }
  }
  return rows
}

/** Forgets the documents of the versions in `ranges`: every reader has read them. */
export async function deleteVersionDocuments(db: Db, ranges: readonly VersionRange[]): Promise<void> {
  for (const run of orListRuns(ranges)) {
    await db
      .deleteFrom('order_version_documents')
      .where((eb) => inRanges(eb, run))
      .execute()
  }
}
