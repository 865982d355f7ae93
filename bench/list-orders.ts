// List orders at 100 000 and at 1 000 000 orders (bench/run.ts): each database seeded by `ordo seed` (its rate is
// a figure too), then page 1 with its stats timed in this process, against a single indexed SELECT … LIMIT 15
// on the same file, the floor any list has to pay; then `ordo export` of every order, timed, with its memory.
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { assembleDeps } from '../src/assemble.ts'
import { openDatabase } from '../src/db/database.ts'
import { listOrders } from '../src/modules/search/search.service.ts'
import { systemClock } from '../src/platform/clock.ts'
import type { Principal } from '../src/platform/principal.ts'
import { createJobQueue } from '../src/worker/job-queue.ts'
import { measureAdminPage, type AdminPageFigures } from './admin-page.ts'

export const LIST_SETTINGS = {
  sizes: [100_000, 1_000_000],
  account: 'ordo',
  seed: 1,
  /**
   * Per query: runs discarded (for at most a tenth of the budget), then runs timed, for at most the budget (a
   * slow query gets fewer runs, never fewer than 5).
   */
  warmupRuns: 20,
  runs: 300,
  budgetMs: 20_000,
  /** Issue 10's targets on SQLite. */
  ratioTarget: 2,
  selectTarget: 3,
} as const

/** Issue 13: the admin's list page is usable within a second on a database of this many orders. */
const ADMIN_PAGE_ORDERS = 100_000

/** Milliseconds, nearest rank, over `runs` runs. */
export interface Latency {
  runs: number
  p50: number
  p95: number
}

export interface QueryFigures {
  name: string
  query: string
  latency: Latency
}

export interface SizeFigures {
  orders: number
  seedSeconds: number
  seedRate: number
  /** `ordo export` of every order as JSON lines: how long, and its peak resident memory. */
  exportSeconds: number
  exportPeakMb: number
  /** The admin's orders list served on this database (measured at 100 000 orders only). */
  adminPage: AdminPageFigures | null
  select: Latency
  queries: QueryFigures[]
}

const DAY_MS = 86_400_000
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10)

/** What is timed: the default page and the status screen over the last 90 whole days, each with its facets too. */
function queriesAt(now: number): { name: string; raw: Record<string, string> }[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS
  const [from, to] = [dayOf(today - 90 * DAY_MS), dayOf(today - DAY_MS)]
  const queries: { name: string; raw: Record<string, string> }[] = [
    { name: 'unfiltered', raw: {} },
    {
      name: 'status + date (UTC days)',
      raw: {
        f_status: 'invoiced',
        f_creationDate: `creationDate:[${from}T00:00:00.000Z TO ${to}T23:59:59.999Z]`,
      },
    },
    {
      name: 'status + date (-03:00 days)',
      raw: {
        f_status: 'invoiced',
        f_creationDate: `creationDate:[${from}T00:00:00.000-03:00 TO ${to}T23:59:59.999-03:00]`,
      },
    },
  ]
  return [
    ...queries,
    ...queries.map(({ name, raw }) => ({ name: `${name}, facets=true`, raw: { ...raw, facets: 'true' } })),
  ]
}

/** Nearest-rank percentiles of the runs of `work`, after its warm-up, within the time budget. */
async function timed(work: () => unknown): Promise<Latency> {
  let started = performance.now()
  for (
    let i = 0;
    i < LIST_SETTINGS.warmupRuns && (i < 1 || performance.now() - started < LIST_SETTINGS.budgetMs / 10);
    i++
  ) {
    await work()
  }
  const times: number[] = []
  started = performance.now()
  while (
    times.length < LIST_SETTINGS.runs &&
    (times.length < 5 || performance.now() - started < LIST_SETTINGS.budgetMs)
  ) {
    const at = performance.now()
    await work()
    times.push(performance.now() - at)
  }
  times.sort((a, b) => a - b)
  const rank = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? 0
  return { runs: times.length, p50: rank(50), p95: rank(95) }
}

