// HTTP surface of operators' metrics: GET /metrics in Prometheus text format.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { scrapeMetrics } from './metrics.service.ts'

export const metricsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.get(
    '/metrics',
    {
      onRequest: guard({ anyOf: ['Ordo settings'] }),
      schema: {
        summary: 'Metrics for operators (Ordo)',
        description:
          "Prometheus text format (`text/plain; version=0.0.4`). Counters and histograms are the server's; the feed gauges cover the caller's account's feeds only; the job gauges are the server's.",
        tags: ['Ordo'],
        response: {
          200: { content: { 'text/plain': { schema: Type.String() } } },
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const { contentType, body } = await scrapeMetrics(deps, principalOf(request))
      return reply.type(contentType).send(body)
    },
  )
}
