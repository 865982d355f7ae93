// HTTP surface of the order hook (VTEX's configuration calls) and Ordo's delivery log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import {
  DeliveryParams,
  DeliveryQuerySchema,
  HookConfigBodySchema,
  HookConfigSchema,
  HookDeliverySchema,
  RedeliverQuerySchema,
} from './hook.schemas.ts'
import {
  deleteHookConfig,
  getHookConfig,
  listHookDeliveries,
  redeliverHook,
  saveHookConfig,
} from './hook.service.ts'

const VIEW = { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] } as const
const ADMIN = { anyOf: ['Feed v3 and Hook Admin'] } as const
const Empty = Type.Unknown({ description: 'Empty body.' })
const Redelivered = Type.Object({ orders: Type.Integer({ description: 'Orders whose deliveries resume.' }) })

export const hookRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.get(
    '/api/orders/hook/config',
    {
      onRequest: guard(VIEW),
      schema: {
        operationId: 'GetHookConfiguration',
        summary: 'Get hook configuration',
        tags: ['Order hook'],
        response: { 200: HookConfigSchema, ...errorResponses(404) },
      },
    },
    async (request) => getHookConfig(deps, principalOf(request)),
  )

  app.post(
    '/api/orders/hook/config',
    {
      onRequest: guard(ADMIN),
      schema: {
        operationId: 'HookConfiguration',
        summary: 'Create or update hook configuration',
        description:
          'Saved once the URL answers {"hookConfig":"ping"} with 200 within 5 s. https only unless the account allows insecure hooks. Each event the filter takes is posted once it is committed, in order per order, retried for up to 4 days.',
        tags: ['Order hook'],
        body: HookConfigBodySchema,
        response: { 200: Empty, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      await saveHookConfig(deps, principalOf(request), request.body)
      return reply.status(200).send()
    },
  )

  app.delete(
    '/api/orders/hook/config',
    {
      onRequest: guard(ADMIN),
      schema: {
        operationId: 'DeleteHookConfiguration',
        summary: 'Delete hook configuration',
        tags: ['Order hook'],
        response: { 200: Empty, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await deleteHookConfig(deps, principalOf(request))
      return reply.status(200).send()
    },
  )

  app.get(
    '/api/ordo/pvt/hook/deliveries',
    {
      onRequest: guard(VIEW),
      schema: {
        summary: "The hook's delivery log",
        description:
          "The latest 100 deliveries, newest first, each with every attempt (time, status, latency). The caller's hook, or with appKey another key's of its account.",
        tags: ['Ordo'],
        querystring: DeliveryQuerySchema,
        response: { 200: Type.Array(HookDeliverySchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => listHookDeliveries(deps, principalOf(request), request.query),
  )

  app.post(
    '/api/ordo/pvt/hook/deliveries/redeliver',
    {
      onRequest: guard(ADMIN),
      schema: {
        summary: 'Redeliver every failed delivery',
        description: "Of the caller's hook, or with appKey another key's of its account.",
        tags: ['Ordo'],
        querystring: RedeliverQuerySchema,
        response: { 200: Redelivered, ...errorResponses(400, 404) },
      },
    },
    async (request) => ({ orders: await redeliverHook(deps, principalOf(request), request.query) }),
  )

  app.post(
    '/api/ordo/pvt/hook/deliveries/:deliveryId/redeliver',
    {
      onRequest: guard(ADMIN),
      schema: {
        summary: 'Redeliver one failed delivery',
        description: "Of the caller's hook, or with appKey another key's of its account.",
        tags: ['Ordo'],
        params: DeliveryParams,
        querystring: RedeliverQuerySchema,
        response: { 200: Redelivered, ...errorResponses(400, 404) },
      },
    },
    async (request) => ({
      orders: await redeliverHook(deps, principalOf(request), {
        deliveryId: request.params.deliveryId,
        appKey: request.query.appKey,
      }),
    }),
  )
}
