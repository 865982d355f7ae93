// Upgrading a database an earlier Ordo wrote (test/fixtures/legacy-0001.json: orders in every status, an
// interaction, grace-period timers, captured from 0.1.0): nothing is lost, and every order goes on working.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { sql, type Kysely } from 'kysely'
import type { DbHandle } from '../src/db/database.ts'
import { migrateTo, migrateToLatest } from '../src/db/migrate.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import type { PaymentTransaction } from '../src/modules/payments/payment.schemas.ts'
import { api } from './api.ts'
import { describeEachDialect, DIALECTS, migratedDatabase, startTestApp } from './harness.ts'
import { allEventsOf, eventsOf } from './workflow-log.ts'

interface Legacy {
  capturedAt: string
  headers: Record<string, string>
  orders: Record<'half' | 'ready' | 'handling' | 'requested' | 'denied' | 'canceled' | 'window', string> & {
    pending: string[]
  }
  tables: Record<string, Record<string, unknown>[]>
}

const legacy = JSON.parse(
  readFileSync(new URL('./fixtures/legacy-0001.json', import.meta.url), 'utf8'),
) as Legacy

/** Tables in the order their foreign keys allow. */
const TABLES = [
  'accounts',
  'api_keys',
  'user_tokens',
  'order_sequences',
  'order_groups',
  'orders',
  'order_events',
  'order_interactions',
  'order_messages',
  'timers',
]

type Tables = Record<string, Record<string, unknown>[]>
type LooseDb = Kysely<Record<string, Record<string, unknown>>>
/** The parts of a 0.1.0 document these tests change. */
interface LegacyDocument {
  clientPreferencesData: { locale: string }
  storePreferencesData: { currencyCode: string }
  paymentData: unknown
}

/** Writes 0.1.0's tables into a database at migration 0001, as 0.1.0 left them. */
async function writeLegacy(handle: DbHandle, tables: Tables): Promise<void> {
  await migrateTo(handle, '0001-core')
  const db = handle.db as unknown as LooseDb
  for (const table of TABLES) {
    const rows = tables[table] ?? []
    if (rows.length > 0) await db.insertInto(table).values(rows).execute()
  }
  // Rows written with their ids leave PostgreSQL's sequence behind; 0.1.0's own inserts advanced it.
  if (handle.dialect === 'postgres') {
    await sql`select setval(pg_get_serial_sequence('order_events', 'id'), max(id)) from order_events`.execute(
      db,
    )
  }
}

/** The captured tables, with one order's document changed by `edit`. */
function withDocument(orderId: string, edit: (document: LegacyDocument) => void): Tables {
  const tables: Tables = structuredClone(legacy.tables)
  const row = tables.orders?.find((r) => r.order_id === orderId)
  assert.ok(row)
  const document = JSON.parse(String(row.document)) as LegacyDocument
  edit(document)
  row.document = JSON.stringify(document)
  return tables
}

