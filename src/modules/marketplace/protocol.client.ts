// VTEX's External Seller Fulfillment protocol over HTTP, both ways. The marketplace's side: the placement,
// fulfilment and cancellation calls an external seller answers, at its registered endpoint with its registered
// headers. The seller's side: the invoices, tracking and cancellations it pushes to a marketplace elsewhere, on
// that marketplace's Orders API (marketplaceServicesEndpoint). Each call's answer is one of three: taken (2xx),
// refused (a 4xx that is the other side's decision about the order), or not answered, which throws so that the
// message's job is tried again later: no answer, a 5xx, and the 4xx that say the call did not reach a decision
// (401, 403, 404, 405: the registration's URL or credentials are wrong; 408, 429: later).
import { postJson } from '../../platform/outbound-http.ts'

/** Where the other side is reached, and the headers (its credentials) every call sends. */
interface Endpoint {
  base: string
  headers: Record<string, string>
}

export interface ExternalSeller {
  fulfillmentEndpoint: string
  headers: Record<string, string>
}

/** A marketplace elsewhere, as the seller's account registered it (its affiliate). */
export interface RemoteMarketplace {
  servicesEndpoint: string
  headers: Record<string, string>
}

/** The other side has this long to answer a call before it counts as not answered. */
export const PROTOCOL_CALL_TIMEOUT_MS = 30_000

/** The answer to a call the other side took: its body, parsed; or its refusal, in its own words. */
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
  const answer = await call(sellerEndpoint(seller), 'POST', '/pvt/orders', placement)
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
  const path = `/pvt/orders/${encodeURIComponent(sellerOrderId)}/fulfill`
  const answer = await call(sellerEndpoint(seller), 'POST', path, request)
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
  const path = `/pvt/orders/${encodeURIComponent(sellerOrderId)}/cancel`
  const answer = await call(sellerEndpoint(seller), 'POST', path, request)
  if (!answer.taken) return { outcome: 'denied', reason: answer.reason }
  return { outcome: answer.body === undefined ? 'requested' : 'canceled' }
}

/**
 * The seller's news of an order a marketplace elsewhere sold, pushed to its Orders API: an invoice (POST
 * …/invoice), its tracking (PATCH …/invoice/{n}, PUT …/invoice/{n}/tracking) or the seller's cancellation (POST
 * …/cancel). A refusal cannot be taken back by sending again, and the marketplace's own state is its own: it
 * throws, so that the job keeps its reason, unless it is a 409 (the marketplace has it, or is past it, already).
 */
export async function pushToMarketplace(
  marketplace: RemoteMarketplace,
  method: 'POST' | 'PATCH' | 'PUT',
  path: string,
  body: object,
): Promise<void> {
  const endpoint = { base: marketplace.servicesEndpoint, headers: marketplace.headers }
  const answer = await call(endpoint, method, path, body)
  if (!answer.taken && !answer.reason.startsWith('409:')) {
    throw new Error(`The marketplace refused ${method} ${path}: ${answer.reason}`)
  }
}

/** The protocol's paths hang off the registered endpoint's path; its query (an account, an affiliate) is kept. */
export function protocolUrl(base: string, path: string): URL {
  const url = new URL(base)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  return url
}

const sellerEndpoint = (seller: ExternalSeller): Endpoint => ({
  base: seller.fulfillmentEndpoint,
  headers: seller.headers,
})

const NOT_A_DECISION = new Set([401, 403, 404, 405, 408, 429])

async function call(
  { base, headers }: Endpoint,
  method: 'POST' | 'PATCH' | 'PUT',
  path: string,
  body: object,
): Promise<Answer> {
  const url = protocolUrl(base, path)
  const sent = await postJson(url, { accept: 'application/json', ...headers }, JSON.stringify(body), {
    timeoutMs: PROTOCOL_CALL_TIMEOUT_MS,
    readBody: true,
    method,
  })
  const { status, error } = sent
  const text = sent.body?.trim() ?? ''
  const what = `${method} ${path}`
  if (status === null || error !== null) {
    throw new Error(`${url.origin} did not answer ${what}: ${error ?? 'no status'}`)
  }
  if (status >= 500 || NOT_A_DECISION.has(status)) {
    throw new Error(`${url.origin} answered ${what} with ${status}: ${excerpt(text)}`)
  }
  if (status >= 400) return { taken: false, reason: `${status}: ${reasonOf(text)}` }
  if (status >= 300) {
    throw new Error(`${url.origin} answered ${what} with a redirect (${status}), which Ordo does not follow.`)
  }
  if (text === '') return { taken: true, body: undefined }
  try {
    return { taken: true, body: JSON.parse(text) as unknown }
  } catch {
    throw new Error(`${url.origin} answered ${what} with a body that is not JSON: ${excerpt(text)}`)
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
