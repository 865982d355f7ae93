// HTTP surface of the search index: List orders, Ordo's export of every matching order, and its hourly counts.
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, sendJsonText, sendsJsonText } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import {
  ExportQuerySchema,
  HourlyOrdersSchema,
  HourlyQuerySchema,
  ListOrdersQuerySchema,
  ListOrdersSchema,
} from './search.schemas.ts'
import { exportOrders } from './export.service.ts'
import { hourlyOrders, listOrders } from './search.service.ts'

export const searchRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.get(
    '/api/oms/pvt/orders',
    {
      onRequest: guard({ anyOf: ['List Orders', 'Orders Full Access'] }),
      ...sendsJsonText,
      schema: {
        operationId: 'ListOrders',
        summary: 'List orders',
        tags: ['Orders'],
        querystring: ListOrdersQuerySchema,
        response: { 200: ListOrdersSchema, ...errorResponses(400) },
      },
    },
    async (request, reply) =>
      sendJsonText(reply, await listOrders(deps, principalOf(request), request.query)),
  )

  app.get(
    '/api/ordo/pvt/orders/stats/hourly',
    {
      onRequest: guard({ anyOf: ['List Orders', 'Orders Full Access'] }),
      schema: {
        summary: 'Orders per hour and status (Ordo)',
        description:
          'Ordo: how many orders were created in each UTC hour that begins in [from, to), by their current status, for a chart in any time zone. from and to are ISO 8601 instants with their offset, at most 93 days apart. Read from counters the write path keeps: its cost does not grow with the orders.',
        tags: ['Ordo'],
        querystring: HourlyQuerySchema,
        response: { 200: HourlyOrdersSchema, ...errorResponses(400) },
      },
    },
    async (request) => hourlyOrders(deps, principalOf(request), request.query),
  )

  app.get(
    '/api/ordo/pvt/orders/export',
    {
      onRequest: guard({ anyOf: ['View order', 'Orders Full Access'] }),
      schema: {
        summary: 'Export orders (Ordo)',
        description:
          "Ordo: every order that matches List orders' filters, oldest first and past its 30 pages, streamed as JSON lines of Get order documents (format=jsonl, the default) or as CSV of the list's columns (format=csv).",
        tags: ['Ordo'],
        querystring: ExportQuerySchema,
        response: errorResponses(400),
      },
    },
    async (request, reply) => {
      const { format = 'jsonl', ...filters } = request.query
      const exported = await exportOrders(deps, principalOf(request).account, filters, format)
      return (reply as FastifyReply)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="orders.${format}"`)
        .send(Readable.from(exported.pieces()))
    },
  )
}
