// HTTP surface of order modifications (v2, the Order modifications section of the reference) and the change
// summary. Errors come in the order system's own envelope (platform/http-errors.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { wireCode } from '../../platform/http-errors.ts'
import { orderSystemErrorResponses } from '../../platform/http-schemas.ts'
import { principalOf, type Resource } from '../../platform/principal.ts'
import { OrderIdParams } from '../orders/order.schemas.ts'
import {
  AccountQuery,
  AcceptedChangeSchema,
  CancelChangeBodySchema,
  ChangeBodySchema,
  ChangeDetailSchema,
  ChangeHistorySchema,
  ChangeParams,
  ChangeRequestParams,
  ChangeSummarySchema,
  PreviewSchema,
  SettingsBodySchema,
  SettingsSchema,
} from './modification.schemas.ts'
import {
  cancelChange,
  getChangeDetail,
  getChangeHistory,
  getChangeSummary,
  getModificationSettings,
  previewChange,
  requestChange,
  retryChange,
  saveModificationSettings,
} from './modification.service.ts'

const tags = ['Order modifications']
/** The reference's permissions for every call of the section but the settings' GET and the summary. */
const CHANGE: Resource[] = ['Orders Full Access', 'Cancel order', 'Change order']

export const modificationRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const base = '/api/order-system/orders/:changeOrderId/changes'

  app.patch(
    base,
    {
      onRequest: guard({ anyOf: CHANGE }),
      schema: {
        operationId: 'Createchange',
        summary: 'Create order modifications',
        description:
          'Asks for a change of a handling order: items added, removed or replaced, a manual discount or increment, the customer’s data. Refusals the order’s state or the request’s items earn come at once; otherwise 202, and the worker takes the request through waiting-acknowledgement and waiting-confirmation to done (items, totals and payments follow), or canceled if the order changed so that it no longer applies.',
        tags,
        params: ChangeParams,
        querystring: AccountQuery,
        body: ChangeBodySchema,
        response: { 202: AcceptedChangeSchema, ...orderSystemErrorResponses(400, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await requestChange(deps, principalOf(request), request.params.changeOrderId, request.body)),
  )

  app.post(
    `${base}/preview`,
    {
      onRequest: guard({ anyOf: CHANGE }),
      schema: {
        operationId: 'PreviewChange',
        summary: 'Preview order modifications',
        description:
          'What PATCH with the same body would do to the order as it is now, with the same totals and the same refusals. Nothing is stored.',
        tags,
        params: ChangeParams,
        querystring: AccountQuery,
        body: ChangeBodySchema,
        response: { 200: PreviewSchema, ...orderSystemErrorResponses(400, 404, 409) },
      },
    },
    async (request) => previewChange(deps, principalOf(request), request.params.changeOrderId, request.body),
  )

  app.get(
    base,
    {
      onRequest: guard({ anyOf: CHANGE }),
      schema: {
        operationId: 'GetChangeHistory',
        summary: 'Get order modifications history',
        description: 'Every modification asked for on the order, oldest first, with its status.',
        tags,
        params: ChangeParams,
        querystring: AccountQuery,
        response: { 200: ChangeHistorySchema, ...orderSystemErrorResponses(404) },
      },
    },
    async (request) => getChangeHistory(deps, principalOf(request), request.params.changeOrderId),
  )

  app.get(
    `${base}/:changeRequestId`,
    {
      onRequest: guard({ anyOf: CHANGE }),
      schema: {
        operationId: 'GetChangeDetail',
        summary: 'Get order modifications details',
        description:
          'One request: its status, whether it is in progress, its log, and why it was canceled (cancellationData).',
        tags,
        params: ChangeRequestParams,
        querystring: AccountQuery,
        response: { 200: ChangeDetailSchema, ...orderSystemErrorResponses(404) },
      },
    },
    async (request) =>
      getChangeDetail(
        deps,
        principalOf(request),
        request.params.changeOrderId,
        request.params.changeRequestId,
        wireCode,
      ),
  )

  app.post(
    `${base}/:changeRequestId/retry`,
    {
      onRequest: guard({ anyOf: CHANGE }),
      schema: {
        operationId: 'RetryChange',
        summary: 'Retry order modifications',
        description:
          'Has the worker take a request still in progress again now, instead of after its backoff. A done or canceled request answers 409 SalesOrderSystem016. A body, if sent, is not read: the request stays as asked.',
        tags,
        params: ChangeRequestParams,
        querystring: AccountQuery,
        response: {
          204: Type.Unknown({ description: 'No content.' }),
          ...orderSystemErrorResponses(404, 409),
        },
      },
    },
    async (request, reply) => {
      const { changeOrderId, changeRequestId } = request.params
      await retryChange(deps, principalOf(request), changeOrderId, changeRequestId)
      return reply.status(204).send()
    },
  )

  app.post(
    `${base}/:changeRequestId/cancel`,
    {
      onRequest: guard({ anyOf: CHANGE }),
      schema: {
        operationId: 'CancelChangeStoppedonError',
        summary: 'Cancel order modifications',
        description:
          'Cancels a request not processed yet; the order is then free for the next one. A done request cannot be canceled (revert it with a new modification).',
        tags,
        params: ChangeRequestParams,
        querystring: AccountQuery,
        body: CancelChangeBodySchema,
        response: {
          200: Type.Unknown({ description: 'Empty body.' }),
          ...orderSystemErrorResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { changeOrderId, changeRequestId } = request.params
      await cancelChange(deps, principalOf(request), changeOrderId, changeRequestId, request.body.reason)
      return reply.status(200).send()
    },
  )

  app.get(
    '/api/order-system/orders/changes/settings',
    {
      onRequest: guard({ anyOf: ['View order', 'Orders Full Access'] }),
      schema: {
        summary: 'Get Order modifications settings',
        tags,
        querystring: AccountQuery,
        response: { 200: SettingsSchema, ...orderSystemErrorResponses() },
      },
    },
    async (request) => getModificationSettings(deps, principalOf(request).account),
  )

  app.put(
    '/api/order-system/orders/changes/settings',
    {
      onRequest: guard({ anyOf: CHANGE }),
      schema: {
        summary: 'Update Order modifications settings',
        description:
          'Replaces the settings: a field left out takes its default. A request’s own settings override them for that request.',
        tags,
        querystring: AccountQuery,
        body: SettingsBodySchema,
        response: { 200: SettingsSchema, ...orderSystemErrorResponses(400) },
      },
    },
    async (request) => saveModificationSettings(deps, principalOf(request).account, request.body),
  )

  app.get(
    '/api/orders/pvt/document/:orderId/change-summary',
    {
      onRequest: guard({ anyOf: ['OMS Viewer', 'Orders Full Access'] }),
      schema: {
        operationId: 'GetChangeSummary',
        summary: 'Get order modifications summary',
        description:
          'The order’s items as placed, and what its done modifications added, removed and replaced, with their sums.',
        tags,
        params: OrderIdParams,
        response: { 200: ChangeSummarySchema, ...orderSystemErrorResponses(404) },
      },
    },
    async (request) => getChangeSummary(deps, principalOf(request), request.params.orderId),
  )
}
