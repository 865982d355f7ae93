// HTTP surface of the order core: Get order (by id or sequence) and the orders of an order group.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { IncomingMessage } from 'node:http'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, sendJsonText, sendsJsonText } from '../../platform/http-schemas.ts'
import { andThen } from '../../platform/maybe-promise.ts'
import { principalOf, type GuardOptions } from '../../platform/principal.ts'
import { GroupOrderDocumentSchema, OrderDocumentSchema, OrderIdParams } from './order.schemas.ts'
import * as orders from './order.service.ts'

const GET_ORDER = 'GET /api/oms/pvt/orders/:orderId'
const VIEW_ORDER: GuardOptions = { anyOf: ['View order', 'Orders Full Access'] }

/**
 * Get order's path and an id of letters, digits, `_` and `-`, nothing after it: what `getOrderFromMemory` takes.
 * No other GET route is one segment below the path; a trailing slash or a query string (`?an=`) is the route's.
 */
const GET_ORDER_URL = /^\/api\/oms\/pvt\/orders\/([\w-]{1,100})$/

/**
 * Get order answered before routing, when everything it needs is in memory: the guard's and the rate limit's
 * decisions and the document. That spares the hottest read Fastify's routing, request objects and hooks, which
 * cost it as much as its own work; anything else (a refusal, a miss, another form of URL) gets undefined, with
 * nothing counted, and goes to the route below, which decides the same way.
 */
export const getOrderFromMemory =
  ({ deps, admitAtOnce, countAtOnce }: RouteDeps) =>
  (request: IncomingMessage): Buffer | undefined => {
    if (request.method !== 'GET') return undefined
    const orderId = GET_ORDER_URL.exec(request.url ?? '')?.[1]
    if (orderId === undefined) return undefined
    const principal = admitAtOnce(request, VIEW_ORDER)
    if (!principal) return undefined
    return orders.getOrderDocumentFromMemory(deps, principal.account, orderId, () =>
      countAtOnce(principal.account, GET_ORDER),
    )
  }

export const orderRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const viewOrder = guard(VIEW_ORDER)

  app.get(
    '/api/oms/pvt/orders/:orderId',
    {
      onRequest: viewOrder,
      ...sendsJsonText,
      schema: {
        operationId: 'GetOrder',
        summary: 'Get order',
        tags: ['Orders'],
        params: OrderIdParams,
        response: { 200: OrderDocumentSchema, ...errorResponses(404) },
      },
    },
    // Stored bytes go out as they are: the document was rendered when the order last changed. Not an async
    // handler, so a document in memory goes out in the tick the request arrived in.
    (request, reply) =>
      andThen(orders.getOrderDocument(deps, principalOf(request), request.params.orderId), (document) => {
        sendJsonText(reply, document)
      }),
  )

  app.get(
    '/api/oms/pvt/orders/order-group/:orderGroup',
    {
      onRequest: viewOrder,
      ...sendsJsonText,
      schema: {
        summary: 'Get orders by order group ID',
        tags: ['Orders'],
        params: Type.Object({ orderGroup: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.Array(GroupOrderDocumentSchema), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      sendJsonText(
        reply,
        JSON.stringify(await orders.getGroupDocuments(deps, principalOf(request), request.params.orderGroup)),
      ),
  )
}
