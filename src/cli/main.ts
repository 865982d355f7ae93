// The `ordo` command: serve, migrate, and administration of accounts, keys and settings.
import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { loadConfig, type Config } from '../config.ts'
import { openDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import type { Deps } from '../deps.ts'
import { bootstrap, createKey, listKeys, revokeKey } from '../modules/access/access.service.ts'
import { changeSettings, createAccount, getSettings } from '../modules/accounts/account.service.ts'
import { ORDER_TIMEOUT_JOB, prepareStoredOrders } from '../modules/orders/order.service.ts'
import { FileClock, systemClock } from '../platform/clock.ts'
import { CredentialCache } from '../platform/credential-cache.ts'
import { AppError } from '../platform/errors.ts'
import { createJobQueue, type JobQueue } from '../worker/job-queue.ts'
import { runDueJobs, startWorker } from '../worker/worker.ts'
import { jobHandlers } from '../job-handlers.ts'
import { HELP } from './usage.ts'

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  'log-level': { type: 'string' },
  account: { type: 'string' },
  role: { type: 'string', multiple: true },
  label: { type: 'string' },
  json: { type: 'boolean' },
  'grace-period-minutes': { type: 'string' },
} as const satisfies ParseArgsConfig['options']

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values']

class UsageError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`Missing --${flag}.`)
  return value
}

interface Opened {
  deps: Deps
  queue: JobQueue
}

async function open(config: Config): Promise<Opened> {
  const handle = openDatabase(config)
  await migrateToLatest(handle)
  const clock = config.clockFile
    ? new FileClock(config.clockFile, (path) => readFileSync(path, 'utf8'))
    : systemClock
  const queue = createJobQueue(handle)
  const deps: Deps = { ...handle, clock, credentials: new CredentialCache(), jobs: queue }
  return { deps, queue }
}

async function serve(config: Config): Promise<void> {
  const { deps, queue } = await open(config)
  // After an upgrade or a restore, Get order and the event stream are right from the first request on.
  await prepareStoredOrders(deps)
  const admin = await bootstrap(deps)
  if (admin) {
    process.stdout.write(
      [
        '',
        'Created account "ordo" with an admin key (role "OMS - Full access"). It is shown only once:',
        `  X-VTEX-API-AppKey:   ${admin.appKey}`,
        `  X-VTEX-API-AppToken: ${admin.appToken}`,
        '',
      ].join('\n') + '\n',
    )
  }
  // Only serve needs Fastify and the routes: the other commands start faster without loading them.
  const { buildApp } = await import('../app.ts')
  const app = await buildApp(deps, { logger: { level: config.logLevel } })
  const handlers = jobHandlers(deps)
  const onError = (error: unknown) => app.log.error({ err: error }, 'job failed')
  // Grace periods that ended while the server was down are applied before the first request is answered.
  await runDueJobs(queue, handlers, { clock: deps.clock, kinds: [ORDER_TIMEOUT_JOB], onError })
  const worker = startWorker({
    queue,
    handlers,
    clock: deps.clock,
    pollIntervalMs: config.timerIntervalMs,
    onError,
  })
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await worker.stop()
    await app.close()
    await deps.db.destroy()
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal))
  await app.listen({ port: config.port, host: config.host })
}

async function migrate(config: Config): Promise<void> {
  const handle = openDatabase(config)
  try {
    const applied = await migrateToLatest(handle)
    const { refreshed } = await prepareStoredOrders(handle)
    print(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
    if (refreshed > 0) print(`Rendered ${refreshed} order documents again.`)
  } finally {
    await handle.db.destroy()
  }
}

async function withDeps<T>(config: Config, run: (deps: Deps) => Promise<T>): Promise<T> {
  const { deps } = await open(config)
  try {
    return await run(deps)
  } finally {
    await deps.db.destroy()
  }
}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`)
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true })
  const [command, sub, arg] = positionals
  if (values.help || !command || command === 'help') return print(HELP)
  const config = configFrom(values)
  switch (command) {
    case 'serve':
      return serve(config)
    case 'migrate':
      return migrate(config)
    case 'accounts':
      if (sub !== 'create') throw new UsageError('Usage: ordo accounts create NAME')
      return withDeps(config, async (deps) => {
        await createAccount(deps, required(arg, 'name (positional)'))
        print(`Created account ${arg}.`)
      })
    case 'keys':
      return withDeps(config, (deps) => keys(deps, sub, arg, values))
    case 'settings':
      return withDeps(config, (deps) => settings(deps, sub, values))
    default:
      throw new UsageError(`Unknown command ${command}. Run ordo --help.`)
  }
}

/** A bad flag or environment variable is a usage error: one line on stderr, exit 2, no stack trace. */
function configFrom(values: Values): Config {
  try {
    return loadConfig(values)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

async function keys(
  deps: Deps,
  sub: string | undefined,
  arg: string | undefined,
  values: Values,
): Promise<void> {
  switch (sub) {
    case 'create': {
      const pair = await createKey(deps, {
        account: required(values.account, 'account'),
        roles: values.role ?? [],
        label: values.label ?? null,
      })
      return print(
        values.json
          ? JSON.stringify(pair)
          : `X-VTEX-API-AppKey:   ${pair.appKey}\nX-VTEX-API-AppToken: ${pair.appToken}`,
      )
    }
    case 'list': {
      const list = await listKeys(deps, required(values.account, 'account'))
      if (values.json) return print(JSON.stringify(list))
      for (const key of list) {
        print(
          `${key.appKey}\t${key.roles.join(', ')}\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}\t${key.label ?? ''}`,
        )
      }
      return
    }
    case 'revoke':
      await revokeKey(deps, required(arg, 'appkey (positional)'))
      return print(`Revoked ${arg}.`)
    default:
      throw new UsageError('Usage: ordo keys create|list|revoke …')
  }
}

async function settings(deps: Deps, sub: string | undefined, values: Values): Promise<void> {
  const account = required(values.account, 'account')
  if (sub === 'get') return print(JSON.stringify(await getSettings(deps, account)))
  if (sub === 'set') {
    const minutes = values['grace-period-minutes']
    if (minutes === undefined)
      throw new UsageError('Usage: ordo settings set --account NAME --grace-period-minutes N')
    // Number('') is 0: an empty value (an unset shell variable) must not silently remove the grace period.
    const parsed = minutes.trim() === '' ? Number.NaN : Number(minutes)
    return print(
      JSON.stringify(await changeSettings(deps, account, { cancellationGracePeriodMinutes: parsed })),
    )
  }
  throw new UsageError('Usage: ordo settings get|set --account NAME …')
}

try {
  await run(process.argv.slice(2))
} catch (error) {
  if (error instanceof UsageError || error instanceof AppError) {
    process.stderr.write(`ordo: ${error.message}\n`)
    process.exit(2)
  }
  if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`ordo: ${(error as Error).message}\n`)
    process.exit(2)
  }
  throw error
}
