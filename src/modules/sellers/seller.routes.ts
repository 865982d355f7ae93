// HTTP surface of an account's sellers (Ordo's own).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { SellerBodySchema, SellerListSchema, SellerParams, SellerSchema } from './seller.schemas.ts'
import { getSeller, listSellers, putSeller, removeSeller } from './seller.service.ts'

export const sellerRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const sellersGuard = guard({ anyOf: ['Ordo settings'] })

  app.get(
    '/api/ordo/pvt/sellers',
    {
      onRequest: sellersGuard,
      schema: {
        summary: "The account's sellers (Ordo)",
        description: 'Seller 1, the account itself, then every registered seller by id.',
        tags: ['Ordo'],
        response: { 200: SellerListSchema, ...errorResponses() },
      },
    },
    async (request) => ({ list: await listSellers(deps, principalOf(request).account) }),
  )

  app.get(
    '/api/ordo/pvt/sellers/:sellerId',
    {
      onRequest: sellersGuard,
      schema: {
        summary: 'One seller (Ordo)',
        tags: ['Ordo'],
        params: SellerParams,
        response: { 200: SellerSchema, ...errorResponses(404) },
      },
    },
    async (request) => getSeller(deps, principalOf(request).account, request.params.sellerId),
  )

  app.put(
    '/api/ordo/pvt/sellers/:sellerId',
    {
      onRequest: sellersGuard,
      schema: {
        summary: 'Register or change a seller (Ordo)',
        description:
          'Either another Ordo account on this server (`account`, with `appKey` and `appToken` of a key of that account that may place orders: its consent, checked and not kept) or an external seller reached through the External Seller Fulfillment protocol (`fulfillmentEndpoint`, `headers`). Orders may name a seller in `items[].seller` only once it is registered; seller 1 is the account itself. An order keeps going to the account its seller was when it was placed. 201 when registered, 200 when changed.',
        tags: ['Ordo'],
        params: SellerParams,
        body: SellerBodySchema,
        response: { 200: SellerSchema, 201: SellerSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { seller, created } = await putSeller(
        deps,
        principalOf(request).account,
        request.params.sellerId,
        request.body,
      )
      return reply.status(created ? 201 : 200).send(seller)
    },
  )

  app.delete(
    '/api/ordo/pvt/sellers/:sellerId',
    {
      onRequest: sellersGuard,
      schema: {
        summary: 'Remove a seller (Ordo)',
        description: 'Orders placed before keep the seller they name; new orders for it are refused.',
        tags: ['Ordo'],
        params: SellerParams,
        response: { 204: Type.Unknown({ description: 'No content.' }), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await removeSeller(deps, principalOf(request).account, request.params.sellerId)
      return reply.status(204).send()
    },
  )
}
