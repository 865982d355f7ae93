// On a SQLite file, Get order reads through a second, read-only connection: it must see every change this
// process commits at once, another process's soon after, and never a change still in an open transaction.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import SQLite from 'better-sqlite3'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { startTestApp } from './harness.ts'

it('Get order on a SQLite file sees each committed change at once', async (t) => {
  const test = await startTestApp(t, 'sqlite', { file: true })
  assert.ok(test.deps.reader, 'a file database has a read connection')
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const placed = await api(test).placeOk(exampleOrder())
  const order = placed.orders[0]
  assert.ok(order)
  assert.deepEqual(await api(test).getOk(order.orderId), order)
  assert.equal((await api(test).getOk(`seq${order.sequence}`)).orderId, order.orderId)
  const paymentId = order.paymentData.transactions[0]?.payments[0]?.id ?? ''
  assert.equal((await api(test).notifyPayment(order.orderId, paymentId)).statusCode, 200)
  assert.equal((await api(test).getOk(order.orderId)).status, 'ready-for-handling')
  assert.equal((await api(test).startHandling(order.orderId)).statusCode, 204)
  assert.equal((await api(test).getOk(order.orderId)).status, 'handling')
  assert.equal((await api(test).get('0000000000000-01')).statusCode, 404)
})

it('Get order on a SQLite file never sees an uncommitted change', async (t) => {
  const test = await startTestApp(t, 'sqlite', { file: true })
  const placed = await api(test).placeOk(exampleOrder())
  const order = placed.orders[0]
  assert.ok(order)
  let seenInside = ''
  await test.deps.db
    .transaction()
    .execute(async (trx) => {
      await trx
        .updateTable('orders')
        .set({ document: '{"uncommitted":true}' })
        .where('order_id', '=', order.orderId)
        .execute()
      seenInside = (await api(test).get(order.orderId)).body
      throw new Error('roll back')
    })
    .catch(() => undefined)
  assert.deepEqual(JSON.parse(seenInside), order)
  assert.deepEqual(await api(test).getOk(order.orderId), order)
})

it('Get order on a SQLite file sees a change another process commits', async (t) => {
  const test = await startTestApp(t, 'sqlite', { file: true })
  const placed = await api(test).placeOk(exampleOrder())
  const order = placed.orders[0]
  assert.ok(order && test.deps.reader)
  assert.deepEqual(await api(test).getOk(order.orderId), order) // now remembered
  const other = new SQLite(test.deps.reader.name)
  t.after(() => other.close())
  const changed = { ...order, followUpEmail: 'ops@example.com' }
  // Announced in the commit log, in the same transaction, as Ordo's write path does (src/db/commit-watch.ts).
  other.transaction(() => {
    other
      .prepare('update orders set document = ? where order_id = ?')
      .run(JSON.stringify(changed), order.orderId)
    other.prepare('insert into commit_log (payload) values (?)').run(`other\nacme\t${order.orderId}`)
  })()
  // A read that starts the commit watch's bound after the commit sees it, however busy the machine.
  await sleep(test.deps.commits.boundMs)
  assert.deepEqual(await api(test).getOk(order.orderId), changed)
})

it("Get order on a SQLite file never answers with another account's remembered document", async (t) => {
  const test = await startTestApp(t, 'sqlite', { file: true })
  await createAccount(test.deps, 'globex')
  const globex = await test.newKey(['OMS - Full access'], 'globex')
  const order = (await api(test).placeOk(exampleOrder())).orders[0]
  assert.ok(order)
  for (const id of [order.orderId, `seq${order.sequence}`]) {
    assert.equal((await api(test).getOk(id)).orderId, order.orderId) // now remembered
    assert.equal((await api(test, globex).get(id)).statusCode, 404)
    assert.equal((await api(test).getOk(id)).orderId, order.orderId)
  }
})
