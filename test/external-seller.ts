// A small external seller on 127.0.0.1 that speaks VTEX's External Seller Fulfillment protocol, for the tests of
// Ordo as a marketplace: it checks every call against the protocol's OpenAPI schemas, keeps the calls in the
// order they came, and answers as a test tells it to (down, or deciding a cancellation one way or another).
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { TestContext } from 'node:test'
import type { ValidateFunction } from 'ajv'
import { listenLocally } from './local-server.ts'
import { SELLER_PROTOCOL, schemaValidator } from './reference.ts'

export interface SellerCall {
  /** `place`, `fulfill` or `cancel`. */
  kind: 'place' | 'fulfill' | 'cancel'
  /** The seller's order id the call names (the new one, for a placement). */
  orderId: string
  path: string
  search: string
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
  /** What the protocol's schema found wrong with the body; empty when it is in the protocol's shape. */
  schemaErrors: string[]
}

export interface ExternalSeller {
  /** The base URL to register as the seller's fulfillmentEndpoint. */
  endpoint: string
  /**
   * `up`: false answers 503 to everything. `place`, `fulfill`: take or refuse (400). `cancel`: confirm (canceled
   * at once), evaluate (an empty answer, deciding later) or refuse (400). `whilePlacing`: runs before a placement
   * is answered, as if the seller took that long.
   */
  state: {
    up: boolean
    place: 'take' | 'refuse'
    fulfill: 'take' | 'refuse'
    cancel: 'confirm' | 'evaluate' | 'refuse'
    whilePlacing?: () => Promise<void>
  }
  /** The calls it took (answered 2xx or 4xx), in the order they came. */
  calls: SellerCall[]
  /** Calls it answered 503 while down. */
  refusedWhileDown: () => number
}

const validator = (name: string): ValidateFunction =>
  schemaValidator(SELLER_PROTOCOL, `components/schemas/${name}`)

const errorsOf = (validate: ValidateFunction, body: unknown): string[] =>
  validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)

/**
 * The fulfil call sends the protocol's requestOrderId without the cancellation fields its schema lists as required
 * for fulfil and cancel alike (docs/compatibility.md): it is checked with those filled in, so that every field it
 * does send is checked against the protocol's types.
 */
const checked = (kind: SellerCall['kind'], body: Record<string, unknown>): unknown =>
  kind === 'fulfill'
    ? {
        cancellationRequestId: '-',
        cancellationRequestDate: '-',
        reason: '-',
        requestedByUser: false,
        ...body,
      }
    : body

export async function externalSeller(t: TestContext, basePath = '/seller/api'): Promise<ExternalSeller> {
  const placement = validator('orderPlacement')
  const orderRequest = validator('requestOrderId')
  const calls: SellerCall[] = []
  const state: ExternalSeller['state'] = { up: true, place: 'take', fulfill: 'take', cancel: 'confirm' }
  let whileDown = 0
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
    // The answer may wait on the test (whilePlacing), so it is given asynchronously.
    req.on('end', () => void answerCall(text))
    async function answerCall(text: string): Promise<void> {
      const answer = (status: number, body?: unknown): void => {
        res.statusCode = status
        if (body !== undefined) res.setHeader('content-type', 'application/json')
        res.end(body === undefined ? undefined : JSON.stringify(body))
      }
      if (!state.up) {
        whileDown++
        return answer(503, { error: { code: '503', message: 'Down for maintenance' } })
      }
      const url = new URL(req.url ?? '/', 'http://seller')
      const route = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : ''
      const match = /^\/pvt\/orders(?:\/([^/]+)\/(fulfill|cancel))?$/.exec(route)
      if (req.method !== 'POST' || !match) return answer(404, { error: { message: `No ${req.url}` } })
      const body = JSON.parse(text) as Record<string, unknown>
      const kind = (match[2] ?? 'place') as SellerCall['kind']
      const schemaErrors = errorsOf(kind === 'place' ? placement : orderRequest, checked(kind, body))
      const marketplaceOrderId = String(body.marketplaceOrderId)
      const orderId = kind === 'place' ? `EXT-${marketplaceOrderId}` : decodeURIComponent(match[1] ?? '')
      calls.push({
        kind,
        orderId,
        path: url.pathname,
        search: url.search,
        headers: req.headers,
        body,
        schemaErrors,
      })
      const receipt = {
        date: '2026-03-02 12:00:00',
        marketplaceOrderId,
        orderId,
        receipt: `r-${calls.length}`,
      }
      const refusal = { error: { code: '1', message: `The seller will not ${kind} it.` } }
      if (kind === 'place') {
        await state.whilePlacing?.()
        if (state.place === 'refuse') return answer(400, refusal)
        return answer(200, {
          marketplaceOrderId,
          orderId,
          followUpEmail: 'seller@example.com',
          items: body.items,
          clientProfileData: body.clientProfileData,
          shippingData: body.shippingData,
          paymentData: null,
          customData: { openTextField: null },
          allowMultipleDeliveries: true,
        })
      }
      if (kind === 'fulfill') return state.fulfill === 'take' ? answer(200, receipt) : answer(400, refusal)
      if (state.cancel === 'confirm') return answer(200, receipt)
      if (state.cancel === 'evaluate') return answer(200)
      return answer(400, refusal)
    }
  })
  const port = await listenLocally(t, server)
  return {
    endpoint: `http://127.0.0.1:${port}${basePath}?an=seller`,
    state,
    calls,
    refusedWhileDown: () => whileDown,
  }
}
