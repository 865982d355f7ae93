// Get order answered before routing (getOrderFromMemory) sends what the route would, and leaves every request it
// cannot answer from memory alone, refusals included, to the route. Over a socket: app.inject() never passes there.
import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAccount, recentSettings } from '../src/modules/accounts/account.service.ts'
import { revokeKey } from '../src/modules/access/access.service.ts'
import { api } from './api.ts'
import { singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestAppOptions } from './harness.ts'

const SETTINGS = '/api/ordo/pvt/settings'

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A request as a client sends it, Host header included (fetch does not let one set it). */
function send(base: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

interface LogLine {
  time?: number
  msg?: string
  reqId?: string
  method?: string
  url?: string
  statusCode?: number
  ms?: number
}

/**
 * A listening app that counts the requests Fastify routes and keeps its log lines. On PostgreSQL the rate limit
 * counts in the database, so only an account without a Get order limit is answered before routing there.
 */
async function listening(t: Parameters<typeof startTestApp>[0], dialect: 'sqlite' | 'postgres') {
  const counted = { routed: 0 }
  const lines: LogLine[] = []
  const options: TestAppOptions = {
    file: true,
    app: {
      logger: {
        level: 'info',
        stream: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
      },
      rewriteUrl: (request) => {
        counted.routed++
        return request.url ?? '/'
      },
    },
  }
  const test = await startTestApp(t, dialect, options)
  if (dialect === 'postgres') {
    const put = await api(test).send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 0 } })
    assert.equal(put.statusCode, 200, put.body)
  }
  const base = await test.app.listen({ port: 0, host: '127.0.0.1' })
  const [order] = (await api(test).placeOk(singleOrder('MEMORY-1'))).orders
  assert.ok(order)
  // PostgreSQL's commit watch starts listening at the first read; memory answers once it does.
  assert.equal((await send(base, `/api/oms/pvt/orders/${order.orderId}`, test.headers)).status, 200)
  while (!test.deps.commits.caughtUp()) await sleep(10)
  return { test, base, counted, lines, orderId: order.orderId, url: `/api/oms/pvt/orders/${order.orderId}` }
}

