// One hook POST against receivers that fail without answering: nothing listening, and one that never answers
// (its 5 s deadline on mocked timers). Either is an attempt without a status, which the sender retries like a 500.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { hookReceiver } from './hook-receiver.ts'
import { post } from '../src/modules/feed/hook.client.ts'
import { DELIVERY_TIMEOUT_MS } from '../src/modules/feed/hook.ts'

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

it('gives up on a receiver that has not answered within 5 s', async (t) => {
  const hook = await hookReceiver(t)
  hook.state.delayMs = 3_600_000
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const sent = post(new URL(hook.url), {}, '{"OrderId":"1"}', null)
  while (hook.unanswered() === 0) await nextTurn()
  t.mock.timers.tick(DELIVERY_TIMEOUT_MS - 1)
  let settled = false
  void sent.then(() => (settled = true))
  for (let turn = 0; turn < 5; turn++) await nextTurn()
  assert.equal(settled, false, 'still within the deadline')
  t.mock.timers.tick(1)
  const result = await sent
  assert.equal(result.status, null)
  assert.equal(result.error, 'no answer within 5 s')
})
