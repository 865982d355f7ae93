// One order as a merchant reads it, with the actions its status and the signed-in role allow. Each action is the
// API call an integration would make; when the API refuses, its message is shown as it is.
import type { ComponentChildren } from 'preact'
import { useCallback, useEffect, useState } from 'preact/hooks'
import { Link } from 'wouter-preact'
import { ApiError, call, can, get } from '../api.ts'
import { dateTime, money } from '../format.ts'
import { statusLabel, t } from '../i18n.ts'
import { Messages, TextField } from '../components/fields.tsx'
import { useLatest } from '../latest.ts'
import { useOrderEvents } from '../live.ts'
import { session } from '../session.ts'
import { allowsCancellation, type OrderStatus } from '../../../src/modules/orders/order-status.ts'

interface Item {
  id: string
  name: string
  quantity: number
  sellingPrice: number
  price: number
  imageUrl: string | null
}

interface Package {
  type: 'Output' | 'Input'
  invoiceNumber: string
  invoiceValue: number
  issuanceDate: string
  items: { itemIndex: number; quantity: number; price: number }[]
  courier: string | null
  trackingNumber: string | null
  trackingUrl: string | null
  courierStatus: {
    status: string | null
    finished: boolean
    data: { description: string; createDate: string }[]
  } | null
}

interface Payment {
  id: string
  paymentSystemName: string
  group: string
  value: number
  installments: number | null
}

interface Order {
  orderId: string
  status: OrderStatus
  creationDate: string
  value: number
  items: Item[]
  totals: { id: string; name: string; value: number }[]
  clientProfileData: {
    firstName: string | null
    lastName: string | null
    email: string | null
    document: string | null
    phone: string | null
  } | null
  shippingData: {
    address: {
      street: string | null
      number: string | null
      city: string | null
      state: string | null
      postalCode: string | null
      country: string | null
    } | null
    logisticsInfo: { itemIndex: number; selectedSla: string | null; shippingEstimateDate: string | null }[]
  } | null
  paymentData: { transactions: { payments: Payment[] }[] }
  packageAttachment: { packages: Package[] }
  cancellationRequests:
    { id: string; reason: string | null; deniedBySeller: boolean; cancellationRequestDate: string }[] | null
  storePreferencesData: { currencyCode: string }
}

interface TimelineEntry {
  type: string
  date: string
  by?: string
  state?: string
  lastState?: string | null
  [field: string]: unknown
}

/** The payment transaction: each payment's status as this order's share stands, and its ledger. */
interface PaymentTransaction {
  status: string
  payments: { id: string; status: string }[]
  events: { type: string; paymentId: string; value: number; date?: string }[]
}

interface Timeline {
  entries: TimelineEntry[]
}

