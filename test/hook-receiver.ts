// A real HTTP hook receiver on 127.0.0.1, for the in-process hook tests and the end-to-end ones alike.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { TestContext } from 'node:test'
import type { Static } from 'typebox'
import type { NotificationSchema } from '../src/modules/feed/hook.schemas.ts'
import { listenLocally } from './local-server.ts'

/** The body of a notification, as the reference shapes it. */
export type Notification = Static<typeof NotificationSchema>

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  /** A notification, or the ping `{"hookConfig": "ping"}`. */
  json: Partial<Notification> & { hookConfig?: string }
}

export interface HookReceiver {
  /** `http://127.0.0.1:PORT/hook` */
  url: string
  /**
   * The status every request is answered with, and how long the answer takes; a test changes them to play a
   * receiver that fails or is slow.
   */
  state: { status: number; delayMs: number }
  /** Every request, in the order it arrived. */
  received: Received[]
  /** The requests that are notifications, not pings. */
  notifications: () => Received[]
  /** How many requests have arrived and are not answered yet. */
  unanswered: () => number
  /** The most that were ever unanswered at once. */
  peakUnanswered: () => number
}

/** A hook receiver that answers with `state.status` and keeps what it received; closed after the test. */
export async function hookReceiver(t: TestContext): Promise<HookReceiver> {
  const received: Received[] = []
  const state = { status: 200, delayMs: 0 }
  let unanswered = 0
  let peakUnanswered = 0
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] })
      unanswered++
      peakUnanswered = Math.max(peakUnanswered, unanswered)
      setTimeout(() => {
        unanswered--
        res.statusCode = state.status
        res.end()
      }, state.delayMs)
    })
  })
  const port = await listenLocally(t, server)
  return {
    url: `http://127.0.0.1:${port}/hook`,
    state,
    received,
    notifications: () => received.filter((r) => r.json.hookConfig === undefined),
    unanswered: () => unanswered,
    peakUnanswered: () => peakUnanswered,
  }
}
