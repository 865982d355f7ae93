// Order transitions through the fan-out, for `npm run bench`: how long after a write is acknowledged its
// transitions are read from the feed and received by the hook, at a steady rate; and the sustained transition
// rate of a server with one feed and one hook active as a ratio of one with neither, in alternating rounds.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { exampleOrder, PARTNER } from '../test/fixtures.ts'
import { paced, type Paced } from './paced.ts'
import type { Ordo } from './processes.ts'
import { median } from './report.ts'

export const TRANSITION_SETTINGS = {
  /** The target: p99 from a transition to the hook under this, at `targetRate`, on SQLite. */
  hookP99TargetMs: 1000,
  targetRate: 500,
  /** Below the sustained rate measured first, the latency run goes at this share of it. */
  sustainableShare: 0.8,
  latencySeconds: 10,
  /** Units (a placement and its approval) in flight at most in the latency run; past it a unit is skipped. */
  maxInFlight: 64,
  /** Closed loop for the rate: this many units at once, each round a fixed number of them. */
  concurrency: 4,
  /** Enough for the fan-out's, the sender's and the feed's code to be compiled before a round is timed. */
  warmupUnits: 40,
  /** Long enough that the tail a round waits for after its last write is a small part of it. */
  unitsPerRound: 80,
  rounds: 8,
  /**
   * Feed readers at once, as many as writers: a feed hands each retrieval its own items, as SQS does, so an
   * integration that must keep up reads with several. One reader, a lot of 10 at a time, gets one lot for every
   * few placements of the writers while the server answers all of them in turn (each placement is 16
   * transitions, each lot a GET and a POST), so it alone sets the rate and the round waits for it.
   */
  feedReaders: 4,
  ratioTarget: 0.7,
  /** How long a feed reader waits after an empty retrieval before it asks again. */
  feedIdleMs: 10,
  /** Every transition written must reach the feed and the hook within this of the last write. */
  drainTimeoutMs: 30_000,
} as const

/**
 * The last transition of each order of a unit: with no grace period an approved order goes on to it at once.
 * A channel has everything of an order once it has this, since both hand out an order's events in order.
 */
/**
 * Where each order of a unit rests once paid: the store's own after its (0-minute) grace period, the one it sold
 * for the partner waiting for the partner (whose own order lives in the partner's account, with no feed or hook).
 */
const FINAL_STATES: ReadonlySet<string> = new Set(['ready-for-handling', 'waiting-seller-handling'])

