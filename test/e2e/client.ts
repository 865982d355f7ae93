// What the end-to-end tests of the feed and the hook do as a client of a real server: calls as the admin key a
// first `ordo serve` printed, orders placed and approved, and bounded waits for what happens in the background.
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import type { IntakeBody } from '../../src/modules/intake/intake.schemas.ts'
import { ORDER_STATUSES } from '../../src/modules/orders/order-status.ts'
import type { PlacedGroupBody } from '../api.ts'
import { keyHeaders } from '../harness.ts'
import { printedKey } from '../local-server.ts'
import type { TestContext } from 'node:test'
import type { Dialect } from '../../src/db/database.ts'
import { hookReceiver, type HookReceiver } from '../hook-receiver.ts'
import { sandbox, type Sandbox, type Server } from './process.ts'

export interface AdminClient {
  appKey: string
  /** Sends as the admin to `server` (it may be a restarted one), asserts a 2xx answer, and returns its body. */
  call: (server: Server, method: string, path: string, body?: unknown) => Promise<unknown>
  /** Places the order and approves its payments; resolves to its id. */
  approvedOrder: (server: Server, body: IntakeBody) => Promise<string>
}

/** The admin key `first` printed on its first start, as a client. */
export function adminClient(first: Server): AdminClient {
  const admin = printedKey(first.stdout())
  assert.ok(admin, first.stdout())
  return clientOf(admin)
}

/** A client calling with `key`. */
export function clientOf(key: { appKey: string; appToken: string }): AdminClient {
  const headers = keyHeaders(key)
  const call = async (server: Server, method: string, path: string, body?: unknown) => {
    const res = await server.request(method, path, { headers, body })
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${res.text}`)
    return res.body
  }
  return {
    appKey: key.appKey,
    call,
    async approvedOrder(server, body) {
      const placed = (await call(server, 'POST', '/api/oms/pvt/orders', body)) as PlacedGroupBody
      const order = placed.orders[0]
      assert.ok(order)
      for (const payment of order.paymentData.transactions[0]?.payments ?? []) {
        await call(
          server,
          'POST',
          `/api/oms/pvt/orders/${order.orderId}/payments/${payment.id}/payment-notification`,
        )
      }
      return order.orderId
    },
  }
}

/**
 * Calls `done` every `intervalMs` until it answers true, at most `attempts` times; fails with `what` then. The
 * server's fan-out and job worker run on their own: a test waits for their result, never for a fixed time.
 */
export async function eventually(
  what: string,
  done: () => boolean | Promise<boolean>,
  { attempts = 300, intervalMs = 50 } = {},
): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (await done()) return
    await delay(intervalMs)
  }
  assert.fail(`${what}: not after ${attempts} tries ${intervalMs} ms apart`)
}

/** A transition as the order's timeline lists it. */
export interface TimelineTransition {
  type: 'transition'
  date: string
  domain: string
  state: string
  lastState: string
}

/** The transitions of the order's timeline (`GET /api/ordo/pvt/orders/{id}/timeline`), oldest first. */
export async function transitionsOf(
  client: AdminClient,
  server: Server,
  orderId: string,
): Promise<TimelineTransition[]> {
  const timeline = (await client.call(server, 'GET', `/api/ordo/pvt/orders/${orderId}/timeline`)) as {
    entries: { type: string }[]
  }
  return timeline.entries.filter((entry): entry is TimelineTransition => entry.type === 'transition')
}

/** An order's transitions once placed, and then once its payment is approved with no grace period. */
const PLACED = ['order-created', 'on-order-completed', 'waiting-for-authorization', 'payment-pending']
const APPROVED = [
  'approve-payment',
  'payment-approved',
  'authorize-fulfillment',
  'window-to-cancel',
  'ready-for-handling',
]
/** The states an order placed and approved with no grace period went through, in order. */
export const APPROVED_PATH = [...PLACED, ...APPROVED]

/** A FromWorkflow filter that names every status of the workflow. */
export const EVERY_STATUS = { type: 'FromWorkflow', status: [...ORDER_STATUSES] }

export interface ServerWithHook {
  box: Sandbox
  server: Server
  client: AdminClient
  hook: HookReceiver
}

/**
 * A server on a fresh database and a hook receiver. The account may post to a plain-http hook on this machine
 * and hands approved orders over at once (no grace period); the admin's hook takes every status and sends
 * `headers`.
 */
export async function serverWithHook(
  t: TestContext,
  dialect: Dialect,
  headers: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ServerWithHook> {
  const box = await sandbox(t, dialect)
  const server = await box.serve(env)
  const hook = await hookReceiver(t)
  const client = adminClient(server)
  await client.call(server, 'PUT', '/api/ordo/pvt/settings', {
    allowInsecureHooks: true,
    cancellationGracePeriodMinutes: 0,
  })
  await client.call(server, 'POST', '/api/orders/hook/config', {
    filter: EVERY_STATUS,
    hook: { url: hook.url, headers },
  })
  return { box, server, client, hook }
}