export function OrderPage(props: { orderId: string }) {
  const path = `/api/oms/pvt/orders/${encodeURIComponent(props.orderId)}`
  const [order, setOrder] = useState<Order | null>(null)
  const [timeline, setTimeline] = useState<Timeline | null>(null)
  const [transaction, setTransaction] = useState<PaymentTransaction | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const latest = useLatest()
  const load = useCallback(async () => {
    const ticket = latest.next()
    try {
      const [next, entries, payments] = await Promise.all([
        get<Order>(path),
        get<Timeline>(`/api/ordo/pvt/orders/${encodeURIComponent(props.orderId)}/timeline`),
        get<PaymentTransaction>(`${path}/payment-transaction`),
      ])
      if (!ticket.isLatest()) return
      setOrder(next)
      setTimeline(entries)
      setTransaction(payments)
    } catch (caught) {
      if (ticket.isLatest()) setError(caught instanceof ApiError ? caught.message : String(caught))
    }
  }, [path, props.orderId, latest])

  useEffect(() => {
    void load()
  }, [load])
  useOrderEvents({ orderId: props.orderId }, () => void load())

  /** Runs an action; on success the order is read again, on refusal the API's message is shown. */
  const act = async (method: string, actionPath: string, body?: unknown) => {
    setBusy(true)
    setError(null)
    setNotice(null)
    try {
      await call(method, actionPath, body)
      setNotice(t('done'))
      await load()
      return true
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught))
      return false
    } finally {
      setBusy(false)
    }
  }

  const messages = <Messages error={error} notice={notice} />

  if (!order) {
    return (
      <section>
        <p>
          <Link href="/orders">← {t('back')}</Link>
        </p>
        {messages}
        {!error && <p class="loading">{t('loading')}</p>}
      </section>
    )
  }

  const currency = order.storePreferencesData.currencyCode
  const client = order.clientProfileData
  const address = order.shippingData?.address
  const payments = order.paymentData.transactions.flatMap((transaction) => transaction.payments)
  const packages = order.packageAttachment.packages
  const refunds = transaction?.events.filter((event) => event.type === 'refund') ?? []

  return (
    <section class="order">
      <p>
        <Link href="/orders">← {t('back')}</Link>
      </p>
      <div class="heading">
        <h1>
          {t('order')} {order.orderId}
        </h1>
        <span class={`status status-${order.status}`} data-testid="order-status">
          {statusLabel(order.status)}
        </span>
      </div>
      <p class="meta">
        {dateTime(order.creationDate)} · {t('total')} <strong>{money(order.value, currency)}</strong>
      </p>
      {messages}

      <Actions order={order} busy={busy} act={act} />

      <div class="columns">
        <Card title={t('customer')}>
          <p>
            {[client?.firstName, client?.lastName].filter(Boolean).join(' ') || '–'}
            <br />
            {client?.email}
            <br />
            {client?.document} {client?.phone}
          </p>
        </Card>
        <Card title={t('shipping')}>
          <p>
            {address ? [address.street, address.number].filter(Boolean).join(', ') : '–'}
            <br />
            {address &&
              [address.postalCode, address.city, address.state, address.country].filter(Boolean).join(' ')}
          </p>
          {order.shippingData?.logisticsInfo[0] && (
            <p>
              {order.shippingData.logisticsInfo[0].selectedSla} · {t('estimate')}{' '}
              {dateTime(order.shippingData.logisticsInfo[0].shippingEstimateDate)}
            </p>
          )}
        </Card>
        <Card title={t('payments')}>
          <ul class="plain">
            {payments.map((payment) => (
              <li key={payment.id}>
                {payment.paymentSystemName} ({payment.group}) · {money(payment.value, currency)}
                {payment.installments && payment.installments > 1 ? ` · ${payment.installments}x` : ''}
                {' · '}
                <span class="muted">
                  {t('status')}: {transaction?.payments.find((p) => p.id === payment.id)?.status ?? '…'}
                </span>
              </li>
            ))}
          </ul>
          {refunds.length > 0 && (
            <>
              <h3>{t('refunds')}</h3>
              <ul class="plain">
                {refunds.map((refund, index) => (
                  <li key={index}>
                    {t('refunded')} {money(refund.value, currency)} ·{' '}
                    {payments.find((p) => p.id === refund.paymentId)?.paymentSystemName ?? refund.paymentId}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
      </div>

      <Card title={t('items')}>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('product')}</th>
                <th scope="col" class="number">
                  {t('quantity')}
                </th>
                <th scope="col" class="number">
                  {t('price')}
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item, index) => (
                <tr key={`${item.id}-${index}`}>
                  <td>
                    {item.name} <span class="muted">SKU {item.id}</span>
                  </td>
                  <td class="number">{item.quantity}</td>
                  <td class="number">{money(item.sellingPrice, currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              {order.totals.map((total) => (
                <tr key={total.id}>
                  <th scope="row" colSpan={2}>
                    {total.name}
                  </th>
                  <td class="number">{money(total.value, currency)}</td>
                </tr>
              ))}
            </tfoot>
          </table>
        </div>
      </Card>

      <Card title={t('invoices')}>
        {packages.length === 0 && <p>{t('noInvoices')}</p>}
        {packages.map((pkg) => (
          <article class="package" key={`${pkg.type}-${pkg.invoiceNumber}`} data-invoice={pkg.invoiceNumber}>
            <h3>
              {pkg.type === 'Input' ? t('returnInvoice') : t('invoice')} {pkg.invoiceNumber} ·{' '}
              {money(pkg.invoiceValue, currency)}
            </h3>
            <p>
              {dateTime(pkg.issuanceDate)} ·{' '}
              {pkg.items
                .map((i) => `${i.quantity} × ${order.items[i.itemIndex]?.name ?? i.itemIndex}`)
                .join(', ')}
            </p>
            {pkg.trackingNumber && (
              <p>
                {t('tracking')}: {pkg.courier} ·{' '}
                {isWebAddress(pkg.trackingUrl) ? (
                  <a href={pkg.trackingUrl} rel="noreferrer noopener" target="_blank">
                    {pkg.trackingNumber}
                  </a>
                ) : (
                  pkg.trackingNumber
                )}
              </p>
            )}
            {pkg.courierStatus && pkg.courierStatus.data.length > 0 && (
              <ol class="tracking-events">
                {pkg.courierStatus.data.map((event) => (
                  <li key={event.createDate + event.description}>
                    {dateTime(event.createDate)} · {event.description}
                  </li>
                ))}
              </ol>
            )}
            {pkg.type === 'Output' && session.value && can(session.value, 'Notify invoice') && (
              <TrackingForm orderId={order.orderId} pkg={pkg} busy={busy} act={act} />
            )}
          </article>
        ))}
      </Card>

      <Card title={t('timeline')}>
        <ol class="timeline">
          {timeline?.entries.map((entry, index) => (
            <li key={index}>
              <time dateTime={entry.date}>{dateTime(entry.date)}</time> <strong>{describe(entry)}</strong>
              {entry.by && (
                <span class="muted">
                  {' '}
                  {t('by')} {entry.by}
                </span>
              )}
            </li>
          ))}
        </ol>
      </Card>

      <details class="raw">
        <summary>{t('rawJson')}</summary>
        <pre tabIndex={0}>{JSON.stringify(order, null, 2)}</pre>
      </details>
    </section>
  )
}

/**
 * Only http and https addresses become links: the tracking URL is text an integration (an external seller)
 * sent, and a `javascript:` one must not run in the merchant's session.
 */
function isWebAddress(text: string | null): text is string {
  if (!text) return false
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol)
  } catch {
    return false
  }
}

/** A timeline entry in a few words: the status it reached, or what happened. */
function describe(entry: TimelineEntry): string {
  const field = (name: string) =>
    typeof entry[name] === 'string' || typeof entry[name] === 'number' ? String(entry[name]) : ''
  switch (entry.type) {
    case 'transition':
      return `${entry.lastState ? `${statusLabel(entry.lastState)} → ` : ''}${statusLabel(entry.state ?? '')}`
    case 'invoice':
      return `${field('invoiceType') === 'Input' ? t('returnInvoice') : t('invoice')} ${field('invoiceNumber')} (${field('action')})`
    case 'tracking':
      return `${t('tracking')} ${field('invoiceNumber')}: ${field('courier')} ${field('trackingNumber')}`
    case 'payment':
      return `${t('payment')} ${field('paymentId')}: ${field('action')}`
    case 'cancellation-request':
      return `${field('action') === 'denied' ? t('denyCancellation') : t('cancellationRequested')} ${field('reason')}`
    case 'message':
      return field('subject') || field('type')
    default:
      return `${entry.type} ${field('action')} ${field('message') || field('source')}`.trim()
  }
}

function Card(props: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{props.title}</h2>
      {props.children}
    </section>
  )
}

type Act = (method: string, path: string, body?: unknown) => Promise<boolean>

/** The actions the order's status allows and the role may take; the API decides in the end. */
function Actions(props: { order: Order; busy: boolean; act: Act }) {
  const { order, busy, act } = props
  const current = session.value
  if (!current) return null
  const path = `/api/oms/pvt/orders/${encodeURIComponent(order.orderId)}`
  const status = order.status
  const payments = order.paymentData.transactions.flatMap((transaction) => transaction.payments)
  // The store decides only while the order waits for it; a marketplace order's seller decides on its own order.
  const pendingRequest =
    status === 'cancellation-requested'
      ? order.cancellationRequests?.findLast((request) => !request.deniedBySeller)
      : undefined
  const canPay = can(current, 'Notify payment') && status === 'payment-pending'
  const canHandle = can(current, 'Change order workflow status') && status === 'ready-for-handling'
  const canInvoice = can(current, 'Notify invoice') && status === 'handling'
  const canReturn = can(current, 'Notify invoice', 'Notify refund') && status === 'invoiced'
  const canCancel = can(current, 'Cancel order') && allowsCancellation(status)
  // Output invoices while handling, returns once invoiced: never both.
  const invoiceType = canInvoice ? 'Output' : canReturn ? 'Input' : null
  const anything =
    canPay ||
    canHandle ||
    canInvoice ||
    canReturn ||
    canCancel ||
    (pendingRequest && can(current, 'Cancel order'))
  const approvePayments = async () => {
    for (const payment of payments) {
      if (!(await act('POST', `${path}/payments/${encodeURIComponent(payment.id)}/payment-notification`)))
        return
    }
  }
  if (!anything) {
    return can(
      current,
      'Change order workflow status',
      'Notify invoice',
      'Cancel order',
      'Notify payment',
    ) ? null : (
      <p class="muted">{t('readOnly')}</p>
    )
  }
  return (
    <section class="card actions" aria-label={t('actions')}>
      <h2>{t('actions')}</h2>
      <div class="buttons">
        {canPay && (
          <button type="button" disabled={busy} onClick={() => void approvePayments()}>
            {t('approvePayment')}
          </button>
        )}
        {canHandle && (
          <button type="button" disabled={busy} onClick={() => void act('POST', `${path}/start-handling`)}>
            {t('startHandling')}
          </button>
        )}
      </div>
      {pendingRequest && can(current, 'Cancel order') && (
        <div class="request">
          <p>
            {t('cancellationRequested')} {pendingRequest.reason}
          </p>
          <div class="buttons">
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void act('POST', `${path}/cancel`, { reason: pendingRequest.reason ?? undefined })
              }
            >
              {t('acceptCancellation')}
            </button>
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() =>
                void act(
                  'POST',
                  `/api/orders/pvt/document/${encodeURIComponent(order.orderId)}/deny-cancellation-request`,
                  { cancellationRequestId: pendingRequest.id, denyReason: 'Denied from the Ordo admin' },
                )
              }
            >
              {t('denyCancellation')}
            </button>
          </div>
        </div>
      )}
      {/* Keyed by the invoices there are: after each one the form starts again from what is left. */}
      {invoiceType && (
        <InvoiceForm
          key={order.packageAttachment.packages.length}
          order={order}
          type={invoiceType}
          busy={busy}
          act={act}
        />
      )}
      {canCancel && <CancelForm path={path} busy={busy} act={act} />}
    </section>
  )
}

