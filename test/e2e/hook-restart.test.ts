// At-least-once hook delivery survives `kill -9`: a server killed while it fans out and delivers the transitions
// of orders just approved, once restarted, delivers every transition of every order, in order per order; an
// event is delivered twice only when the kill caught it in flight (sent, but its answer not yet recorded).
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { singleOrder } from '../fixtures.ts'
import { describeEachDialect } from '../harness.ts'
import { APPROVED_PATH, eventually, serverWithHook, transitionsOf } from './client.ts'

const ORDERS = 10

/** Jobs a killed process held are taken over after 2 s instead of 30, so the test waits on little but the
 * delivery's own lease (10 s, src/modules/feed/hook.service.ts). */
const FAST_TAKEOVER = { ORDO_JOB_LEASE_MS: '2000' }
const TAKEOVER = { attempts: 400, intervalMs: 100 }

describeEachDialect('hook after kill -9', (dialect) => {
  it('delivers every transition of every order, in order, after a restart', async (t) => {
    const { box, server: first, client, hook } = await serverWithHook(t, dialect, {}, FAST_TAKEOVER)
    // A slow receiver: deliveries are still going out when the last order is approved.
    hook.state.delayMs = 100

    const orders = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => client.approvedOrder(first, singleOrder(`HOOK-KILL-${i}`))),
    )
    // Every change was acknowledged, and the receiver holds a delivery it has not answered yet: the process
    // dies with deliveries in flight and the fan-out anywhere in the stream.
    await eventually('a delivery in flight', () => hook.unanswered() > 0)
    await first.stop('SIGKILL')
    const beforeKill = hook.notifications().length
    hook.state.delayMs = 0
    const server = await box.serve(FAST_TAKEOVER)

    const key = (state = '', at = '') => `${state} at ${at}`
    const expected = new Map<string, string[]>()
    for (const id of orders) {
      expected.set(
        id,
        (await transitionsOf(client, server, id)).map((transition) => key(transition.state, transition.date)),
      )
    }
    const received = (id: string, notifications = hook.notifications()) =>
      notifications.filter((r) => r.json.OrderId === id).map((r) => key(r.json.State, r.json.CurrentChange))
    await eventually(
      'every transition delivered after the restart',
      () => [...expected].every(([id, lines]) => new Set(received(id)).size >= lines.length),
      TAKEOVER,
    ).catch(async (error: unknown) => {
      // What is left says where the deliveries stopped.
      const open = await client.call(server, 'GET', '/api/ordo/pvt/hook/deliveries?status=delivering')
      throw new Error(`${String(error)}\nstill delivering: ${JSON.stringify(open)}`, { cause: error })
    })

    let twice = 0
    for (const [id, lines] of expected) {
      assert.deepEqual(
        lines.map((line) => line.replace(/ at .*$/, '')),
        APPROVED_PATH,
        `the transitions of ${id}`,
      )
      const got = received(id)
      assert.deepEqual(new Set(got), new Set(lines), `the events of ${id}`)
      // A redelivery comes right after the first delivery, before the order's next event: in order once
      // repeats are folded.
      assert.deepEqual(
        got.filter((entry, i) => entry !== got[i - 1]),
        lines,
        `the order of ${id}'s events`,
      )
      const early = received(id, hook.notifications().slice(0, beforeKill))
      for (const line of lines) {
        const times = got.filter((entry) => entry === line).length
        assert.ok(times <= 2, `${line} of ${id} delivered ${times} times`)
        // Delivered twice: the first time before the kill, the second after it.
        if (times === 2) assert.equal(early.filter((entry) => entry === line).length, 1, `${line} of ${id}`)
        if (times === 2) twice++
      }
    }
    t.diagnostic(`${beforeKill} delivered before the kill, ${twice} of them again after it`)
  })
})
