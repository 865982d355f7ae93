// The admin in a real browser: sign-in, the orders list against List orders, an order worked from handling to
// invoiced with tracking, live updates in a second browser, a read-only key, and the integrations page's failed
// hook delivery sent again. Each page is checked with axe and photographed at 1280 and 390 px.
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { api } from '../api.ts'
import { exampleOrder } from '../fixtures.ts'
import { hookReceiver } from '../hook-receiver.ts'
import type { TestApp } from '../harness.ts'
import {
  adminServer,
  assertAccessible,
  launchBrowser,
  newPage,
  screenshots,
  signIn,
  SKIP_BROWSER,
} from './browser.ts'

/** Two units of one SKU, so that a partial invoice has something to leave for the full one. */
const twoShirts = (tag = 'ADMIN') =>
  exampleOrder({
    marketplaceOrderId: `ERP-${tag}`,
    items: [{ id: '1001', name: 'Blue T-shirt M', seller: '1', quantity: 2, price: 2000 }],
    shippingData: {
      ...exampleOrder().shippingData,
      logisticsInfo: [{ itemIndex: 0, selectedSla: 'Normal', price: 1000, shippingEstimate: '3bd' }],
    },
    paymentData: {
      payments: [{ paymentSystem: '17', paymentSystemName: 'Promissory', group: 'promissory', value: 5000 }],
    },
  })

/**
 * Readable at 200 % zoom and on a phone: at 640 CSS px (1280 px zoomed 200 %) and 390 px the page never
 * scrolls sideways; wide tables scroll inside their own box.
 */
async function assertFits(page: Page) {
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 }
  for (const width of [640, 390]) {
    await page.setViewportSize({ width, height: 900 })
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'))
    assert.ok(overflow <= 0, `${overflow} px wider than a ${width} px window`)
  }
  await page.setViewportSize(viewport)
}

/** The order ids the list shows, in its order. */
async function shownIds(page: Page): Promise<string[]> {
  const rows = await page.locator('tbody tr[data-order-id]').all()
  return Promise.all(rows.map(async (row) => (await row.getAttribute('data-order-id')) ?? ''))
}

/** Waits until the list shows exactly `ids`, in that order. */
async function listShows(page: Page, ids: readonly string[]) {
  const rows = page.locator('tbody tr[data-order-id]')
  for (const [index, id] of ids.entries()) {
    await rows
      .nth(index)
      .and(page.locator(`[data-order-id="${id}"]`))
      .waitFor()
  }
  await rows.nth(ids.length).waitFor({ state: 'detached' })
}

async function listOrders(test: TestApp, search: string) {
  const res = await api(test).send('GET', `/api/oms/pvt/orders${search}`)
  assert.equal(res.statusCode, 200, res.body)
  return res.json<{ list: { orderId: string }[]; paging: { total: number } }>()
}

/** The timeline's entries as the page shows them. */
const timeline = (page: Page) => page.locator('.timeline li').allInnerTexts()

