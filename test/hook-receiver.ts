// A hook receiver for tests: a real HTTP server on 127.0.0.1 that answers with a status the test sets and
// keeps everything it received.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  json: { OrderId?: string; State?: string; hookConfig?: string }
}

/** A hook receiver on 127.0.0.1 that answers with `status` (changeable) and keeps what it received. */
export async function hookReceiver(t: TestContext) {
  const received: Received[] = []
  const state = { status: 200 }
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] })
      res.statusCode = state.status
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    state,
    received,
    notifications: () => received.filter((r) => r.json.hookConfig === undefined),
  }
}
