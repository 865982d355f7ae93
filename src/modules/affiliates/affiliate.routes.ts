// HTTP surface of an account's affiliates: the marketplaces elsewhere it sells for (Ordo's own).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import {
  AffiliateBodySchema,
  AffiliateListSchema,
  AffiliateParams,
  AffiliateSchema,
} from './affiliate.schemas.ts'
import { getAffiliate, listAffiliates, putAffiliate, removeAffiliate } from './affiliate.service.ts'

export const affiliateRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const affiliatesGuard = guard({ anyOf: ['Ordo settings'] })

  app.get(
    '/api/ordo/pvt/affiliates',
    {
      onRequest: affiliatesGuard,
      schema: {
        summary: 'The marketplaces the account sells for as an external seller (Ordo)',
        tags: ['Ordo'],
        response: { 200: AffiliateListSchema, ...errorResponses() },
      },
    },
    async (request) => ({ list: await listAffiliates(deps, principalOf(request).account) }),
  )

  app.get(
    '/api/ordo/pvt/affiliates/:affiliateId',
    {
      onRequest: affiliatesGuard,
      schema: {
        summary: 'One affiliate (Ordo)',
        tags: ['Ordo'],
        params: AffiliateParams,
        response: { 200: AffiliateSchema, ...errorResponses(404) },
      },
    },
    async (request) => getAffiliate(deps, principalOf(request).account, request.params.affiliateId),
  )

  app.put(
    '/api/ordo/pvt/affiliates/:affiliateId',
    {
      onRequest: affiliatesGuard,
      schema: {
        summary: 'Register or change an affiliate (Ordo)',
        description:
          "A marketplace elsewhere whose placements carry ?affiliateId={affiliateId}: the account pushes the invoices, tracking and cancellations of those orders to its Orders API (servicesEndpoint, or the placement's marketplaceServicesEndpoint) with these headers. 201 when registered, 200 when changed.",
        tags: ['Ordo'],
        params: AffiliateParams,
        body: AffiliateBodySchema,
        response: { 200: AffiliateSchema, 201: AffiliateSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { affiliate, created } = await putAffiliate(
        deps,
        principalOf(request).account,
        request.params.affiliateId,
        request.body,
      )
      return reply.status(created ? 201 : 200).send(affiliate)
    },
  )

  app.delete(
    '/api/ordo/pvt/affiliates/:affiliateId',
    {
      onRequest: affiliatesGuard,
      schema: {
        summary: 'Remove an affiliate (Ordo)',
        description:
          "Its orders' news are no longer pushed; the marketplace reads them through its own calls.",
        tags: ['Ordo'],
        params: AffiliateParams,
        response: { 204: Type.Unknown({ description: 'No content.' }), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await removeAffiliate(deps, principalOf(request).account, request.params.affiliateId)
      return reply.status(204).send()
    },
  )
}
