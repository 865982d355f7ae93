// Request ids: in every response's X-Request-Id, on every log line of the request, and in a 500's message.
import assert from 'node:assert/strict'
import { it, type TestContext } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import type { Dialect } from '../src/db/database.ts'
import { api, errorCode } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp } from './harness.ts'

interface LogLine {
  reqId?: string
  msg: string
  statusCode?: number
  level: number
}

/** A test app whose log lines the test reads. */
async function loggedApp(t: TestContext, dialect: Dialect) {
  const lines: LogLine[] = []
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) }
  const test = await startTestApp(t, dialect, { app: { logger: { level: 'info', stream } } })
  return { test, lines }
}

const idOf = (res: LightMyRequestResponse): string => {
  const id = res.headers['x-request-id']
  assert.equal(typeof id, 'string', `no X-Request-Id on a ${res.statusCode}`)
  return id as string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describeEachDialect('request ids', (dialect) => {
  it('answers every request with a new X-Request-Id, and logs one line per request under it', async (t) => {
    const { test, lines } = await loggedApp(t, dialect)
    const orderId = (await api(test).placeOk(exampleOrder())).orders[0]?.orderId ?? ''
    const responses = [
      await api(test).send('GET', `/api/oms/pvt/orders/${orderId}`), // 200
      await test.app.inject({ method: 'GET', url: `/api/oms/pvt/orders/${orderId}` }), // 401
      await api(test).send('GET', '/api/oms/pvt/nothing-here'), // 404
      await api(test).send('POST', `/api/oms/pvt/orders/${orderId}/cancel`, { reason: 5 }), // 400
      await api(test).send('GET', '/api/oms/pvt/orders/%E0%A4%A'), // not percent-encoding: refused before routing
    ]
    assert.deepEqual(
      responses.map((res) => res.statusCode),
      [200, 401, 404, 400, 400],
    )
    assert.equal(errorCode(responses[4] as LightMyRequestResponse), 'OMS001')
    const ids = responses.map(idOf)
    for (const id of ids) assert.match(id, UUID)
    assert.equal(new Set(ids).size, ids.length)
    for (const [i, id] of ids.entries()) {
      const own = lines.filter((line) => line.reqId === id)
      assert.deepEqual(
        own.map((line) => [line.msg, line.statusCode]),
        [['request', responses[i]?.statusCode]],
        id,
      )
    }
  })

  it('keeps a well-formed incoming X-Request-Id and replaces any other', async (t) => {
    const { test, lines } = await loggedApp(t, dialect)
    const send = (id: string) => api(test).send('GET', '/healthz', undefined, { 'x-request-id': id })
    for (const kept of ['abc', 'trace:00-0af7651916cd43dd-01', 'lb.7_Z-x', 'x'.repeat(128)]) {
      assert.equal(idOf(await send(kept)), kept)
      assert.ok(
        lines.some((line) => line.reqId === kept && line.msg === 'request'),
        kept,
      )
    }
    for (const refused of ['', 'two words', 'x'.repeat(129), '<script>', 'a,b', 'ünïcode']) {
      const id = idOf(await send(refused))
      assert.match(id, UUID, refused)
      assert.ok(!lines.some((line) => line.reqId === refused), refused)
    }
  })

  it("names the request id in a 500's message, and logs the error under it", async (t) => {
    const { test, lines } = await loggedApp(t, dialect)
    test.app.get('/test/fails', () => {
      throw new Error('database on fire')
    })
    const res = await test.app.inject({
      method: 'GET',
      url: '/test/fails',
      headers: { 'x-request-id': 'client-42' },
    })
    assert.equal(res.statusCode, 500)
    assert.equal(idOf(res), 'client-42')
    assert.deepEqual(res.json(), {
      error: {
        code: 'OMS500',
        message: 'An internal error occurred (request id client-42). The request can be retried.',
        exception: null,
      },
    })
    assert.doesNotMatch(res.body, /on fire/)
    const own = lines.filter((line) => line.reqId === 'client-42')
    assert.deepEqual(
      own.map((line) => [line.msg, line.level]),
      [
        ['unhandled error', 50],
        ['request', 30],
      ],
    )
  })
})
