// The HTTP side of a hook: one POST with the hook's headers, signed the Standard Webhooks way when the hook
// has a secret, that never reaches a link-local or metadata address.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { isForbiddenAddress } from '../../platform/outbound-url.ts'
import { DELIVERY_TIMEOUT_MS } from './hook.ts'

export interface PostResult {
  status: number | null
  latencyMs: number
  error: string | null
}

// Keep-alive: a hook takes a stream of POSTs, and a new connection (a TLS handshake for https) for each would
// cost more than the request.
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

/** One POST, 5 s at most, never following redirects. Resolves with the outcome; never rejects. */
export async function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  signing: { secret: string | null; id: string } | null,
): Promise<PostResult> {
  const started = performance.now()
  const outcome = (status: number | null, error: string | null): PostResult => ({
    status,
    latencyMs: Math.round(performance.now() - started),
    error,
  })
  const host = url.hostname.replace(/^\[|\]$/g, '')
  // An address literal is connected to without a lookup.
  if (isIP(host) && isForbiddenAddress(host)) {
    return outcome(null, `${host} is a link-local or metadata address`)
  }
  try {
    const signed = signing?.secret ? signatureHeaders(signing.secret, signing.id, body) : {}
    const options: RequestOptions = {
      method: 'POST',
      headers: {
        ...headers,
        ...signed,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
      agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      lookup: guardedLookup,
    }
    const deadline = started + DELIVERY_TIMEOUT_MS
    let sent = await sendOnce(url, options, body, deadline)
    // The receiver closed an idle kept-alive connection as it was reused: Node's advice is to send again.
    if (sent.staleConnection) sent = await sendOnce(url, options, body, deadline)
    return outcome(sent.status, sent.error)
  } catch (error) {
    // Node throws at once on what it will not send, such as a header value it refuses.
    return outcome(null, describe(error as Error))
  }
}

interface Sent {
  status: number | null
  error: string | null
  staleConnection: boolean
}

/** Ends a request that has not been answered in time. */
class NoAnswerInTime extends Error {}

function sendOnce(url: URL, options: RequestOptions, body: string, deadline: number): Promise<Sent> {
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
      // The body is read and dropped, so that the connection can carry the next POST.
      response.resume()
      response.once('end', () => settle({ status, error: null, staleConnection: false }))
      response.once('error', (error) => settle({ status, error: describe(error), staleConnection: false }))
    })
    request.once('error', (error) => {
      const reset = (error as { code?: unknown }).code === 'ECONNRESET'
      settle({ status: null, error: describe(error), staleConnection: reset && request.reusedSocket })
    })
    request.end(body)
  })
}

function describe(error: Error): string {
  if (error instanceof NoAnswerInTime) return `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message
}

/** Standard Webhooks headers. Receivers check the timestamp against their own clock: it is the wall clock's. */
function signatureHeaders(secret: string, id: string, body: string): Record<string, string> {
  const timestamp = new Date()
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  }
}
