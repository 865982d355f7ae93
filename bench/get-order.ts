// Get order (`GET /api/oms/pvt/orders/:orderId`) for `npm run bench`: its throughput on a fresh database as a
// ratio of a bare Fastify route that sends the same bytes from memory, in alternating rounds; then, in rounds of
// their own, its throughput while orders are placed at a steady rate as a ratio of its throughput alone.
import autocannon from 'autocannon'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import { postJson } from '../src/platform/outbound-http.ts'
import { exampleOrder, PARTNER, singleOrder } from '../test/fixtures.ts'
import { freePort } from '../test/local-server.ts'
import { paced } from './paced.ts'
import { startServer, waitUntilAnswering, type Ordo, type Server } from './processes.ts'
import type { Figures, Sample } from './report.ts'

export const GET_ORDER_SETTINGS = {
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
  /**
   * Many short rounds rather than a few long ones: this kind of machine slows by half for seconds at a time, and
   * the median of eleven pairs of neighbouring rounds moves less with that than the median of five.
   */
  measureSeconds: 4,
  rounds: 11,
  target: 0.8,
  /** The mixed rounds' placements: one-seller orders, so this is also the orders placed per second. */
  placementsPerSecond: 50,
  /**
   * Placements unanswered at most in a mixed round, a second's worth; past it a placement is skipped, and the
   * rate achieved shows it, rather than a stalled server piling up requests that would land in the next round.
   */
  placementsInFlight: 50,
  mixedTarget: 0.8,
} as const

const SETTINGS = GET_ORDER_SETTINGS

export interface GetOrderFigures {
  /** Orders placed before any load: every Get order asks for one of them. */
  orders: number
  documentBytes: number
  bare: Figures
  ordo: Figures
  /** The mixed rounds, on the same server after the rounds against bare Fastify: Get order alone, then placing. */
  alone: Figures
  placing: Figures
  /** Orders answered 201 per second in each mixed round. */
  placedPerSecond: number[]
  /** Placements skipped over all the mixed rounds for `placementsInFlight` unanswered. */
  skipped: number
  settings: typeof GET_ORDER_SETTINGS
}

type Headers = Record<string, string>

/** Runs `task(0…count-1)` with a few in flight: SQLite writes one at a time anyway. */
async function inParallel(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: SETTINGS.placementConcurrency }, worker))
}