/** Units per item line in the order's invoices of one type. */
function quantitiesIn(order: Order, type: Package['type']): number[] {
  const units = order.items.map(() => 0)
  for (const pkg of order.packageAttachment.packages) {
    if (pkg.type !== type) continue
    for (const item of pkg.items) units[item.itemIndex] = (units[item.itemIndex] ?? 0) + item.quantity
  }
  return units
}

function InvoiceForm(props: { order: Order; type: 'Output' | 'Input'; busy: boolean; act: Act }) {
  const { order, type } = props
  const invoiced = quantitiesIn(order, 'Output')
  const returned = quantitiesIn(order, 'Input')
  // What is left to invoice, or to return of what was invoiced.
  const available = order.items.map((item, index) =>
    type === 'Output'
      ? item.quantity - (invoiced[index] ?? 0)
      : (invoiced[index] ?? 0) - (returned[index] ?? 0),
  )
  const [quantities, setQuantities] = useState<number[]>(available)
  const [number, setNumber] = useState('')
  const [full, setFull] = useState(type === 'Output')
  const invoicedValue = order.packageAttachment.packages
    .filter((pkg) => pkg.type === 'Output')
    .reduce((sum, pkg) => sum + pkg.invoiceValue, 0)
  const itemsValue = order.items.reduce(
    (sum, item, index) => sum + item.sellingPrice * (quantities[index] ?? 0),
    0,
  )
  // An output invoice of everything left carries what is left of the order's value (shipping included), so the
  // order comes to invoiced; any other carries its items' value.
  const coversRest =
    type === 'Output' && (full || available.every((units, index) => quantities[index] === units))
  const value = coversRest ? Math.max(0, order.value - invoicedValue) : itemsValue
  const label = type === 'Output' ? t('invoice') : t('returnInvoice')
  const id = `${type}-invoice`

  async function submit(event: SubmitEvent) {
    event.preventDefault()
    const items = order.items
      .map((item, index) => ({
        id: item.id,
        price: item.sellingPrice,
        quantity: full && type === 'Output' ? (available[index] ?? 0) : (quantities[index] ?? 0),
      }))
      .filter((item) => item.quantity > 0)
    const sent = await props.act('POST', `/api/oms/pvt/orders/${encodeURIComponent(order.orderId)}/invoice`, {
      type,
      invoiceNumber: number.trim(),
      invoiceValue: value,
      issuanceDate: new Date().toISOString(),
      items,
    })
    if (sent) setNumber('')
  }

  return (
    <form class="action-form" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{label}</h3>
      <TextField
        label={t('invoiceNumber')}
        name="invoiceNumber"
        value={number}
        onValue={setNumber}
        required
      />
      {type === 'Output' && (
        <label class="check">
          <input
            type="checkbox"
            name="full"
            checked={full}
            onChange={(event) => setFull(event.currentTarget.checked)}
          />{' '}
          {t('full')}
        </label>
      )}
      {!(type === 'Output' && full) && (
        <fieldset>
          <legend>{t('items')}</legend>
          {order.items.map((item, index) => (
            <label key={`${item.id}-${index}`}>
              {item.name} (≤ {available[index]})
              <input
                type="number"
                step={1}
                name={`quantity-${index}`}
                min={0}
                max={available[index]}
                value={quantities[index] ?? 0}
                onInput={(event) => {
                  const next = [...quantities]
                  next[index] = Number(event.currentTarget.value)
                  setQuantities(next)
                }}
              />
            </label>
          ))}
        </fieldset>
      )}
      <p>
        {t('invoiceValue')}: <strong>{money(value, order.storePreferencesData.currencyCode)}</strong>
      </p>
      <button type="submit" disabled={props.busy}>
        {type === 'Output' ? t('sendInvoice') : t('sendReturn')}
      </button>
    </form>
  )
}

