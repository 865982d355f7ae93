// The `ordo` command: serve, migrate, and administration of accounts, keys and settings.
import { once } from 'node:events'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { DEFAULT_SQLITE_PATH, loadConfig, type Config } from '../config.ts'
import { openDatabase, type DbHandle } from '../db/database.ts'
import { isOrdoDatabase, migrateToLatest } from '../db/migrate.ts'
import type { Deps } from '../deps.ts'
import { bootstrap, createKey, listKeys, revokeKey } from '../modules/access/access.service.ts'
import {
  accountExists,
  changeSettings,
  createAccount,
  getSettings,
} from '../modules/accounts/account.service.ts'
import { ORDER_MESSAGE_JOB } from '../modules/orders/order-messages.ts'
import { ORDER_TIMEOUT_JOB, prepareStoredOrders } from '../modules/orders/order.service.ts'
import { FileClock, systemClock } from '../platform/clock.ts'
import { AppError } from '../platform/errors.ts'
import { createJobQueue, type JobQueue } from '../worker/job-queue.ts'
import { followStream } from '../worker/stream-follower.ts'
import { runDueJobs, startWorker } from '../worker/worker.ts'
import { FAN_OUT_BATCH, fanOutEvents } from '../modules/feed/feed.service.ts'
import { HOOK_DELIVERY_JOB, resumeHookSenders } from '../modules/feed/hook.service.ts'
import { jobHandlers, OWN_POOL_KINDS } from '../job-handlers.ts'
import { assembleDeps } from '../assemble.ts'
import { refreshSearchIndex } from '../modules/search/search.service.ts'
import { EXPORT_FORMATS, exportOrders, type ExportFormat } from '../modules/search/export.service.ts'
import { seedOrders } from '../modules/seed/seed.service.ts'
import { listSellers, putSeller, removeSeller } from '../modules/sellers/seller.service.ts'
import { listAffiliates, putAffiliate, removeAffiliate } from '../modules/affiliates/affiliate.service.ts'
import { stopOutboundThread } from '../platform/outbound-thread.ts'
import { COMMANDS, OPTIONS, helpFor, optionsOf, resolveCommand, type CommandName } from './usage.ts'

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values']

/**
 * How soon the fan-out looks again once it found nothing new. Writes answered here wake it; this bounds the
 * wait for events written elsewhere (another process, the CLI, a timer).
 */
const FAN_OUT_IDLE_MS = 100
/**
 * How long a wake waits for more writes to join it: under load one step then reads the events of several
 * writes, which costs a transaction and its bookkeeping once instead of once per write.
 */
const FAN_OUT_GATHER_MS = 5
/**
 * The least time between the starts of two steps of the fan-out that writes woke. At 50 placements a second a
 * step per write cost each placement about a millisecond of the server's thread, which Get order shares; one
 * step every 50 ms reads several writes at once, for at most 50 ms more to the feed and the hook, and only when
 * writes come closer together than that.
 */
const FAN_OUT_SPACING_MS = 50
/** Orders whose messages go out at once: each waits for the other side, an external seller up to 30 s. */
const MESSAGE_CONCURRENCY = 8

/** A mistake the user can fix (arguments, environment, database, port): one line on stderr, exit 2. */
class CliError extends Error {}

interface Opened {
  deps: Deps
  queue: JobQueue
}

interface Connected {
  handle: DbHandle
  /** The migrations this start applied. */
  applied: string[]
}

/** Opens and migrates the database, or says in one line why it cannot. */
async function connect(config: Config, creates: boolean): Promise<Connected> {
  if (!config.databaseUrl) checkSqliteFile(config.sqlitePath, creates)
  const where = config.databaseUrl ? describePostgres(config.databaseUrl) : config.sqlitePath
  try {
    // A command that creates nothing must not turn someone else's database into Ordo's either.
    if (creates || (await isOrdoDatabase(config))) {
      const handle = openDatabase(config)
      return { handle, applied: await migrateToLatest(handle) }
    }
  } catch (error) {
    throw new CliError(`Cannot use the database ${where}: ${reason(error)}`)
  }
  throw new CliError(`The database ${where} is not Ordo's: ordo serve or ordo migrate sets one up.`)
}