async function send(ordo: Ordo, method: string, path: string, body?: unknown): Promise<string> {
  const response = await fetch(`${ordo.base}${path}`, {
    method,
    headers: { ...ordo.headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return text
}

interface Arrival {
  orderId: string
  state: string
  currentChange: string
  /** Date.now() as it arrived. */
  at: number
}

/** A placement and the approval of its payment: two orders (the two-seller example) and their transitions. */
interface Unit {
  orderIds: string[]
  /** Date.now() as each write's answer arrived. */
  placedAt: number
  approvedAt: number
}

/** What one server's feed readers and hook receiver got, and which orders each has seen to the end. */
class Channels {
  readonly feed: Arrival[] = []
  readonly hook: Arrival[] = []
  /**
   * The distinct transitions each channel received per order (a redelivery counts once), and the orders whose
   * last transition the hook has delivered.
   */
  private readonly seen = { feed: new Map<string, Set<string>>(), hook: new Map<string, Set<string>>() }
  private readonly finishedAtHook = new Set<string>()

  add(channel: 'feed' | 'hook', arrival: Arrival): void {
    this[channel].push(arrival)
    const transitions = this.seen[channel].get(arrival.orderId) ?? new Set<string>()
    transitions.add(`${arrival.state} ${arrival.currentChange}`)
    this.seen[channel].set(arrival.orderId, transitions)
    if (channel === 'hook' && FINAL_STATES.has(arrival.state)) this.finishedAtHook.add(arrival.orderId)
  }

  /**
   * Whether both channels have every transition of the order. The hook delivers an order's transitions in
   * order, so once its last has come the hook has all of them; readers side by side may record a feed item
   * after a later one of the same order, so the feed is done when it has every one the hook has.
   */
  private complete(orderId: string): boolean {
    const atHook = this.seen.hook.get(orderId)
    const atFeed = this.seen.feed.get(orderId)
    return (
      this.finishedAtHook.has(orderId) &&
      atHook !== undefined &&
      atFeed !== undefined &&
      [...atHook].every((transition) => atFeed.has(transition))
    )
  }

  /** Resolves once both channels have every transition of `units`. */
  async drained(units: readonly Unit[]): Promise<void> {
    const deadline = performance.now() + TRANSITION_SETTINGS.drainTimeoutMs
    const done = () => units.every((unit) => unit.orderIds.every((id) => this.complete(id)))
    while (!done()) {
      if (performance.now() > deadline) {
        throw new Error(
          `the feed and the hook did not get every transition within ${TRANSITION_SETTINGS.drainTimeoutMs} ms`,
        )
      }
      await sleep(5)
    }
  }

  clear(): void {
    this.feed.length = 0
    this.hook.length = 0
  }
}

/** A hook receiver on 127.0.0.1 that answers 200 and records each notification as it arrives. */
async function startReceiver(channels: Channels): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      const at = Date.now()
      const json = JSON.parse(body) as { OrderId?: string; State?: string; CurrentChange?: string }
      if (json.OrderId && json.State && json.CurrentChange) {
        channels.add('hook', {
          orderId: json.OrderId,
          state: json.State,
          currentChange: json.CurrentChange,
          at,
        })
      }
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Reads the feed as a client does, `maxlot=10` then a commit of what it read, until `stop` says so. */
async function readFeed(ordo: Ordo, channels: Channels, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const items = JSON.parse(await send(ordo, 'GET', '/api/orders/feed?maxlot=10')) as (Omit<
      Arrival,
      'at'
    > & { handle: string })[]
    const at = Date.now()
    for (const { orderId, state, currentChange } of items) {
      channels.add('feed', { orderId, state, currentChange, at })
    }
    if (items.length > 0) {
      await send(ordo, 'POST', '/api/orders/feed', { handles: items.map((item) => item.handle) })
    } else await sleep(TRANSITION_SETTINGS.feedIdleMs)
  }
}

let placements = 0

async function placeAndApprove(ordo: Ordo): Promise<Unit> {
  const placed = JSON.parse(
    await send(
      ordo,
      'POST',
      '/api/oms/pvt/orders',
      exampleOrder({ marketplaceOrderId: `FAN-${placements++}` }),
    ),
  ) as { orders: { orderId: string; paymentData: { transactions: { payments: { id: string }[] }[] } }[] }
  const placedAt = Date.now()
  const [first] = placed.orders
  if (!first) throw new Error('Placing an order answered no order')
  // One payment for the whole group: its notification approves every order of it.
  for (const payment of first.paymentData.transactions[0]?.payments ?? []) {
    await send(
      ordo,
      'POST',
      `/api/oms/pvt/orders/${first.orderId}/payments/${payment.id}/payment-notification`,
    )
  }
  return { orderIds: placed.orders.map((order) => order.orderId), placedAt, approvedAt: Date.now() }
}

export interface Percentiles {
  count: number
  p50Ms: number
  p99Ms: number
}

const percentiles = (values: number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN
  return { count: sorted.length, p50Ms: rank(0.5), p99Ms: rank(0.99) }
}

/**
 * Each arrival's delay from the acknowledgement of the write that made its transition (the placement's
 * transitions are stamped before it answered, the approval's after), and from its own currentChange.
 */
function delays(arrivals: readonly Arrival[], units: readonly Unit[]) {
  const unitOf = new Map(units.flatMap((unit) => unit.orderIds.map((id) => [id, unit] as const)))
  const fromAck: number[] = []
  const fromChange: number[] = []
  for (const arrival of arrivals) {
    const unit = unitOf.get(arrival.orderId)
    if (!unit) continue
    const changed = Date.parse(arrival.currentChange)
    fromAck.push(arrival.at - (changed <= unit.placedAt ? unit.placedAt : unit.approvedAt))
    fromChange.push(arrival.at - changed)
  }
  return { fromAck: percentiles(fromAck), fromChange: percentiles(fromChange) }
}

export interface TransitionFigures {
  transitionsPerUnit: number
  latency: {
    rate: number
    achievedRate: number
    seconds: number
    units: number
    skipped: number
    feed: { fromAck: Percentiles; fromChange: Percentiles }
    hook: { fromAck: Percentiles; fromChange: Percentiles }
    serverCpuShare: number | undefined
    loadCpuShare: number
    loadAverage: number
  }
  throughput: {
    /** Transitions per second, one entry per round. */
    none: number[]
    active: number[]
    /** Seconds from the last write of a round to the feed and the hook having all of it. */
    drainSeconds: number[]
    /** The server's CPU time per transition, µs, one entry per round; empty where /proc is missing. */
    cpuNone: number[]
    cpuActive: number[]
    loadAverage: number
  }
  settings: typeof TRANSITION_SETTINGS
}

/** Both channels of the `active` server, with its feed readers running only while a load is on. */
interface Active {
  ordo: Ordo
  channels: Channels
  /** Reads the feed until the returned function is called; that function resolves once the readers stopped. */
  readWhile: () => () => Promise<void>
}

function readerOf(ordo: Ordo, channels: Channels): Active['readWhile'] {
  return () => {
    let stopped = false
    const reading = Promise.all(
      Array.from({ length: TRANSITION_SETTINGS.feedReaders }, () => readFeed(ordo, channels, () => stopped)),
    )
    return async () => {
      stopped = true
      await reading
    }
  }
}

/** `count` units, `concurrency` at a time (closed loop), then (with channels) until both have all of them. */
async function round(ordo: Ordo, count: number, active?: Active) {
  const stopReading = active?.readWhile()
  const units: Unit[] = []
  const cpuBefore = ordo.server.cpuSeconds()
  const started = performance.now()
  let next = 0
  const worker = async () => {
    while (next++ < count) units.push(await placeAndApprove(ordo))
  }
  try {
    await Promise.all(Array.from({ length: TRANSITION_SETTINGS.concurrency }, worker))
    const written = performance.now()
    await active?.channels.drained(units)
    const ended = performance.now()
    const cpuAfter = ordo.server.cpuSeconds()
    return {
      units,
      seconds: (ended - started) / 1000,
      drainSeconds: (ended - written) / 1000,
      serverCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    }
  } finally {
    await stopReading?.()
  }
}

async function prepare(ordo: Ordo): Promise<void> {
  await send(ordo, 'PUT', '/api/ordo/pvt/settings', {
    allowInsecureHooks: true,
    cancellationGracePeriodMinutes: 0,
  })
  await send(ordo, 'PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
    name: PARTNER.name,
    account: PARTNER.account,
    ...ordo.partnerKey,
  })
}

/**
 * `none` has neither feed nor hook; `active` gets one of each (every status), feed readers and a hook
 * receiver in this process. Both must be fresh servers of the same build on their own SQLite files.
 */
export async function measureTransitions(
  none: Ordo,
  ordo: Ordo,
  say: (text: string) => void,
): Promise<TransitionFigures> {
  const settings = TRANSITION_SETTINGS
  const channels = new Channels()
  const receiver = await startReceiver(channels)
  try {
    await Promise.all([prepare(none), prepare(ordo)])
    await send(ordo, 'POST', '/api/orders/feed/config', {})
    await send(ordo, 'POST', '/api/orders/hook/config', { hook: { url: receiver.url } })
    const active: Active = { ordo, channels, readWhile: readerOf(ordo, channels) }

    say(`  warm-up, ${settings.warmupUnits} units each`)
    await round(none, settings.warmupUnits)
    const warm = await round(ordo, settings.warmupUnits, active)
    const perUnit = channels.hook.length / Math.max(warm.units.length, 1)
    channels.clear()
    const rate = (result: { units: Unit[]; seconds: number }) =>
      (result.units.length * perUnit) / result.seconds
    const cpu = (result: { units: Unit[]; serverCpuSeconds: number | undefined }, into: number[]) => {
      if (result.serverCpuSeconds !== undefined) {
        into.push((result.serverCpuSeconds * 1e6) / (result.units.length * perUnit))
      }
    }

    const throughput: TransitionFigures['throughput'] = {
      none: [],
      active: [],
      drainSeconds: [],
      cpuNone: [],
      cpuActive: [],
      loadAverage: loadavg()[0] ?? 0,
    }
    for (let index = 1; index <= settings.rounds; index++) {
      say(`  round ${index} of ${settings.rounds}, ${settings.unitsPerRound} units each`)
      const alone = await round(none, settings.unitsPerRound)
      throughput.none.push(rate(alone))
      cpu(alone, throughput.cpuNone)
      const fanned = await round(ordo, settings.unitsPerRound, active)
      channels.clear()
      throughput.active.push(rate(fanned))
      cpu(fanned, throughput.cpuActive)
      throughput.drainSeconds.push(fanned.drainSeconds)
      say(
        `    none ${rate(alone).toFixed(0)}/s, a feed and a hook ${rate(fanned).toFixed(0)}/s ` +
          `(drained ${fanned.drainSeconds.toFixed(2)} s after the last write)`,
      )
    }

    const sustained = median(throughput.active)
    const target = Math.min(settings.targetRate, sustained * settings.sustainableShare)
    say(`  transitions at ${target.toFixed(0)}/s for ${settings.latencySeconds} s, feed and hook timed…`)
    const loadAverage = loadavg()[0] ?? 0
    const serverBefore = ordo.server.cpuSeconds()
    const loadBefore = process.cpuUsage()
    const stopReading = active.readWhile()
    let steady: Paced<Unit>
    try {
      steady = await paced(target / perUnit, settings.latencySeconds, settings.maxInFlight, () =>
        placeAndApprove(ordo),
      )
      await channels.drained(steady.results)
    } finally {
      await stopReading()
    }
    const serverAfter = ordo.server.cpuSeconds()
    const load = process.cpuUsage(loadBefore)
    return {
      transitionsPerUnit: perUnit,
      latency: {
        rate: target,
        achievedRate: (steady.results.length * perUnit) / steady.seconds,
        seconds: steady.seconds,
        units: steady.results.length,
        skipped: steady.skipped,
        feed: delays(channels.feed, steady.results),
        hook: delays(channels.hook, steady.results),
        serverCpuShare:
          serverBefore === undefined || serverAfter === undefined
            ? undefined
            : (serverAfter - serverBefore) / steady.seconds,
        loadCpuShare: (load.user + load.system) / 1e6 / steady.seconds,
        loadAverage,
      },
      throughput,
      settings,
    }
  } finally {
    await receiver.close()
  }
}
