// Grace-period jobs survive `kill -9`: after a restart every window that ended is applied, and no other.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { OrderDocument } from '../../src/modules/orders/order.schemas.ts'
import type { PlacedGroupBody } from '../api.ts'
import { singleOrder } from '../fixtures.ts'
import { describeEachDialect, keyHeaders } from '../harness.ts'
import { printedKey } from '../local-server.ts'
import { sandbox, type Server } from './process.ts'

const T0 = Date.parse('2026-05-01T10:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()
const GRACE_MINUTES = 10

/** When each order's payment is approved, in seconds after T0. Its window ends GRACE_MINUTES later. */
const APPROVALS = [
  { tag: 'A', approvedAt: 0 }, // window ends T0+10:00
  { tag: 'B', approvedAt: 180 }, // T0+13:00
  { tag: 'C', approvedAt: 240 }, // T0+14:00, exactly the first restart's now: ended
  { tag: 'D', approvedAt: 241 }, // T0+14:01, one second after it: not yet
  { tag: 'E', approvedAt: 360 }, // T0+16:00
  { tag: 'F', approvedAt: 540 }, // T0+19:00
]
const FIRST_RESTART = 14 * 60
const SECOND_RESTART = 20 * 60

const windowEnded = (approvedAt: number, now: number) => approvedAt + GRACE_MINUTES * 60 <= now

describeEachDialect('restart after kill -9', (dialect) => {
  it('moves every order whose grace period ended to ready-for-handling, and none earlier', async (t) => {
    const box = await sandbox(t, dialect)
    // Only the jobs `serve` runs before it listens may end grace periods: the worker's poll would not come here.
    const env = { ...box.clockEnv, ORDO_TIMER_INTERVAL_MS: '3600000' }
    box.setClock(at(0))
    let server = await box.serve(env)
    const admin = printedKey(server.stdout())
    assert.ok(admin, server.stdout())
    const headers = keyHeaders(admin)
    const settings = await server.request('PUT', '/api/ordo/pvt/settings', {
      headers,
      body: { cancellationGracePeriodMinutes: GRACE_MINUTES },
    })
    assert.equal(settings.status, 200, settings.text)

    const placed: { tag: string; approvedAt: number; order: OrderDocument }[] = []
    for (const approval of APPROVALS) {
      const res = await server.request('POST', '/api/oms/pvt/orders', {
        headers,
        body: singleOrder(`RESTART-${approval.tag}`),
      })
      assert.equal(res.status, 201, res.text)
      const order = (res.body as PlacedGroupBody).orders[0]
      assert.ok(order)
      placed.push({ ...approval, order })
    }

    for (const { approvedAt, order } of placed) {
      box.setClock(at(approvedAt))
      const payments = order.paymentData.transactions[0]?.payments ?? []
      assert.ok(payments.length > 0)
      for (const payment of payments) {
        const res = await server.request(
          'POST',
          `/api/oms/pvt/orders/${order.orderId}/payments/${payment.id}/payment-notification`,
          { headers },
        )
        assert.equal(res.status, 200, res.text)
      }
    }
    assert.deepEqual(await statuses(server, headers, placed), expected(placed, 0))

    const statusesAfterRestart = async (now: number) => {
      assert.deepEqual(await server.stop('SIGKILL'), { code: null, signal: 'SIGKILL' })
      box.setClock(at(now))
      server = await box.serve(env)
      // Checked at once: the first request the restarted server answers must already see the sweep's work.
      return statuses(server, headers, placed)
    }

    const afterFirst = await statusesAfterRestart(FIRST_RESTART)
    assert.deepEqual(afterFirst, expected(placed, FIRST_RESTART))
    assert.deepEqual(afterFirst, {
      A: 'ready-for-handling',
      B: 'ready-for-handling',
      C: 'ready-for-handling',
      D: 'window-to-cancel',
      E: 'window-to-cancel',
      F: 'window-to-cancel',
    })

    const afterSecond = await statusesAfterRestart(SECOND_RESTART)
    assert.deepEqual(afterSecond, expected(placed, SECOND_RESTART))
    assert.ok(Object.values(afterSecond).every((status) => status === 'ready-for-handling'))
  })
})

async function statuses(
  server: Server,
  headers: Record<string, string>,
  placed: { tag: string; order: OrderDocument }[],
): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const { tag, order } of placed) {
    const res = await server.request('GET', `/api/oms/pvt/orders/${order.orderId}`, { headers })
    assert.equal(res.status, 200, res.text)
    result[tag] = (res.body as OrderDocument).status
  }
  return result
}

function expected(placed: { tag: string; approvedAt: number }[], now: number): Record<string, string> {
  return Object.fromEntries(
    placed.map(({ tag, approvedAt }) => [
      tag,
      windowEnded(approvedAt, now) ? 'ready-for-handling' : 'window-to-cancel',
    ]),
  )
}
