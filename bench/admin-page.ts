// The admin's orders list on a seeded database (bench/list-orders.ts calls this at 100 000 orders): `ordo serve`
// on the file, Debian's Chromium through playwright-core, and for each run a new browser context (a first
// visit, nothing cached) timed from navigation to the list being usable: its rows shown and its filters
// enabled. Also the app's size as the browser downloads it.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium, type Browser } from 'playwright-core'
import { singleOrder } from '../test/fixtures.ts'
import { freePort } from '../test/local-server.ts'
import { serveArgs, startServer, waitUntilAnswering } from './processes.ts'

const CHROMIUM = '/usr/bin/chromium'

export const ADMIN_SETTINGS = {
  runs: 7,
  /** Runs first and not counted: the server's and the browser's own first moments are not the page's. */
  warmupRuns: 1,
  /** Issue 13's targets. */
  interactiveTargetMs: 1000,
  /** Orders placed while the list is open, each timed to its row. */
  liveOrders: 5,
  liveTargetMs: 2000,
  scriptTargetBytes: 150 * 1024,
} as const

export interface AdminPageFigures {
  orders: number
  /** Navigation to usable, one per run, in ms. */
  interactiveMs: number[]
  /** With the list open: from an order's 201 to its row in the list, without reloading, in ms. */
  liveMs: number[]
  scriptGzipBytes: number
  styleGzipBytes: number
}

const describe = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return `median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms, max ${Math.round(sorted.at(-1) ?? 0)} ms`
}

/** The list open in one browser while orders are placed through the API: each timed from its 201 to its row. */
async function measureLive(
  browser: Browser,
  base: string,
  reader: { appKey: string; appToken: string },
  writer: { appKey: string; appToken: string },
): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  try {
    await context.request.post(`${base}/api/ordo/pvt/session`, { data: reader })
    const page = await context.newPage()
    await page.goto(`${base}/admin/orders`)
    await page.locator('.live.on').waitFor()
    const shown: number[] = []
    for (let index = 0; index < ADMIN_SETTINGS.liveOrders; index++) {
      const response = await fetch(`${base}/api/oms/pvt/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-vtex-api-appkey': writer.appKey,
          'x-vtex-api-apptoken': writer.appToken,
        },
        body: JSON.stringify(singleOrder(`ADMIN-LIVE-${index}`)),
      })
      const placed = performance.now()
      if (response.status !== 201)
        throw new Error(`placing an order: ${response.status} ${await response.text()}`)
      const { orders } = (await response.json()) as { orders: { orderId: string }[] }
      await page.locator(`tr[data-order-id="${orders[0]?.orderId ?? ''}"]`).waitFor()
      shown.push(performance.now() - placed)
    }
    return shown
  } finally {
    await context.close()
  }
}

/** The gzipped size of the built app's files ending with `extension` (what a browser downloads). */
export function builtSize(root: string, extension: string): number {
  const assets = join(root, 'dist', 'admin', 'assets')
  return readdirSync(assets)
    .filter((name) => name.endsWith(`${extension}.gz`))
    .reduce((total, name) => total + statSync(join(assets, name)).size, 0)
}

export async function measureAdminPage(
  root: string,
  file: string,
  env: NodeJS.ProcessEnv,
  account: string,
  orders: number,
  say: (text: string) => void,
): Promise<AdminPageFigures | null> {
  if (!existsSync(CHROMIUM)) {
    say(`    admin list page: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium)`)
    return null
  }
  const newKey = (role: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['bin/ordo.js', 'keys', 'create', ...['--account', account, '--role', role, '--json', '--db', file]],
        { cwd: root, env },
      ).toString(),
    ) as { appKey: string; appToken: string }
  const key = newKey('OMS - Read only')
  const writer = newKey('OMS - Full access')
  const port = await freePort()
  const server = startServer('Ordo (admin)', serveArgs(port, file, 'warn'), root, env)
  const base = `http://127.0.0.1:${port}`
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  })
  try {
    await waitUntilAnswering(server, `${base}/healthz`)
    const interactiveMs: number[] = []
    for (let run = 0; run < ADMIN_SETTINGS.warmupRuns + ADMIN_SETTINGS.runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      const signedIn = await context.request.post(`${base}/api/ordo/pvt/session`, { data: key })
      if (!signedIn.ok()) throw new Error(`admin sign-in: ${signedIn.status()} ${await signedIn.text()}`)
      const page = await context.newPage()
      const started = performance.now()
      await page.goto(`${base}/admin/orders`)
      await page.locator('tbody tr[data-order-id]').first().waitFor()
      await page.locator('#f_status:enabled').waitFor()
      if (run >= ADMIN_SETTINGS.warmupRuns) interactiveMs.push(performance.now() - started)
      await context.close()
    }
    const liveMs = await measureLive(browser, base, key, writer)
    say(
      `    admin list page, first visit to usable: ${describe(interactiveMs)}; a new order shown: ${describe(liveMs)}`,
    )
    return {
      orders,
      interactiveMs,
      liveMs,
      scriptGzipBytes: builtSize(root, '.js'),
      styleGzipBytes: builtSize(root, '.css'),
    }
  } finally {
    await browser.close()
    await server.stop()
  }
}
