// The order core: each order stored as its typed record (order_json) beside the rendered document; an event for
// every kind of change, read in commit order; interactions become events; customer messages are derived from
// events; grace-period timers become jobs. Existing orders are converted in place. The conversion is written
// out here, not imported, so this migration means the same thing whatever the code becomes later; the
// documents themselves are rendered again at start-up (refreshStaleDocuments), because render_version is 0.
import { sql, type Generated, type Kysely } from 'kysely'

/** The shapes 0001's code stored, as far as the conversion reads them. */
interface LegacyPayment {
  id: string
  paymentSystem: string
  paymentSystemName: string
  group: string
  value: number
  installments: number
  tid: string
  dueDate: string | null
}

interface LegacyAddress {
  addressId: string
  addressType: string
  receiverName: string
  postalCode: string
  city: string
  state: string
  country: string
  street: string
  number: string
  neighborhood: string
  complement: string
  reference: string | null
  geoCoordinates: number[]
}

interface LegacyDocument {
  orderId: string
  orderGroup: string
  sequence: string
  status: string
  creationDate: string
  lastChange: string
  authorizedDate: string | null
  invoicedDate: string | null
  marketplaceOrderId: string
  marketplaceServicesEndpoint: string
  origin: string
  affiliateId: string
  salesChannel: string
  followUpEmail: string
  sellers: { id: string; name: string }[]
  totals: { id: string; value: number }[]
  items: (Record<string, unknown> & { ean: string | null })[]
  clientProfileData: Record<string, unknown>
  clientPreferencesData: { locale: string; optinNewsLetter: boolean }
  storePreferencesData: {
    countryCode: string
    currencyCode: string
    currencySymbol: string
    timeZone: string
  }
  shippingData: {
    address: LegacyAddress
    logisticsInfo: (Record<string, unknown> & { selectedDeliveryChannel: string })[]
  }
  paymentData: { transactions: { transactionId: string; merchantName: string; payments: LegacyPayment[] }[] }
  openTextField: Record<string, string> | null
  cancellationData: {
    RequestedByUser: boolean | null
    RequestedBySystem: boolean | null
    RequestedBySellerNotification: boolean | null
    RequestedByPaymentNotification: boolean | null
    Reason: string | null
    CancellationDate: string | null
  } | null
  cancellationRequests: unknown[] | null
  packageAttachment: { packages: unknown[] } | null
}

interface LegacyState {
  domain: string
  lastTransitionAt: string | null
  payments: {
    paymentId: string
    value: number
    status: string
    approvedAt: string | null
    closedAt: string | null
  }[]
  cancellationRequest: { id: string; resumeTo: string } | null
  graceEndsAt: string | null
}

const pick = <K extends string>(source: Record<string, unknown>, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, source[k]])) as Record<K, unknown>

