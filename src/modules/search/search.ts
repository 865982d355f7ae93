// What List orders knows of an order and how its query reads: the search row and list item of an order, the
// filters parsed from the query string, and the statistics of a filtered set. No I/O.
import { isOrderStatus, ORDER_STATUSES, WORKFLOW, type OrderStatus } from '../orders/order-status.ts'
import { customerName, orderValue, type Order } from '../orders/order.ts'

/** Bumped when the row or list item changes shape: start-up writes older rows again. */
export const SEARCH_VERSION = 1

/** VTEX answers at most 30 pages of List orders. */
export const MAX_PAGE = 30
const DEFAULT_PER_PAGE = 15
const MAX_PER_PAGE = 100

/** One entry of `list` in the reference's shape and casing (`marketPlaceOrderId`, `ShippingEstimatedDate`). */
export interface ListItem {
  orderId: string
  creationDate: string
  clientName: string
  items: null
  totalValue: number
  paymentNames: string
  status: string
  statusDescription: string
  marketPlaceOrderId: string | null
  sequence: string
  salesChannel: string
  affiliateId: string
  origin: string
  workflowInErrorState: boolean
  workflowInRetry: boolean
  lastMessageUnread: string | null
  ShippingEstimatedDate: string | null
  ShippingEstimatedDateMax: string | null
  ShippingEstimatedDateMin: string | null
  orderIsComplete: boolean
  listId: string | null
  listType: string | null
  authorizedDate: string | null
  callCenterOperatorName: string | null
  totalItems: number
  currencyCode: string
}

/** The search row of one order: the columns List orders filters, sorts and sums on, and its list item. */
export interface SearchRow {
  account: string
  order_id: string
  sequence: number
  creation_date: string
  status: string
  origin: string
  sales_channel: string
  /** '' when the order came from no affiliate. */
  affiliate_id: string
  seller_name: string
  /** First and last name, lower-cased: `q` matches any part of it. */
  client_name: string
  /** Lower-cased: `q` matches it whole, whatever its case. */
  client_email: string
  client_document: string
  /** Each payment system's name once, joined by ", " as the list item shows them. */
  payment_names: string
  total_value: number
  total_items: number
  currency_code: string
  authorized_date: string | null
  invoiced_date: string | null
  /** The list item's `ShippingEstimatedDate`: `f_shippingEstimate` and its facet. */
  shipping_estimated_date: string | null
  /** Whether a return (an `Input` invoice) was registered: `f_hasInputInvoice`. */
  has_input_invoice: number
  /** The List orders item, rendered when the order was saved. */
  list_item_json: string
  /** The renderer that wrote the row (SEARCH_VERSION): a newer one writes it again at start-up. */
  index_version: number
}

export function searchRowOf(order: Order): SearchRow {
  const clientName = customerName(order)
  const paymentNames = [...new Set(order.payment.payments.map((payment) => payment.paymentSystemName))].join(
    ', ',
  )
  const totalItems = order.items.reduce((sum, item) => sum + item.quantity, 0)
  const estimates = order.shipping.logistics.map((l) => l.shippingEstimateDate).filter(Boolean)
  const item: ListItem = {
    orderId: order.orderId,
    creationDate: order.creationDate,
    clientName,
    items: null,
    totalValue: orderValue(order),
    paymentNames,
    status: order.status,
    statusDescription: WORKFLOW[order.status].label,
    marketPlaceOrderId: order.marketplaceOrderId,
    sequence: String(order.sequence),
    salesChannel: order.salesChannel,
    affiliateId: order.affiliateId ?? '',
    origin: order.origin,
    workflowInErrorState: false,
    workflowInRetry: false,
    lastMessageUnread: null,
    // The latest of the items' estimates: when the whole order is expected.
    ShippingEstimatedDate: estimates.length > 0 ? estimates.reduce((a, b) => (a > b ? a : b)) : null,
    ShippingEstimatedDateMax: null,
    ShippingEstimatedDateMin: null,
    orderIsComplete: true,
    listId: null,
    listType: null,
    authorizedDate: order.authorizedDate,
    callCenterOperatorName: null,
    totalItems,
    currencyCode: order.store.currencyCode,
  }
  return {
    account: order.account,
    order_id: order.orderId,
    sequence: order.sequence,
    creation_date: order.creationDate,
    status: order.status,
    origin: order.origin,
    sales_channel: order.salesChannel,
    affiliate_id: order.affiliateId ?? '',
    seller_name: order.seller.name,
    client_name: clientName.toLowerCase(),
    client_email: order.client.email.toLowerCase(),
    client_document: order.client.document,
    payment_names: paymentNames,
    total_value: item.totalValue,
    total_items: totalItems,
    currency_code: item.currencyCode,
    authorized_date: order.authorizedDate,
    invoiced_date: order.invoicedDate,
    shipping_estimated_date: item.ShippingEstimatedDate,
    has_input_invoice: order.packages.some((p) => p.type === 'Input') ? 1 : 0,
    list_item_json: JSON.stringify(item),
    index_version: SEARCH_VERSION,
  }
}

/** `searchField`'s kinds: those of the reference Ordo stores, and those it does not (they match nothing). */
const SEARCH_FIELDS = ['sku_Ids', 'paymentId', 'tid', 'listId', 'pci_tid', 'nsu'] as const
type SearchField = (typeof SEARCH_FIELDS)[number]
const STORED_FIELDS: readonly SearchField[] = ['sku_Ids', 'paymentId', 'tid']

export interface SearchTerm {
  /** A searchField, or `paymentName` (f_paymentNames): one row per payment system's name. */
  kind: SearchField | 'paymentName'
  term: string
}