describeEachDialect('upgrade from 0.1.0', (dialect) => {
  it('converts every order, keeps its history, and lets each one go on', async (t) => {
    const test = await startTestApp(t, dialect, { before: (handle) => writeLegacy(handle, legacy.tables) })
    test.clock.advance(Date.parse(legacy.capturedAt) - test.clock.now().getTime())
    const erp = api(test, legacy.headers)
    const legacyDocuments = new Map(
      (legacy.tables.orders ?? []).map((row) => [
        String(row.order_id),
        JSON.parse(String(row.document)) as OrderDocument,
      ]),
    )

    for (const [orderId, before] of legacyDocuments) {
      const after = await erp.getOk(orderId)
      assert.equal(after.status, before.status, orderId)
      assert.equal(after.value, before.value, orderId)
      assert.equal(after.lastChange, before.lastChange, orderId)
      assert.deepEqual(
        after.items.map((i) => i.priceDefinition),
        before.items.map((i) => ({ ...i.priceDefinitions, reason: null })),
      )
      const [was, is] = [before, after].map((d) => d.paymentData.transactions[0])
      assert.equal(is?.transactionId, was?.transactionId, orderId)
      assert.deepEqual(is?.payments, was?.payments, `${orderId}: its own transaction, as it had`)
      assert.deepEqual(after.cancellationData, before.cancellationData, orderId)
      assert.deepEqual(after.cancellationRequests, before.cancellationRequests, orderId)
      const events = await allEventsOf(test.deps.db, orderId)
      assert.ok(events.length > 0 && events.every((e) => e.origin.account === 'acme'), orderId)
    }

    // The interaction is now an event of the order, and the customer's messages are still there.
    const timeline = await erp.timeline(legacy.orders.ready)
    assert.equal(timeline.statusCode, 200, timeline.body)
    const entries = timeline.json<{ entries: { type: string; message?: string }[] }>().entries
    assert.deepEqual(
      entries.filter((e) => e.type === 'interaction').map((e) => e.message),
      ['Imported into the ERP'],
    )
    const conversation = await erp.send(
      'GET',
      `/api/oms/pvt/orders/${legacy.orders.canceled}/conversation-message`,
    )
    assert.deepEqual(
      conversation.json<{ subject: string }[]>().map((m) => m.subject.split(' ').slice(0, 3).join(' ')),
      ['We received your', 'Your payment for', 'Your order 4283748500027-01'],
    )

    // The half-paid order still waits for its second payment, and moves on with it.
    const half = await erp.getOk(legacy.orders.half)
    const second = half.paymentData.transactions[0]?.payments[1]?.id ?? ''
    assert.equal((await erp.notifyPayment(half.orderId, second)).statusCode, 200)
    assert.equal((await erp.getOk(half.orderId)).status, 'window-to-cancel')

    // The grace period that was running ends by the job it became.
    test.clock.advanceMinutes(31)
    assert.ok((await test.runDueJobs()) >= 1)
    assert.equal((await erp.getOk(legacy.orders.window)).status, 'ready-for-handling')

    // The pending customer request can still be denied by its id.
    const requested = await erp.getOk(legacy.orders.requested)
    const requestId = requested.cancellationRequests?.[0]?.id ?? ''
    const denied = await erp.deny(requested.orderId, { cancellationRequestId: requestId })
    assert.equal(denied.statusCode, 200, denied.body)
    assert.equal((await erp.getOk(requested.orderId)).status, 'ready-for-handling')
    assert.equal((await erp.startHandling(legacy.orders.ready)).statusCode, 204)
    assert.deepEqual(
      (await eventsOf(test.deps.db, legacy.orders.ready)).slice(-2).map((e) => e.state),
      ['start-handling', 'handling'],
    )
    // An order from before invoices and changes existed takes both.
    const changed = await erp.registerChange(legacy.orders.ready, {
      requestId: 'after-upgrade',
      reason: 'Upgrade check',
      discountValue: 1,
    })
    assert.equal(changed.statusCode, 200, changed.body)
    const { value } = await erp.getOk(legacy.orders.ready)
    const invoiced = await erp.invoice(legacy.orders.ready, {
      invoiceNumber: 'NF-UP-1',
      invoiceValue: value,
      issuanceDate: '2026-03-02',
    })
    assert.equal(invoiced.statusCode, 200, invoiced.body)
    assert.equal((await erp.getOk(legacy.orders.ready)).status, 'invoiced')

    // A canceled order's money: refunded in both views.
    const money = await erp.send('GET', `/api/oms/pvt/orders/${legacy.orders.canceled}/payment-transaction`)
    const transaction = money.json<PaymentTransaction>()
    assert.equal(transaction.status, 'Refunded')
    assert.equal(transaction.isActive, false)

    // Both orders of the pending group are still there, each with its own transaction.
    for (const orderId of legacy.orders.pending)
      assert.equal((await erp.getOk(orderId)).status, 'payment-pending')
  })

  it('gives each order one head delivery per hook, the rest queued behind it, a delivering head due at its lease end', async (t) => {
    const lease = '2026-03-02T12:00:10.000Z'
    const { handle, close } = await migratedDatabase(dialect, {
      before: async (before) => {
        await migrateTo(before, '0010-job-concurrency-keys')
        const delivery = (id: number, orderId: string, status: string, leaseUntil: string | null = null) => ({
          id,
          account: 'acme',
          app_key: 'key',
          event_id: id,
          order_id: orderId,
          body_json: '{}',
          status,
          attempts: status === 'delivering' ? 1 : 0,
          next_attempt_at: '2026-03-02T12:00:00.000Z',
          lease_until: leaseUntil,
          created_at: '2026-03-02T12:00:00.000Z',
          finished_at: null,
        })
        await (before.db as unknown as LooseDb)
          .insertInto('hook_deliveries')
          .values([
            delivery(1, 'A', 'delivered'),
            delivery(2, 'A', 'pending'),
            delivery(3, 'A', 'pending'),
            delivery(4, 'B', 'delivering', lease),
            delivery(5, 'B', 'pending'),
            delivery(6, 'C', 'failed'),
            delivery(7, 'C', 'pending'),
          ])
          .execute()
      },
    })
    t.after(close)
    const rows = await handle.db
      .selectFrom('hook_deliveries')
      .select(['id', 'status', 'next_attempt_at'])
      .orderBy('id')
      .execute()
    assert.deepEqual(
      rows.map((row) => [row.id, row.status]),
      [
        [1, 'delivered'],
        [2, 'pending'],
        [3, 'queued'],
        [4, 'delivering'],
        [5, 'queued'],
        [6, 'failed'],
        [7, 'pending'],
      ],
    )
    assert.equal(rows[3]?.next_attempt_at, lease)
  })

  it('takes orders 0.1.0 accepted with a locale or currency intake now refuses, and early interactions', async (t) => {
    const odd = legacy.orders.ready
    const tables = withDocument(odd, (document) => {
      document.clientPreferencesData.locale = 'pt_BR'
      document.storePreferencesData.currencyCode = 'usd'
    })
    // Logged by a process whose clock was behind: before the order's first event.
    const early = { ...tables.order_interactions?.[0], id: 'early', created_at: '2000-01-01T00:00:00.000Z' }
    tables.order_interactions = [...(tables.order_interactions ?? []), early]
    const test = await startTestApp(t, dialect, { before: (handle) => writeLegacy(handle, tables) })
    const erp = api(test, legacy.headers)
    const document = await erp.getOk(odd)
    assert.equal(document.storePreferencesData.currencyCode, 'usd')
    assert.equal(
      document.storePreferencesData.currencySymbol,
      'usd',
      'its own code where Intl knows no symbol',
    )
    assert.equal(document.storePreferencesData.currencyFormatInfo.CurrencyDecimalSeparator, ',')
    const timeline = (await erp.timeline(odd)).json<{ entries: { type: string; version?: number }[] }>()
    assert.deepEqual(
      timeline.entries.filter((e) => e.type === 'interaction').map((e) => e.version),
      [1, 3],
      'the early interaction goes with the first version, none is dropped',
    )
  })
})

