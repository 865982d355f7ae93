// List orders on the wire: the query string it accepts and the reference's `ListOrders` response; and Ordo's
// hourly counts.
import { Type, type Static } from 'typebox'
import { StrictQuery } from '../../platform/http-schemas.ts'
import { Nullable } from '../orders/order.schemas.ts'

const Text = Type.String({ maxLength: 500 })

/** Every parameter of the reference, as text: search.ts parses and checks each, naming the one that is wrong. */
export const ListOrdersQuerySchema = Type.Object({
  orderBy: Type.Optional(Text),
  page: Type.Optional(Text),
  per_page: Type.Optional(Text),
  f_hasInputInvoice: Type.Optional(Text),
  q: Type.Optional(Text),
  f_shippingEstimate: Type.Optional(Text),
  f_invoicedDate: Type.Optional(Text),
  f_creationDate: Type.Optional(Text),
  f_authorizedDate: Type.Optional(Text),
  f_UtmSource: Type.Optional(Text),
  f_sellerNames: Type.Optional(Text),
  f_callCenterOperatorName: Type.Optional(Text),
  f_salesChannel: Type.Optional(Text),
  salesChannelId: Type.Optional(Text),
  f_affiliateId: Type.Optional(Text),
  f_status: Type.Optional(Text),
  incompleteOrders: Type.Optional(Text),
  f_paymentNames: Type.Optional(Text),
  f_RnB: Type.Optional(Text),
  searchField: Type.Optional(Text),
  f_isInstore: Type.Optional(Text),
  f_statusDescription: Type.Optional(Text),
  facets: Type.Optional(Text),
  // The parameter searchField names holds the value searched for.
  sku_Ids: Type.Optional(Text),
  paymentId: Type.Optional(Text),
  tid: Type.Optional(Text),
  listId: Type.Optional(Text),
  pci_tid: Type.Optional(Text),
  nsu: Type.Optional(Text),
})

const ListItemSchema = Type.Object({
  orderId: Type.String(),
  creationDate: Type.String(),
  clientName: Type.String(),
  items: Type.Null(),
  totalValue: Type.Integer(),
  paymentNames: Type.String(),
  status: Type.String(),
  statusDescription: Type.String(),
  marketPlaceOrderId: Nullable(Type.String()),
  sequence: Type.String(),
  salesChannel: Type.String(),
  affiliateId: Type.String(),
  origin: Type.String(),
  workflowInErrorState: Type.Boolean(),
  workflowInRetry: Type.Boolean(),
  lastMessageUnread: Nullable(Type.String()),
  ShippingEstimatedDate: Nullable(Type.String()),
  ShippingEstimatedDateMax: Nullable(Type.String()),
  ShippingEstimatedDateMin: Nullable(Type.String()),
  orderIsComplete: Type.Boolean(),
  listId: Nullable(Type.String()),
  listType: Nullable(Type.String()),
  authorizedDate: Nullable(Type.String()),
  callCenterOperatorName: Nullable(Type.String()),
  totalItems: Type.Integer(),
  currencyCode: Type.String(),
})

const FieldStatsProperties = {
  Count: Type.Integer(),
  Max: Type.Number(),
  Mean: Type.Number(),
  Min: Type.Number(),
  Missing: Type.Integer(),
  StdDev: Type.Number(),
  Sum: Type.Number(),
  SumOfSquares: Type.Number(),
}

const FacetStatsSchema = Type.Object({ ...FieldStatsProperties, Facets: Type.Null() })

/** A statistic over the whole set, then per origin and per currency code (keyed by their values). */
const StatsSchema = Type.Object({
  ...FieldStatsProperties,
  Facets: Type.Object({
    origin: Type.Record(Type.String(), FacetStatsSchema),
    currencyCode: Type.Record(Type.String(), FacetStatsSchema),
  }),
})
export type StatsDocument = Static<typeof StatsSchema>

/** As the VTEX guide (seeds/002) shows them; the reference's schema, which says strings, has only `[]` to show. */
const FacetSchema = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('multiple'), Type.Literal('single'), Type.Literal('date')]),
  items: Type.Array(Type.Object({ name: Type.String(), quantity: Type.Integer(), url: Type.String() })),
  rangeUrlTemplate: Type.String(),
})

export const ListOrdersSchema = Type.Object({
  list: Type.Array(ListItemSchema),
  facets: Type.Array(FacetSchema),
  paging: Type.Object({
    total: Type.Integer(),
    pages: Type.Integer(),
    currentPage: Type.Integer(),
    perPage: Type.Integer(),
  }),
  stats: Type.Object({ stats: Type.Object({ totalValue: StatsSchema, totalItems: StatsSchema }) }),
})
export type ListOrdersDocument = Static<typeof ListOrdersSchema>

const Repeatable = Type.Union([Text, Type.Array(Text, { maxItems: 50 })])

export const UserOrdersQuerySchema = Type.Object({
  clientEmail: Type.Optional(Repeatable),
  page: Type.Optional(Repeatable),
  per_page: Type.Optional(Repeatable),
  text: Type.Optional(Repeatable),
  status: Type.Optional(Repeatable),
  creation_date: Type.Optional(Repeatable),
  purchase_agent_id: Type.Optional(Repeatable),
  my_pending_approvals: Type.Optional(Repeatable),
})

const ZeroStatsSchema = Type.Object({
  ...FieldStatsProperties,
  Facets: Type.Object({}),
})

/** The reference's `Userorderslist`: List orders' items, and statistics VTEX leaves at zero. */
export const UserOrdersSchema = Type.Object({
  list: Type.Array(ListItemSchema),
  facets: Type.Array(Type.String()),
  paging: ListOrdersSchema.properties.paging,
  stats: Type.Object({ stats: Type.Object({ totalValue: ZeroStatsSchema, totalItems: ZeroStatsSchema }) }),
})
export type UserOrdersDocument = Static<typeof UserOrdersSchema>

export const ExportQuerySchema = Type.Object({
  ...ListOrdersQuerySchema.properties,
  format: Type.Optional(Type.Union([Type.Literal('jsonl'), Type.Literal('csv')])),
})

/** Ordo's hourly counts: both ends required, as text; search.ts checks them, naming the one that is wrong. */
export const HourlyQuerySchema = StrictQuery({
  from: Type.String({ maxLength: 100, description: 'ISO 8601 instant with its offset; included.' }),
  to: Type.String({ maxLength: 100, description: 'ISO 8601 instant with its offset; excluded.' }),
})

export const HourlyOrdersSchema = Type.Object({
  from: Type.String({ description: 'As asked, in UTC.' }),
  to: Type.String({ description: 'As asked, in UTC.' }),
  hours: Type.Array(
    Type.Object({
      hour: Type.String({ description: 'The UTC hour, as 2026-03-02T12.' }),
      status: Type.String(),
      orders: Type.Integer(),
    }),
    { description: 'By hour, then status; an hour and status with no order is left out.' },
  ),
})
export type HourlyOrdersDocument = Static<typeof HourlyOrdersSchema>
