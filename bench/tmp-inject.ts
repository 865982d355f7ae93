import Fastify from 'fastify'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { bootstrap } from '../src/modules/access/access.service.ts'
import { CredentialCache } from '../src/modules/access/credential-cache.ts'
import { systemClock } from '../src/platform/clock.ts'
import { exampleOrder } from '../test/fixtures.ts'
const dir = mkdtempSync(join(tmpdir(), 'inj-'))
const h = openDatabase({ sqlitePath: join(dir, 'o.db') })
await migrateToLatest(h)
const deps = { ...h, clock: systemClock, credentials: new CredentialCache() }
const pair = (await bootstrap(deps))!
const app = await buildApp(deps, { logger: { level: 'warn' } })
const headers = { 'x-vtex-api-appkey': pair.appKey, 'x-vtex-api-apptoken': pair.appToken }
const placed = await app.inject({ method: 'POST', url: '/api/oms/pvt/orders', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(exampleOrder()) })
const id = (placed.json() as { orders: { orderId: string }[] }).orders[0]!.orderId
const doc = (await app.inject({ method: 'GET', url: `/api/oms/pvt/orders/${id}`, headers })).body
const bare = Fastify({ logger: false })
bare.get('/api/oms/pvt/orders/:orderId', async (_req, reply) => reply.type('application/json; charset=utf-8').send(doc))
const N = 20000
async function time(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3000; i++) await fn()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < N; i++) await fn()
  console.log(name, (Number(process.hrtime.bigint() - t0) / N / 1000).toFixed(1), 'µs')
}
for (let r = 0; r < 2; r++) {
  await time('bare', () => bare.inject({ method: 'GET', url: `/api/oms/pvt/orders/${id}`, headers }))
  await time('ordo', () => app.inject({ method: 'GET', url: `/api/oms/pvt/orders/${id}`, headers }))
}
await app.close()
await h.db.destroy()
