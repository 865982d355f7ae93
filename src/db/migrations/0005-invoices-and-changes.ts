// Orders gain registered changes (and the `Change` total they add up to), and packages the fields invoices and
// tracking fill. Rows written before carry none of them: they get their empty values, written out here so this
// migration means the same thing whatever the order type becomes later.
import type { Kysely } from 'kysely'
import type { Dialect } from '../database.ts'

interface OrderRow {
  account: string
  order_id: string
  order_json: string
}

interface StoredOrder {
  totals: Record<string, number>
  changes?: unknown[]
  packages: Record<string, unknown>[]
}

const BATCH = 500

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Kysely runs SQLite migrations outside a transaction: a failure half-way must leave the rows as they were.
  if (dialect === 'sqlite') await db.transaction().execute(convert)
  else await convert(db)
}

async function convert(db: Kysely<unknown>): Promise<void> {
  const orders = db.withTables<{ orders: OrderRow }>()
  let after: Pick<OrderRow, 'account' | 'order_id'> = { account: '', order_id: '' }
  for (;;) {
    const rows = await orders
      .selectFrom('orders')
      .select(['account', 'order_id', 'order_json'])
      .where((eb) =>
        eb.or([
          eb('account', '>', after.account),
          eb.and([eb('account', '=', after.account), eb('order_id', '>', after.order_id)]),
        ]),
      )
      .orderBy('account')
      .orderBy('order_id')
      .limit(BATCH)
      .execute()
    for (const row of rows) {
      const json = JSON.stringify(upgrade(JSON.parse(row.order_json) as StoredOrder))
      if (json === row.order_json) continue
      await orders
        .updateTable('orders')
        .set({ order_json: json })
        .where('account', '=', row.account)
        .where('order_id', '=', row.order_id)
        .execute()
    }
    const last = rows.at(-1)
    if (!last) return
    after = last
  }
}

function upgrade(order: StoredOrder): StoredOrder {
  return {
    ...order,
    totals: { change: 0, ...order.totals },
    changes: order.changes ?? [],
    packages: order.packages.map((pkg) => ({
      dispatchedDate: null,
      extraValue: 0,
      refundedValue: 0,
      ...pkg,
      tracking: null,
    })),
  }
}
