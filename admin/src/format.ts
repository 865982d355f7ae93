// Money and dates as the reader expects them: amounts in the order's currency, times in the browser's time zone.
import { language } from './i18n.ts'

const locale = () => (language.value === 'pt' ? 'pt-BR' : 'en-US')

/** `cents` of `currency` (ISO 4217), e.g. 12990 BRL → R$ 129,90. */
export function money(cents: number, currency = 'BRL'): string {
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(cents / 100)
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`
  }
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'short' }).format(date)
}

export function day(date: Date): string {
  return new Intl.DateTimeFormat(locale(), { day: '2-digit', month: '2-digit' }).format(date)
}

/** The local calendar day of an instant, as `YYYY-MM-DD`. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** The instant a local calendar day (`YYYY-MM-DD`) starts, in the browser's time zone. */
export function startOfLocalDay(value: string): Date {
  const [year, month, dayOfMonth] = value.split('-').map(Number)
  return new Date(year ?? 1970, (month ?? 1) - 1, dayOfMonth ?? 1)
}

/** The same local time `days` later: local days are 23 or 25 hours long when the clocks change. */
export function addDays(date: Date, days: number): Date {
  return new Date(
    date.getFullYear(),
    date.getMonth(),
    date.getDate() + days,
    date.getHours(),
    date.getMinutes(),
  )
}

/** A length of time in its two largest units: `4 d 2 h`, `3 min 5 s`, `12 s`. */
export function duration(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ]
  let left = Math.round(seconds)
  const parts: string[] = []
  for (const [name, size] of units) {
    const count = Math.floor(left / size)
    left -= count * size
    if (count > 0 || (parts.length === 0 && size === 1)) parts.push(`${count} ${name}`)
    if (parts.length === 2) break
  }
  return parts.join(' ')
}
