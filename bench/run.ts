// `npm run bench`: start-up time of `ordo`, then Get order throughput on a fresh database as a ratio of a bare
// Fastify route that sends the same bytes from memory, both measured in this one run, then order transitions
// through the feed and the hook (bench/transitions.ts), then List orders at 100 000 and 1 000 000 seeded orders
// (bench/list-orders.ts). Prints tables and rewrites BENCHMARKS.md.
import autocannon from 'autocannon'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { exampleOrder, PARTNER } from '../test/fixtures.ts'
import { assertCurrentBuild, freePort, printedKey } from '../test/local-server.ts'
import {
  serveArgs,
  startServer,
  stopAll,
  untilPrinted,
  waitUntilAnswering,
  type Server,
} from './processes.ts'
import { describeMachine, markdown, textTable, type BenchRun, type Figures, type Sample } from './report.ts'
import { measureListOrders } from './list-orders.ts'
import { measureStartup } from './startup.ts'
import { measureTransitions } from './transitions.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

const { values: flags } = parseArgs({
  options: {
    // Request logging is a deployment choice, not the request path; `--log-level info` measures it too.
    'log-level': { type: 'string', default: 'warn' },
  },
})

const SETTINGS = {
  /** Each is the two-seller example order, so twice as many orders exist afterwards. */
  orderPlacements: 250,
  placementConcurrency: 4,
  connections: 10,
  /**
   * The account's Get order limit during the bench: far above any rate this machine reaches, so the check
   * stays on the measured path and never refuses (a 429 would fail the run as a non-2xx answer).
   */
  getOrderPerMinute: 100_000_000,
  warmupSeconds: 3,
  measureSeconds: 8,
  rounds: 5,
  target: 0.6,
  ordoLogLevel: flags['log-level'],
  /** Each of `ordo --help`, a first start and a restart. */
  startupRuns: 7,
  /** `ordo serve` answers /healthz within this long of its start (the acceptance). */
  startupTargetMs: 1500,
  /** The whole run, start to finish; past it everything is stopped and the bench fails. Seeding a million orders
   * for List orders takes most of it. */
  deadlineMs: 2_400_000,
} as const

type Headers = Record<string, string>

const say = (text: string) => process.stdout.write(`${text}\n`)

const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version

// The flags of each `ordo serve` choose the database and logging; a stray test clock must not change "now".
const ORDO_ENV = { ...process.env, ORDO_CLOCK_FILE: undefined }

/**
 * `ordo serve` on a new database, with the account `partner` the example order's second seller is (created by the
 * CLI beside the live server, as the README's tour does; the bench's calls register it as a seller).
 */
async function startOrdo(
  dbFile: string,
): Promise<{ server: Server; base: string; partnerKey: { appKey: string; appToken: string } }> {
  const port = await freePort()
  const server = startServer('Ordo', serveArgs(port, dbFile, SETTINGS.ordoLogLevel), ROOT, ORDO_ENV)
  const base = `http://127.0.0.1:${port}`
  await waitUntilAnswering(server, `${base}/healthz`)
  const ordo = (args: string[]) =>
    execFileSync(process.execPath, ['bin/ordo.js', ...args, '--db', dbFile], { cwd: ROOT, env: ORDO_ENV })
  ordo(['accounts', 'create', PARTNER.account])
  const role = ['--role', 'OMS - Full access', '--json']
  const partnerKey = JSON.parse(
    ordo(['keys', 'create', '--account', PARTNER.account, ...role]).toString(),
  ) as {
    appKey: string
    appToken: string
  }
  return { server, base, partnerKey }
}

/** The bootstrap admin key `ordo serve` prints once on an empty database, before it listens. */
async function bootstrapKey(server: Server): Promise<Headers> {
  const key = await untilPrinted(server, printedKey)
  return { 'x-vtex-api-appkey': key.appKey, 'x-vtex-api-apptoken': key.appToken }
}

/** Runs `task(0…count-1)` with a few in flight: SQLite writes one at a time anyway. */
async function inParallel(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: SETTINGS.placementConcurrency }, worker))
}