/** Creates only what the user asked for: a new file where a command may create one, and only ./data/. */
function checkSqliteFile(path: string, creates: boolean): void {
  if (existsSync(path)) return
  if (!creates) throw new CliError(`No database at ${path}: ordo serve or ordo migrate creates one.`)
  const directory = dirname(path)
  if (existsSync(directory)) return
  if (path !== DEFAULT_SQLITE_PATH) {
    throw new CliError(`No directory ${directory} for the database ${path}: create it first.`)
  }
  mkdirSync(directory, { recursive: true })
}

/** Where a PostgreSQL URL points, without its password. */
function describePostgres(url: string): string {
  try {
    const { host, pathname } = new URL(url)
    return `postgres://${host}${pathname}`
  } catch {
    return 'at the PostgreSQL URL given'
  }
}

/** An error's message; a failed connection to a name with several addresses fails once for each. */
function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(reason).join('; ')
  return error instanceof Error ? error.message : String(error)
}

async function open(config: Config, creates: boolean): Promise<Opened> {
  const { handle } = await connect(config, creates)
  const clock = config.clockFile
    ? new FileClock(config.clockFile, (path) => readFileSync(path, 'utf8'))
    : systemClock
  const queue = createJobQueue(handle)
  const deps = assembleDeps(handle, clock, queue, { publicUrl: config.publicUrl })
  return { deps, queue }
}

async function serve(config: Config): Promise<void> {
  const opened = await open(config, true)
  const { queue } = opened
  // A change that sends a marketplace or seller message wakes the message worker once it is answered (and so
  // committed), rather than leave the message to the worker's next look.
  let messagesSent = false
  const deps: Deps = {
    ...opened.deps,
    jobs: {
      enqueue: (db, jobs) => {
        if (jobs.some((job) => job.kind === ORDER_MESSAGE_JOB)) messagesSent = true
        return queue.enqueue(db, jobs)
      },
    },
  }
  // After an upgrade or a restore, Get order and the event stream are right from the first request on.
  await prepareStoredOrders(deps)
  await refreshSearchIndex(deps)
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
  const handlers = jobHandlers(deps, { deliveriesPerHook: config.hookConcurrencyPerHook })
  const onError = (error: unknown) => app.log.error({ err: error }, 'job failed')
  // Grace periods that ended while the server was down are applied before the first request is answered.
  await runDueJobs(queue, handlers, { clock: deps.clock, kinds: [ORDER_TIMEOUT_JOB], onError })
  await resumeHookSenders(deps)
  const pool = {
    queue,
    handlers,
    clock: deps.clock,
    pollIntervalMs: config.timerIntervalMs,
    leaseMs: config.jobLeaseMs,
    onError,
  }
  const orderJobs = startWorker({
    ...pool,
    kinds: Object.keys(handlers).filter((kind) => !OWN_POOL_KINDS.includes(kind)),
  })
  // Messages of one order go one at a time (their concurrency key), in the order written, also from several
  // processes: one that waits for its retry holds back the next. An external seller may take 30 s to answer.
  const messengers = startWorker({
    ...pool,
    kinds: [ORDER_MESSAGE_JOB],
    concurrency: MESSAGE_CONCURRENCY,
    perKeyConcurrency: 1,
    inKeyOrder: true,
  })
  // A receiver that takes its 5 s to answer holds its hook's sender that long: senders of many hooks run at
  // once, one per hook (it has several deliveries in flight), and never in the order jobs' slots.
  const hookSenders = startWorker({
    ...pool,
    kinds: [HOOK_DELIVERY_JOB],
    concurrency: config.hookConcurrency,
    perKeyConcurrency: 1,
  })
  const workers = [orderJobs, messengers, hookSenders]
  const fanOut = followStream({
    // New events may have queued hook deliveries: the senders look for them at once.
    step: async () => {
      const { read, sendersDue } = await fanOutEvents(deps)
      if (sendersDue > 0) hookSenders.wake()
      // Less than a batch: the stream's end (on PostgreSQL, events held back are read at the next look).
      return read === FAN_OUT_BATCH
    },
    idleMs: FAN_OUT_IDLE_MS,
    gatherMs: FAN_OUT_GATHER_MS,
    spacingMs: FAN_OUT_SPACING_MS,
    onError: (error) => app.log.error({ err: error }, 'fan-out failed'),
  })
  // A write answered 2xx may have committed order events.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 300) fanOut.wake()
    if (messagesSent) {
      messagesSent = false
      messengers.wake()
    }
    done()
  })
  const close = async () => {
    await fanOut.stop()
    await Promise.all(workers.map((worker) => worker.stop()))
    await app.close()
    await stopOutboundThread()
    await deps.db.destroy()
  }
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await close()
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal))
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await close()
    // The code stays in the message: test/e2e/process.ts retries another port on EADDRINUSE.
    throw new CliError(
      (error as { code?: string }).code === 'EADDRINUSE'
        ? `Port ${config.port} on ${config.host} is in use (EADDRINUSE): choose another with --port or PORT.`
        : `Cannot listen on ${config.host} port ${config.port}: ${reason(error)}`,
    )
  }
}

