// Request ids: the one a client sends, when it is safe to log and echo as it is, or a new one.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const REQUEST_ID_HEADER = 'x-request-id'

/** Short, and no spaces, quotes or control characters: it goes into a header and a log line unchanged. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/

export const newRequestId = (): string => randomUUID()

/** Fastify's genReqId. A repeated header arrives joined with ", ", so it is not well-formed and is replaced. */
export function requestIdOf(raw: IncomingMessage): string {
  const incoming = raw.headers[REQUEST_ID_HEADER]
  return typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : newRequestId()
}
