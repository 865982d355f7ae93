// All SQL of order intake: sequence numbers and order groups with their retry keys.
import { inListRuns, insertRuns, type Db } from '../../db/database.ts'

/** Hands out a new sequence number per gap, ascending from 500001 with random gaps so outsiders cannot count orders. */
export async function reserveSequences(db: Db, account: string, gaps: readonly number[]): Promise<number[]> {
  // Every placement but an account's first finds the counter there, so it takes one statement, not two.
  const moved = await advanceSequence(db, account, gaps)
  if (moved) return moved
  const created = await db
    .insertInto('order_sequences')
    .values({ account, last_value: 500_000 })
    .onConflict((oc) => oc.column('account').doNothing())
    .returning('last_value')
    .executeTakeFirst()
  // Made here, the counter starts at 500001; made by another writer meanwhile, it goes on from where that left it.
  const steps = created ? [1, ...gaps.slice(1)] : [...gaps]
  const sequences = await advanceSequence(db, account, steps)
  if (!sequences) throw new Error(`The sequence counter of account ${account} is missing after its creation.`)
  return sequences
}

/** Moves the account's counter by the sum of `steps` and returns the numbers passed; none without a counter. */
async function advanceSequence(
  db: Db,
  account: string,
  steps: readonly number[],
): Promise<number[] | undefined> {
  const span = steps.reduce((sum, step) => sum + step, 0)
  const row = await db
    .updateTable('order_sequences')
    .set((eb) => ({ last_value: eb('last_value', '+', span) }))
    .where('account', '=', account)
    .returning('last_value')
    .executeTakeFirst()
  if (!row) return undefined
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

export interface GroupRow {
  account: string
  orderGroup: string
  idempotencyKey: string | null
  marketplaceOrderId: string | null
  requestHash: string
  createdAt: string
}

export async function insertGroups(db: Db, groups: readonly GroupRow[]): Promise<void> {
  const rows = groups.map((group) => ({
    account: group.account,
    order_group: group.orderGroup,
    idempotency_key: group.idempotencyKey,
    marketplace_order_id: group.marketplaceOrderId,
    request_hash: group.requestHash,
    created_at: group.createdAt,
  }))
  for (const run of insertRuns(rows)) await db.insertInto('order_groups').values(run).execute()
}

/** Which of the marketplace order ids the account's groups already hold. */
export async function findMarketplaceOrderIds(
  db: Db,
  account: string,
  marketplaceOrderIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>()
  for (const run of inListRuns(marketplaceOrderIds)) {
    const rows = await db
      .selectFrom('order_groups')
      .select('marketplace_order_id')
      .where('account', '=', account)
      .where('marketplace_order_id', 'in', run)
      .execute()
    for (const row of rows) if (row.marketplace_order_id !== null) found.add(row.marketplace_order_id)
  }
  return found
}