/** What `searchField` finds an order by: its SKUs, its payments' ids and their TIDs. */
export function searchTermsOf(order: Order): SearchTerm[] {
  const terms = [
    ...order.items.map((item) => ({ kind: 'sku_Ids' as const, term: item.id })),
    ...order.payment.payments.map((payment) => ({ kind: 'paymentId' as const, term: payment.id })),
    ...order.payment.payments.flatMap((payment) =>
      payment.tid ? [{ kind: 'tid' as const, term: payment.tid }] : [],
    ),
    ...order.payment.payments.map((payment) => ({
      kind: 'paymentName' as const,
      term: payment.paymentSystemName,
    })),
  ]
  const seen = new Set<string>()
  return terms.filter(({ kind, term }) => !seen.has(`${kind} ${term}`) && seen.add(`${kind} ${term}`))
}

/** An inclusive range of ISO-8601 instants; an open bound (`*`) is undefined. */
export interface DateRange {
  from?: string | undefined
  to?: string | undefined
  /** The end itself is outside (a day's range ends where the next begins). */
  toExclusive?: boolean | undefined
}

const ORDER_FIELDS = ['creationDate', 'orderId', 'items', 'totalValue', 'origin'] as const
export type OrderField = (typeof ORDER_FIELDS)[number]

/** What List orders was asked, every parameter checked. */
export interface ListQuery {
  statuses?: string[] | undefined
  /** Order id, client email or document (whole), or part of the client's name. */
  text?: string | undefined
  /** `searchField` and the value of the parameter it names, or `f_paymentNames`: terms the order has. */
  terms: SearchTerm[]
  /** The user-orders list: one customer's orders. */
  clientEmail?: string | undefined
  /** The user-orders `text`: an order id, or the customer's email, document or whole name, exactly. */
  exactText?: string | undefined
  creationDate?: DateRange | undefined
  authorizedDate?: DateRange | undefined
  invoicedDate?: DateRange | undefined
  salesChannel?: string | undefined
  affiliateId?: string | undefined
  sellerName?: string | undefined
  hasInputInvoice?: boolean | undefined
  /** `f_shippingEstimate`: when the whole order is expected, as a range of instants. */
  shippingEstimate?: DateRange | undefined
  /** Ordo's own: the `facets` of the VTEX guide (`facets=true`) instead of the empty list. */
  withFacets: boolean
  /**
   * A filter on what Ordo never stores (a UTM source, a call-center operator, rates and benefits, an inStore or
   * incomplete order) that asks for it to be there: no order can match.
   */
  matchesNothing: boolean
  orderBy: { field: OrderField; direction: 'asc' | 'desc' }
  page: number
  perPage: number
}

/** The raw query string, as Fastify parsed it (each value a string, or the last of repeated ones). */
export type RawListQuery = Partial<Record<string, string>>

/**
 * Checks every parameter of List orders; throws `invalid(message)` naming the first that is wrong. The
 * waiting-for-sellers-confirmation status the reference lists is waiting-for-authorization, the seller's
 * confirmation.
 */
export function parseListQuery(raw: RawListQuery, now: Date, invalid: (message: string) => Error): ListQuery {
  const text = raw.q?.trim()
  if (text?.includes('+')) {
    throw invalid('q must not contain "+": List orders\' full-text search does not accept it.')
  }
  const flag = (name: string) => flagOf(raw[name], name, invalid)
  const term = raw.searchField ? termOf(raw, raw.searchField, invalid) : undefined
  const stray = SEARCH_FIELDS.find((field) => raw[field] !== undefined && field !== term?.kind)
  if (stray) throw invalid(`${stray} is searched only with searchField=${stray}; it was given without it.`)
  const hasInputInvoice = flag('f_hasInputInvoice')
  const matchesNothing =
    Boolean(raw.f_UtmSource || raw.f_callCenterOperatorName || raw.f_RnB) ||
    (term !== undefined && !STORED_FIELDS.includes(term.kind as SearchField)) ||
    flag('f_isInstore') === true ||
    flag('incompleteOrders') === true
  return {
    statuses: intersect(
      raw.f_status ? statusesOf(raw.f_status, invalid) : undefined,
      raw.f_statusDescription ? statusesDescribed(raw.f_statusDescription, invalid) : undefined,
    ),
    text: text || undefined,
    creationDate: rangeOf(raw.f_creationDate, 'f_creationDate', 'creationDate', invalid),
    authorizedDate: rangeOf(raw.f_authorizedDate, 'f_authorizedDate', 'authorizedDate', invalid),
    invoicedDate: rangeOf(raw.f_invoicedDate, 'f_invoicedDate', 'invoicedDate', invalid),
    salesChannel: raw.salesChannelId || raw.f_salesChannel || undefined,
    affiliateId: raw.f_affiliateId || undefined,
    sellerName: raw.f_sellerNames || undefined,
    hasInputInvoice,
    terms: [
      ...(term ? [term] : []),
      ...(raw.f_paymentNames ? [{ kind: 'paymentName' as const, term: raw.f_paymentNames }] : []),
    ],
    shippingEstimate: raw.f_shippingEstimate
      ? estimateRange(estimateDays(raw.f_shippingEstimate, invalid), now)
      : undefined,
    withFacets: flag('facets') === true,
    matchesNothing,
    orderBy: orderByOf(raw.orderBy, invalid),
    ...pageOf(raw.page, raw.per_page, invalid),
  }
}

