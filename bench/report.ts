// What `npm run bench` prints and writes to BENCHMARKS.md: the machine, the method and the figures.
import { arch, cpus, release, totalmem, type } from 'node:os'
import { ADMIN_SETTINGS } from './admin-page.ts'
import type { GetOrderFigures } from './get-order.ts'
import { LIST_SETTINGS, type SizeFigures } from './list-orders.ts'
import type { StartupFigures } from './startup.ts'
import type { Percentiles, TransitionFigures } from './transitions.ts'

/** One measured run of one server. */
export interface Sample {
  requestsPerSecond: number
  requests: number
  p50Ms: number
  p99Ms: number
  bytes: number
  /** CPU seconds the server used; undefined where /proc is missing. */
  serverCpuSeconds: number | undefined
  loadCpuSeconds: number
  wallSeconds: number
}

export interface Figures {
  name: string
  samples: Sample[]
}

export interface BenchRun {
  date: Date
  versions: { node: string; fastify: string; autocannon: string }
  ordoLogLevel: string
  getOrder: GetOrderFigures
  startup: StartupFigures & {
    /** The 1-minute load average as the start-up runs began: on a shared machine the times rise with it. */
    loadAverage: number
    targetMs: number
  }
  transitions: TransitionFigures
  listOrders: SizeFigures[]
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)

/** Medians over the rounds: one slow round on a shared machine moves them least. */
export function summary(figures: Figures) {
  const { samples } = figures
  const cpu = samples.map((s) => s.serverCpuSeconds)
  const serverCpu = cpu.every((c) => c !== undefined) ? sum(cpu) : undefined
  const requests = sum(samples.map((s) => s.requests))
  const wall = sum(samples.map((s) => s.wallSeconds))
  return {
    requestsPerSecond: median(samples.map((s) => s.requestsPerSecond)),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    bytesPerResponse: sum(samples.map((s) => s.bytes)) / requests,
    serverCpuMicrosPerRequest: serverCpu === undefined ? undefined : (serverCpu * 1e6) / requests,
    serverCpuShare: serverCpu === undefined ? undefined : serverCpu / wall,
    loadCpuShare: sum(samples.map((s) => s.loadCpuSeconds)) / wall,
  }
}

/** A headline: `measured` req/s over `base` req/s (Get order over bare Fastify), medians of the rounds. */
export const ratioOf = (measured: Figures, base: Figures): number =>
  summary(measured).requestsPerSecond / summary(base).requestsPerSecond

/** Each round's own ratio, to show how far one run can be trusted. */
const roundRatios = (measured: Figures, base: Figures): number[] =>
  measured.samples.map((s, i) => s.requestsPerSecond / (base.samples[i]?.requestsPerSecond ?? NaN))

/** Server CPU per request, `base` over `measured`: the ratio if the server's CPU were the only limit. */
export function cpuRatioOf(measured: Figures, base: Figures): number | undefined {
  const over = summary(measured).serverCpuMicrosPerRequest
  const under = summary(base).serverCpuMicrosPerRequest
  return over === undefined || under === undefined ? undefined : under / over
}

export function describeMachine(): string {
  const list = cpus()
  const model = list[0]?.model.trim() ?? 'unknown CPU'
  const memory = (totalmem() / 1024 ** 3).toFixed(1)
  return `${list.length} × ${model}, ${memory} GiB RAM, ${type()} ${release()} ${arch()}, Node ${process.version}`
}

const percent = (share: number | undefined) => (share === undefined ? 'n/a' : `${Math.round(share * 100)} %`)
// autocannon's latency histogram counts whole milliseconds.
const millis = (value: number) => (value < 1 ? '<1' : value.toFixed(0))

const COLUMNS = [
  'req/s',
  'mean ms',
  'p50 ms',
  'p99 ms',
  'bytes/response',
  'server CPU µs/req',
  'server CPU',
  'load-gen CPU',
]
const HEADINGS = ['server', ...COLUMNS]
const MIXED_HEADINGS = ['Ordo Get order', ...COLUMNS]

function rows({ settings }: GetOrderFigures, measured: Figures[]): string[][] {
  return measured.map((figures) => {
    const s = summary(figures)
    return [
      figures.name,
      s.requestsPerSecond.toFixed(0),
      // A closed loop of N connections: mean latency is N over the request rate (Little's law).
      ((settings.connections / s.requestsPerSecond) * 1000).toFixed(2),
      millis(s.p50Ms),
      millis(s.p99Ms),
      s.bytesPerResponse.toFixed(0),
      s.serverCpuMicrosPerRequest?.toFixed(1) ?? 'n/a',
      percent(s.serverCpuShare),
      percent(s.loadCpuShare),
    ]
  })
}

