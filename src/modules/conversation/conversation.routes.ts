// HTTP surface of what is said about an order: interactions (Orders section), the conversation (Conversation
// section) and Ordo's timeline.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, ReceiptSchema } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderIdParams } from '../orders/order.schemas.ts'
import { ConversationSchema, InteractionBodySchema, TimelineSchema } from './conversation.schemas.ts'
import { addInteraction, getConversation, getTimeline } from './conversation.service.ts'

export const conversationRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/oms/pvt/orders/:orderId/interactions',
    {
      onRequest: guard({ anyOf: ['Orders Full Access'] }),
      schema: {
        operationId: 'AddLog',
        summary: 'Add log in orders',
        tags: ['Orders'],
        params: OrderIdParams,
        body: InteractionBodySchema,
        response: { 200: ReceiptSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => addInteraction(deps, principalOf(request), request.params.orderId, request.body),
  )

  app.get(
    '/api/oms/pvt/orders/:orderId/conversation-message',
    {
      onRequest: guard({ anyOf: ['Orders Full Access'] }),
      schema: {
        operationId: 'GetConversation',
        summary: 'Retrieve order conversation',
        description:
          'The transactional messages Ordo composed for the customer (order received, payment approved, canceled).',
        tags: ['Conversation'],
        params: OrderIdParams,
        response: { 200: ConversationSchema, ...errorResponses(404) },
      },
    },
    async (request) => getConversation(deps, principalOf(request), request.params.orderId),
  )

  app.get(
    '/api/ordo/pvt/orders/:orderId/timeline',
    {
      onRequest: guard({ anyOf: ['View order', 'Orders Full Access'] }),
      schema: {
        summary: "An order's timeline",
        description:
          'Ordo: every event of the order (transitions, payments, cancellation requests, interactions) with who caused it, and the messages sent to the customer, oldest first.',
        tags: ['Ordo'],
        params: OrderIdParams,
        response: { 200: TimelineSchema, ...errorResponses(404) },
      },
    },
    async (request) => getTimeline(deps, principalOf(request), request.params.orderId),
  )
}
