// On a SQLite file a write waits while another connection (the CLI, a second server) holds the write lock, and the
// wait must not hold up the thread: every request the server answers meanwhile would wait with it.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { api } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { startTestApp } from './harness.ts'

it("a write waits for another connection's lock while the server goes on answering", async (t) => {
  const test = await startTestApp(t, 'sqlite', { file: true })
  const other = test.openAgain()
  t.after(() => other.db.destroy())
  const { orderId } = (await api(test).placeOk(singleOrder('LOCKED'))).orders[0] ?? { orderId: '' }
  await sql`begin immediate`.execute(other.db)
  let answered = false
  const write = api(test)
    .send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 5 })
    .finally(() => (answered = true))
  // A wait that blocked the thread would hold up this timer and the read below until it gave up, and fail then.
  await sleep(50)
  assert.equal((await api(test).getOk(orderId)).orderId, orderId)
  assert.equal(answered, false, 'the write waits for the lock')
  await sql`commit`.execute(other.db)
  const res = await write
  assert.ok(res.statusCode < 300, res.body)
})