/** `page` (at most MAX_PAGE) and `per_page` (at most MAX_PER_PAGE), as List orders and user orders take them. */
function pageOf(
  page: string | undefined,
  perPage: string | undefined,
  invalid: (message: string) => Error,
): { page: number; perPage: number } {
  const number = (name: string, text: string | undefined, fallback: number, max: number, hint: string) => {
    if (text === undefined || text === '') return fallback
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      throw invalid(`${name} must be a whole number of 1 or more; it was "${text}".`)
    }
    if (Number(text) > max) throw invalid(`${name} must be ${max} or less; it was ${text}. ${hint}`)
    return Number(text)
  }
  return {
    page: number(
      'page',
      page,
      1,
      MAX_PAGE,
      `List orders returns at most ${MAX_PAGE} pages: narrow the filters, or follow the orders feed.`,
    ),
    perPage: number('per_page', perPage, DEFAULT_PER_PAGE, MAX_PER_PAGE, ''),
  }
}

/** A `true`/`false` parameter; undefined when left out or empty. */
function flagOf(value: string | undefined, name: string, invalid: (message: string) => Error) {
  if (value === undefined || value === '') return undefined
  if (value !== 'true' && value !== 'false')
    throw invalid(`${name} must be true or false; it was "${value}".`)
  return value === 'true'
}

/** `paging` as the reference has it, for `total` matching orders. */
export const pagingOf = (total: number, { page, perPage }: Pick<ListQuery, 'page' | 'perPage'>) => ({
  total,
  pages: Math.ceil(total / perPage),
  currentPage: page,
  perPage,
})

/** The name List orders' reference gives the status the workflow calls waiting-for-authorization. */
const SELLERS_CONFIRMATION = 'waiting-for-sellers-confirmation'

function statusesOf(list: string, invalid: (message: string) => Error, name = 'f_status'): string[] {
  const statuses = list
    .split(',')
    .map((status) => status.trim())
    .map((status) => (status === SELLERS_CONFIRMATION ? 'waiting-for-authorization' : status))
  for (const status of statuses) {
    if (!isOrderStatus(status)) throw invalid(`${name} has "${status}", which is not an order status.`)
  }
  return statuses
}

/** `searchField=sku_Ids&sku_Ids=1001`: the field, then the value in the parameter it names. */
function termOf(raw: RawListQuery, field: string, invalid: (message: string) => Error): SearchTerm {
  if (!SEARCH_FIELDS.includes(field as SearchField)) {
    throw invalid(`searchField must be one of ${SEARCH_FIELDS.join(', ')}; it was "${field}".`)
  }
  const term = raw[field]?.trim()
  if (!term) throw invalid(`searchField=${field} needs the value to search for in ${field}=…`)
  return { kind: field as SearchField, term }
}

const intersect = (a: string[] | undefined, b: string[] | undefined) =>
  a && b ? a.filter((status) => b.includes(status)) : (a ?? b)

/** `f_statusDescription`: the Portuguese labels the Admin shows (StatusDescription facet), comma-separated. */
function statusesDescribed(list: string, invalid: (message: string) => Error): string[] {
  return list.split(',').flatMap((text) => {
    const label = text.trim()
    const statuses = ORDER_STATUSES.filter((status) => WORKFLOW[status].label === label)
    if (statuses.length === 0) {
      throw invalid(`f_statusDescription has "${label}", which no order status is called.`)
    }
    return statuses
  })
}

const DAY_MS = 86_400_000
/** A hundred years: beyond it a date is out of what a Date holds, and no estimate is that far. */
const MAX_ESTIMATE_DAYS = 36_500
const startOfDay = (now: Date, days: number) =>
  new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + days * DAY_MS).toISOString()

/** The N of `f_shippingEstimate=N.days`. */
function estimateDays(text: string, invalid: (message: string) => Error): number {
  const match = /^(-?\d+)\.days$/.exec(text.trim())
  if (!match) {
    throw invalid(
      `f_shippingEstimate must be a number of days such as 7.days, 0.days or -1.days; it was "${text}".`,
    )
  }
  const days = Number(match[1])
  if (Math.abs(days) > MAX_ESTIMATE_DAYS) {
    throw invalid(`f_shippingEstimate must be within ${MAX_ESTIMATE_DAYS} days either way; it was "${text}".`)
  }
  return days
}

/**
 * When `N.days` expects the order (UTC days): a negative N is late (expected before now), 0 today, 1 tomorrow,
 * and a larger N the next N days from now.
 */
function estimateRange(days: number, now: Date): DateRange {
  const at = now.toISOString()
  if (days < 0) return { to: at, toExclusive: true }
  if (days <= 1) return { from: startOfDay(now, days), to: startOfDay(now, days + 1), toExclusive: true }
  return { from: at, to: new Date(now.getTime() + days * DAY_MS).toISOString() }
}

/** `creationDate:[2022-01-01T02:00:00.000Z TO 2022-01-02T01:59:59.999Z]`, `*` for an open bound. */
function rangeOf(
  value: string | undefined,
  name: string,
  field: string,
  invalid: (message: string) => Error,
): DateRange | undefined {
  if (value === undefined || value === '') return undefined
  const match = /^([A-Za-z]+):\[\s*(\S+)\s+TO\s+(\S+)\s*\]$/.exec(value)
  const wrong = () =>
    invalid(
      `${name} must look like ${field}:[2022-01-01T00:00:00.000Z TO 2022-01-31T23:59:59.999Z] (* for an open end); it was "${value}".`,
    )
  if (!match || match[1] !== field) throw wrong()
  const bound = (text: string | undefined) => {
    if (text === '*') return undefined
    const instant = instantOf(text ?? '')
    if (instant === undefined) throw wrong()
    return instant
  }
  return { from: bound(match[2]), to: bound(match[3]) }
}

/**
 * An ISO 8601 instant with its offset (`Z` or `±hh:mm`), as an ISO string in UTC; undefined for anything else:
 * without an offset it would be read in the server's time zone, and a day the month does not have (Feb 30)
 * would roll over into the next month.
 */
function instantOf(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text)
  if (!match) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day)
    return undefined
  const time = Date.parse(text)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}