const list = (values: number[], digits: number) => values.map((v) => v.toFixed(digits)).join(', ')

/** `measured` against `base`: the ratio of the medians with its target, and each round's own. */
function ratioLine(what: string, measured: Figures, base: Figures, target: number): string {
  const ratio = ratioOf(measured, base)
  const verdict = ratio >= target ? 'meets the target' : 'BELOW the target'
  return (
    `${what}, req/s: ${ratio.toFixed(2)} (target ≥ ${target}: ${verdict}; ` +
    `rounds ${list(roundRatios(measured, base), 2)})`
  )
}

const cpuRatioText = (measured: Figures, base: Figures) => cpuRatioOf(measured, base)?.toFixed(2) ?? 'n/a'

function ratioLines(g: GetOrderFigures): string[] {
  return [
    ratioLine('Get order / bare Fastify', g.ordo, g.bare, g.settings.target),
    `Server CPU per request, bare / Get order: ${cpuRatioText(g.ordo, g.bare)}`,
  ]
}

function mixedLines(g: GetOrderFigures): string[] {
  const asked = g.settings.placementsPerSecond
  const short = g.placedPerSecond.some((rate) => rate < asked * 0.98)
  return [
    ratioLine(
      `Get order while placing ${asked} orders/s / Get order alone`,
      g.placing,
      g.alone,
      g.settings.mixedTarget,
    ),
    `Orders placed per second in each mixed round (one-seller orders, one order a placement, every one answered 201): ` +
      `${list(g.placedPerSecond, 1)} (paced at ${asked}/s${short ? ': SHORT of it, the ratio is at a lighter load' : ''}` +
      `${g.skipped > 0 ? `; ${g.skipped} skipped with ${g.settings.placementsInFlight} unanswered` : ''})`,
    `Server CPU per Get order request, alone / while placing (the placements' CPU counted in): ${cpuRatioText(g.placing, g.alone)}`,
  ]
}

/** The Get order figures as printed, alone with `npm run bench -- --only get-order` or in the whole table. */
export function getOrderText(g: GetOrderFigures): string {
  return [
    ...aligned([HEADINGS, ...rows(g, [g.bare, g.ordo])]),
    '',
    ...ratioLines(g),
    '',
    ...aligned([MIXED_HEADINGS, ...rows(g, [g.alone, g.placing])]),
    '',
    ...mixedLines(g),
  ].join('\n')
}

function startupRows({ startup }: BenchRun): string[][] {
  const row = (what: string, times: number[]) => [
    what,
    String(times.length),
    median(times).toFixed(0),
    Math.max(...times).toFixed(0),
  ]
  return [
    row('`ordo --help`, spawn to exit', startup.helpMs),
    row('`ordo serve`, empty database: spawn to the first 200 on /healthz', startup.firstStartMs),
    row('`ordo serve`, the same database again', startup.restartMs),
  ]
}

function startupLines({ startup }: BenchRun): string[] {
  const slowest = Math.max(...startup.firstStartMs, ...startup.restartMs)
  const verdict = slowest <= startup.targetMs ? 'meets the target' : 'MISSES the target'
  return [
    `\`ordo serve\` healthy within ${startup.targetMs} ms of its start: ${verdict} (slowest start ${slowest.toFixed(0)} ms)`,
    `1-minute load average as the start-up runs began: ${startup.loadAverage.toFixed(2)}`,
  ]
}

const STARTUP_HEADINGS = ['start-up', 'runs', 'median ms', 'max ms']

/** Active over none, medians of the rounds. */
const fanOutRatio = ({ throughput }: TransitionFigures) => median(throughput.active) / median(throughput.none)

const cpuRatio = ({ cpuNone, cpuActive }: TransitionFigures['throughput']) =>
  cpuNone.length && cpuActive.length ? (median(cpuNone) / median(cpuActive)).toFixed(2) : 'n/a'