function TrackingForm(props: { orderId: string; pkg: Package; busy: boolean; act: Act }) {
  const [courier, setCourier] = useState(props.pkg.courier ?? '')
  const [trackingNumber, setTrackingNumber] = useState(props.pkg.trackingNumber ?? '')
  const [trackingUrl, setTrackingUrl] = useState(props.pkg.trackingUrl ?? '')
  const id = `tracking-${props.pkg.invoiceNumber}`
  return (
    <form
      class="action-form inline"
      aria-labelledby={id}
      onSubmit={(event) => {
        event.preventDefault()
        void props.act(
          'PATCH',
          `/api/oms/pvt/orders/${encodeURIComponent(props.orderId)}/invoice/${encodeURIComponent(props.pkg.invoiceNumber)}`,
          {
            courier: courier.trim(),
            trackingNumber: trackingNumber.trim(),
            trackingUrl: trackingUrl.trim() || undefined,
          },
        )
      }}
    >
      <h4 id={id}>
        {t('tracking')} · {props.pkg.invoiceNumber}
      </h4>
      <TextField label={t('courier')} name="courier" value={courier} onValue={setCourier} required />
      <TextField
        label={t('trackingNumber')}
        name="trackingNumber"
        value={trackingNumber}
        onValue={setTrackingNumber}
        required
      />
      <TextField
        label={t('trackingUrl')}
        name="trackingUrl"
        value={trackingUrl}
        onValue={setTrackingUrl}
        type="url"
      />
      <button type="submit" disabled={props.busy}>
        {t('sendTracking')}
      </button>
    </form>
  )
}

function CancelForm(props: { path: string; busy: boolean; act: Act }) {
  const [reason, setReason] = useState('')
  return (
    <form
      class="action-form"
      aria-labelledby="cancel-title"
      onSubmit={(event) => {
        event.preventDefault()
        void props.act('POST', `${props.path}/cancel`, { reason: reason.trim() || undefined })
      }}
    >
      <h3 id="cancel-title">{t('cancel')}</h3>
      <TextField label={t('cancelReason')} name="reason" value={reason} onValue={setReason} />
      <button type="submit" class="danger" disabled={props.busy}>
        {t('confirmCancel')}
      </button>
    </form>
  )
}
