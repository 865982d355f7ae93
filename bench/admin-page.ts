// The admin's orders list on a seeded database (bench/list-orders.ts calls this at 100 000 orders): `ordo serve`
// on the file, Debian's Chromium through playwright-core, and for each run a new browser context (a first
// visit, nothing cached) timed from navigation to the list being usable: its rows shown and its filters
// enabled. Also the app's size as the browser downloads it.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium } from 'playwright-core'
import { freePort } from '../test/local-server.ts'
import { serveArgs, startServer, waitUntilAnswering } from './processes.ts'

const CHROMIUM = '/usr/bin/chromium'

export const ADMIN_SETTINGS = {
  runs: 7,
  /** Runs first and not counted: the server's and the browser's own first moments are not the page's. */
  warmupRuns: 1,
  /** Issue 13's targets. */
  interactiveTargetMs: 1000,
  scriptTargetBytes: 150 * 1024,
} as const

export interface AdminPageFigures {
  orders: number
  /** Navigation to usable, one per run, in ms. */
  interactiveMs: number[]
  scriptGzipBytes: number
  styleGzipBytes: number
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
  const key = JSON.parse(
    execFileSync(
      process.execPath,
      [
        'bin/ordo.js',
        'keys',
        'create',
        '--account',
        account,
        '--role',
        'OMS - Read only',
        '--json',
        '--db',
        file,
      ],
      { cwd: root, env },
    ).toString(),
  ) as { appKey: string; appToken: string }
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
    const sorted = [...interactiveMs].sort((a, b) => a - b)
    say(
      `    admin list page, first visit to usable: median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms, max ${Math.round(sorted.at(-1) ?? 0)} ms`,
    )
    return {
      orders,
      interactiveMs,
      scriptGzipBytes: builtSize(root, '.js'),
      styleGzipBytes: builtSize(root, '.css'),
    }
  } finally {
    await browser.close()
    await server.stop()
  }
}
