// `npm run bench:channels`: what a feed and a hook cost per order event, stage by stage, in this process and
// without HTTP in front, so that a change to the fan-out, the hook's sender or the feed's queue shows in
// minutes and above the noise that the end-to-end ratio of `npm run bench` carries. Orders are placed and
// approved first (their cost is not counted), then each stage runs alone over every event and is timed in
// CPU: the fan-out, the hook's sender (the receiver answers 200 from another process, so only the sending
// counts) and the feed read in lots of 10 and committed. Not part of BENCHMARKS.md: a tool for working on them.
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'
import { assembleDeps } from '../src/assemble.ts'
import { createKey } from '../src/modules/access/access.service.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import {
  commitFeedItems,
  fanOutEvents,
  retrieveFeedItems,
  saveFeedConfig,
} from '../src/modules/feed/feed.service.ts'
import { saveHookConfig, sendHookDeliveries } from '../src/modules/feed/hook.service.ts'
import { DEFAULT_DELIVERIES_IN_FLIGHT } from '../src/modules/feed/hook.ts'
import { systemClock } from '../src/platform/clock.ts'
import type { Principal } from '../src/platform/principal.ts'
import { createJobQueue } from '../src/worker/job-queue.ts'
import { exampleOrder, PARTNER } from '../test/fixtures.ts'
import { keyHeaders, migratedDatabase } from '../test/harness.ts'

const { values: flags } = parseArgs({
  options: {
    /** Placements of the two-seller example order, each with its payment's approval. */
    units: { type: 'string', default: '300' },
    /** Events a fan-out step reads: the server's steps hold what arrived within its gather time. */
    batch: { type: 'string', default: '30' },
    /** Deliveries the hook's sender has in flight (ORDO_HOOK_CONCURRENCY_PER_HOOK). */
    'in-flight': { type: 'string', default: String(DEFAULT_DELIVERIES_IN_FLIGHT) },
  },
})
const units = Number(flags.units)
const batch = Number(flags.batch)
const inFlight = Number(flags['in-flight'])

/** A hook receiver in its own process, answering 200: its work is not this process's CPU. */
async function startReceiver(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end()) })
        .listen(0, '127.0.0.1', function () { console.log(this.address().port) })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  )
  return { url: `http://127.0.0.1:${port}/hook`, stop: () => child.kill() }
}

/** CPU microseconds (this process, every thread) per event of `work`, and wall microseconds. */
async function perEvent(name: string, events: number, work: () => Promise<unknown>): Promise<void> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await work()
  const used = process.cpuUsage(cpu)
  const wall = ((performance.now() - started) * 1000) / events
  process.stdout.write(
    `${name.padEnd(26)} ${((used.user + used.system) / events).toFixed(1).padStart(7)} µs CPU per event  (wall ${wall.toFixed(1)})\n`,
  )
}

const receiver = await startReceiver()
const { handle, close } = await migratedDatabase('sqlite', { file: true })
try {
  const deps = assembleDeps(handle, systemClock, createJobQueue(handle))
  const app = await buildApp(deps)
  await createAccount(deps, 'acme')
  const admin = await createKey(deps, { account: 'acme', roles: ['OMS - Full access'] })
  const headers = { ...keyHeaders(admin), 'content-type': 'application/json' }
  const send = async (method: 'POST' | 'PUT', url: string, payload?: object) => {
    const response = await app.inject({ method, url, headers, payload })
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`)
    return response
  }
  await send('PUT', '/api/ordo/pvt/settings', { allowInsecureHooks: true, cancellationGracePeriodMinutes: 0 })
  await createAccount(deps, PARTNER.account)
  const partnerKey = await createKey(deps, { account: PARTNER.account, roles: ['OMS - Full access'] })
  await send('PUT', `/api/ordo/pvt/sellers/${PARTNER.id}`, {
    name: PARTNER.name,
    account: PARTNER.account,
    ...partnerKey,
  })
  const principal: Principal = {
    account: 'acme',
    appKey: admin.appKey,
    roles: [],
    resources: new Set(),
    shopperEmail: null,
  }
  await saveHookConfig(deps, principal, { hook: { url: receiver.url } })
  await saveFeedConfig(deps, principal, {})

  for (let unit = 0; unit < units; unit++) {
    const placed = (
      await send('POST', '/api/oms/pvt/orders', exampleOrder({ marketplaceOrderId: `CH-${unit}` }))
    ).json<{
      orders: { orderId: string; paymentData: { transactions: { payments: { id: string }[] }[] } }[]
    }>()
    const [first] = placed.orders
    for (const payment of first?.paymentData.transactions[0]?.payments ?? []) {
      await send('POST', `/api/oms/pvt/orders/${first?.orderId}/payments/${payment.id}/payment-notification`)
    }
  }
  const { n } = await deps.db
    .selectFrom('order_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const events = Number(n)
  process.stdout.write(
    `${events} events of ${units} placements; a fan-out step of ${batch}, ${inFlight} in flight\n`,
  )

  await perEvent('fan-out', events, async () => {
    while ((await fanOutEvents(deps, batch)).read > 0);
  })
  await perEvent('hook sending', events, () =>
    sendHookDeliveries(deps, { account: 'acme', appKey: admin.appKey }, inFlight),
  )
  await perEvent('feed retrieval and commit', events, async () => {
    for (;;) {
      const items = await retrieveFeedItems(deps, principal, 10)
      if (items.length === 0) return
      await commitFeedItems(
        deps,
        principal,
        items.map((item) => item.handle),
      )
    }
  })
  const { open } = await deps.db
    .selectFrom('hook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('open'))
    .where('status', '!=', 'delivered')
    .executeTakeFirstOrThrow()
  if (Number(open) > 0) throw new Error(`${open} hook deliveries were not delivered`)
  await app.close()
} finally {
  await close()
  receiver.stop()
}