function orderByOf(value: string | undefined, invalid: (message: string) => Error): ListQuery['orderBy'] {
  if (value === undefined || value === '') return { field: 'creationDate', direction: 'desc' }
  const [field, direction = 'asc', extra] = value.split(',').map((part) => part.trim())
  if (
    extra !== undefined ||
    !ORDER_FIELDS.includes(field as OrderField) ||
    !['asc', 'desc'].includes(direction)
  ) {
    throw invalid(
      `orderBy must be one of ${ORDER_FIELDS.join(', ')}, then ",asc" or ",desc"; it was "${value}".`,
    )
  }
  return { field: field as OrderField, direction: direction as 'asc' | 'desc' }
}

/** Solr's field statistics, which VTEX's `stats` returns: sample standard deviation, 0 below two values. */
interface FieldStats {
  Count: number
  Max: number
  Mean: number
  Min: number
  Missing: number
  StdDev: number
  Sum: number
  SumOfSquares: number
}

export interface Sums {
  count: number
  min: number
  max: number
  sum: number
  sumOfSquares: number
}

export function fieldStats({ count, min, max, sum, sumOfSquares }: Sums): FieldStats {
  const variance = count > 1 ? (count * sumOfSquares - sum * sum) / (count * (count - 1)) : 0
  return {
    Count: count,
    Max: count > 0 ? max : 0,
    Mean: count > 0 ? sum / count : 0,
    Min: count > 0 ? min : 0,
    Missing: 0,
    StdDev: Math.sqrt(Math.max(variance, 0)),
    Sum: sum,
    SumOfSquares: sumOfSquares,
  }
}

/** Adds up the sums of several groups (each origin and currency) into the sums of them all. */
export function combine(groups: readonly Sums[]): Sums {
  return groups.reduce<Sums>(
    (all, group) =>
      group.count === 0
        ? all
        : {
            count: all.count + group.count,
            min: all.count === 0 ? group.min : Math.min(all.min, group.min),
            max: all.count === 0 ? group.max : Math.max(all.max, group.max),
            sum: all.sum + group.sum,
            sumOfSquares: all.sumOfSquares + group.sumOfSquares,
          },
    { count: 0, min: 0, max: 0, sum: 0, sumOfSquares: 0 },
  )
}

/** The sums of one origin and currency of the matching orders, or of a part of them. */
export interface GroupSums {
  origin: string
  currency: string
  value: Sums
  items: Sums
}

/** Which extremes of a part are known only as bounds: the one left is beyond it, by how much unknown. */
interface Bounded {
  value: { min: boolean; max: boolean }
  items: { min: boolean; max: boolean }
}

export type SumsPart = GroupSums & { bounded?: Bounded }

/** What a trimmed day takes from its counters of each of its orders outside the range. */
export type Outside = Pick<Counted, 'status' | 'origin' | 'currency_code' | 'total_value' | 'total_items'>

/**
 * A trimmed day's sums, each of its buckets less its orders `outside` the range. Sums and counts subtract; an
 * extreme stays unless those orders held all of the bucket's orders at it (its holder count), and is then only a
 * bound for what is left.
 */
export function trimmedBuckets(buckets: readonly StatsRow[], outside: readonly Outside[]): SumsPart[] {
  return buckets.flatMap((bucket) => {
    const out = outside.filter(
      (row) =>
        row.status === bucket.status &&
        row.origin === bucket.origin &&
        row.currency_code === bucket.currency_code,
    )
    const count = bucket.orders - out.length
    if (count <= 0) return []
    const field = (column: 'total_value' | 'total_items', prefix: 'value' | 'items') => {
      const values = out.map((row) => row[column])
      const min = bucket[`${prefix}_min`] ?? 0
      const max = bucket[`${prefix}_max`] ?? 0
      const held = (at: number) => values.filter((value) => value === at).length
      return {
        sums: {
          count,
          min,
          max,
          sum: bucket[`${prefix}_sum`] - values.reduce((sum, value) => sum + value, 0),
          sumOfSquares: bucket[`${prefix}_squares`] - values.reduce((sum, value) => sum + value * value, 0),
        },
        bounded: {
          min: held(min) >= bucket[`${prefix}_min_n`],
          max: held(max) >= bucket[`${prefix}_max_n`],
        },
      }
    }
    const value = field('total_value', 'value')
    const items = field('total_items', 'items')
    return [
      {
        origin: bucket.origin,
        currency: bucket.currency_code,
        value: value.sums,
        items: items.sums,
        bounded: { value: value.bounded, items: items.bounded },
      },
    ]
  })
}

/**
 * The parts' sums per origin and currency; `decided` is false where an extreme known only as a bound could be its
 * group's (no part known for certain is at or beyond it), and the groups' extremes are then not to be trusted.
 */
export function sumsOfParts(parts: readonly SumsPart[]): { groups: GroupSums[]; decided: boolean } {
  const byGroup = new Map<string, SumsPart[]>()
  for (const part of parts) {
    const key = JSON.stringify([part.origin, part.currency])
    const group = byGroup.get(key)
    if (group) group.push(part)
    else byGroup.set(key, [part])
  }
  let decided = true
  const groups = [...byGroup.values()].flatMap((group) => {
    const [first] = group
    if (!first) return []
    const field = (name: 'value' | 'items'): Sums => {
      const counted = group.filter((part) => part[name].count > 0)
      const all = combine(counted.map((part) => part[name]))
      const end = (which: 'min' | 'max', pick: (values: number[]) => number): number => {
        const certain = counted
          .filter((part) => !part.bounded?.[name][which])
          .map((part) => part[name][which])
        const bounds = counted.filter((part) => part.bounded?.[name][which]).map((part) => part[name][which])
        if (bounds.length > 0 && (certain.length === 0 || pick([...certain, ...bounds]) !== pick(certain))) {
          decided = false
        }
        return certain.length > 0 ? pick(certain) : all[which]
      }
      return {
        ...all,
        min: end('min', (values) => Math.min(...values)),
        max: end('max', (values) => Math.max(...values)),
      }
    }
    return [{ origin: first.origin, currency: first.currency, value: field('value'), items: field('items') }]
  })
  return { groups, decided }
}