async function seed(root: string, env: NodeJS.ProcessEnv, file: string, orders: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['bin/ordo.js', 'seed', '--orders', String(orders), '--seed', String(LIST_SETTINGS.seed), '--db', file],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  const seconds = /Placed \d+ orders in ([\d.]+) s/.exec(output)?.[1]
  if (code !== 0 || seconds === undefined) throw new Error(`ordo seed failed (${String(code)}): ${output}`)
  return Number(seconds)
}

/**
 * Runs `ordo export` of the whole account to nowhere; returns its seconds and the peak of its resident memory
 * (VmHWM, read from /proc while it runs: it only grows, so the last reading is the peak up to then).
 */
async function exportAll(root: string, env: NodeJS.ProcessEnv, file: string): Promise<[number, number]> {
  const started = performance.now()
  const child = spawn(
    process.execPath,
    ['bin/ordo.js', 'export', '--account', LIST_SETTINGS.account, '--db', file],
    { cwd: root, env, stdio: ['ignore', 'ignore', 'ignore'] },
  )
  let peakKb = 0
  const read = () => {
    try {
      const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${String(child.pid)}/status`, 'utf8'))?.[1]
      peakKb = Math.max(peakKb, Number(kb ?? 0))
    } catch {
      // Gone already.
    }
  }
  const poll = setInterval(read, 50)
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  clearInterval(poll)
  if (code !== 0) throw new Error(`ordo export failed (${String(code)})`)
  return [(performance.now() - started) / 1000, peakKb / 1024]
}

export async function measureListOrders(
  root: string,
  workDir: string,
  env: NodeJS.ProcessEnv,
  say: (text: string) => void,
): Promise<SizeFigures[]> {
  const figures: SizeFigures[] = []
  for (const orders of LIST_SETTINGS.sizes) {
    const file = join(workDir, `list-${orders}.db`)
    say(`  ordo seed --orders ${orders}…`)
    const seedSeconds = await seed(root, env, file, orders)
    say(`    ${Math.round(orders / seedSeconds)} orders/s`)
    const handle = openDatabase({ sqlitePath: file })
    const deps = assembleDeps(handle, systemClock, createJobQueue(handle))
    const principal: Principal = {
      account: LIST_SETTINGS.account,
      appKey: null,
      roles: [],
      resources: new Set(),
      shopperEmail: null,
    }
    const raw = new SQLite(file, { readonly: true })
    const page = raw.prepare(
      'select list_item_json from order_search where account = ? order by creation_date desc limit 15',
    )
    const select = await timed(() => page.all(LIST_SETTINGS.account))
    say(`    SELECT … LIMIT 15: p50 ${select.p50.toFixed(3)} ms, p95 ${select.p95.toFixed(3)} ms`)
    const queries: QueryFigures[] = []
    for (const { name, raw: query } of queriesAt(Date.now())) {
      const latency = await timed(() => listOrders(deps, principal, query))
      queries.push({ name, query: new URLSearchParams(query).toString(), latency })
      say(
        `    ${name}: p50 ${latency.p50.toFixed(2)} ms, p95 ${latency.p95.toFixed(2)} ms (${latency.runs} runs)`,
      )
    }
    raw.close()
    await deps.db.destroy()
    const [exportSeconds, exportPeakMb] = await exportAll(root, env, file)
    say(`    ordo export: ${exportSeconds.toFixed(1)} s, peak RSS ${exportPeakMb.toFixed(0)} MB`)
    const adminPage =
      orders === ADMIN_PAGE_ORDERS
        ? await measureAdminPage(root, file, env, LIST_SETTINGS.account, orders, say)
        : null
    // A million orders take most of 20 GB: each database goes once measured.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
    figures.push({
      orders,
      seedSeconds,
      seedRate: orders / seedSeconds,
      exportSeconds,
      exportPeakMb,
      adminPage,
      select,
      queries,
    })
  }
  return figures
}
