// HTTP surface of the Conversation section of the reference.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../access/access.guard.ts'
import { getConversation } from './order-log.service.ts'
import { OrderIdParams } from './order.schemas.ts'

const Participant = Type.Object({
  conversationRelatedTo: Type.String(),
  conversationSubject: Type.String(),
  emailAlias: Type.String(),
  aliasMaskType: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.String(), Type.Null()]),
})

export const conversationRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
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
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              from: Participant,
              to: Type.Array(Participant),
              subject: Type.String(),
              firstWords: Type.String(),
              body: Type.String(),
              hasAttachment: Type.Boolean(),
              attachmentNames: Type.Array(Type.String()),
              date: Type.String(),
            }),
          ),
          ...errorResponses(404),
        },
      },
    },
    async (request) => getConversation(deps, principalOf(request), request.params.orderId),
  )
}