/** Counts to take away from others (sumFacetCounts adds them): a trimmed day's orders outside the range. */
export function negated(counts: FacetCounts): FacetCounts {
  const less = (values: FacetCounts['statuses']) =>
    values.map(({ value, count }) => ({ value, count: -count }))
  return {
    salesChannels: less(counts.salesChannels),
    sellers: less(counts.sellers),
    paymentNames: less(counts.paymentNames),
    statuses: less(counts.statuses),
    buckets: counts.buckets.map((count) => -count),
  }
}

/** What the statistics count of an order: the columns of its search row they read. */
export type Counted = Pick<
  SearchRow,
  | 'account'
  | 'creation_date'
  | 'status'
  | 'origin'
  | 'currency_code'
  | 'total_value'
  | 'total_items'
  | ValueFacet
  | DateFacetColumn
>

/** Where an order is counted: its creation day (UTC), or '' for all days, its status, origin and currency. */
export type StatsKey = Pick<StatsRow, 'account' | 'day' | 'status' | 'origin' | 'currency_code'>

/**
 * The counters of one creation day ('' for all days), status, origin and currency: what List orders' `stats`
 * and `paging.total` add up without reading the orders (order_search_stats). Extremes are null in a bucket
 * whose orders have all left it.
 */
export interface StatsRow {
  account: string
  day: string
  status: string
  origin: string
  currency_code: string
  orders: number
  value_sum: number
  value_squares: number
  items_sum: number
  items_squares: number
  value_min: number | null
  value_max: number | null
  items_min: number | null
  items_max: number | null
  /** How many of the bucket's orders are at each extreme: it is found again only when the last one leaves. */
  value_min_n: number
  value_max_n: number
  items_min_n: number
  items_max_n: number
}

/** The extremes a bucket keeps: its column, the column of how many orders are at it, and whose it is. */
export const EXTREMES = [
  { column: 'value_min', holders: 'value_min_n', of: 'total_value', fn: 'min' },
  { column: 'value_max', holders: 'value_max_n', of: 'total_value', fn: 'max' },
  { column: 'items_min', holders: 'items_min_n', of: 'total_items', fn: 'min' },
  { column: 'items_max', holders: 'items_max_n', of: 'total_items', fn: 'max' },
] as const

/** An order that left a bucket, whose extremes must be found again if it held one. */
export interface Departure {
  key: StatsKey
  value: number
  items: number
}

const keysOf = (row: Counted): StatsKey[] =>
  [row.creation_date.slice(0, 10), ''].map((day) => ({
    account: row.account,
    day,
    status: row.status,
    origin: row.origin,
    currency_code: row.currency_code,
  }))

const COUNTED_COLUMNS = [
  'status',
  'origin',
  'currency_code',
  'creation_date',
  'total_value',
  'total_items',
] as const

/**
 * What saving orders changes in the counters, from each order's row before (none for a new order) and after:
 * one change per bucket, to add to it, and the departures whose buckets' extremes may need finding again —
 * each day's before all days', which are found from the days.
 */
export function statsChanges(saved: readonly { before: Counted | undefined; after: Counted }[]): {
  changes: StatsRow[]
  departures: Departure[]
} {
  const changes = new Map<string, StatsRow>()
  const departures: Departure[] = []
  const add = (row: Counted, sign: 1 | -1) => {
    for (const key of keysOf(row)) {
      const id = JSON.stringify(key)
      // Written out: spreading the key into a literal this size took V8 some 50 µs each time.
      const change = changes.get(id) ?? {
        account: key.account,
        day: key.day,
        status: key.status,
        origin: key.origin,
        currency_code: key.currency_code,
        orders: 0,
        value_sum: 0,
        value_squares: 0,
        items_sum: 0,
        items_squares: 0,
        value_min: null,
        value_max: null,
        items_min: null,
        items_max: null,
        value_min_n: 0,
        value_max_n: 0,
        items_min_n: 0,
        items_max_n: 0,
      }
      const { total_value: value, total_items: items } = row
      change.orders += sign
      change.value_sum += sign * value
      change.value_squares += sign * value * value
      change.items_sum += sign * items
      change.items_squares += sign * items * items
      if (sign === 1) {
        for (const { column, holders, of, fn } of EXTREMES) {
          const at = of === 'total_value' ? value : items
          const held = change[column]
          const beyond = held === null || (fn === 'min' ? at < held : at > held)
          if (beyond) change[column] = at
          if (beyond || at === held) change[holders] = (beyond ? 0 : change[holders]) + 1
        }
      } else {
        departures.push({ key, value, items })
      }
      changes.set(id, change)
    }
  }
  for (const { before, after } of saved) {
    if (before && COUNTED_COLUMNS.every((column) => before[column] === after[column])) continue
    if (before) add(before, -1)
    add(after, 1)
  }
  return {
    // Sorted, so that writers on PostgreSQL lock the buckets in one order.
    changes: [...changes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, change]) => change),
    departures: departures.sort((a, b) => (a.key.day === '' ? 1 : 0) - (b.key.day === '' ? 1 : 0)),
  }
}

/** The facets counted per value (the status facet is the statistics'). */
export const VALUE_FACETS = ['sales_channel', 'seller_name', 'payment_names'] as const
export type ValueFacet = (typeof VALUE_FACETS)[number]