if (DIALECTS.includes('sqlite')) {
  it('[sqlite] leaves a 0.1.0 database as it was when the conversion fails, and converts it once that is fixed', async () => {
    const database = await migratedDatabase('sqlite', {
      before: async (handle) => {
        const broken = withDocument(legacy.orders.half, (document) => {
          document.paymentData = null
        })
        await writeLegacy(handle, broken)
        await assert.rejects(migrateToLatest(handle))
        const db = handle.db as unknown as LooseDb
        const columns = await sql<{ name: string }>`select name from pragma_table_info('orders')`.execute(db)
        assert.ok(
          columns.rows.some((c) => c.name === 'state_json') &&
            !columns.rows.some((c) => c.name === 'order_json'),
          'the orders table is as 0.1.0 left it',
        )
        assert.ok(
          (await db.selectFrom('timers').selectAll().execute()).length > 0,
          'the timers are still there',
        )
        await db
          .updateTable('orders')
          .set({
            document: String(legacy.tables.orders?.find((r) => r.order_id === legacy.orders.half)?.document),
          })
          .where('order_id', '=', legacy.orders.half)
          .execute()
      },
    })
    try {
      const converted = await database.handle.db.selectFrom('orders').select(['order_json']).execute()
      assert.equal(converted.length, legacy.tables.orders?.length)
    } finally {
      await database.close()
    }
  })
}