function transitionLines(t: TransitionFigures): string[] {
  const { latency, throughput, settings } = t
  const hookP99 = latency.hook.fromAck.p99Ms
  const atTarget = latency.achievedRate >= settings.targetRate * 0.98
  const hookVerdict = !atTarget
    ? `NOT MEASURED at ${settings.targetRate}/s: this machine sustains ${median(throughput.active).toFixed(0)}/s with a feed and a hook, so the run went at ${latency.rate.toFixed(0)}/s`
    : hookP99 < settings.hookP99TargetMs
      ? 'meets the target'
      : 'MISSES the target'
  const ratio = fanOutRatio(t)
  const rounds = throughput.active.map((active, i) => active / (throughput.none[i] ?? NaN))
  return [
    `Hook p99 from the write's acknowledgement: ${hookP99.toFixed(0)} ms at ${latency.achievedRate.toFixed(0)} transitions/s ` +
      `(target < ${settings.hookP99TargetMs} ms at ${settings.targetRate}/s on SQLite: ${hookVerdict})`,
    `Sustained transitions/s, a feed and a hook / neither: ${ratio.toFixed(2)} (target ≥ ${settings.ratioTarget}: ` +
      `${ratio >= settings.ratioTarget ? 'meets the target' : 'BELOW the target'}; rounds ${rounds.map((r) => r.toFixed(2)).join(', ')})`,
    `Server CPU per transition, neither / a feed and a hook: ${cpuRatio(throughput)}`,
    `1-minute load average as the rounds began: ${throughput.loadAverage.toFixed(2)}; as the timed run began: ` +
      `${latency.loadAverage.toFixed(2)}, with the server at ${percent(latency.serverCpuShare)} CPU and the bench ` +
      `process (load, feed readers, hook receiver) at ${percent(latency.loadCpuShare)}`,
  ]
}

const LATENCY_HEADINGS = [
  'transition →',
  'transitions',
  'p50 ms',
  'p99 ms',
  'p50 ms from currentChange',
  'p99 ms from currentChange',
]

function latencyRows({ latency }: TransitionFigures): string[][] {
  const row = (what: string, { fromAck, fromChange }: { fromAck: Percentiles; fromChange: Percentiles }) => [
    what,
    String(fromAck.count),
    fromAck.p50Ms.toFixed(0),
    fromAck.p99Ms.toFixed(0),
    fromChange.p50Ms.toFixed(0),
    fromChange.p99Ms.toFixed(0),
  ]
  return [row('feed item read', latency.feed), row('hook received', latency.hook)]
}

const RATE_HEADINGS = [
  'server',
  'transitions/s',
  'rounds',
  'server CPU µs/transition',
  'drained after the last write, s',
]

const cpuOf = (values: number[]) => (values.length ? median(values).toFixed(0) : 'n/a')

function rateRows({ throughput }: TransitionFigures): string[][] {
  return [
    [
      'neither feed nor hook',
      median(throughput.none).toFixed(0),
      list(throughput.none, 0),
      cpuOf(throughput.cpuNone),
      '–',
    ],
    [
      'one feed and one hook',
      median(throughput.active).toFixed(0),
      list(throughput.active, 0),
      cpuOf(throughput.cpuActive),
      list(throughput.drainSeconds, 2),
    ],
  ]
}

/** The transition figures as printed, alone with `npm run bench -- --only transitions` or in the whole table. */
export function transitionsText(t: TransitionFigures): string {
  return [
    ...aligned([LATENCY_HEADINGS, ...latencyRows(t)]),
    '',
    ...aligned([RATE_HEADINGS, ...rateRows(t)]),
    '',
    ...transitionLines(t),
  ].join('\n')
}

/** Columns padded to their widest cell, the first left-aligned and the others right-aligned. */
function aligned(table: string[][]): string[] {
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0)))
  return table.map((row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
  )
}

const LIST_HEADINGS = ['List orders, page 1 with stats', 'orders', 'p50 ms', 'p95 ms', 'runs', 'p95 / SELECT']

function listRows(run: BenchRun): string[][] {
  return run.listOrders.flatMap((size) => [
    [
      'SELECT … LIMIT 15 (the floor)',
      String(size.orders),
      size.select.p50.toFixed(3),
      size.select.p95.toFixed(3),
      String(size.select.runs),
      '1',
    ],
    ...size.queries.map((q) => [
      q.name,
      String(size.orders),
      q.latency.p50.toFixed(2),
      q.latency.p95.toFixed(2),
      String(q.latency.runs),
      (q.latency.p95 / size.select.p95).toFixed(1),
    ]),
  ])
}