/** The dates whose facets count rolling ranges: counted per UTC day and per UTC hour. */
const DATE_FACETS = ['creation_date', 'authorized_date', 'shipping_estimated_date'] as const
export type DateFacetColumn = (typeof DATE_FACETS)[number]

export const dayFacet = (column: DateFacetColumn) => `${column} day`
export const hourFacet = (column: DateFacetColumn) => `${column} hour`

/**
 * How many of an account's orders of one status ('' for every status) and creation day (UTC; '' for all days)
 * have `value` in `facet` (order_search_facets): a value of a value facet, or the day (`2026-03-02`) or hour
 * (`2026-03-02T12`) of a date facet. By status and day as the statistics' buckets are, so that whatever query
 * the statistics' counters answer, these answer its facets; every status's, so that a query on no status
 * reads one status's rows rather than all of them.
 */
export interface FacetCounterRow {
  account: string
  status: string
  day: string
  facet: string
  value: string
  orders: number
}

/**
 * What saving orders adds to the facet counters, from each order's row before (none for a new order) and
 * after; counters it leaves as they were are not there. Sorted, so that writers on PostgreSQL lock them in one
 * order.
 */
export function facetChanges(
  saved: readonly { before: Counted | undefined; after: Counted }[],
): FacetCounterRow[] {
  const changes = new Map<string, FacetCounterRow>()
  const add = (row: Counted, sign: 1 | -1) => {
    const { account, status } = row
    const counts: [string, string][] = VALUE_FACETS.map((facet) => [facet, row[facet]])
    for (const column of DATE_FACETS) {
      const at = row[column]
      if (at === null) continue
      counts.push([dayFacet(column), at.slice(0, 10)], [hourFacet(column), at.slice(0, 13)])
    }
    for (const counted of [status, '']) {
      for (const day of [row.creation_date.slice(0, 10), '']) {
        for (const [facet, value] of counts) {
          const id = `${account}\n${facet}\n${counted}\n${day}\n${value}`
          const change = changes.get(id) ?? { account, status: counted, day, facet, value, orders: 0 }
          change.orders += sign
          changes.set(id, change)
        }
      }
    }
  }
  for (const { before, after } of saved) {
    if (before) add(before, -1)
    add(after, 1)
  }
  return [...changes]
    .filter(([, change]) => change.orders !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, change]) => change)
}

/** What the facets count, as the repository reads it. */
export interface FacetCounts {
  salesChannels: { value: string; count: number }[]
  sellers: { value: string; count: number }[]
  /** Each distinct `payment_names` (names joined by ", ") with its count. */
  paymentNames: { value: string; count: number }[]
  statuses: { value: string; count: number }[]
  /** In the order of `bucketsAt`. */
  buckets: number[]
}

/** The counts of orders counted apart, as one: the days the counters answer and the hours read from the orders. */
export function sumFacetCounts(parts: readonly FacetCounts[]): FacetCounts {
  const values = (pick: (part: FacetCounts) => FacetCounts['statuses']) => {
    const counts = new Map<string, number>()
    for (const { value, count } of parts.flatMap(pick)) counts.set(value, (counts.get(value) ?? 0) + count)
    return [...counts].filter(([, count]) => count > 0).map(([value, count]) => ({ value, count }))
  }
  return {
    salesChannels: values((part) => part.salesChannels),
    sellers: values((part) => part.sellers),
    paymentNames: values((part) => part.paymentNames),
    statuses: values((part) => part.statuses),
    buckets: (parts[0]?.buckets ?? []).map((_, index) =>
      parts.reduce((sum, part) => sum + (part.buckets[index] ?? 0), 0),
    ),
  }
}

/** A part of a UTC day, up to an instant: the hours before the instant's, counted, and the orders of its own hour. */
export interface DayPart {
  day: string
  /** Hour counters from `${day}T00` up to this one, excluded. */
  hour: string
  /** The orders of [hourStart, at) are read. */
  hourStart: string
  at: string
}

const HOUR_MS = 3_600_000

function dayPartOf(time: number): DayPart {
  const hourStart = new Date(Math.floor(time / HOUR_MS) * HOUR_MS).toISOString()
  return {
    day: hourStart.slice(0, 10),
    hour: hourStart.slice(0, 13),
    hourStart,
    at: new Date(time).toISOString(),
  }
}

/**
 * How the facet counters count the orders whose date is in a range, reading no more than an hour of orders at
 * each end: the whole UTC days from `days.from` to `days.to` (excluded; open where the range is), plus the part
 * of the day of the end that comes before it (`upToEnd`), less that of the day of the start (`upToStart`).
 */
export interface CountedRange {
  days: { from?: string; to?: string }
  upToEnd?: DayPart
  upToStart?: DayPart
}

/** `range` as the facet counters count it (CountedRange); undefined when it holds no instant. */
export function countedRangeOf(range: DateRange): CountedRange | undefined {
  const { start, end } = instantsOf(range)
  if (start !== undefined && end !== undefined && end <= start) return undefined
  const upToStart = start === undefined ? undefined : dayPartOf(start)
  const upToEnd = end === undefined ? undefined : dayPartOf(end)
  return {
    days: {
      ...(upToStart ? { from: upToStart.day } : {}),
      ...(upToEnd ? { to: upToEnd.day } : {}),
    },
    ...(upToEnd ? { upToEnd } : {}),
    ...(upToStart ? { upToStart } : {}),
  }
}

/** A range's ends in milliseconds, the end exclusive: instants are kept to the millisecond. */
function instantsOf(range: DateRange): { start?: number; end?: number } {
  return {
    ...(range.from === undefined ? {} : { start: Date.parse(range.from) }),
    ...(range.to === undefined ? {} : { end: Date.parse(range.to) + (range.toExclusive ? 0 : 1) }),
  }
}

