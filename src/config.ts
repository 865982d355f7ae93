// Reads configuration once, from flags over environment over defaults. Nothing else in src/ reads process.env.
import { DEFAULT_DELIVERIES_IN_FLIGHT } from './modules/feed/hook.ts'

export interface Config {
  port: number
  host: string
  /** A postgres:// or postgresql:// URL selects PostgreSQL; otherwise `sqlitePath` is used. */
  databaseUrl: string | undefined
  sqlitePath: string
  logLevel: LogLevel
  timerIntervalMs: number
  /** How long a job whose process stopped renewing it (killed) waits before another process takes it over. */
  jobLeaseMs: number
  /** Hooks this process sends to at once, in a pool of its own beside the other jobs. */
  hookConcurrency: number
  /** Deliveries in flight to one hook: a slow receiver holds only so many. */
  hookConcurrencyPerHook: number
  /** Where the server is reached from outside (ORDO_PUBLIC_URL), without a trailing slash; null if not given. */
  publicUrl: string | null
  /** Tests only: a file holding an ISO timestamp that the server reads as "now". */
  clockFile: string | undefined
}

export interface ConfigFlags {
  port?: string | undefined
  host?: string | undefined
  db?: string | undefined
  'database-url'?: string | undefined
  'log-level'?: string | undefined
}

/** The only SQLite file whose directory Ordo creates: any other path is the user's, typos included. */
export const DEFAULT_SQLITE_PATH = './data/ordo.db'

/** Pino's levels, which Fastify's logger takes. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

const isLogLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value)

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url)

export function loadConfig(
  flags: ConfigFlags = {},
  env: Record<string, string | undefined> = process.env,
): Config {
  const portText = flags.port ?? env.PORT ?? env.ORDO_PORT ?? '8080'
  // Number('') is 0, a random port: an empty value is a mistake, not a choice.
  const port = portText.trim() === '' ? Number.NaN : Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`Invalid port: ${portText || '(empty)'}`)
  const timerIntervalMs = Number(env.ORDO_TIMER_INTERVAL_MS ?? 1000)
  if (!Number.isFinite(timerIntervalMs) || timerIntervalMs <= 0) {
    throw new Error(`Invalid ORDO_TIMER_INTERVAL_MS: ${String(env.ORDO_TIMER_INTERVAL_MS)}`)
  }
  const jobLeaseMs = Number(env.ORDO_JOB_LEASE_MS ?? 30_000)
  if (!Number.isInteger(jobLeaseMs) || jobLeaseMs < 1000) {
    throw new Error(
      `Invalid ORDO_JOB_LEASE_MS: ${String(env.ORDO_JOB_LEASE_MS)} (a whole number of ms, 1000 or more)`,
    )
  }
  const hookConcurrency = wholeNumber(env, 'ORDO_HOOK_CONCURRENCY', 32)
  const hookConcurrencyPerHook = wholeNumber(
    env,
    'ORDO_HOOK_CONCURRENCY_PER_HOOK',
    DEFAULT_DELIVERIES_IN_FLIGHT,
  )
  const logLevel = flags['log-level'] ?? env.LOG_LEVEL ?? 'info'
  if (!isLogLevel(logLevel)) {
    throw new Error(`Invalid log level: ${logLevel}. Use one of ${LOG_LEVELS.join(', ')}.`)
  }
  const host = flags.host ?? env.HOST ?? '127.0.0.1'
  if (host.trim() === '') throw new Error('Invalid host: it is empty.')
  // --db names a SQLite file and wins over a DATABASE_URL in the environment.
  const databaseUrl = flags['database-url'] ?? (flags.db ? undefined : env.DATABASE_URL)
  // Not echoed: a URL may hold a password.
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    const source = flags['database-url'] === undefined ? 'DATABASE_URL' : '--database-url'
    throw new Error(
      `Invalid ${source}: it must start with postgres:// or postgresql:// (a SQLite file is --db FILE).`,
    )
  }
  return Object.freeze({
    port,
    host,
    databaseUrl,
    sqlitePath: flags.db ?? env.ORDO_DB ?? DEFAULT_SQLITE_PATH,
    logLevel,
    timerIntervalMs,
    jobLeaseMs,
    hookConcurrency,
    hookConcurrencyPerHook,
    publicUrl: publicUrlOf(env.ORDO_PUBLIC_URL),
    clockFile: env.ORDO_CLOCK_FILE,
  })
}

function publicUrlOf(text: string | undefined): string | null {
  if (text === undefined || text.trim() === '') return null
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new Error(
      `Invalid ORDO_PUBLIC_URL: ${text} (the server's address as others reach it, such as https://oms.example.com)`,
    )
  }
  return url.href.replace(/\/+$/, '')
}

function wholeNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name]
  const value = text === undefined ? fallback : Number(text)
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Invalid ${name}: ${String(text)} (a whole number, 1 or more)`)
  }
  return value
}