/** The typed order of 0003 (minus account and version, which are columns) from a 0001 document and state. */
export function convertLegacyOrder(doc: LegacyDocument, state: LegacyState): Record<string, unknown> {
  const transaction = doc.paymentData.transactions[0]
  const ledger = new Map(state.payments.map((p) => [p.paymentId, p]))
  const total = (id: string) => doc.totals.find((t) => t.id === id)?.value ?? 0
  const seller = doc.sellers[0] ?? { id: '1', name: '1' }
  const cancellation = doc.cancellationData
  return {
    orderId: doc.orderId,
    orderGroup: doc.orderGroup,
    sequence: Number(doc.sequence),
    status: doc.status,
    workflow: {
      domain: state.domain,
      instances: { [state.domain]: doc.status },
      lastTransitionAt: state.lastTransitionAt,
      deadline:
        doc.status === 'window-to-cancel' && state.graceEndsAt
          ? { trigger: 'end-grace-period', dueAt: state.graceEndsAt }
          : null,
    },
    creationDate: doc.creationDate,
    lastChange: doc.lastChange,
    authorizedDate: doc.authorizedDate,
    invoicedDate: doc.invoicedDate,
    marketplaceOrderId: doc.marketplaceOrderId || null,
    marketplaceServicesEndpoint: doc.marketplaceServicesEndpoint || null,
    origin: doc.origin,
    affiliateId: doc.affiliateId || null,
    salesChannel: doc.salesChannel,
    followUpEmail: doc.followUpEmail || null,
    seller: { id: seller.id, name: seller.name },
    items: doc.items.map((item) =>
      pick(item, [
        'uniqueId',
        'id',
        'productId',
        'name',
        'quantity',
        'price',
        'listPrice',
        'sellingPrice',
        'tax',
        'refId',
        'ean',
        'imageUrl',
        'detailUrl',
        'measurementUnit',
        'unitMultiplier',
        'isGift',
      ]),
    ),
    totals: {
      items: total('Items'),
      discounts: total('Discounts'),
      shipping: total('Shipping'),
      tax: total('Tax'),
    },
    client: pick(doc.clientProfileData, [
      'email',
      'firstName',
      'lastName',
      'documentType',
      'document',
      'phone',
      'isCorporate',
      'corporateName',
      'tradeName',
      'corporateDocument',
      'stateInscription',
      'corporatePhone',
    ]),
    clientPreferences: doc.clientPreferencesData,
    store: doc.storePreferencesData && {
      countryCode: doc.storePreferencesData.countryCode,
      currencyCode: doc.storePreferencesData.currencyCode,
      // 0.1.0 wrote R$ whatever the currency; only a symbol that differs from that default was the store's choice.
      currencySymbol:
        doc.storePreferencesData.currencyCode !== 'BRL' && doc.storePreferencesData.currencySymbol === 'R$'
          ? null
          : doc.storePreferencesData.currencySymbol,
      timeZone: doc.storePreferencesData.timeZone,
    },
    shipping: {
      address: pick(doc.shippingData.address as unknown as Record<string, unknown>, [
        'addressId',
        'addressType',
        'receiverName',
        'postalCode',
        'city',
        'state',
        'country',
        'street',
        'number',
        'neighborhood',
        'complement',
        'reference',
        'geoCoordinates',
      ]),
      logistics: doc.shippingData.logisticsInfo.map((l) => ({
        ...pick(l, [
          'itemIndex',
          'selectedSla',
          'lockTTL',
          'price',
          'listPrice',
          'sellingPrice',
          'deliveryCompany',
          'shippingEstimate',
          'shippingEstimateDate',
        ]),
        deliveryChannel: l.selectedDeliveryChannel,
      })),
    },
    // 0001 gave each order a transaction of its own, so each payment was wholly this order's.
    payment: {
      transactionId: transaction?.transactionId ?? '',
      merchantName: transaction?.merchantName ?? '',
      payments: (transaction?.payments ?? []).map((p) => ({
        id: p.id,
        paymentSystem: p.paymentSystem,
        paymentSystemName: p.paymentSystemName,
        group: p.group,
        value: p.value,
        share: p.value,
        installments: p.installments,
        tid: p.tid,
        dueDate: p.dueDate,
        approvedAt: ledger.get(p.id)?.approvedAt ?? null,
      })),
      entries: state.payments
        .flatMap((p) => [
          ...(p.approvedAt
            ? [{ type: 'approval', paymentId: p.paymentId, value: p.value, date: p.approvedAt }]
            : []),
          ...(p.closedAt
            ? [
                {
                  type: p.status === 'refunded' ? 'refund' : 'void',
                  paymentId: p.paymentId,
                  value: p.value,
                  date: p.closedAt,
                },
              ]
            : []),
        ])
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    },
    openTextField: doc.openTextField,
    cancellation: cancellation && {
      reason: cancellation.Reason,
      requestedByUser: cancellation.RequestedByUser ?? false,
      requestedBySystem: cancellation.RequestedBySystem ?? false,
      requestedBySellerNotification: cancellation.RequestedBySellerNotification ?? false,
      requestedByPaymentNotification: cancellation.RequestedByPaymentNotification ?? false,
      date: cancellation.CancellationDate ?? doc.lastChange,
      requestId: null,
    },
    cancellationRequests: doc.cancellationRequests ?? [],
    pendingCancellation: state.cancellationRequest && {
      requestId: state.cancellationRequest.id,
      resume: { [state.domain]: state.cancellationRequest.resumeTo },
    },
    packages: doc.packageAttachment?.packages ?? [],
  }
}

export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  // Kysely runs SQLite migrations outside a transaction (PostgreSQL's inside one); this one rewrites rows, so a
  // failure half-way must leave the 0.1.0 database as it was, ready to try again.
  if (dialect === 'sqlite') await db.transaction().execute((trx) => convert(trx, dialect))
  else await convert(db, dialect)
}

const BATCH = 500