describeEachDialect('Get order from memory, before routing', (dialect) => {
  it('sends a document in memory as the route would, unrouted, counted and logged', async (t) => {
    const { test, base, counted, lines, orderId, url } = await listening(t, dialect)
    const headers = { ...test.headers, 'x-request-id': 'erp-42' }
    // The same request with a trailing slash is the route's, and so is its answer.
    let routed = counted.routed
    const byRoute = await send(base, `${url}/`, headers)
    assert.equal(counted.routed, routed + 1)
    // Kept by the read that `listening` made, with the limit's settings that the route just read: from memory.
    routed = counted.routed
    const { hits } = test.deps.documents.stats()
    const hit = await send(base, url, headers)
    assert.equal(counted.routed, routed, 'answered before routing')
    assert.equal(test.deps.documents.stats().hits, hits + 1)

    assert.equal(hit.status, 200)
    assert.ok(hit.body.equals(byRoute.body))
    const withoutDate = ({ date, ...sent }: IncomingHttpHeaders) => {
      assert.ok(date)
      return sent
    }
    assert.deepEqual(withoutDate(hit.headers), withoutDate(byRoute.headers))
    assert.equal(hit.headers['x-request-id'], 'erp-42')
    // The route's line and the same one from memory: one per request, with its id.
    const requestLines = lines.filter((line) => line.msg === 'request' && line.reqId === 'erp-42')
    assert.deepEqual(
      requestLines.map((line) => ({ ...line, time: undefined, ms: typeof line.ms })),
      [`${url}/`, url].map((path) => ({
        ...requestLines[0],
        time: undefined,
        url: path,
        ms: 'number',
      })),
    )

    // By its sequence too, once a read by it kept the alias.
    const seqUrl = `/api/oms/pvt/orders/seq${(JSON.parse(hit.body.toString()) as { sequence: string }).sequence}`
    const bySeq = await send(base, seqUrl, test.headers)
    const beforeSeq = counted.routed
    const seqHit = await send(base, seqUrl, test.headers)
    assert.equal(counted.routed, beforeSeq, 'answered before routing')
    assert.ok(seqHit.body.equals(bySeq.body) && seqHit.body.equals(hit.body))

    // A change acknowledged is what the next read sends, from memory again after one read.
    const canceled = await api(test).cancel(orderId, { reason: 'customer asked' })
    assert.equal(canceled.statusCode, 200, canceled.body)
    const stored = await test.deps.db
      .selectFrom('orders')
      .select('document')
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow()
    for (let read = 0; read < 2; read++) {
      const after = await send(base, url, test.headers)
      assert.equal(after.body.toString(), stored.document)
    }
  })

  it('leaves refusals, misses and other forms of the URL to the route', async (t) => {
    const { test, base, counted, url } = await listening(t, dialect)
    await createAccount(test.deps, 'globex')
    const other = await test.newKey(['OMS - Full access'], 'globex')
    const callCenter = await test.newKey(['Call center operator'])
    const cases: [string, string, Record<string, string>, number][] = [
      ['another account', url, other, 404],
      [
        'another account, naming this one by host',
        url,
        { ...other, host: 'acme.vtexcommercestable.com.br' },
        403,
      ],
      ['this account, naming another by host', url, { ...test.headers, host: 'globex.example.com.br' }, 403],
      ['a role without View order', url, callCenter, 403],
      ['a wrong token', url, { ...test.headers, 'x-vtex-api-apptoken': 'wrong' }, 401],
      ['no credentials', url, {}, 401],
      ['no such order', '/api/oms/pvt/orders/v1-01', test.headers, 404],
      ['a trailing slash', `${url}/`, test.headers, 200],
      ['a doubled slash', url.replace('/orders/', '/orders//'), test.headers, 200],
      ['an escaped character', url.replace(/-(\d+)$/, '%2D$1'), test.headers, 200],
      ['an id too long', `/api/oms/pvt/orders/${'v'.repeat(101)}`, test.headers, 400],
      ['its own account in ?an=', `${url}?an=acme`, test.headers, 200],
      ['another account in ?an=', `${url}?an=globex`, test.headers, 403],
    ]
    for (const [name, path, headers, status] of cases) {
      // Twice: the second finds in memory whatever the first left there.
      for (let round = 1; round <= 2; round++) {
        const routed = counted.routed
        const answer = await send(base, path, headers)
        assert.equal(counted.routed, routed + 1, `${name}: routed`)
        assert.equal(answer.status, status, `${name}: ${answer.body.toString()}`)
        const byRoute = await test.app.inject({ method: 'GET', url: path, headers })
        assert.equal(answer.body.toString(), byRoute.body, name)
      }
    }
    const head = await send(base, url, test.headers, 'HEAD')
    assert.deepEqual([head.status, head.body.length], [200, 0])

    // A key revoked in this process stops at once, though its principal was in memory.
    const reader = await test.newKey(['OMS - Read only'])
    assert.equal((await send(base, url, reader)).status, 200)
    await revokeKey(test.deps, reader['x-vtex-api-appkey'] ?? '')
    assert.equal((await send(base, url, reader)).status, 401)
  })

  it('counts each read once against the rate limit, from memory or not', async (t) => {
    const { test, base, counted, url } = await listening(t, dialect)
    const put = await api(test).send('PUT', SETTINGS, { rateLimits: { getOrderPerMinute: 3 } })
    assert.equal(put.statusCode, 200, put.body)
    const routed = counted.routed
    test.clock.advance(60_000) // a minute of its own
    const answers = []
    for (let read = 1; read <= 5; read++) {
      // As the route left them: a second passes between reads only on a machine too busy for this test.
      await recentSettings(test.deps, 'acme')
      answers.push(await send(base, url, test.headers))
    }
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200, 429, 429],
    )
    assert.ok(answers[3]?.headers['retry-after'])
    // Within the limit the reads were answered from memory on SQLite. PostgreSQL counts in the database, so there
    // every read of an account with a limit is routed.
    assert.equal(counted.routed - routed, dialect === 'sqlite' ? 2 : 5)
  })
})