function listLines(run: BenchRun): string[] {
  const [small, large] = run.listOrders
  if (!small || !large) return []
  return [
    ...large.queries.map((q) => {
      const before = small.queries.find((s) => s.name === q.name)
      const ratio = before ? q.latency.p95 / before.latency.p95 : Number.NaN
      return `${q.name}: p95 at ${large.orders} / at ${small.orders} = ${ratio.toFixed(2)} (target ≤ ${LIST_SETTINGS.ratioTarget}); p95 at ${large.orders} = ${(q.latency.p95 / large.select.p95).toFixed(1)} × the SELECT (target ≤ ${LIST_SETTINGS.selectTarget})`
    }),
    ...run.listOrders.map(
      (size) =>
        `ordo seed --orders ${size.orders}: ${size.seedSeconds.toFixed(1)} s, ${Math.round(size.seedRate)} orders/s (target ≥ 20000)`,
    ),
    ...run.listOrders.flatMap(({ adminPage: page }) => {
      if (!page) return []
      const max = Math.max(...page.interactiveMs)
      const target = ADMIN_SETTINGS.interactiveTargetMs
      const liveMax = Math.max(...page.liveMs)
      return [
        `admin orders list open while ${page.liveMs.length} orders are placed: each shown ${Math.round(median(page.liveMs))} ms after its 201 (median), ${Math.round(liveMax)} ms at most (target ≤ ${ADMIN_SETTINGS.liveTargetMs} ms: ${liveMax <= ADMIN_SETTINGS.liveTargetMs ? 'meets it' : 'BELOW the target'})`,
        `admin orders list at ${page.orders} orders, first visit to usable (rows shown, filters enabled): median ${Math.round(median(page.interactiveMs))} ms, max ${Math.round(max)} ms over ${page.interactiveMs.length} runs (target ≤ ${target} ms: ${max <= target ? 'meets it' : 'BELOW the target'})`,
        `admin app downloaded gzipped: script ${(page.scriptGzipBytes / 1024).toFixed(1)} kB (target < ${ADMIN_SETTINGS.scriptTargetBytes / 1024} kB), styles ${(page.styleGzipBytes / 1024).toFixed(1)} kB`,
      ]
    }),
    ...run.listOrders.map(
      (size) =>
        `ordo export of ${size.orders} orders (JSON lines): ${size.exportSeconds.toFixed(1)} s, peak RSS ${size.exportPeakMb.toFixed(0)} MB`,
    ),
  ]
}

/** The tables printed at the end of a run. */
export function textTable(run: BenchRun): string {
  return [
    ...aligned([STARTUP_HEADINGS, ...startupRows(run)]),
    '',
    ...startupLines(run),
    '',
    getOrderText(run.getOrder),
    '',
    transitionsText(run.transitions),
    '',
    ...aligned([LIST_HEADINGS, ...listRows(run)]),
    '',
    ...listLines(run),
  ].join('\n')
}

