// HTTP surface of Feed v3: the configuration of the caller's AppKey's feed, retrieving and committing items; and
// of Feed v2, VTEX's deprecated retrieve and confirm on the same queue.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { MAX_LOT } from './feed.ts'
import {
  CommitBodySchema,
  ConfirmBodySchema,
  ExpressionTestBodySchema,
  FeedConfigBodySchema,
  FeedConfigSchema,
  FeedItemSchema,
  FeedQuerySchema,
  FeedV2ItemSchema,
} from './feed.schemas.ts'
import { IntegrationsSchema } from './integrations.schemas.ts'
import {
  commitFeedItems,
  deleteFeedConfig,
  getFeedConfig,
  integrationsOf,
  retrieveFeedItems,
  retrieveFeedV2Items,
  saveFeedConfig,
  testExpression,
} from './feed.service.ts'

/** The reference lists both resources even for writes; Ordo lets the view-only one read only. */
const VIEW = { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] } as const
const ADMIN = { anyOf: ['Feed v3 and Hook Admin'] } as const

/** Ordo's report of a commit: how many handles named nothing (stale, committed already, or another feed's). */
const IGNORED_HANDLES_HEADER = 'x-ordo-ignored-handles'

/** The reference spells it maxLot for v2 and maxlot for v3, with `{{maxLot}}` as v3's example: both take either. */
const lotOf = (query: { maxlot?: number; maxLot?: number }): number => query.maxlot ?? query.maxLot ?? MAX_LOT

export const feedRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const commit = async (request: FastifyRequest, reply: FastifyReply, handles: readonly string[]) => {
    const { ignored } = await commitFeedItems(deps, principalOf(request), handles)
    return reply.header(IGNORED_HANDLES_HEADER, String(ignored)).status(200).send()
  }

  app.get(
    '/api/orders/feed/config',
    {
      onRequest: guard(VIEW),
      schema: {
        operationId: 'GetFeedConfiguration',
        summary: 'Get feed configuration',
        tags: ['Feed v3'],
        response: { 200: FeedConfigSchema, ...errorResponses(404) },
      },
    },
    async (request) => getFeedConfig(deps, principalOf(request)),
  )

  app.post(
    '/api/orders/feed/config',
    {
      onRequest: guard(ADMIN),
      schema: {
        operationId: 'FeedConfiguration',
        summary: 'Create or update feed configuration',
        description:
          "One feed per AppKey. A FromWorkflow filter takes status changes of the listed statuses (all when none). A new feed receives what happens after it is created; an update keeps the feed's items.",
        tags: ['Feed v3'],
        body: FeedConfigBodySchema,
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      await saveFeedConfig(deps, principalOf(request), request.body)
      return reply.status(200).send()
    },
  )

  app.delete(
    '/api/orders/feed/config',
    {
      onRequest: guard(ADMIN),
      schema: {
        operationId: 'FeedConfigurationDelete',
        summary: 'Delete feed configuration',
        tags: ['Feed v3'],
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await deleteFeedConfig(deps, principalOf(request))
      return reply.status(200).send()
    },
  )

  app.get(
    '/api/ordo/pvt/integrations',
    {
      onRequest: guard(VIEW),
      schema: {
        summary: 'Every feed and hook of the account (Ordo)',
        description:
          "Ordo: each AppKey's feed (filter, queue, items waiting) and hook (filter, URL, the names of its headers, whether it signs, its deliveries per status), sorted by AppKey. Header values and secrets are never shown.",
        tags: ['Ordo'],
        response: { 200: IntegrationsSchema, ...errorResponses() },
      },
    },
    async (request) => integrationsOf(deps, principalOf(request)),
  )

  app.post(
    '/api/orders/expressions/jsonata',
    {
      onRequest: guard(VIEW),
      schema: {
        operationId: 'TestJSONataExpression',
        summary: 'Test JSONata expression',
        description:
          "Whether the document (a JSON string, or the object itself) meets the expression. An expression that does not compile, or fails on the document, is a 400 with JSONata's message.",
        tags: ['Feed v3'],
        body: ExpressionTestBodySchema,
        response: { 200: Type.Boolean(), ...errorResponses(400) },
      },
    },
    async (request) => testExpression(request.body),
  )

  app.get(
    '/api/orders/feed',
    {
      onRequest: guard(VIEW),
      schema: {
        operationId: 'Getfeedorderstatus1',
        summary: 'Retrieve feed items',
        description: `Up to maxlot (also maxLot; default and most ${MAX_LOT}) visible items, oldest first. Each is hidden for the feed's visibility timeout and gets a new handle to commit it with.`,
        tags: ['Feed v3'],
        querystring: FeedQuerySchema,
        response: { 200: Type.Array(FeedItemSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => retrieveFeedItems(deps, principalOf(request), lotOf(request.query)),
  )

  app.post(
    '/api/orders/feed',
    {
      onRequest: guard(VIEW),
      schema: {
        operationId: 'Commititemfeedorderstatus',
        summary: 'Commit feed items',
        description: `Deletes the items the handles name. A handle that names nothing is ignored, as SQS does; the ${IGNORED_HANDLES_HEADER} header says how many were.`,
        tags: ['Feed v3'],
        body: CommitBodySchema,
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400) },
      },
    },
    async (request, reply) => commit(request, reply, request.body.handles),
  )

  app.get(
    '/api/oms/pvt/feed/orders/status',
    {
      onRequest: guard(VIEW),
      schema: {
        operationId: 'Getfeedorderstatus',
        summary: 'Get feed order status (deprecated)',
        description: `Feed v2: the items of the caller's feed, as Feed v3 retrieves them: up to maxLot (also maxlot; default and most ${MAX_LOT}), oldest first, each hidden for the visibility timeout. A key without a feed gets the default one (FromWorkflow, every status) at its first call, seen and changed through /api/orders/feed/config.`,
        tags: ['Feed v2 (deprecated)'],
        deprecated: true,
        querystring: FeedQuerySchema,
        response: { 200: Type.Array(FeedV2ItemSchema), ...errorResponses(400) },
      },
    },
    async (request) => retrieveFeedV2Items(deps, principalOf(request), lotOf(request.query)),
  )

  app.post(
    '/api/oms/pvt/feed/orders/status/confirm',
    {
      onRequest: guard(VIEW),
      schema: {
        operationId: 'Confirmitemfeedorderstatus',
        summary: 'Confirm feed order status items (deprecated)',
        description: `Feed v2's commit: deletes the items the commitTokens name, as Feed v3's commit does with handles. A token that names nothing is ignored; the ${IGNORED_HANDLES_HEADER} header says how many were.`,
        tags: ['Feed v2 (deprecated)'],
        deprecated: true,
        body: ConfirmBodySchema,
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400) },
      },
    },
    async (request, reply) =>
      commit(
        request,
        reply,
        request.body.map((item) => item.commitToken),
      ),
  )
}
