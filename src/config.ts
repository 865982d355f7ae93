// Reads configuration once, from flags over environment over defaults. Nothing else in src/ reads process.env.
export interface Config {
  port: number
  host: string
  /** postgres://… selects PostgreSQL; otherwise `sqlitePath` is used. */
  databaseUrl: string | undefined
  sqlitePath: string
  logLevel: string
  timerIntervalMs: number
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

export function loadConfig(
  flags: ConfigFlags = {},
  env: Record<string, string | undefined> = process.env,
): Config {
  const port = Number(flags.port ?? env.PORT ?? env.ORDO_PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`Invalid port: ${String(flags.port ?? env.PORT)}`)
  const timerIntervalMs = Number(env.ORDO_TIMER_INTERVAL_MS ?? 1000)
  if (!Number.isFinite(timerIntervalMs) || timerIntervalMs <= 0) {
    throw new Error(`Invalid ORDO_TIMER_INTERVAL_MS: ${String(env.ORDO_TIMER_INTERVAL_MS)}`)
  }
  return Object.freeze({
    port,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    // --db names a SQLite file and wins over a DATABASE_URL in the environment.
    databaseUrl: flags['database-url'] ?? (flags.db ? undefined : env.DATABASE_URL),
    sqlitePath: flags.db ?? env.ORDO_DB ?? './data/ordo.db',
    logLevel: flags['log-level'] ?? env.LOG_LEVEL ?? 'info',
    timerIntervalMs,
    clockFile: env.ORDO_CLOCK_FILE,
  })
}
