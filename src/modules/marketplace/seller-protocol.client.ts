// The marketplace's side of VTEX's External Seller Fulfillment protocol: the placement, fulfilment and
// cancellation calls an external seller answers, sent to its registered endpoint with its registered headers.
// Each call's answer is one of three: taken (2xx), refused (a 4xx that is the seller's decision about the order),
// or not answered, which throws so that the message's job is tried again later: no answer, a 5xx, and the 4xx
// that say the call did not reach the seller's decision (401, 403, 404, 405: the registration's URL or
// credentials are wrong; 408, 429: later).
import { postJson } from '../../platform/outbound-http.ts'

export interface ExternalSeller {
  fulfillmentEndpoint: string
  headers: Record<string, string>
}

/** A seller has this long to answer a call before it counts as not answered. */
export const SELLER_CALL_TIMEOUT_MS = 30_000

/** The seller's answer to a call it took: its body, parsed; or its refusal, in its own words. */
type Answer = { taken: true; body: unknown } | { taken: false; reason: string }

/** The protocol's requestOrderId, as fulfil and cancel send it. */
export interface OrderRequest {
  marketplaceOrderId: string
  marketplaceOrderGroup: string
  cancellationRequestId?: string
  cancellationRequestDate?: string
  reason?: string
  requestedByUser?: boolean
}

/** POST /pvt/orders: the seller's order id when it took the order, or its refusal. */
export async function sendPlacement(
  seller: ExternalSeller,
  placement: object,
): Promise<{ sellerOrderId: string } | { refused: string }> {
  const answer = await call(seller, '/pvt/orders', placement)
  if (!answer.taken) return { refused: answer.reason }
  // The protocol documents one object; VTEX's own sellers answer a list of them, one per order.
  const [first] = Array.isArray(answer.body) ? (answer.body as unknown[]) : [answer.body]
  const orderId = (first as { orderId?: unknown } | null | undefined)?.orderId
  if (typeof orderId !== 'string' || orderId === '') {
    throw new Error(
      `The seller at ${seller.fulfillmentEndpoint} took the placement but its answer names no orderId.`,
    )
  }
  return { sellerOrderId: orderId }
}

/** POST /pvt/orders/{sellerOrderId}/fulfill: taken, or the seller's refusal. */
export async function sendFulfilment(
  seller: ExternalSeller,
  sellerOrderId: string,
  request: OrderRequest,
): Promise<{ refused: string } | undefined> {
  const answer = await call(seller, `/pvt/orders/${encodeURIComponent(sellerOrderId)}/fulfill`, request)
  return answer.taken ? undefined : { refused: answer.reason }
}

/**
 * POST /pvt/orders/{sellerOrderId}/cancel: canceled (an answer with a body), requested (an empty answer: the
 * seller is evaluating, and decides later through the marketplace's Orders API), or denied with its reason.
 */
export async function sendCancellation(
  seller: ExternalSeller,
  sellerOrderId: string,
  request: OrderRequest,
): Promise<{ outcome: 'canceled' | 'requested' } | { outcome: 'denied'; reason: string }> {
  const answer = await call(seller, `/pvt/orders/${encodeURIComponent(sellerOrderId)}/cancel`, request)
  if (!answer.taken) return { outcome: 'denied', reason: answer.reason }
  return { outcome: answer.body === undefined ? 'requested' : 'canceled' }
}

/** The protocol's paths hang off the registered endpoint's path; its query (an account, an affiliate) is kept. */
export function protocolUrl(fulfillmentEndpoint: string, path: string): URL {
  const url = new URL(fulfillmentEndpoint)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  return url
}

const NOT_A_DECISION = new Set([401, 403, 404, 405, 408, 429])

async function call(seller: ExternalSeller, path: string, body: object): Promise<Answer> {
  const url = protocolUrl(seller.fulfillmentEndpoint, path)
  const sent = await postJson(url, { accept: 'application/json', ...seller.headers }, JSON.stringify(body), {
    timeoutMs: SELLER_CALL_TIMEOUT_MS,
    readBody: true,
  })
  const { status, error } = sent
  const text = sent.body?.trim() ?? ''
  if (status === null || error !== null) {
    throw new Error(`The seller at ${url.origin} did not answer POST ${path}: ${error ?? 'no status'}`)
  }
  if (status >= 500 || NOT_A_DECISION.has(status)) {
    throw new Error(`The seller at ${url.origin} answered POST ${path} with ${status}: ${excerpt(text)}`)
  }
  if (status >= 400) return { taken: false, reason: `${status}: ${reasonOf(text)}` }
  if (status >= 300) {
    throw new Error(
      `The seller at ${url.origin} answered POST ${path} with a redirect (${status}), which Ordo does not follow.`,
    )
  }
  if (text === '') return { taken: true, body: undefined }
  try {
    return { taken: true, body: JSON.parse(text) as unknown }
  } catch {
    throw new Error(
      `The seller at ${url.origin} answered POST ${path} with a body that is not JSON: ${excerpt(text)}`,
    )
  }
}

/**
 * The message of an error envelope (VTEX's, or a bare `message`), which orders show as the seller's reason. Any
 * other answer is not shown: the order would otherwise display whatever the registered URL serves.
 */
function reasonOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown } | null
    const message = parsed?.error?.message ?? parsed?.message
    if (typeof message === 'string' && message !== '') return excerpt(message)
  } catch {
    // Not JSON: no reason Ordo can show.
  }
  return 'no reason given'
}

const excerpt = (text: string): string => (text.length > 500 ? `${text.slice(0, 500)}…` : text)