/** Raises the Get order limit, and registers the example order's second seller (with its consent, its key). */
async function prepare({ base, headers, partnerKey }: Ordo): Promise<void> {
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

/**
 * The ids of the orders one placement made; any answer but 201 fails the bench. Placements share the bench
 * process with autocannon, so their client must cost little: fetch spent about 3 ms of this process's CPU on
 * each, taken from the load it generates, and Ordo's own outbound client (node:http, kept-alive sockets) about
 * half.
 */
async function place({ base, headers }: Ordo, body: IntakeBody): Promise<string[]> {
  const answer = await postJson(new URL(`${base}/api/oms/pvt/orders`), headers, JSON.stringify(body), {
    timeoutMs: 10_000,
    readBody: true,
  })
  if (answer.status !== 201) {
    throw new Error(`Placing an order answered ${answer.status ?? answer.error}: ${answer.body ?? ''}`)
  }
  return (JSON.parse(answer.body ?? '') as { orders: { orderId: string }[] }).orders.map(
    (order) => order.orderId,
  )
}

async function placeOrders(ordo: Ordo): Promise<string[]> {
  const ids: string[] = []
  await inParallel(SETTINGS.orderPlacements, async (index) => {
    ids.push(...(await place(ordo, exampleOrder({ marketplaceOrderId: `BENCH-${index}` }))))
  })
  return ids.sort()
}

/** What Get order answers for each id: the bytes the bare server will send back. */
async function fetchDocuments({ base, headers }: Ordo, ids: string[]): Promise<Map<string, string>> {
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

/** Serves `documents` from bench/bare-server.ts in a child process, once it answers. */
async function startBare(root: string, workDir: string, documents: Map<string, string>) {
  const documentsFile = join(workDir, 'documents.json')
  writeFileSync(documentsFile, JSON.stringify(Object.fromEntries(documents)))
  const port = await freePort()
  const server = startServer(
    'bare Fastify',
    ['--import', 'tsx', 'bench/bare-server.ts', documentsFile, String(port)],
    root,
    process.env,
  )
  const base = `http://127.0.0.1:${port}`
  await waitUntilAnswering(server, `${base}/api/oms/pvt/orders/${documents.keys().next().value ?? ''}`)
  return { server, base }
}

let mixedPlacements = 0

/** One-seller orders placed at the mixed rounds' pace for `seconds`; each needs its own marketplaceOrderId. */
const placeSteadily = (ordo: Ordo, seconds: number) =>
  paced(SETTINGS.placementsPerSecond, seconds, SETTINGS.placementsInFlight, () =>
    place(ordo, singleOrder(`BENCH-MIXED-${mixedPlacements++}`)),
  )

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

const nothing = () => Promise.resolve()

/**
 * One measured load on one server, with `alongside` run over the same seconds and its CPU counted in the server's;
 * only 2xx answers count as a result.
 */
async function measure<T>(
  { figures, server, options }: Target,
  alongside: (seconds: number) => Promise<T>,
  say: (text: string) => void,
): Promise<T> {
  const serverBefore = server.cpuSeconds()
  const loadBefore = process.cpuUsage()
  const started = performance.now()
  const [result, beside] = await Promise.all([
    autocannon({ ...options, duration: SETTINGS.measureSeconds }),
    alongside(SETTINGS.measureSeconds),
  ])
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
  return beside
}

/** `ordo` must be a fresh server on its own database; it is left running, with the orders placed on it. */
export async function measureGetOrder(
  ordo: Ordo,
  root: string,
  workDir: string,
  say: (text: string) => void,
): Promise<GetOrderFigures> {
  await prepare(ordo)
  let started = performance.now()
  const ids = await placeOrders(ordo)
  say(`  placed ${ids.length} orders in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  started = performance.now()
  const documents = await fetchDocuments(ordo, ids)
  say(`  read them back in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  say('Starting the bare Fastify server…')
  const bare = await startBare(root, workDir, documents)
  // Both stay up, idle while the other is loaded, so the rounds can alternate and share the machine's drift.
  const targets = [
    target('bare Fastify', bare.server, bare.base, ordo.headers, ids),
    target('Ordo Get order', ordo.server, ordo.base, ordo.headers, ids),
  ] as const
  say(`Warm-up, ${SETTINGS.warmupSeconds} s each…`)
  for (const { options } of targets) await autocannon({ ...options, duration: SETTINGS.warmupSeconds })
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    say(`  round ${round} of ${SETTINGS.rounds}, ${SETTINGS.measureSeconds} s each`)
    for (const each of targets) await measure(each, nothing, say)
  }
  await bare.server.stop()

  const rate = SETTINGS.placementsPerSecond
  say(
    `Get order alone and while placing ${rate} orders/s, alternating; warm-up ${SETTINGS.warmupSeconds} s placing…`,
  )
  // The reads keep to the ids placed above, so the placements change the work around a read, not the read.
  const alone = target('alone', ordo.server, ordo.base, ordo.headers, ids)
  const placing = target(`placing ${rate} orders/s`, ordo.server, ordo.base, ordo.headers, ids)
  await Promise.all([
    autocannon({ ...placing.options, duration: SETTINGS.warmupSeconds }),
    placeSteadily(ordo, SETTINGS.warmupSeconds),
  ])
  const placedPerSecond: number[] = []
  let skipped = 0
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    say(`  round ${round} of ${SETTINGS.rounds}, ${SETTINGS.measureSeconds} s each`)
    await measure(alone, nothing, say)
    const placed = await measure(placing, (seconds) => placeSteadily(ordo, seconds), say)
    const orders = placed.results.reduce((total, made) => total + made.length, 0)
    placedPerSecond.push(orders / placed.seconds)
    skipped += placed.skipped
    say(`      ${orders} orders placed, ${(orders / placed.seconds).toFixed(1)}/s, ${placed.skipped} skipped`)
  }

  const sizes = [...documents.values()].map((text) => Buffer.byteLength(text))
  return {
    orders: ids.length,
    documentBytes: sizes.reduce((total, size) => total + size, 0) / Math.max(sizes.length, 1),
    bare: targets[0].figures,
    ordo: targets[1].figures,
    alone: alone.figures,
    placing: placing.figures,
    placedPerSecond,
    skipped,
    settings: SETTINGS,
  }
}
