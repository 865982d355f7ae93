// Ordo's calls to other systems (an account's hook, its external sellers and marketplaces): one request with a JSON
// body (a POST unless asked otherwise) that never reaches a
// link-local or metadata address, never follows a redirect, and ends at a deadline. It resolves with the outcome
// and never rejects: the caller decides what a refusal or a silence means.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isForbiddenAddress } from './outbound-url.ts'

export interface PostResult {
  status: number | null
  latencyMs: number
  error: string | null
  /** The answer's body, when asked for (`readBody`) and answered. */
  body?: string
}

export interface PostOptions {
  timeoutMs: number
  method?: 'POST' | 'PUT' | 'PATCH'
  /** Keep the answer's body, up to MAX_ANSWER_BYTES; otherwise it is read and dropped. */
  readBody?: boolean
}

/** An answer Ordo reads (a seller's) is a small JSON document; one larger than this is an error. */
export const MAX_ANSWER_BYTES = 1024 * 1024

// Keep-alive: a receiver takes a stream of POSTs, and a new connection (a TLS handshake for https) for each
// would cost more than the request.
const agents = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
}

/**
 * Resolves as Node does, but fails for a name with a forbidden address among its addresses. Checking in the
 * connection's own lookup leaves no gap between the check and the connect for a rebinding DNS answer.
 */
const guardedLookup = ((hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0)
    if (addresses.some(({ address }) => isForbiddenAddress(address))) {
      return callback(new Error(`${hostname} resolves to a link-local or metadata address`), '', 0)
    }
    const [first] = addresses
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses)
    return callback(null, first?.address ?? '', first?.family ?? 4)
  })
}) as LookupFunction

/** One request with `body` (JSON) and `headers`. */
export async function postJson(
  url: URL,
  headers: Record<string, string>,
  body: string,
  { timeoutMs, readBody = false, method = 'POST' }: PostOptions,
): Promise<PostResult> {
  const started = performance.now()
  const outcome = (sent: Pick<Sent, 'status' | 'error' | 'body'>): PostResult => ({
    status: sent.status,
    latencyMs: Math.round(performance.now() - started),
    error: sent.error,
    ...(sent.body !== undefined && { body: sent.body }),
  })
  const host = url.hostname.replace(/^\[|\]$/g, '')
  // An address literal is connected to without a lookup.
  if (isIP(host) && isForbiddenAddress(host)) {
    return outcome({ status: null, error: `${host} is a link-local or metadata address` })
  }
  try {
    const options: RequestOptions = {
      method,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
      agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      lookup: guardedLookup,
    }
    const call = { url, options, body, deadline: started + timeoutMs, timeoutMs, readBody }
    let sent = await sendOnce(call)
    // The receiver closed an idle kept-alive connection as it was reused: Node's advice is to send again.
    if (sent.staleConnection) sent = await sendOnce(call)
    return outcome(sent)
  } catch (error) {
    // Node throws at once on what it will not send, such as a header value it refuses.
    return outcome({ status: null, error: describe(error as Error, timeoutMs) })
  }
}

interface Call {
  url: URL
  options: RequestOptions
  body: string
  deadline: number
  timeoutMs: number
  readBody: boolean
}

interface Sent {
  status: number | null
  error: string | null
  body?: string
  staleConnection: boolean
}

/** Ends a request that has not been answered in time. */
class NoAnswerInTime extends Error {}

function sendOnce({ url, options, body, deadline, timeoutMs, readBody }: Call): Promise<Sent> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve) => {
    // A timer rather than AbortSignal.timeout(): a signal with its listeners cost as much CPU as the rest of
    // the POST (about 70 µs against 40 on the machine of BENCHMARKS.md), and a hook takes one POST per event.
    const timer = setTimeout(() => request.destroy(new NoAnswerInTime()), deadline - performance.now())
    const settle = (sent: Sent) => {
      clearTimeout(timer)
      resolve(sent)
    }
    const request = send(url, options, (response) => {
      const status = response.statusCode ?? null
      const chunks: Buffer[] = []
      let size = 0
      if (readBody) {
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_ANSWER_BYTES) {
            response.destroy()
            settle({
              status,
              error: `an answer larger than ${MAX_ANSWER_BYTES} bytes`,
              staleConnection: false,
            })
          } else chunks.push(chunk)
        })
      } else {
        // The body is read and dropped, so that the connection can carry the next POST.
        response.resume()
      }
      response.once('end', () =>
        settle({
          status,
          error: null,
          ...(readBody && { body: Buffer.concat(chunks).toString('utf8') }),
          staleConnection: false,
        }),
      )
      response.once('error', (error) =>
        settle({ status, error: describe(error, timeoutMs), staleConnection: false }),
      )
    })
    request.once('error', (error) => {
      const reset = (error as { code?: unknown }).code === 'ECONNRESET'
      settle({
        status: null,
        error: describe(error, timeoutMs),
        staleConnection: reset && request.reusedSocket,
      })
    })
    request.end(body)
  })
}

function describe(error: Error, timeoutMs: number): string {
  if (error instanceof NoAnswerInTime) return `no answer within ${timeoutMs / 1000} s`
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message
}
