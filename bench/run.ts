// `npm run bench`: start-up time of `ordo`, then Get order throughput on a fresh database as a ratio of a bare
// Fastify route that sends the same bytes from memory, and under orders placed at a steady rate as a ratio of it
// alone, all measured in this one run (bench/get-order.ts), then order transitions through the feed and the hook
// (bench/transitions.ts), then List orders at 100 000 and 1 000 000 seeded orders (bench/list-orders.ts). Prints
// tables and rewrites BENCHMARKS.md. `npm run bench -- --only get-order` runs the Get order section alone, in
// minutes rather than more than an hour, and prints its figures without touching BENCHMARKS.md.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { PARTNER } from '../test/fixtures.ts'
import { assertCurrentBuild, freePort, printedKey } from '../test/local-server.ts'
import { measureGetOrder, type GetOrderFigures } from './get-order.ts'
import { serveArgs, startServer, stopAll, untilPrinted, waitUntilAnswering, type Ordo } from './processes.ts'
import {
  describeMachine,
  getOrderText,
  markdown,
  textTable,
  transitionsText,
  type BenchRun,
} from './report.ts'
import { measureListOrders } from './list-orders.ts'
import { measureStartup } from './startup.ts'
import { measureTransitions, type TransitionFigures } from './transitions.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

const { values: flags } = parseArgs({
  options: {
    // Request logging is a deployment choice, not the request path; `--log-level info` measures it too.
    'log-level': { type: 'string', default: 'warn' },
    // `--only get-order` or `--only transitions`, to iterate on one section in minutes; its figures are printed
    // but not written, as BENCHMARKS.md holds whole runs only.
    only: { type: 'string' },
  },
})
if (flags.only !== undefined && flags.only !== 'get-order' && flags.only !== 'transitions') {
  process.stderr.write(`bench: --only takes get-order or transitions, not ${flags.only}\n`)
  process.exit(2)
}

const SETTINGS = {
  ordoLogLevel: flags['log-level'],
  /** Each of `ordo --help`, a first start and a restart. */
  startupRuns: 7,
  /** `ordo serve` answers /healthz within this long of its start (the acceptance). */
  startupTargetMs: 1500,
  /**
   * The whole run, start to finish; past it everything is stopped and the bench fails. Seeding a million orders
   * for List orders takes most of it: 46 minutes on a 2-core AMD EPYC, where the whole run takes about 75.
   */
  deadlineMs: 7_200_000,
} as const

const say = (text: string) => process.stdout.write(`${text}\n`)

const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version

// The flags of each `ordo serve` choose the database and logging; a stray test clock must not change "now".
const ORDO_ENV = { ...process.env, ORDO_CLOCK_FILE: undefined }

/**
 * `ordo serve` on a new database, with the account `partner` the example order's second seller is (created by the
 * CLI beside the live server, as the README's tour does; the bench's calls register it as a seller), and the
 * bootstrap admin key it printed on the empty database, before it listened.
 */
async function startOrdo(dbFile: string): Promise<Ordo> {
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
  const key = await untilPrinted(server, printedKey)
  const headers = { 'x-vtex-api-appkey': key.appKey, 'x-vtex-api-apptoken': key.appToken }
  return { server, base, headers, partnerKey }
}

/** Get order's section, on an Ordo of its own stopped once measured. */
async function getOrderSection(workDir: string): Promise<GetOrderFigures> {
  say('Starting Ordo on a fresh SQLite database…')
  const ordo = await startOrdo(join(workDir, 'ordo.db'))
  const figures = await measureGetOrder(ordo, ROOT, workDir, say)
  await ordo.server.stop()
  return figures
}

/** The transitions section, on two Ordo of their own stopped once measured. */
async function transitionsSection(workDir: string): Promise<TransitionFigures> {
  say('Transitions to the feed and the hook: two Ordo on fresh SQLite databases, one with a feed and a hook…')
  const [none, fanned] = await Promise.all(
    ['none.db', 'fanned.db'].map((file) => startOrdo(join(workDir, file))),
  )
  if (!none || !fanned) throw new Error('Two servers were started')
  const transitions = await measureTransitions(none, fanned, say)
  await Promise.all([none.server.stop(), fanned.server.stop()])
  return transitions
}

async function bench(workDir: string): Promise<BenchRun> {
  const date = new Date()
  say(
    `Start-up: ordo --help, then ordo serve on an empty database and again on it, ${SETTINGS.startupRuns} times each…`,
  )
  const loadAverage = loadavg()[0] ?? 0
  const startup = await measureStartup(ROOT, workDir, ORDO_ENV, SETTINGS.startupRuns)
  const getOrder = await getOrderSection(workDir)

  const transitions = await transitionsSection(workDir)

  say('List orders on databases seeded by ordo seed…')
  const listOrders = await measureListOrders(ROOT, workDir, ORDO_ENV, say)

  return {
    date,
    versions: { node: process.version, fastify: versionOf('fastify'), autocannon: versionOf('autocannon') },
    ordoLogLevel: SETTINGS.ordoLogLevel,
    getOrder,
    startup: { ...startup, loadAverage, targetMs: SETTINGS.startupTargetMs },
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
  say(`Ordo bench on ${describeMachine()}`)
  if (flags.only) {
    const text =
      flags.only === 'get-order'
        ? getOrderText(await getOrderSection(workDir))
        : transitionsText(await transitionsSection(workDir))
    say('')
    say(text)
    say('\nBENCHMARKS.md left as it was (--only)')
  } else {
    const run = await bench(workDir)
    say('')
    say(textTable(run))
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown(run))
    say('\nWrote BENCHMARKS.md')
  }
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
} finally {
  await cleanUp()
}