/**
 * An end of a creation-date range that takes most of a UTC day (a day in Brazil's offset takes 21 hours of one):
 * counted as the whole day's counters less the orders of the rest of it (`outside`), which are fewer than those
 * of the part taken (`inside`).
 */
export interface TrimmedDay {
  day: string
  inside: DateRange
  outside: DateRange
}

/** How the counters answer a List orders query (countedOf). */
export interface CountedQuery {
  /** Whole UTC days, `to` excluded, answered by their counters. */
  days: { from?: string; to?: string } | 'all' | 'none'
  /** Parts of days read from the orders. */
  partial: DateRange[]
  trimmed: TrimmedDay[]
}

/**
 * How the counters answer a List orders query, or undefined when it filters on anything but status and creation
 * date: whole UTC days from the days' buckets (all days' when the range is open at both ends); the hours of a
 * range that starts or ends inside a day from the orders themselves, or, where it takes most of the day, from
 * the day's buckets less the orders of the other hours.
 */
export function countedOf(query: ListQuery): CountedQuery | undefined {
  // Named, so that a filter added to ListQuery later is one the counters refuse until they are taught it.
  const { statuses, creationDate, terms, matchesNothing, withFacets, orderBy, page, perPage, ...filters } =
    query
  if (
    matchesNothing ||
    statuses?.length === 0 ||
    terms.length > 0 ||
    Object.values(filters).some((value) => value !== undefined)
  ) {
    return undefined
  }
  const range = creationDate
  if (!range || (range.from === undefined && range.to === undefined)) {
    return { days: 'all', partial: [], trimmed: [] }
  }
  const { start, end } = instantsOf(range)
  const firstDay = start === undefined ? undefined : Math.ceil(start / DAY_MS) * DAY_MS
  const endDay = end === undefined ? undefined : Math.floor(end / DAY_MS) * DAY_MS
  if (firstDay !== undefined && endDay !== undefined && firstDay >= endDay) {
    return { days: 'none', partial: [{ ...range }], trimmed: [] }
  }
  const iso = (time: number) => new Date(time).toISOString()
  const partial: DateRange[] = []
  const trimmed: TrimmedDay[] = []
  // [from, to) of the day that begins at dayStart, of which it holds one end.
  const piece = (from: number, to: number, dayStart: number) => {
    const inside = { from: iso(from), to: iso(to), toExclusive: true }
    if (to - from <= DAY_MS / 2) return partial.push(inside)
    const outside =
      from === dayStart
        ? { from: iso(to), to: iso(dayStart + DAY_MS) }
        : { from: iso(dayStart), to: iso(from) }
    trimmed.push({ day: iso(dayStart).slice(0, 10), inside, outside: { ...outside, toExclusive: true } })
  }
  if (start !== undefined && firstDay !== undefined && start < firstDay)
    piece(start, firstDay, firstDay - DAY_MS)
  if (end !== undefined && endDay !== undefined && endDay < end) piece(endDay, end, endDay)
  return {
    days: {
      ...(firstDay === undefined ? {} : { from: iso(firstDay).slice(0, 10) }),
      ...(endDay === undefined ? {} : { to: iso(endDay).slice(0, 10) }),
    },
    partial,
    trimmed,
  }
}

/** The days whose facet counters a query reads: its whole days and its trimmed ones, which border them. */
export function countedDaysOf({ days, trimmed }: CountedQuery): CountedQuery['days'] {
  if (typeof days === 'string' || trimmed.length === 0) return days
  const next = (day: string) => new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10)
  const firsts = trimmed.map(({ day }) => day)
  const ends = trimmed.map(({ day }) => next(day))
  return {
    ...(days.from === undefined ? {} : { from: [days.from, ...firsts].sort()[0] }),
    ...(days.to === undefined ? {} : { to: [days.to, ...ends].sort().at(-1) }),
  }
}

/** The longest range GET /api/ordo/pvt/orders/stats/hourly answers: a quarter and a couple of days. */
export const MAX_HOURLY_DAYS = 93

/** An hourly-counts query, checked: its ends as UTC ISO strings, and the first and last UTC hour it covers. */
export interface HourlyQuery {
  from: string
  to: string
  /** Labels as the hour counters hold them (`2026-03-02T12`), both included; undefined: no hour begins in the range. */
  hours: { first: string; last: string } | undefined
}

/**
 * Checks `from` and `to` of the hourly counts; throws `invalid(message)` naming the first that is wrong. The
 * counters count whole UTC hours, so the range takes the hours that begin in [from, to): ranges that follow one
 * another (the days of a time zone an odd half hour off UTC) share no hour.
 */
export function parseHourlyQuery(
  raw: { from: string; to: string },
  invalid: (message: string) => Error,
): HourlyQuery {
  const instant = (name: 'from' | 'to') => {
    const value = instantOf(raw[name])
    if (value === undefined) {
      throw invalid(
        `${name} must be an ISO 8601 instant with its offset, such as 2026-03-02T00:00:00.000Z or 2026-03-01T21:00:00-03:00; it was "${raw[name]}".`,
      )
    }
    return value
  }
  const from = instant('from')
  const to = instant('to')
  const [start, end] = [Date.parse(from), Date.parse(to)]
  if (end <= start) throw invalid(`to must be after from; from was ${from} and to ${to}.`)
  if (end - start > MAX_HOURLY_DAYS * DAY_MS) {
    throw invalid(
      `to must be at most ${MAX_HOURLY_DAYS} days after from; it was ${((end - start) / DAY_MS).toFixed(2)} days after.`,
    )
  }
  const first = Math.ceil(start / HOUR_MS) * HOUR_MS
  // The last hour that begins before `to`, found from the last millisecond in the range: no label past year 9999.
  const last = Math.floor((end - 1) / HOUR_MS) * HOUR_MS
  const label = (time: number) => new Date(time).toISOString().slice(0, 13)
  return { from, to, hours: first <= last ? { first: label(first), last: label(last) } : undefined }
}

