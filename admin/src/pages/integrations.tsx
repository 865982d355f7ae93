// The account's integrations: every key's feed (depth, oldest item) and hook (where it posts, how its
// deliveries went), and the hook's delivery log with the failed deliveries and a way to send them again.
import { useCallback, useEffect, useState } from 'preact/hooks'
import { ApiError, call, can, get, withQuery } from '../api.ts'
import { dateTime, duration } from '../format.ts'
import { t } from '../i18n.ts'
import { Messages } from '../components/fields.tsx'
import { session } from '../session.ts'

interface Filter {
  type: string
  status?: string[]
  expression?: string
  disableSingleFire?: boolean
}

interface Integrations {
  feeds: {
    appKey: string
    filter: Filter
    quantity: number
    approximateAgeOfOldestMessageInSeconds: number
  }[]
  hooks: {
    appKey: string
    filter: Filter
    hook: { url: string; headers: string[]; hasSecret: boolean }
    deliveries: { pending: number; delivering: number; delivered: number; failed: number }
  }[]
}

interface Delivery {
  id: number
  orderId: string
  status: 'pending' | 'delivering' | 'delivered' | 'failed'
  attempts: { at: string; status: number | null; latencyMs: number | null; error: string | null }[]
  nextAttemptAt: string | null
  createdAt: string
  body: { State?: string }
}

const describeFilter = (filter: Filter) =>
  filter.type === 'FromOrders'
    ? `FromOrders: ${filter.expression ?? ''}`
    : `FromWorkflow: ${(filter.status ?? []).join(', ') || '*'}`

export function IntegrationsPage() {
  const [data, setData] = useState<Integrations | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [refreshes, setRefreshes] = useState(0)

  useEffect(() => {
    get<Integrations>('/api/ordo/pvt/integrations').then(
      (next) => {
        setData(next)
        setError(null)
      },
      (caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)),
    )
  }, [refreshes])

  return (
    <section class="integrations">
      <h1>{t('integrations')}</h1>
      <Messages error={error} />
      <section class="card" aria-labelledby="feeds-title">
        <h2 id="feeds-title">{t('feeds')}</h2>
        {data && data.feeds.length === 0 && <p>{t('noFeeds')}</p>}
        {data && data.feeds.length > 0 && (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('appKey')}</th>
                  <th scope="col">{t('filter')}</th>
                  <th scope="col" class="number">
                    {t('queueDepth')}
                  </th>
                  <th scope="col" class="number">
                    {t('oldestAge')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.feeds.map((feed) => (
                  <tr key={feed.appKey}>
                    <td>{feed.appKey}</td>
                    <td>{describeFilter(feed.filter)}</td>
                    <td class="number">{feed.quantity}</td>
                    <td class="number">{duration(feed.approximateAgeOfOldestMessageInSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="hooks-title">
        <h2 id="hooks-title">{t('hooks')}</h2>
        {data && data.hooks.length === 0 && <p>{t('noHooks')}</p>}
        {data?.hooks.map((hook) => (
          <article class="hook" key={hook.appKey}>
            <h3>{hook.appKey}</h3>
            <dl>
              <dt>{t('url')}</dt>
              <dd>{hook.hook.url}</dd>
              <dt>{t('filter')}</dt>
              <dd>{describeFilter(hook.filter)}</dd>
              <dt>{t('deliveries')}</dt>
              <dd>
                {t('delivered')} {hook.deliveries.delivered} · {t('delivering')} {hook.deliveries.delivering}{' '}
                · {t('pending')} {hook.deliveries.pending} · {t('failed')}{' '}
                <strong>{hook.deliveries.failed}</strong>
              </dd>
            </dl>
            <DeliveryLog appKey={hook.appKey} onChange={() => setRefreshes((n) => n + 1)} />
          </article>
        ))}
      </section>
    </section>
  )
}

function DeliveryLog(props: { appKey: string; onChange: () => void }) {
  const [failedOnly, setFailedOnly] = useState(true)
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const admin = session.value ? can(session.value, 'Feed v3 and Hook Admin') : false

  const load = useCallback(async () => {
    try {
      setDeliveries(
        await get<Delivery[]>(
          withQuery('/api/ordo/pvt/hook/deliveries', {
            appKey: props.appKey,
            status: failedOnly ? 'failed' : undefined,
          }),
        ),
      )
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught))
    }
  }, [props.appKey, failedOnly])

  useEffect(() => {
    void load()
  }, [load])

  async function redeliver(path: string) {
    setError(null)
    try {
      const { orders } = await call<{ orders: number }>('POST', withQuery(path, { appKey: props.appKey }))
      setNotice(`${t('redeliver')}: ${orders}`)
      await load()
      props.onChange()
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught))
    }
  }

  const id = `log-${props.appKey}`
  return (
    <section aria-labelledby={id}>
      <h4 id={id}>{t('deliveryLog')}</h4>
      <div class="buttons">
        <label class="check">
          <input
            type="checkbox"
            checked={failedOnly}
            onChange={(event) => setFailedOnly(event.currentTarget.checked)}
          />{' '}
          {t('failedOnly')}
        </label>
        {admin && (
          <button
            type="button"
            class="secondary"
            onClick={() => void redeliver('/api/ordo/pvt/hook/deliveries/redeliver')}
          >
            {t('redeliverAll')}
          </button>
        )}
      </div>
      <Messages error={error} notice={notice} />
      {deliveries && deliveries.length === 0 && <p>{t('noDeliveries')}</p>}
      {deliveries && deliveries.length > 0 && (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('order')}</th>
                <th scope="col">{t('state')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('attempts')}</th>
                <th scope="col">{t('date')}</th>
                {admin && <th scope="col">{t('actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => {
                const last = delivery.attempts.at(-1)
                return (
                  <tr key={delivery.id} data-delivery={delivery.id}>
                    <td>{delivery.id}</td>
                    <td>{delivery.orderId}</td>
                    <td>{delivery.body.State ?? ''}</td>
                    <td>
                      <span class={`delivery delivery-${delivery.status}`}>{t(delivery.status)}</span>
                    </td>
                    <td>
                      {delivery.attempts.length}
                      {last && ` · ${last.status ?? last.error ?? ''}`}
                    </td>
                    <td>{dateTime(delivery.createdAt)}</td>
                    {admin && (
                      <td>
                        {delivery.status === 'failed' && (
                          <button
                            type="button"
                            onClick={() =>
                              void redeliver(`/api/ordo/pvt/hook/deliveries/${delivery.id}/redeliver`)
                            }
                          >
                            {t('redeliver')} #{delivery.id}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