function markdownTable(headings: string[], body: string[][]): string[] {
  return [
    `| ${headings.join(' | ')} |`,
    `| ${headings.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
  ]
}

/** BENCHMARKS.md, rewritten whole by each run. */
export function markdown(run: BenchRun): string {
  const { getOrder: g, transitions: tr } = run
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); each run replaces this file. Absolute figures from different
machines do not compare: the ratios, measured in one run on one machine, are what travels.

- Date: ${run.date.toISOString()}
- Machine: ${describeMachine()}
- Versions: Fastify ${run.versions.fastify}, autocannon ${run.versions.autocannon}, Node ${run.versions.node}

## Start-up

${startupLines(run)
  .map((line) => `- ${line}`)
  .join('\n')}

${markdownTable(STARTUP_HEADINGS, startupRows(run)).join('\n')}

## Get order against a bare Fastify route, and while orders are placed

${ratioLines(g)
  .map((line) => `- ${line}`)
  .join('\n')}

${markdownTable(HEADINGS, rows(g, [g.bare, g.ordo])).join('\n')}

${mixedLines(g)
  .map((line) => `- ${line}`)
  .join('\n')}

${markdownTable(MIXED_HEADINGS, rows(g, [g.alone, g.placing])).join('\n')}

## Order transitions to the feed and the hook

${transitionLines(run.transitions)
  .map((line) => `- ${line}`)
  .join('\n')}

${markdownTable(LATENCY_HEADINGS, latencyRows(run.transitions)).join('\n')}

${markdownTable(RATE_HEADINGS, rateRows(run.transitions)).join('\n')}

## List orders at ${run.listOrders.map((size) => size.orders).join(' and ')} orders

${listLines(run)
  .map((line) => `- ${line}`)
  .join('\n')}

${markdownTable(LIST_HEADINGS, listRows(run)).join('\n')}

## Method

- Every \`ordo\` is bin/ordo.js running the build in dist/, as \`npm start\` does (\`npm run bench\` builds
  it first), as a child process on 127.0.0.1, on SQLite files in a temporary directory removed afterwards.
- Start-up, before any load: ${run.startup.helpMs.length} runs of \`ordo --help\`; then, ${run.startup.firstStartMs.length} times, \`ordo serve\` on a new
  database file, timed from the spawn to the first 200 on /healthz (asked as soon as the server logs that it
  listens, so that polling does not slow the start it times), stopped, and started again on the same file.
  The first start applies the migrations and creates the bootstrap key.
- Get order: \`ordo serve\` on a fresh database, with log level \`${run.ordoLogLevel}\`. The bootstrap admin
  key it prints on the empty database authenticates every request.
- Load: ${g.orders} orders placed through \`POST /api/oms/pvt/orders\` before any load (${g.settings.orderPlacements} placements of
  the two-seller example order of test/fixtures.ts, each with its own marketplaceOrderId). Order documents:
  ${g.documentBytes.toFixed(0)} bytes on average.
- Ordo: \`GET /api/oms/pvt/orders/{orderId}\` with \`X-VTEX-API-AppKey\` / \`X-VTEX-API-AppToken\`, each
  connection cycling over the ids of those orders, in every round (the mixed ones too).
- Bare Fastify (bench/bare-server.ts), also a child process: the same Fastify, one route on the same path
  that sends from a Map in memory the exact bytes Ordo answered for each id, as
  \`application/json; charset=utf-8\`. Same requests, same headers.
- Load from autocannon inside the bench process, one server loaded at a time: ${g.settings.connections} connections, no
  pipelining. A ${g.settings.warmupSeconds} s warm-up per server (discarded), then ${g.settings.rounds} rounds of ${g.settings.measureSeconds} s on each, alternating.
  Every measured answer must be 2xx.
- While orders are placed: after those rounds, with the bare server stopped, rounds of their own on the same
  Ordo, the same autocannon load on the same ids in each: ${g.settings.measureSeconds} s of Get order alone, then ${g.settings.measureSeconds} s of it while the
  bench process places orders through \`POST /api/oms/pvt/orders\` (node:http, kept-alive sockets) at a steady ${g.settings.placementsPerSecond} a second (open loop: each
  started on schedule whatever the ones before it take; at most ${g.settings.placementsInFlight} unanswered, one past that skipped), each
  the one-seller order of test/fixtures.ts (\`singleOrder\`, one order a placement, so ${g.settings.placementsPerSecond} orders a second) with a
  marketplaceOrderId of its own. Every placement must answer 201. A ${g.settings.warmupSeconds} s warm-up while placing (discarded),
  then ${g.settings.rounds} rounds of the two, alternating. The rate placed is the orders answered 201 over the seconds from a
  round's first placement to its last answer. In that round the server's CPU is the placements' too: its
  µs/req divides all of it by the Get order requests.
- req/s is autocannon's mean of per-second samples, p50/p99 its latency percentiles (whole milliseconds);
  the tables show medians over the rounds, and each headline ratio is the ratio of those medians.
- Server CPU is the server process's user + system time from /proc; µs/req divides it by the requests
  answered, and the shares divide it by wall time (one core = 100 %). On a virtual machine whose host
  takes time unseen, a busy process can show well under 100 %. The load generator shares the machine:
  when it is as busy as the server (compare the two CPU columns), the client caps the bare route's req/s,
  the req/s ratio then overstates Ordo, and the CPU-per-request ratio is the better guide.
- Transitions (bench/transitions.ts): two more \`ordo serve\` on fresh databases, both with
  \`cancellationGracePeriodMinutes: 0\` and \`allowInsecureHooks: true\`; one has neither feed nor hook, the
  other a feed and a hook on every status (\`POST /api/orders/feed/config\` and \`/hook/config\` with \`{}\`
  filters), ${tr.settings.feedReaders} feed readers side by side (each \`GET /api/orders/feed?maxlot=10\`, then \`POST /api/orders/feed\` with
  the handles read; ${tr.settings.feedIdleMs} ms pause after an empty read) and a hook receiver (Node's http server on 127.0.0.1
  answering 200), both inside the bench process. A unit of load is \`POST /api/oms/pvt/orders\` (the example
  order, so two orders: the store's own, and a marketplace order of seller \`partner\`, another account, whose
  placement and authorization also make and move partner's order of it, in partner's account with no feed or
  hook) then the payment notification of its one payment, which approves both:
  ${tr.transitionsPerUnit.toFixed(0)} transitions per unit, counted at the hook in the warm-up.
- Rate: rounds of ${tr.settings.unitsPerRound} units, ${tr.settings.concurrency} at a time, each started as the one before it answered; a round of
  the server with the feed and hook ends when its feed readers and hook receiver have every transition of
  the round (the hook delivers an order's in order, so its last, \`ready-for-handling\` for the store's order and
  \`waiting-seller-handling\` for the marketplace order, says the hook has them all; the round waits for the feed to have each of them too),
  so its rate counts delivery too. As many feed readers as writers: one reader, a lot of 10 per GET and POST,
  gets one lot for every few placements (16 transitions each) while the server answers every request in turn,
  so alone it sets the rate (on 2026-12-02, on a 2-core Intel Xeon machine: one reader 0.70, its rounds waiting 0.29–0.46 s
  for the feed after their last write; four, 0.72 and 0.75, waiting 0.16–0.27 s). A warm-up round of
  ${tr.settings.warmupUnits} units each, then ${tr.settings.rounds} rounds each, alternating; the ratio is of the medians. Server CPU per
  transition is the server process's CPU time over the round (delivery included) over its transitions.
- Latency: on the server with the feed and hook, units started at a steady pace (open loop, at most
  ${tr.settings.maxInFlight} in flight, ${tr.latency.skipped} skipped for that) for ${tr.settings.latencySeconds} s, at ${tr.settings.targetRate} transitions/s or, when the
  rate measured before is lower, ${Math.round(tr.settings.sustainableShare * 100)} % of it. Each transition's delay runs from the moment the bench
  got the answer to the write that made it (placement or notification; a transition stamped before the
  placement answered is the placement's) to the feed retrieval that returned it or the hook request that
  carried it, on the wall clock of this one machine. \`from currentChange\` is from the time Ordo stamped
  on the event instead. Percentiles are nearest-rank over every transition of the run.
- List orders (bench/list-orders.ts): for each size, \`ordo seed --orders N --seed ${LIST_SETTINGS.seed}\` on a new SQLite
  file (its own figure: orders over the seconds it prints, from its start to its last commit), then, in the
  bench process on that file, \`listOrders\` (what \`GET /api/oms/pvt/orders\` runs, without HTTP) for each query,
  and better-sqlite3's prepared \`select list_item_json from order_search where account = ? order by
  creation_date desc limit 15\` as the floor. Each: ${LIST_SETTINGS.warmupRuns} runs discarded (at most a tenth of the budget), then up to
  ${LIST_SETTINGS.runs} runs timed within ${LIST_SETTINGS.budgetMs / 1000} s (at least 5); nearest-rank percentiles. The status + date queries ask
  \`invoiced\` orders of the 90 whole days before yesterday's end, once on UTC days (the counters answer all
  of it) and once on -03:00 days (the first and last three hours are read from the orders). Each query is
  timed again with \`facets=true\` (every facet of the VTEX guide, its date buckets ending now). Then \`ordo export
  --account ${LIST_SETTINGS.account}\` writes every order as JSON lines to nowhere; its peak RSS is the process's VmHWM, read
  from /proc every 50 ms while it runs.
- Admin list page (bench/admin-page.ts), on the 100 000-order database only: \`ordo serve\` on the file, and Debian's
  Chromium through playwright-core on the same machine. Each run is a new browser context (a first visit:
  nothing cached), signed in with a read-only key through \`POST /api/ordo/pvt/session\`, then timed from
  \`page.goto('/admin/orders')\` until the list shows its first row and its status filter is enabled: the
  page's HTML, script and styles, the session check, List orders with facets and the hourly counts of the
  chart. ${ADMIN_SETTINGS.warmupRuns} run discarded, then ${ADMIN_SETTINGS.runs} timed. Then, with the list open in one page, ${ADMIN_SETTINGS.liveOrders} orders placed one after
  another through \`POST /api/oms/pvt/orders\` with a second key, each timed from its 201 to its row in the list
  (the events stream wakes the page, which reads List orders again). Script and style sizes are the gzipped
  files the server sends.
`
}
