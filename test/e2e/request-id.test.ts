// Requests Node's HTTP parser refuses before Fastify routes them (headers or URL too large, not HTTP) are answered
// in the error envelope with an X-Request-Id, and logged under that id, by a real `ordo serve`.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { it } from 'node:test'
import { describeEachDialect } from '../harness.ts'
import { sandbox } from './process.ts'

interface Refusal {
  status: number
  id: string
  body: unknown
}

async function refusal(url: string, headers: Record<string, string> = {}): Promise<Refusal> {
  const res = await fetch(url, { headers })
  return { status: res.status, id: res.headers.get('x-request-id') ?? '', body: await res.json() }
}

/** Sends bytes that are not HTTP and returns the raw answer; the server closes the connection after it. */
function rawAnswer(port: number, bytes: string): Promise<string> {
  return new Promise((done, fail) => {
    let answer = ''
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
    socket.once('close', () => done(answer)).once('error', fail)
  })
}

const envelope = (message: string) => ({ error: { code: 'OMS001', message, exception: null } })

describeEachDialect('requests refused before routing', (dialect) => {
  it('answers 431 and 400 with a request id, and logs each under it', async (t) => {
    const server = await (await sandbox(t, dialect)).serve()
    const tooLarge = 'The request line and headers are larger than the server accepts.'
    const bigHeader = await refusal(`${server.url}/healthz`, { 'x-padding': 'a'.repeat(20_000) })
    const longUrl = await refusal(`${server.url}/api/oms/pvt/orders/${'a'.repeat(20_000)}`)
    for (const res of [bigHeader, longUrl]) {
      assert.equal(res.status, 431)
      assert.deepEqual(res.body, envelope(tooLarge))
    }
    const garbage = await rawAnswer(server.port, 'NOT HTTP AT ALL\r\n\r\n')
    assert.match(garbage, /^HTTP\/1\.1 400 Bad Request\r\n/)
    assert.ok(garbage.endsWith(JSON.stringify(envelope('The request is not valid HTTP.'))), garbage)
    const garbageId = /^X-Request-Id: (\S+)\r$/m.exec(garbage)?.[1] ?? ''

    // A graceful stop: once the process has exited, its log is complete.
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null })
    const lines = server
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { reqId?: string; msg: string; statusCode?: number })
    for (const [id, status] of [
      [bigHeader.id, 431],
      [longUrl.id, 431],
      [garbageId, 400],
    ] as const) {
      assert.ok(id, 'no X-Request-Id')
      assert.deepEqual(
        lines.filter((line) => line.reqId === id).map((line) => [line.msg, line.statusCode]),
        [['request refused before routing', status]],
        id,
      )
    }
  })
})
