// The orders list: List orders' own query string is the page's URL, so a view can be bookmarked and shared, and
// the page shows exactly what List orders answers for it. Live: every order event refreshes the page in place.
import { useCallback, useEffect, useState } from 'preact/hooks'
import { Messages } from '../components/fields.tsx'
import { Link, useLocation, useSearch } from 'wouter-preact'
import { ApiError, formText, get, prefetch } from '../api.ts'
import { StatusChart } from '../components/status-chart.tsx'
import { addDays, dateTime, localDay, money, startOfLocalDay } from '../format.ts'
import { statusLabel, t, type Word } from '../i18n.ts'
import { useLatest } from '../latest.ts'
import { useOrderEvents } from '../live.ts'
import { ORDER_STATUSES, WORKFLOW } from '../../../src/modules/orders/order-status.ts'
import { MAX_PAGE } from '../../../src/modules/search/search.ts'

interface ListItem {
  orderId: string
  creationDate: string
  clientName: string | null
  totalValue: number
  totalItems: number
  currencyCode: string | null
  status: string
  paymentNames: string | null
  salesChannel: string | null
}

interface Facet {
  name: string
  items: { name: string; quantity: number; url: string }[]
}

interface ListResponse {
  list: ListItem[]
  facets: Facet[]
  paging: { total: number; pages: number; currentPage: number; perPage: number }
  stats: { stats: { totalValue: { Sum: number }; totalItems: { Sum: number } } }
}

const SORTS: { value: string; label: Word }[] = [
  { value: 'creationDate,desc', label: 'newest' },
  { value: 'creationDate,asc', label: 'oldest' },
  { value: 'totalValue,desc', label: 'highestValue' },
  { value: 'totalValue,asc', label: 'lowestValue' },
]

/** The filter bar's values, from and to List orders' `f_creationDate=creationDate:[from TO to]`. */
function dateRangeOf(value: string | null): { from: string; to: string } {
  const match = /^creationDate:\[(\S+) TO (\S+)\]$/.exec(value ?? '')
  const local = (iso: string | undefined) => (iso && iso !== '*' ? localDay(new Date(iso)) : '')
  return { from: local(match?.[1]), to: local(match?.[2]) }
}

function creationRange(from: string, to: string): string | undefined {
  if (!from && !to) return undefined
  const start = from ? startOfLocalDay(from).toISOString() : '*'
  // The end day is included whole: up to the last millisecond before the next local day starts.
  const end = to ? new Date(addDays(startOfLocalDay(to), 1).getTime() - 1).toISOString() : '*'
  return `creationDate:[${start} TO ${end}]`
}

/** What List orders is asked for the page's query: its own parameters, and the facets the filters show. */
function listPath(search: string): string {
  const query = new URLSearchParams(search)
  query.set('facets', 'true')
  return `/api/oms/pvt/orders?${query.toString()}`
}

// A first visit to the list asks for it as the script starts, beside the session check, rather than after the
// session has answered and the page has rendered: on a 2-core machine that wait was a sixth of the time to a
// usable list (BENCHMARKS.md, the admin list's first visit).
if (location.pathname === '/admin/orders') prefetch(listPath(location.search))

