// HTTP surface of credentials: VTEX ID's app-token login, and Ordo's shopper tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../../deps.ts'
import { ErrorSchema, errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import {
  LoginBodySchema,
  LoginResponseSchema,
  ShopperTokenBodySchema,
  UserTokenSchema,
} from './access.schemas.ts'
import { createShopperToken, login } from './access.service.ts'

export const accessRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/vtexid/apptoken/login',
    {
      schema: {
        summary: 'Get a user token from an app key',
        description:
          "The token goes in the VtexIdclientAutCookie header or cookie and carries the key's roles for 24 hours.",
        tags: ['Authentication'],
        body: LoginBodySchema,
        response: {
          200: LoginResponseSchema,
          400: ErrorSchema,
          401: ErrorSchema,
        },
      },
    },
    async (request) => ({
      authStatus: 'Success' as const,
      ...(await login(deps, request.body.appkey, request.body.apptoken)),
    }),
  )

  app.post(
    '/api/ordo/pvt/shopper-tokens',
    {
      onRequest: guard({ anyOf: ['Orders Full Access'] }),
      schema: {
        summary: 'Issue a shopper token (Ordo)',
        description:
          "Ordo: a storefront that has signed a customer in gets a 24-hour token acting for that customer's email only (their orders, their cancellation requests).",
        tags: ['Ordo', 'Authentication'],
        body: ShopperTokenBodySchema,
        response: { 201: UserTokenSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createShopperToken(deps, principalOf(request).account, request.body.email)),
  )
}