async function convert(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const orders = db.withTables<{
    orders: {
      account: string
      order_id: string
      document: string
      state_json: string
      order_json: string | null
    }
  }>()
  await db.schema.alterTable('orders').addColumn('order_json', 'text').execute()
  await db.schema
    .alterTable('orders')
    .addColumn('render_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  // A batch at a time, so a large database is not read into memory at once.
  for (;;) {
    const legacy = await orders
      .selectFrom('orders')
      .select(['account', 'order_id', 'document', 'state_json'])
      .where('order_json', 'is', null)
      .limit(BATCH)
      .execute()
    for (const row of legacy) {
      const converted = convertLegacyOrder(
        JSON.parse(row.document) as LegacyDocument,
        JSON.parse(row.state_json) as LegacyState,
      )
      await orders
        .updateTable('orders')
        .set({ order_json: JSON.stringify(converted) })
        .where('account', '=', row.account)
        .where('order_id', '=', row.order_id)
        .execute()
    }
    if (legacy.length < BATCH) break
  }
  await db.schema.alterTable('orders').dropColumn('state_json').execute()
  if (dialect === 'postgres') {
    await db.schema
      .alterTable('orders')
      .alterColumn('order_json', (c) => c.setNotNull())
      .execute()
  }

  await db.schema
    .alterTable('order_events')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('transition'))
    .execute()
  await db.schema
    .alterTable('order_events')
    .addColumn('data_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute()
  await db.schema.alterTable('order_events').addColumn('origin_account', 'text').execute()
  await db.schema
    .alterTable('order_events')
    .addColumn('tx_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  const events = db.withTables<{
    order_events: {
      id: Generated<number>
      account: string
      order_id: string
      order_version: number
      kind: string
      domain: string
      state: string
      last_state: string | null
      last_change: string | null
      current_change: string
      data_json: string
      origin_account: string | null
      origin_key: string | null
      created_at: string
    }
    order_interactions: {
      account: string
      order_id: string
      source: string
      message: string
      actor: string | null
      created_at: string
    }
  }>()
  await events
    .updateTable('order_events')
    .set((eb) => ({
      origin_account: eb.ref('account'),
      origin_key: eb.fn.coalesce('origin_key', sql.lit('system')),
    }))
    .execute()
  if (dialect === 'postgres') {
    // Every later event carries the id of the transaction that wrote it, plus an offset that only grows when
    // the database moves to a server whose transaction ids are behind (a restored dump); see readEventStream.
    await sql`create table order_stream_offsets (tx_offset bigint not null)`.execute(db)
    await sql`create function ordo_stream_tx() returns bigint language sql volatile as $$
      select pg_current_xact_id()::text::bigint + coalesce((select max(tx_offset) from order_stream_offsets), 0)
    $$`.execute(db)
    await sql`alter table order_events alter column tx_id set default ordo_stream_tx()`.execute(db)
    await sql`alter table order_events alter column origin_account set not null`.execute(db)
    await sql`alter table order_events alter column origin_key set not null`.execute(db)
  }
  await db.schema.createIndex('order_events_stream_idx').on('order_events').columns(['tx_id', 'id']).execute()

  // An interaction is an event now, in the version of the order it was logged against.
  const interactions = await events
    .selectFrom('order_interactions')
    .selectAll()
    .orderBy('created_at')
    .execute()
  for (const interaction of interactions) {
    const ofOrder = events
      .selectFrom('order_events')
      .select(['order_version', 'domain', 'state'])
      .where('account', '=', interaction.account)
      .where('order_id', '=', interaction.order_id)
      .where('kind', '=', 'transition')
      .limit(1)
    // The version it was logged against; one that seems older than the order (clocks of two processes that
    // disagreed) goes with the first.
    const before =
      (await ofOrder
        .where('current_change', '<=', interaction.created_at)
        .orderBy('id', 'desc')
        .executeTakeFirst()) ?? (await ofOrder.orderBy('id').executeTakeFirst())
    if (!before) continue
    await events
      .insertInto('order_events')
      .values({
        account: interaction.account,
        order_id: interaction.order_id,
        order_version: before.order_version,
        kind: 'interaction',
        domain: before.domain,
        state: before.state,
        last_state: before.state,
        last_change: null,
        current_change: interaction.created_at,
        data_json: JSON.stringify({ source: interaction.source, message: interaction.message }),
        origin_account: interaction.account,
        origin_key: interaction.actor ?? 'system',
        created_at: interaction.created_at,
      })
      .execute()
  }

  // A grace period still running wakes its order through the job queue.
  const queue = db.withTables<{
    timers: {
      id: string
      account: string
      order_id: string
      due_at: string
      fired_at: string | null
      created_at: string
    }
    jobs: {
      id: string
      kind: string
      payload_json: string
      status: string
      due_at: string
      attempts: number
      max_attempts: number
      created_at: string
    }
  }>()
  const pending = await queue.selectFrom('timers').selectAll().where('fired_at', 'is', null).execute()
  for (const timer of pending) {
    await queue
      .insertInto('jobs')
      .values({
        id: timer.id,
        kind: 'order-timeout',
        payload_json: JSON.stringify({ account: timer.account, orderId: timer.order_id }),
        status: 'pending',
        due_at: timer.due_at,
        attempts: 0,
        max_attempts: 10,
        created_at: timer.created_at,
      })
      .execute()
  }

  await db.schema.dropTable('timers').execute()
  await db.schema.dropTable('order_interactions').execute()
  // Customer messages are composed from the event log (conversation module); the stored copies are redundant.
  await db.schema.dropTable('order_messages').execute()
}