describe('the admin in a browser', { skip: SKIP_BROWSER }, () => {
  let browser: Browser
  before(async () => {
    browser = await launchBrowser()
  })
  after(() => browser?.close())

  it('signs in to an HttpOnly session, and filters the list by status and date as List orders does', async (t) => {
    const { test, url } = await adminServer(t, 300)
    const { context, page } = await newPage(t, browser)
    await signIn(page, url, test.admin)
    const [cookie] = await context.cookies()
    assert.equal(cookie?.name, 'VtexIdclientAutCookie')
    assert.equal(cookie?.httpOnly, true)
    assert.equal(cookie?.sameSite, 'Strict')
    assert.doesNotMatch(String(await page.evaluate('JSON.stringify(localStorage)')), /vtexappkey/)

    await page.getByLabel('Status', { exact: true }).selectOption('invoiced')
    await page.getByLabel('Created from').fill('2025-06-01')
    await page.getByLabel('Created to').fill('2026-02-28')
    const answered = page.waitForResponse(
      (res) => res.url().includes('/api/oms/pvt/orders?') && res.url().includes('f_status=invoiced'),
    )
    await page.getByRole('button', { name: 'Apply' }).click()
    await answered
    const search = new URL(page.url()).search
    // The local days of the browser (São Paulo, UTC−3), both included.
    assert.equal(
      new URLSearchParams(search).get('f_creationDate'),
      'creationDate:[2025-06-01T03:00:00.000Z TO 2026-03-01T02:59:59.999Z]',
    )
    const expected = await listOrders(test, search)
    assert.ok(expected.list.length > 0, 'the seed has invoiced orders in those months')
    await listShows(
      page,
      expected.list.map((order) => order.orderId),
    )
    assert.match(await page.locator('.summary').innerText(), new RegExp(`^${expected.paging.total} orders`))

    // Bookmarked: the same URL in a new page shows the same view.
    const again = await context.newPage()
    await again.goto(page.url())
    await listShows(again, await shownIds(page))
    await assertAccessible(page, 'orders list')
    await screenshots(page, 'orders-list')
    await assertFits(page)

    // By keyboard alone: Tab from the top of the page reaches the first order, and Enter opens it.
    const first = (await shownIds(page))[0] ?? ''
    await page.goto(page.url())
    await page.locator(`tr[data-order-id="${first}"]`).waitFor()
    let focused = ''
    for (let presses = 0; presses < 40 && focused !== first; presses++) {
      await page.keyboard.press('Tab')
      focused = String(await page.evaluate("document.activeElement?.closest('tr')?.dataset.orderId ?? ''"))
    }
    assert.equal(focused, first, 'the first order is reached by Tab')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: `Order ${first}` }).waitFor()
  })

  it('works an order from payment to invoiced with tracking, each step in its timeline', async (t) => {
    const { test, url } = await adminServer(t, 20)
    const orderId = (await api(test).placeOk(twoShirts())).orders[0]?.orderId ?? ''
    const { page } = await newPage(t, browser)
    await signIn(page, url, test.admin)
    await page.getByRole('link', { name: orderId }).click()
    const status = page.getByTestId('order-status')
    await status.getByText('Payment pending').waitFor()

    await page.getByRole('button', { name: 'Approve payment' }).click()
    await status.getByText('Ready for handling').waitFor()
    await page.getByRole('button', { name: 'Start handling' }).click()
    await status.getByText('Handling shipping').waitFor()

    await page.getByLabel('Invoice everything left').uncheck()
    await page.getByLabel('Blue T-shirt M (≤ 2)').fill('1')
    await page.getByLabel('Invoice number').fill('NF-1')
    await page.getByRole('button', { name: 'Send invoice' }).click()
    await page.locator('[data-invoice="NF-1"]').waitFor()
    assert.equal(await status.innerText(), 'Handling shipping', 'half of it invoiced')

    await page.getByLabel('Invoice number').fill('NF-2')
    await page.getByRole('button', { name: 'Send invoice' }).click()
    await status.getByText('Invoiced').waitFor()

    const tracking = page.getByRole('form', { name: 'Tracking · NF-1' })
    await tracking.getByLabel('Carrier').fill('Correios')
    await tracking.getByLabel('Tracking number', { exact: true }).fill('BR123456789')
    await tracking.getByRole('button', { name: 'Save tracking' }).click()
    await page.getByText('Tracking NF-1: Correios BR123456789').waitFor()

    const entries = await timeline(page)
    for (const step of [
      'Approve payment → Payment approved',
      'Ready for handling → Start handling',
      'Invoice NF-1 (issued)',
      'Invoice NF-2 (issued)',
      'Verifying invoice → Invoiced',
      'Tracking NF-1: Correios BR123456789',
    ]) {
      assert.ok(
        entries.some((entry) => entry.includes(step)),
        `${step} in ${entries.join('\n')}`,
      )
    }
    assert.ok(
      entries.some((entry) => entry.includes(`by ${test.admin.appKey}`)),
      'who caused each change',
    )
    const order = await api(test).getOk(orderId)
    assert.equal(order.status, 'invoiced')
    assert.deepEqual(
      order.packageAttachment.packages.map((p) => [p.invoiceNumber, p.invoiceValue, p.trackingNumber]),
      [
        ['NF-1', 2000, 'BR123456789'],
        ['NF-2', 3000, null],
      ],
    )
    await page.getByText('Get order JSON').click()
    assert.equal(
      (JSON.parse(await page.locator('.raw pre').innerText()) as { orderId: string }).orderId,
      orderId,
    )
    await assertAccessible(page, 'order detail')
    await assertFits(page)
    await screenshots(page, 'order-detail')
  })

  it("takes a return, denies a customer's cancellation request, and cancels, each as the API answers", async (t) => {
    const { test, url } = await adminServer(t, 0)
    const returned = await api(test).handlingOrder(twoShirts())
    const invoiced = await api(test).invoice(returned.orderId, {
      invoiceNumber: 'NF-R',
      invoiceValue: 5000,
      issuanceDate: '2026-03-02',
      items: [{ id: '1001', price: 2000, quantity: 2 }],
    })
    assert.equal(invoiced.statusCode, 200, invoiced.body)
    const { page } = await newPage(t, browser)
    await signIn(page, url, test.admin)
    await page.goto(`${url}/admin/orders/${returned.orderId}`)
    const status = page.getByTestId('order-status')
    await status.getByText('Invoiced').waitFor()
    const form = page.getByRole('form', { name: 'Return invoice' })
    await form.getByLabel('Invoice number').fill('RET-1')
    await form.getByLabel('Blue T-shirt M (≤ 2)').fill('1')
    await form.getByRole('button', { name: 'Send return invoice' }).click()
    await page.locator('[data-invoice="RET-1"]').waitFor()
    await page.getByText(/Refunded R\$20\.00/).waitFor()
    await form.getByLabel('Blue T-shirt M (≤ 1)').waitFor()

    const asked = await api(test).approvedOrder(twoShirts('ASKED'))
    const request = await api(test).userCancel(asked.orderId)
    assert.equal(request.statusCode, 200, request.body)
    await page.goto(`${url}/admin/orders/${asked.orderId}`)
    await status.getByText('Cancellation requested').waitFor()
    await page.getByRole('button', { name: 'Deny cancellation request' }).click()
    await status.getByText('Ready for handling').waitFor()
    assert.equal(await page.getByRole('button', { name: 'Deny cancellation request' }).count(), 0)

    await page.getByLabel('Reason').fill('Out of stock')
    await page.getByRole('button', { name: 'Cancel the order' }).click()
    await status.getByText('Canceled', { exact: true }).waitFor()
    const order = await api(test).getOk(asked.orderId)
    assert.equal(order.status, 'canceled')
  })

  it('shows a new order in a second browser without reloading', async (t) => {
    const { test, url } = await adminServer(t, 20)
    const { page } = await newPage(t, browser)
    await signIn(page, url, test.admin)
    await page.locator('.live.on').waitFor()
    // Set on this document: a reload would lose it.
    await page.evaluate('window.notReloaded = true')
    const started = performance.now()
    const orderId = (await api(test).placeOk(twoShirts())).orders[0]?.orderId ?? ''
    await page.locator(`tr[data-order-id="${orderId}"]`).waitFor()
    t.diagnostic(`the new order showed ${Math.round(performance.now() - started)} ms after its 201`)
    assert.equal(await page.evaluate('window.notReloaded'), true)
  })

  it('shows a read-only key no action, and answers a forged one with the API 403 message', async (t) => {
    const { test, url } = await adminServer(t, 0)
    const order = await api(test).approvedOrder(twoShirts())
    assert.equal(order.status, 'ready-for-handling')
    const readOnly = await test.newKey(['OMS - Read only'])
    const { page } = await newPage(t, browser)
    await signIn(page, url, {
      appKey: readOnly['x-vtex-api-appkey'] ?? '',
      appToken: readOnly['x-vtex-api-apptoken'] ?? '',
    })
    await page.goto(`${url}/admin/orders/${order.orderId}`)
    await page.getByTestId('order-status').getByText('Ready for handling').waitFor()
    await page.getByText('Read only: this key cannot change orders.').waitFor()
    assert.equal(await page.getByRole('button', { name: /Start handling|Cancel|Invoice|Approve/ }).count(), 0)
    const forged = await page.evaluate(async (path) => {
      const res = await fetch(path, { method: 'POST' })
      return { status: res.status, body: (await res.json()) as { error: { message: string } } }
    }, `/api/oms/pvt/orders/${order.orderId}/start-handling`)
    assert.deepEqual(forged, {
      status: 403,
      body: {
        error: {
          code: 'OMS002',
          message: 'The credentials are not enabled to access the service.',
          exception: null,
        },
      },
    })
    assert.equal((await api(test).getOk(order.orderId)).status, 'ready-for-handling')
  })

  it('shows the feeds and hooks, a failed hook delivery, and redelivers it', async (t) => {
    const { test, url } = await adminServer(t, 0)
    const hook = await hookReceiver(t)
    const feed = await api(test).send('POST', '/api/orders/feed/config', {
      filter: { type: 'FromWorkflow', status: ['handling'] },
    })
    assert.equal(feed.statusCode, 200, feed.body)
    const saved = await api(test).send('POST', '/api/orders/hook/config', {
      filter: { type: 'FromWorkflow', status: ['ready-for-handling'] },
      hook: { url: hook.url, headers: { 'X-Erp-Token': 'secret-token' } },
    })
    assert.equal(saved.statusCode, 200, saved.body)
    hook.state.status = 500
    const order = await api(test).handlingOrder(twoShirts())
    await test.fanOut()
    // Retried for four days, then kept as failed.
    for (let hour = 0; hour < 4 * 24 + 2; hour++) {
      test.clock.advance(3600_000)
      await test.runDueJobs()
    }
    const { page } = await newPage(t, browser)
    await signIn(page, url, test.admin)
    await page.getByRole('link', { name: 'Integrations' }).click()
    const feeds = page.getByRole('region', { name: 'Feeds' })
    await feeds.getByRole('cell', { name: test.admin.appKey }).waitFor()
    assert.match(await feeds.innerText(), /FromWorkflow: handling\s+1\s/)
    const failed = page.locator('tr[data-delivery]')
    await failed.first().waitFor()
    assert.match(
      await failed.first().innerText(),
      new RegExp(`${order.orderId}.*ready-for-handling.*failed`, 's'),
    )
    assert.doesNotMatch(await page.locator('main').innerText(), /secret-token/, 'header values are not shown')
    await assertAccessible(page, 'integrations')
    await assertFits(page)
    await screenshots(page, 'integrations')

    hook.state.status = 200
    const id = await failed.first().getAttribute('data-delivery')
    await page.getByRole('button', { name: `Redeliver #${id}` }).click()
    await page.getByText('Redeliver: 1').waitFor()
    await test.runDueJobs()
    assert.deepEqual(
      hook
        .notifications()
        .slice(-1)
        .map((r) => [r.json.OrderId, r.json.State]),
      [[order.orderId, 'ready-for-handling']],
    )
    await page.getByLabel('Failed only').uncheck()
    await page.locator(`tr[data-delivery="${id}"] .delivery-delivered`).waitFor()
  })
})