async function migrate(config: Config): Promise<void> {
  const { handle, applied } = await connect(config, true)
  try {
    const { refreshed } = await prepareStoredOrders(handle)
    const indexed = await refreshSearchIndex(handle)
    print(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
    if (refreshed > 0) print(`Rendered ${refreshed} order documents again.`)
    if (indexed > 0) print(`Indexed ${indexed} orders for List orders.`)
  } finally {
    await handle.db.destroy()
  }
}

/** `--header "NAME: VALUE"`, repeated, as the headers an account has Ordo send. */
function headersOf(given: string[] | undefined): Record<string, string> | undefined {
  if (given === undefined) return undefined
  return Object.fromEntries(
    given.map((header) => {
      const colon = header.indexOf(':')
      if (colon < 1) throw new CliError(`--header must be "NAME: VALUE", not '${header}'.`)
      return [header.slice(0, colon).trim(), header.slice(colon + 1).trim()] as const
    }),
  )
}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`)
}

interface Invocation {
  name: CommandName
  values: Values
  /** The positional arguments after the command's words, as many as its usage names. */
  args: string[]
}

/**
 * Checks the command line against the command's usage before anything runs: the command is known, it takes
 * each option given, and it has exactly its positional arguments.
 */
function parseCommandLine(argv: string[]): Invocation {
  const loose = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  })
  if (loose.positionals.length === 0) throw new CliError('No command given. Run ordo --help.')
  const resolved = resolveCommand(loose.positionals)
  if (resolved.kind === 'unknown') throw new CliError(`Unknown command ${resolved.word}. Run ordo --help.`)
  if (resolved.kind === 'group') {
    const commands = resolved.names.map((name) => name.split(' ')[1]).join(', ')
    throw new CliError(`${resolved.group} needs a command: ${commands}. Run ordo ${resolved.group} --help.`)
  }
  const { name, args } = resolved
  const taken = new Set<string>(optionsOf(name))
  for (const token of loose.tokens) {
    if (token.kind === 'option' && !taken.has(token.name)) {
      const what = token.name in OPTIONS ? `is not an option of ordo ${name}` : 'is not an option'
      throw new CliError(`${token.rawName} ${what}. Run ordo ${name} --help.`)
    }
  }
  if (args.length !== COMMANDS[name].positionals.length) {
    throw new CliError(`Usage: ${COMMANDS[name].synopsis}. Run ordo ${name} --help.`)
  }
  try {
    const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true })
    return { name, values, args }
  } catch (error) {
    // A missing value or one given to a flag (--port without a number, --json=yes).
    throw new CliError(`${reason(error).replace(/\.?$/, '.')} Run ordo ${name} --help.`)
  }
}

interface Input extends Invocation {
  /** The value of an option the command cannot do without. */
  need: (option: 'account') => string
}

type Runner = (config: Config, input: Input) => Promise<void>

/** Opens an existing database (or a new one where the command creates it), runs, and closes it. */
const withDeps =
  (run: (deps: Deps, input: Input) => Promise<void>): Runner =>
  async (config, input) => {
    const { deps } = await open(config, COMMANDS[input.name].createsDatabase)
    try {
      await run(deps, input)
    } finally {
      await deps.db.destroy()
    }
  }

const RUNNERS: Record<CommandName, Runner> = {
  serve: (config) => serve(config),
  migrate: (config) => migrate(config),
  'accounts create': withDeps(async (deps, { args: [name = ''] }) => {
    await createAccount(deps, name)
    print(`Created account ${name}.`)
  }),
  'keys create': withDeps(async (deps, { values, need }) => {
    const pair = await createKey(deps, {
      account: need('account'),
      roles: values.role ?? [],
      label: values.label ?? null,
    })
    print(
      values.json
        ? JSON.stringify(pair)
        : `X-VTEX-API-AppKey:   ${pair.appKey}\nX-VTEX-API-AppToken: ${pair.appToken}`,
    )
  }),
  'keys list': withDeps(async (deps, { values, need }) => {
    const list = await listKeys(deps, need('account'))
    if (values.json) return print(JSON.stringify(list))
    for (const key of list) {
      print(
        `${key.appKey}\t${key.roles.join(', ')}\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}\t${key.label ?? ''}`,
      )
    }
  }),
  'keys revoke': withDeps(async (deps, { args: [appKey = ''] }) => {
    await revokeKey(deps, appKey)
    print(`Revoked ${appKey}.`)
  }),
  'settings get': withDeps(async (deps, { need }) => {
    print(JSON.stringify(await getSettings(deps, need('account'))))
  }),
  'settings set': withDeps(async (deps, { values, need, name }) => {
    const account = need('account')
    const minutes = values['grace-period-minutes']
    const insecureHooks = values['allow-insecure-hooks']
    const windowDays = values['window-to-change-seller-days']
    if (minutes === undefined && insecureHooks === undefined && windowDays === undefined) {
      throw new CliError(
        `ordo ${name} needs --grace-period-minutes, --allow-insecure-hooks or --window-to-change-seller-days. Run ordo ${name} --help.`,
      )
    }
    if (insecureHooks !== undefined && insecureHooks !== 'true' && insecureHooks !== 'false') {
      throw new CliError(`--allow-insecure-hooks must be true or false, not '${insecureHooks}'.`)
    }
    // Number('') is 0: an empty value (an unset shell variable) must not silently turn a period off.
    const whole = (text: string) => (text.trim() === '' ? Number.NaN : Number(text))
    const patch = {
      ...(minutes !== undefined && { cancellationGracePeriodMinutes: whole(minutes) }),
      ...(insecureHooks !== undefined && { allowInsecureHooks: insecureHooks === 'true' }),
      ...(windowDays !== undefined && { windowToChangeSellerDays: whole(windowDays) }),
    }
    print(JSON.stringify(await changeSettings(deps, account, patch)))
  }),
  'sellers add': withDeps(async (deps, { values, need, args: [id = ''] }) => {
    const name = values.name
    if (name === undefined) throw new CliError('ordo sellers add needs --name. Run ordo sellers add --help.')
    const account = values['seller-account']
    const endpoint = values.endpoint
    if ((account === undefined) === (endpoint === undefined)) {
      throw new CliError(
        'ordo sellers add needs either --seller-account or --endpoint. Run ordo sellers add --help.',
      )
    }
    const headers = headersOf(values.header)
    const { seller, created } = await putSeller(
      deps,
      need('account'),
      id,
      {
        name,
        ...(account !== undefined ? { account } : { fulfillmentEndpoint: endpoint }),
        ...(headers && { headers }),
        ...(values['callback-app-key'] !== undefined && { callbackAppKey: values['callback-app-key'] }),
      },
      { operator: true },
    )
    print(values.json ? JSON.stringify(seller) : `${created ? 'Registered' : 'Changed'} seller ${id}.`)
  }),
  'sellers list': withDeps(async (deps, { values, need }) => {
    const list = await listSellers(deps, need('account'))
    if (values.json) return print(JSON.stringify(list))
    for (const seller of list) {
      print(`${seller.id}\t${seller.name}\t${seller.account ?? seller.fulfillmentEndpoint ?? ''}`)
    }
  }),
  'sellers remove': withDeps(async (deps, { need, args: [id = ''] }) => {
    await removeSeller(deps, need('account'), id)
    print(`Removed seller ${id}.`)
  }),
  'affiliates add': withDeps(async (deps, { values, need, args: [id = ''] }) => {
    const name = values.name
    if (name === undefined)
      throw new CliError('ordo affiliates add needs --name. Run ordo affiliates add --help.')
    const endpoint = values['services-endpoint']
    const headers = headersOf(values.header)
    const { affiliate, created } = await putAffiliate(deps, need('account'), id, {
      name,
      ...(endpoint !== undefined && { servicesEndpoint: endpoint }),
      ...(headers && { headers }),
    })
    print(values.json ? JSON.stringify(affiliate) : `${created ? 'Registered' : 'Changed'} affiliate ${id}.`)
  }),
  'affiliates list': withDeps(async (deps, { values, need }) => {
    const list = await listAffiliates(deps, need('account'))
    if (values.json) return print(JSON.stringify(list))
    for (const affiliate of list) {
      print(
        `${affiliate.id}\t${affiliate.name}\t${affiliate.servicesEndpoint ?? "(the placements' endpoint)"}`,
      )
    }
  }),
  'affiliates remove': withDeps(async (deps, { need, args: [id = ''] }) => {
    await removeAffiliate(deps, need('account'), id)
    print(`Removed affiliate ${id}.`)
  }),
  seed: withDeps(async (deps, { values }) => {
    const count = (option: 'orders' | 'seed', value: string | undefined) => {
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100_000_000) {
        throw new CliError(`--${option} must be a whole number from 1 to 100000000, not '${value ?? ''}'.`)
      }
      return Number(value)
    }
    const orders = count('orders', values.orders)
    const seed = values.seed === undefined ? 1 : count('seed', values.seed)
    const account = values.account ?? 'ordo'
    if (!(await accountExists(deps, account))) {
      await createAccount(deps, account)
      print(`Created account ${account}.`)
    }
    // Seeding is redone rather than recovered: on SQLite its commits do not each wait for the disk (a crash of
    // the machine may lose the last of them, never the database), which the durable default would make it do.
    // Its log is copied into the database every 400 MB rather than every 4 MB: each copy ends with a wait for the
    // disk, which took more of each transaction than writing its rows.
    if (deps.dialect === 'sqlite') {
      await sql`pragma synchronous = NORMAL`.execute(deps.db)
      await sql`pragma wal_autocheckpoint = 100000`.execute(deps.db)
    }
    const progress = await progressBar('ordo seed', orders, 'orders')
    const started = performance.now()
    const today = Math.floor(deps.clock.now().getTime() / 86_400_000) * 86_400_000
    let made = 0
    try {
      made = await seedOrders(deps, {
        account,
        orders,
        seed,
        until: today,
        placed: (n) => progress.update(n),
      })
    } finally {
      progress.stop()
    }
    // An order still in its grace period at `until` has its timeout queued; those due by now end here, as a
    // server would end them, rather than make the next `ordo serve` work through them as it starts.
    await runDueJobs(createJobQueue(deps), jobHandlers(deps), {
      clock: deps.clock,
      kinds: [ORDER_TIMEOUT_JOB],
    })
    const seconds = (performance.now() - started) / 1000
    print(`Placed ${made} orders in ${seconds.toFixed(1)} s (${Math.round(made / seconds)} orders/s).`)
  }),
  export: withDeps(async (deps, { values, need }) => {
    const format = values.format ?? 'jsonl'
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
      throw new CliError(`--format must be ${EXPORT_FORMATS.join(' or ')}, not '${format}'.`)
    }
    const account = need('account')
    if (!(await accountExists(deps, account))) throw new CliError(`There is no account ${account}.`)
    const filters = Object.fromEntries(new URLSearchParams(values.query ?? ''))
    const exported = await exportOrders(deps, account, filters, format as ExportFormat)
    const progress = await progressBar('ordo export', await exported.count(), 'orders')
    try {
      for await (const piece of exported.pieces((orders) => progress.increment(orders))) {
        if (!process.stdout.write(piece)) await once(process.stdout, 'drain')
      }
    } finally {
      progress.stop()
    }
  }),
}

/** A progress bar on stderr for a long command; only these commands load it, so the others start faster. */
async function progressBar(command: string, total: number, unit: string) {
  const { Presets, SingleBar } = (await import('cli-progress')).default
  const bar = new SingleBar(
    {
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      format: `${command} [{bar}] {value}/{total} ${unit}, {eta}s left`,
    },
    Presets.shades_classic,
  )
  bar.start(total, 0)
  return bar
}

async function run(argv: string[]): Promise<void> {
  // Reached from the entry point only when it found no help to print; `tsx src/cli/main.ts` comes here first.
  const help = helpFor(argv)
  if (help !== undefined) return void process.stdout.write(help)
  const invocation = parseCommandLine(argv)
  const { name, values } = invocation
  let config: Config
  try {
    config = loadConfig(values)
  } catch (error) {
    throw new CliError(reason(error))
  }
  const need = (option: 'account'): string => {
    const value = values[option]
    if (value === undefined) throw new CliError(`ordo ${name} needs --${option}. Run ordo ${name} --help.`)
    return value
  }
  await RUNNERS[name](config, { ...invocation, need })
}

try {
  await run(process.argv.slice(2))
} catch (error) {
  // Never a stack trace: what went wrong, on one line. Exit 1 is kept for what the user cannot fix.
  const expected = error instanceof CliError || error instanceof AppError
  process.stderr.write(`ordo: ${reason(error).replace(/\s*\n\s*/g, ' ')}\n`)
  process.exit(expected ? 2 : 1)
}
