// Drives the admin in Debian's Chromium through playwright-core, against the real app listening on 127.0.0.1:
// sign-in, accessibility checks with axe, and screenshots kept as artifacts of the run.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { TestContext } from 'node:test'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { KeyPair } from '../../src/modules/access/access.service.ts'
import { seedOrders } from '../../src/modules/seed/seed.service.ts'
import { api } from '../api.ts'
import { startTestApp, type TestApp } from '../harness.ts'

// eslint-disable-next-line no-restricted-properties -- where Chromium is, and whether a missing one fails the run
const { ORDO_CHROMIUM, CI } = process.env
export const CHROMIUM = ORDO_CHROMIUM ?? '/usr/bin/chromium'

/** Without Chromium the browser tests are skipped, saying why, except on CI, which installs it (.ci/run). */
export const SKIP_BROWSER =
  !existsSync(CHROMIUM) && CI !== 'true'
    ? `Chromium is not at ${CHROMIUM}: apt-get install chromium, or set ORDO_CHROMIUM`
    : false

/** Where screenshots go: git-ignored, kept after the run for people to look at. */
export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/admin')

/** Anything the browser waits on is there within moments; this only stops a hung page from hanging the run. */
export const HUNG_AFTER_MS = 60_000

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  })
}

export interface AdminServer {
  test: TestApp
  url: string
}

/** The app on a fresh database with `orders` seeded orders, listening on a free port of 127.0.0.1. */
export async function adminServer(t: TestContext, orders: number): Promise<AdminServer> {
  const test = await startTestApp(t, 'sqlite')
  const settings = await api(test).send('PUT', '/api/ordo/pvt/settings', {
    cancellationGracePeriodMinutes: 0,
    allowInsecureHooks: true,
  })
  assert.equal(settings.statusCode, 200, settings.body)
  if (orders > 0)
    await seedOrders(test.deps, { account: 'acme', orders, seed: 7, until: test.clock.now().getTime() })
  const address = await test.app.listen({ port: 0, host: '127.0.0.1' })
  return { test, url: address }
}

export async function newPage(
  t: TestContext,
  browser: Browser,
  width = 1280,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: 'en-US',
    timezoneId: 'America/Sao_Paulo',
  })
  context.setDefaultTimeout(HUNG_AFTER_MS)
  t.after(() => context.close())
  return { context, page: await context.newPage() }
}

export async function signIn(page: Page, url: string, key: KeyPair): Promise<void> {
  await page.goto(`${url}/admin/orders`)
  await page.getByLabel('AppKey').fill(key.appKey)
  await page.getByLabel('AppToken').fill(key.appToken)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor()
}

/** No serious or critical violation of WCAG 2.1 A and AA rules on the page as it is now. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  assert.deepEqual(
    grave.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`),
    [],
    `${name}: accessibility violations`,
  )
}

/** The page at 1280 px and at a phone's 390 px, full length, into the artifacts folder. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 }
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 })
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize(viewport)
}