/** One facet of the VTEX guide's List orders: counts of the matching orders by one field, and the filter for each. */
interface Facet {
  name: string
  type: 'multiple' | 'single' | 'date'
  items: { name: string; quantity: number; url: string }[]
  rangeUrlTemplate: string
}

/** A bucket counted over a date column: `url` is the value of `rangeUrlTemplate` that lists its orders. */
export interface Bucket {
  facet: string
  name: string
  url: string
  column: DateFacetColumn
  range: DateRange
}

/** The date facets' buckets as the guide has them: days ending now, and the shipping estimate's. */
export function bucketsAt(now: Date): Bucket[] {
  const at = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString()
  const dated = (facet: string, column: 'creation_date' | 'authorized_date'): Bucket[] =>
    (
      [
        ['Ontem', 2, 1],
        ['Hoje', 1, 0],
        ['Últimos 7 dias', 7, 0],
        ['Últimos 15 dias', 15, 0],
        ['Últimos 30 dias', 30, 0],
      ] as const
    ).map(([name, from, to]) => ({
      facet,
      name,
      url: `${facet}:[${at(from)} TO ${at(to)}]`,
      column,
      range: { from: at(from), to: at(to) },
    }))
  return [
    ...(
      [
        ['Atrasadas', -1],
        ['Hoje', 0],
        ['Amanhã', 1],
        ['Próximos 7 dias', 7],
      ] as const
    ).map(([name, days]) => ({
      facet: 'ShippingEstimatedDate',
      name,
      url: `${days}.days`,
      column: 'shipping_estimated_date' as const,
      range: estimateRange(days, now),
    })),
    ...dated('creationDate', 'creation_date'),
    ...dated('authorizedDate', 'authorized_date'),
  ]
}

const multiple = (name: string, template: string, counts: Map<string, number>): Facet => ({
  name,
  type: 'multiple',
  items: [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([value, quantity]) => ({ name: value, quantity, url: value })),
  rangeUrlTemplate: template,
})

const tally = (entries: readonly { value: string; count: number }[], keysOf: (value: string) => string[]) => {
  const counts = new Map<string, number>()
  for (const { value, count } of entries) {
    for (const key of keysOf(value)) counts.set(key, (counts.get(key) ?? 0) + count)
  }
  return counts
}

/**
 * The guide's facets, in its order. Those on what Ordo never stores (call-center operator, UTM source, rates
 * and benefits) are there with no items.
 */
export function facetsOf(counts: FacetCounts, buckets: readonly Bucket[]): Facet[] {
  const one = (value: string) => [value]
  const bucketFacet = (name: string, type: Facet['type'], template: string): Facet => ({
    name,
    type,
    items: buckets.flatMap((bucket, index) =>
      bucket.facet === name
        ? [{ name: bucket.name, quantity: counts.buckets[index] ?? 0, url: bucket.url }]
        : [],
    ),
    rangeUrlTemplate: template,
  })
  return [
    multiple('SalesChannelName', 'f_salesChannel', tally(counts.salesChannels, one)),
    multiple('CallCenterOperatorName', 'f_callCenterOperatorName', new Map()),
    multiple('SellerNames', 'f_sellerNames', tally(counts.sellers, one)),
    multiple('UtmSource', 'f_UtmSource', new Map()),
    multiple('RateAndBenefits', 'f_RnB', new Map()),
    multiple(
      'PaymentNames',
      'f_paymentNames',
      tally(counts.paymentNames, (names) => (names ? names.split(', ') : [])),
    ),
    multiple(
      'StatusDescription',
      'f_statusDescription',
      tally(counts.statuses, (status) => [WORKFLOW[status as OrderStatus]?.label ?? status]),
    ),
    bucketFacet('ShippingEstimatedDate', 'single', 'f_shippingEstimate'),
    bucketFacet('creationDate', 'date', 'f_creationDate'),
    bucketFacet('authorizedDate', 'date', 'f_authorizedDate'),
  ]
}

/** The user-orders query string: `status` and `purchase_agent_id` may repeat. */
export type RawUserOrdersQuery = Partial<Record<string, string | string[]>>

/**
 * Checks the parameters of the user-orders list (`GET /api/oms/user/orders`) for the customer `email`. The B2B
 * Buyer Portal's `text` matches an order id, or the customer's email, document or whole name exactly; Ordo keeps
 * no purchase agents nor approvals, so asking for them matches nothing.
 */
export function parseUserOrdersQuery(
  raw: RawUserOrdersQuery,
  email: string,
  invalid: (message: string) => Error,
): ListQuery {
  const one = (name: string) => {
    const value = raw[name]
    if (Array.isArray(value)) throw invalid(`${name} may be given once; it was given ${value.length} times.`)
    return value
  }
  const statuses = [raw.status ?? []].flat().flatMap((value) => statusesOf(value, invalid, 'status'))
  const created = one('creation_date')
  const text = one('text')?.trim()
  return {
    clientEmail: email.toLowerCase(),
    exactText: text || undefined,
    statuses: statuses.length > 0 ? statuses : undefined,
    // The reference shows the range with and without its field: both are taken.
    creationDate: rangeOf(
      created && !created.startsWith('creationDate:') ? `creationDate:${created}` : created,
      'creation_date',
      'creationDate',
      invalid,
    ),
    terms: [],
    withFacets: false,
    matchesNothing:
      [raw.purchase_agent_id ?? []].flat().some(Boolean) ||
      flagOf(one('my_pending_approvals'), 'my_pending_approvals', invalid) === true,
    orderBy: { field: 'creationDate', direction: 'desc' },
    ...pageOf(one('page'), one('per_page'), invalid),
  }
}
