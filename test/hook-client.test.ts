// A hook POST against receivers that fail without answering: nothing listening, and one that never answers
// (its 5 s deadline, on mocked timers). Either is an attempt without a status, which the sender retries like a
// 500. Hook POSTs are made on the outbound thread, and one it had not answered when it stopped ends the same way.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { hookReceiver } from './hook-receiver.ts'
import { post } from '../src/modules/feed/hook.client.ts'
import { DELIVERY_TIMEOUT_MS } from '../src/modules/feed/hook.ts'
import { postJson } from '../src/platform/outbound-http.ts'
import { stopOutboundThread } from '../src/platform/outbound-thread.ts'

/** A port that was free a moment ago: nothing listens on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

it('reports a refused connection as an attempt without a status', async () => {
  const result = await post(new URL(`http://127.0.0.1:${await closedPort()}/hook`), {}, '{}', null)
  assert.equal(result.status, null)
  assert.match(result.error ?? '', /ECONNREFUSED/)
})

// On this thread: the outbound thread makes its calls with this same postJson, on timers a test cannot mock.
it('gives up on a receiver that has not answered within 5 s', async (t) => {
  const hook = await hookReceiver(t)
  hook.state.delayMs = 3_600_000
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const before = performance.now()
  const sent = postJson(new URL(hook.url), {}, '{"OrderId":"1"}', { timeoutMs: DELIVERY_TIMEOUT_MS })
  while (hook.unanswered() === 0) await nextTurn()
  // The deadline is real time from the call, and its timer was set (mocked) before the receiver saw the POST: by
  // then at most this much of the 5 s had passed, however busy the machine.
  const passed = Math.ceil(performance.now() - before)
  t.mock.timers.tick(DELIVERY_TIMEOUT_MS - passed - 1)
  let settled = false
  void sent.then(() => (settled = true))
  for (let turn = 0; turn < 5; turn++) await nextTurn()
  assert.equal(settled, false, 'still within the deadline')
  t.mock.timers.tick(passed + 1)
  const result = await sent
  assert.equal(result.status, null)
  assert.equal(result.error, 'no answer within 5 s')
})

it('ends a POST the outbound thread had not answered when it stopped, and starts a new thread for the next', async (t) => {
  const hook = await hookReceiver(t)
  hook.state.delayMs = 3_600_000
  // The receiver's answer waits on a mocked timer, which nothing keeps alive once the test ends.
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const sent = post(new URL(hook.url), {}, '{"OrderId":"1"}', null)
  let answered = false
  void sent.then(() => (answered = true))
  while (hook.unanswered() === 0 && !answered) await nextTurn()
  assert.equal(answered, false, 'the POST is in flight at the receiver')
  await stopOutboundThread()
  t.mock.timers.reset()
  assert.deepEqual(await sent, {
    status: null,
    latencyMs: 0,
    error: 'the outbound thread stopped: it was stopped',
  })
  hook.state.delayMs = 0
  const again = await post(new URL(hook.url), { 'x-erp': 'one' }, '{"OrderId":"2"}', null)
  assert.equal(again.status, 200)
  assert.equal(hook.received.at(-1)?.headers['x-erp'], 'one')
})
