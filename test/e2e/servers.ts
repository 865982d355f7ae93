// Several `ordo serve` processes on one database, for tests whose race must be real on SQLite too: one process
// runs its transactions one at a time, separate processes contend for the database file as separate servers do.
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import type { Dialect } from '../../src/db/database.ts'
import type { PlacedGroupBody } from '../api.ts'
import type { IntakeBody } from '../../src/modules/intake/intake.schemas.ts'
import { keyHeaders } from '../harness.ts'
import { printedKey } from '../local-server.ts'
import { sandbox, type HttpResult, type Server } from './process.ts'

export interface Servers {
  dialect: Dialect
  servers: Server[]
  /** Sends a request as the admin through server `n` modulo their number, so that callers spread their calls. */
  send: (n: number, method: string, path: string, body?: unknown) => Promise<HttpResult>
  /** Places the order, approves its payments and starts handling through the first server; resolves to its id. */
  handlingOrder: (body: IntakeBody) => Promise<string>
}

/** `count` servers on one fresh database, with a grace period of 0 so that an approved order can be handled at once. */
export async function startServers(t: TestContext, dialect: Dialect, count: number): Promise<Servers> {
  const box = await sandbox(t, dialect)
  // The first one migrates the database and prints the admin key; the others find both done.
  const first = await box.serve()
  const admin = printedKey(first.stdout())
  assert.ok(admin, first.stdout())
  const headers = keyHeaders(admin)
  const servers = [first, ...(await Promise.all(Array.from({ length: count - 1 }, () => box.serve())))]
  const send = (n: number, method: string, path: string, body?: unknown) => {
    const server = servers[n % servers.length]
    assert.ok(server)
    return server.request(method, path, { headers, body })
  }
  const settings = await send(0, 'PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  assert.equal(settings.status, 200, settings.text)

  const ok = async (status: number, method: string, path: string, body?: unknown) => {
    const res = await send(0, method, path, body)
    assert.equal(res.status, status, `${method} ${path}: ${res.text}`)
    return res.body
  }
  return {
    dialect,
    servers,
    send,
    async handlingOrder(body) {
      const order = ((await ok(201, 'POST', '/api/oms/pvt/orders', body)) as PlacedGroupBody).orders[0]
      assert.ok(order)
      const path = `/api/oms/pvt/orders/${order.orderId}`
      for (const payment of order.paymentData.transactions[0]?.payments ?? []) {
        await ok(200, 'POST', `${path}/payments/${payment.id}/payment-notification`)
      }
      await ok(204, 'POST', `${path}/start-handling`)
      return order.orderId
    },
  }
}
