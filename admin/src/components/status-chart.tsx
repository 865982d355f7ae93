// Orders per day by status, in the browser's time zone: Ordo counts orders per UTC hour and status, and the
// hours are added up here into local days. Drawn as stacked bars, with the same figures in a table for readers
// who do not see the picture.
import { useEffect, useState } from 'preact/hooks'
import { ApiError, get, withQuery } from '../api.ts'
import { useLatest } from '../latest.ts'
import { Messages } from './fields.tsx'
import { addDays, day, localDay, startOfLocalDay } from '../format.ts'
import { statusLabel, t } from '../i18n.ts'

interface Hourly {
  hours: { hour: string; status: string; orders: number }[]
}

const DEFAULT_DAYS = 14
/** The server answers up to 93 days; a day the clocks go back is 25 hours, so a day is kept in hand. */
const MAX_DAYS = 92

/** One colour per status family, so the picture reads at a glance; every bar also has its label. */
function colourOf(status: string): string {
  if (status === 'canceled' || status === 'cancel' || status === 'payment-denied') return '#b42318'
  if (status.includes('cancel')) return '#dc6803'
  if (status === 'invoiced' || status === 'invoice') return '#067647'
  if (status === 'handling' || status === 'start-handling') return '#1570ef'
  if (status === 'ready-for-handling' || status === 'window-to-cancel') return '#6941c6'
  if (status.startsWith('payment') || status === 'approve-payment') return '#b54708'
  return '#667085'
}

export function StatusChart(props: { range: { from: string; to: string }; refreshes: number }) {
  const [counts, setCounts] = useState<Hourly | null>(null)
  const [error, setError] = useState<string | null>(null)
  const latest = useLatest()
  const today = localDay(new Date())
  const to = props.range.to || today
  const earliest = localDay(addDays(startOfLocalDay(to), 1 - MAX_DAYS))
  const wanted = props.range.from || localDay(addDays(startOfLocalDay(to), 1 - DEFAULT_DAYS))
  const from = wanted < earliest ? earliest : wanted

  useEffect(() => {
    const end = addDays(startOfLocalDay(to), 1)
    const ticket = latest.next()
    get<Hourly>(
      withQuery('/api/ordo/pvt/orders/stats/hourly', {
        from: startOfLocalDay(from).toISOString(),
        to: end.toISOString(),
      }),
    ).then(
      (answer) => {
        if (!ticket.isLatest()) return
        setCounts(answer)
        setError(null)
      },
      (caught: unknown) => {
        if (ticket.isLatest()) setError(caught instanceof ApiError ? caught.message : String(caught))
      },
    )
  }, [from, to, props.refreshes, latest])

  const days: string[] = []
  for (let at = startOfLocalDay(from); localDay(at) <= to; at = addDays(at, 1)) days.push(localDay(at))
  const perDay = new Map<string, Map<string, number>>(days.map((d) => [d, new Map()]))
  const statuses = new Set<string>()
  for (const { hour, status, orders } of counts?.hours ?? []) {
    const local = localDay(new Date(`${hour}:00:00Z`))
    const bucket = perDay.get(local)
    if (!bucket) continue
    bucket.set(status, (bucket.get(status) ?? 0) + orders)
    statuses.add(status)
  }
  const totals = days.map((d) => [...(perDay.get(d)?.values() ?? [])].reduce((a, b) => a + b, 0))
  const highest = Math.max(1, ...totals)
  const width = 720
  const height = 180
  const barWidth = width / days.length
  const ordered = [...statuses].sort()

  return (
    <figure class="chart">
      <figcaption>
        <h2>{t('ordersPerDay')}</h2>
        <p class="muted">{t('chartScope')}</p>
      </figcaption>
      <Messages error={error} />
      <svg viewBox={`-16 0 ${width + 32} ${height + 24}`} role="img" aria-label={t('ordersPerDay')}>
        {days.map((d, index) => {
          let y = height
          return (
            <g key={d}>
              {ordered.map((status) => {
                const n = perDay.get(d)?.get(status) ?? 0
                if (n === 0) return null
                const h = (n / highest) * (height - 8)
                y -= h
                return (
                  <rect
                    key={status}
                    x={index * barWidth + 2}
                    y={y}
                    width={Math.max(1, barWidth - 4)}
                    height={h}
                    fill={colourOf(status)}
                  >
                    <title>{`${day(startOfLocalDay(d))} · ${statusLabel(status)}: ${n}`}</title>
                  </rect>
                )
              })}
              {(days.length <= 16 || index % Math.ceil(days.length / 12) === 0) && (
                <text x={index * barWidth + barWidth / 2} y={height + 16} text-anchor="middle" class="axis">
                  {day(startOfLocalDay(d))}
                </text>
              )}
            </g>
          )
        })}
      </svg>
      <ul class="legend">
        {ordered.map((status) => (
          <li key={status}>
            <span class="swatch" style={{ background: colourOf(status) }} aria-hidden="true" />
            {statusLabel(status)}
          </li>
        ))}
      </ul>
      <details>
        <summary>{t('asTable')}</summary>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('date')}</th>
                {ordered.map((status) => (
                  <th scope="col" key={status}>
                    {statusLabel(status)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d}>
                  <th scope="row">{day(startOfLocalDay(d))}</th>
                  {ordered.map((status) => (
                    <td key={status} class="number">
                      {perDay.get(d)?.get(status) ?? 0}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}