/** Raises the Get order limit, and registers the example order's second seller (with its consent, its key). */
async function prepare(
  base: string,
  headers: Headers,
  partnerKey: { appKey: string; appToken: string },
): Promise<void> {
  for (const [path, body] of [
    ['/api/ordo/pvt/settings', { rateLimits: { getOrderPerMinute: SETTINGS.getOrderPerMinute } }],
    [`/api/ordo/pvt/sellers/${PARTNER.id}`, { name: PARTNER.name, account: PARTNER.account, ...partnerKey }],
  ] as const) {
    const response = await fetch(`${base}${path}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    })
    if (!response.ok) throw new Error(`PUT ${path} answered ${response.status}: ${await response.text()}`)
  }
}

async function placeOrders(base: string, headers: Headers): Promise<string[]> {
  const ids: string[] = []
  await inParallel(SETTINGS.orderPlacements, async (index) => {
    const response = await fetch(`${base}/api/oms/pvt/orders`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(exampleOrder({ marketplaceOrderId: `BENCH-${index}` })),
      signal: AbortSignal.timeout(10_000),
    })
    const text = await response.text()
    if (response.status !== 201) throw new Error(`Placing an order answered ${response.status}: ${text}`)
    ids.push(...(JSON.parse(text) as { orders: { orderId: string }[] }).orders.map((order) => order.orderId))
  })
  return ids.sort()
}

/** What Get order answers for each id: the bytes the bare server will send back. */
async function fetchDocuments(base: string, headers: Headers, ids: string[]): Promise<Map<string, string>> {
  const documents = new Map<string, string>()
  await inParallel(ids.length, async (index) => {
    const id = ids[index] ?? ''
    const response = await fetch(`${base}/api/oms/pvt/orders/${id}`, {
      headers,
      signal: AbortSignal.timeout(10_000),
    })
    const text = await response.text()
    if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('application/json')) {
      throw new Error(`Get order ${id} answered ${response.status}: ${text}`)
    }
    documents.set(id, text)
  })
  return documents
}

interface Target {
  figures: Figures
  server: Server
  options: autocannon.Options
}

function target(name: string, server: Server, base: string, headers: Headers, ids: string[]): Target {
  return {
    figures: { name, samples: [] },
    server,
    options: {
      url: base,
      connections: SETTINGS.connections,
      timeout: 10,
      headers,
      requests: ids.map((id) => ({ method: 'GET', path: `/api/oms/pvt/orders/${id}` })),
    },
  }
}

/** One measured load on one server; only 2xx answers count as a result. */
async function measure({ figures, server, options }: Target): Promise<void> {
  const serverBefore = server.cpuSeconds()
  const loadBefore = process.cpuUsage()
  const started = performance.now()
  const result = await autocannon({ ...options, duration: SETTINGS.measureSeconds })
  const wallSeconds = (performance.now() - started) / 1000
  const serverAfter = server.cpuSeconds()
  const load = process.cpuUsage(loadBefore)
  if (result.errors + result.timeouts + result.non2xx > 0) {
    throw new Error(
      `${figures.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts under load`,
    )
  }
  const sample: Sample = {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bytes: result.throughput.total,
    serverCpuSeconds:
      serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore,
    loadCpuSeconds: (load.user + load.system) / 1e6,
    wallSeconds,
  }
  figures.samples.push(sample)
  say(`    ${figures.name}: ${sample.requestsPerSecond.toFixed(0)} req/s`)
}

async function bench(workDir: string): Promise<BenchRun> {
  const date = new Date()
  say(`Ordo bench on ${describeMachine()}`)
  say(
    `Start-up: ordo --help, then ordo serve on an empty database and again on it, ${SETTINGS.startupRuns} times each…`,
  )
  const loadAverage = loadavg()[0] ?? 0
  const startup = await measureStartup(ROOT, workDir, ORDO_ENV, SETTINGS.startupRuns)
  say('Starting Ordo on a fresh SQLite database…')
  const ordo = await startOrdo(join(workDir, 'ordo.db'))
  const headers = await bootstrapKey(ordo.server)
  await prepare(ordo.base, headers, ordo.partnerKey)
  let started = performance.now()
  const ids = await placeOrders(ordo.base, headers)
  say(`  placed ${ids.length} orders in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  started = performance.now()
  const documents = await fetchDocuments(ordo.base, headers, ids)
  say(`  read them back in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  say('Starting the bare Fastify server…')
  const documentsFile = join(workDir, 'documents.json')
  writeFileSync(documentsFile, JSON.stringify(Object.fromEntries(documents)))
  const port = await freePort()
  const bare = startServer(
    'bare Fastify',
    ['--import', 'tsx', 'bench/bare-server.ts', documentsFile, String(port)],
    ROOT,
    process.env,
  )
  const bareBase = `http://127.0.0.1:${port}`
  await waitUntilAnswering(bare, `${bareBase}/api/oms/pvt/orders/${ids[0] ?? ''}`)

  // Both stay up, idle while the other is loaded, so the rounds can alternate and share the machine's drift.
  const targets = [
    target('bare Fastify', bare, bareBase, headers, ids),
    target('Ordo Get order', ordo.server, ordo.base, headers, ids),
  ] as const
  say(`Warm-up, ${SETTINGS.warmupSeconds} s each…`)
  for (const { options } of targets) await autocannon({ ...options, duration: SETTINGS.warmupSeconds })
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    say(`  round ${round} of ${SETTINGS.rounds}, ${SETTINGS.measureSeconds} s each`)
    for (const each of targets) await measure(each)
  }
  await Promise.all([ordo.server.stop(), bare.stop()])

  say('Transitions to the feed and the hook: two Ordo on fresh SQLite databases, one with a feed and a hook…')
  const [none, fanned] = await Promise.all(
    ['none.db', 'fanned.db'].map(async (file) => {
      const started = await startOrdo(join(workDir, file))
      return { ...started, headers: await bootstrapKey(started.server) }
    }),
  )
  if (!none || !fanned) throw new Error('Two servers were started')
  const transitions = await measureTransitions(none, fanned, say)
  await Promise.all([none.server.stop(), fanned.server.stop()])

  say('List orders on databases seeded by ordo seed…')
  const listOrders = await measureListOrders(ROOT, workDir, ORDO_ENV, say)

  const sizes = [...documents.values()].map((text) => Buffer.byteLength(text))
  return {
    date,
    versions: { node: process.version, fastify: versionOf('fastify'), autocannon: versionOf('autocannon') },
    connections: SETTINGS.connections,
    warmupSeconds: SETTINGS.warmupSeconds,
    measureSeconds: SETTINGS.measureSeconds,
    rounds: SETTINGS.rounds,
    orders: ids.length,
    documentBytes: sizes.reduce((total, size) => total + size, 0) / Math.max(sizes.length, 1),
    ordoLogLevel: SETTINGS.ordoLogLevel,
    target: SETTINGS.target,
    startup: { ...startup, loadAverage, targetMs: SETTINGS.startupTargetMs },
    bare: targets[0].figures,
    ordo: targets[1].figures,
    transitions,
    listOrders,
  }
}

assertCurrentBuild()
const workDir = mkdtempSync(join(tmpdir(), 'ordo-bench-'))
const cleanUp = async () => {
  await stopAll()
  rmSync(workDir, { recursive: true, force: true })
}
const abort = (reason: string) => {
  process.stderr.write(`bench: ${reason}\n`)
  void cleanUp().finally(() => process.exit(1))
}
setTimeout(
  () => abort(`over the ${SETTINGS.deadlineMs / 1000} s limit, stopped`),
  SETTINGS.deadlineMs,
).unref()
process.once('SIGINT', () => abort('interrupted'))
process.once('SIGTERM', () => abort('terminated'))

try {
  const run = await bench(workDir)
  say('')
  say(textTable(run))
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown(run))
  say('\nWrote BENCHMARKS.md')
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
} finally {
  await cleanUp()
}