export function OrdersPage() {
  const search = useSearch()
  const [, navigate] = useLocation()
  const params = new URLSearchParams(search)
  const [data, setData] = useState<ListResponse | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [refreshes, setRefreshes] = useState(0)
  const [changed, setChanged] = useState(0)

  const latest = useLatest()
  const load = useCallback(async () => {
    const ticket = latest.next()
    try {
      const answer = await get<ListResponse>(listPath(search))
      if (!ticket.isLatest()) return
      setData(answer)
      setError(null)
    } catch (caught) {
      if (ticket.isLatest()) setError(caught instanceof ApiError ? caught.message : String(caught))
    }
  }, [search, latest])

  useEffect(() => {
    void load()
  }, [load, refreshes])

  const connected = useOrderEvents({}, (events) => {
    setChanged(events.length)
    setRefreshes((n) => n + 1)
  })

  /** A new view: the changed parameters, on page 1. */
  const go = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search)
    next.delete('page')
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(name)
      else next.set(name, value)
    }
    const text = next.toString()
    navigate(text ? `/orders?${text}` : '/orders')
  }

  const range = dateRangeOf(params.get('f_creationDate'))
  const statuses = params.get('f_status') ?? ''
  const currency = data?.list[0]?.currencyCode ?? 'BRL'
  const page = data?.paging.currentPage ?? Number(params.get('page') ?? 1)
  const lastPage = Math.min(data?.paging.pages ?? 1, MAX_PAGE)

  function applyFilters(event: SubmitEvent) {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const text = (name: string) => formText(form, name) || undefined
    go({
      q: text('q'),
      f_status: text('f_status'),
      f_creationDate: creationRange(text('from') ?? '', text('to') ?? ''),
      f_paymentNames: text('f_paymentNames'),
      f_salesChannel: text('f_salesChannel'),
      f_sellerNames: text('f_sellerNames'),
    })
  }

  // Selects show the URL's choice through their options' `selected`: Preact has no defaultValue for a select.
  const facet = (name: string) => data?.facets.find((f) => f.name === name)?.items ?? []
  const options = (name: string, param: string) => {
    const current = params.get(param) ?? ''
    const items = facet(name)
    return (
      <>
        <option value="">{t('any')}</option>
        {current && !items.some((item) => item.url === current) && (
          <option value={current} selected>
            {current}
          </option>
        )}
        {items.map((item) => (
          <option key={item.url} value={item.url} selected={item.url === current}>
            {item.name} ({item.quantity})
          </option>
        ))}
      </>
    )
  }

  return (
    <section class="orders">
      <div class="heading">
        <h1>{t('orders')}</h1>
        <span class={connected ? 'live on' : 'live'} role="status">
          {connected ? t('live') : t('offline')}
          {connected && changed > 0 && (
            <span class="visually-hidden">
              {' '}
              · {changed} {t('newOrders')}
            </span>
          )}
        </span>
      </div>

      <form class="filters" onSubmit={applyFilters} key={search}>
        <label class="wide">
          {t('search')}
          <input name="q" type="search" defaultValue={params.get('q') ?? ''} placeholder={t('searchHint')} />
        </label>
        <div class="field">
          <label for="f_status">{t('status')}</label>
          <select id="f_status" name="f_status">
            <option value="">{t('allStatuses')}</option>
            {statuses && !ORDER_STATUSES.includes(statuses as never) && (
              <option value={statuses} selected>
                {statuses}
              </option>
            )}
            {ORDER_STATUSES.map((status) => (
              <option key={status} value={status} selected={status === statuses}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </div>
        <label>
          {t('createdFrom')}
          <input name="from" type="date" defaultValue={range.from} />
        </label>
        <label>
          {t('createdTo')}
          <input name="to" type="date" defaultValue={range.to} />
        </label>
        <div class="field">
          <label for="f_paymentNames">{t('payment')}</label>
          <select id="f_paymentNames" name="f_paymentNames">
            {options('PaymentNames', 'f_paymentNames')}
          </select>
        </div>
        <div class="field">
          <label for="f_salesChannel">{t('salesChannel')}</label>
          <select id="f_salesChannel" name="f_salesChannel">
            {options('SalesChannelName', 'f_salesChannel')}
          </select>
        </div>
        <div class="field">
          <label for="f_sellerNames">{t('seller')}</label>
          <select id="f_sellerNames" name="f_sellerNames">
            {options('SellerNames', 'f_sellerNames')}
          </select>
        </div>
        <div class="buttons">
          <button type="submit">{t('apply')}</button>
          <button type="button" class="secondary" onClick={() => navigate('/orders')}>
            {t('clear')}
          </button>
        </div>
      </form>

      <StatusFacet
        items={facet('StatusDescription')}
        selected={statuses}
        onPick={(status) => go({ f_status: status })}
      />

      <Messages error={error} />

      <div class="summary">
        <p>
          <strong>{data?.paging.total ?? '…'}</strong> {t('ordersFound')} · {t('totalValue')}:{' '}
          <strong>{data ? money(data.stats.stats.totalValue.Sum, currency) : '…'}</strong>
        </p>
        <div class="field inline">
          <label for="order-by">{t('sortBy')}</label>
          <select
            id="order-by"
            value={params.get('orderBy') ?? 'creationDate,desc'}
            onChange={(event) => go({ orderBy: event.currentTarget.value })}
          >
            {SORTS.map((sort) => (
              <option key={sort.value} value={sort.value}>
                {t(sort.label)}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div class="table-scroll">
        <table class="list" aria-busy={data === null}>
          <caption class="visually-hidden">{t('orders')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('order')}</th>
              <th scope="col">{t('date')}</th>
              <th scope="col">{t('customer')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('payment')}</th>
              <th scope="col" class="number">
                {t('items')}
              </th>
              <th scope="col" class="number">
                {t('total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.list.map((order) => (
              <tr key={order.orderId} data-order-id={order.orderId}>
                <td>
                  <Link href={`/orders/${encodeURIComponent(order.orderId)}`}>{order.orderId}</Link>
                </td>
                <td>{dateTime(order.creationDate)}</td>
                <td>{order.clientName ?? '–'}</td>
                <td>
                  <span class={`status status-${order.status}`}>{statusLabel(order.status)}</span>
                </td>
                <td>{order.paymentNames ?? '–'}</td>
                <td class="number">{order.totalItems}</td>
                <td class="number">{money(order.totalValue, order.currencyCode ?? currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.list.length === 0 && <p class="empty">{t('noOrders')}</p>}
      </div>

      <nav class="pager" aria-label={t('page')}>
        <button type="button" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })}>
          {t('previous')}
        </button>
        <span>
          {t('page')} {page} {t('of')} {lastPage}
        </span>
        <button type="button" disabled={page >= lastPage} onClick={() => go({ page: String(page + 1) })}>
          {t('next')}
        </button>
      </nav>

      <StatusChart range={range} refreshes={refreshes} />
    </section>
  )
}

/** The status facet as buttons: the count of each status among the filtered orders; picking one filters by it. */
function StatusFacet(props: {
  items: { name: string; quantity: number }[]
  selected: string
  onPick: (status: string | undefined) => void
}) {
  if (props.items.length === 0) return null
  // The facet names statuses by their Portuguese label (VTEX's StatusDescription): back to the statuses.
  const statusesOf = (label: string) => ORDER_STATUSES.filter((status) => WORKFLOW[status].label === label)
  return (
    <ul class="facet" aria-label={t('statusCounts')}>
      {props.items.map((item) => {
        const statuses = statusesOf(item.name).join(',')
        const pressed = statuses !== '' && statuses === props.selected
        return (
          <li key={item.name}>
            <button
              type="button"
              aria-pressed={pressed}
              onClick={() => props.onPick(pressed ? undefined : statuses || undefined)}
            >
              {statuses ? statusLabel(statusesOf(item.name)[0] ?? item.name) : item.name}{' '}
              <span class="count">{item.quantity}</span>
            </button>
          </li>
        )
      })}
    </ul>
  )
}
