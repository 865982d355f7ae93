// HTTP surface of the Invoice and Tracking sections of the reference.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, ReceiptSchema } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderIdParams } from '../orders/order.schemas.ts'
import {
  InvoiceBodySchema,
  InvoiceParams,
  TrackingNumberBodySchema,
  TrackingStatusBodySchema,
} from './invoice.schemas.ts'
import { invoiceOrder, updateInvoiceTracking, updateInvoiceTrackingStatus } from './invoice.service.ts'

export const invoiceRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/oms/pvt/orders/:orderId/invoice',
    {
      onRequest: guard({ anyOf: ['Notify invoice', 'Notify refund'], externalSellers: true }),
      schema: {
        operationId: 'InvoiceNotification',
        summary: 'Order invoice notification',
        description:
          'Output invoices (partial or full) while the order is handling: the order is invoiced once they add up to its value. Input (return) invoices once it is invoiced in full, each refunding its value. An invoice number the order already has only renews the receipt.',
        tags: ['Invoice'],
        params: OrderIdParams,
        body: InvoiceBodySchema,
        response: { 200: ReceiptSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => invoiceOrder(deps, principalOf(request), request.params.orderId, request.body),
  )

  app.patch(
    '/api/oms/pvt/orders/:orderId/invoice/:invoiceNumber',
    {
      onRequest: guard({ anyOf: ['Notify invoice'], externalSellers: true }),
      schema: {
        operationId: 'Updatepartialinvoice.SendTrackingNumber',
        summary: "Update order's partial invoice (send tracking number)",
        description:
          'Sets the tracking number and, when sent, the tracking URL, carrier and dispatch date of an invoice.',
        tags: ['Invoice'],
        params: InvoiceParams,
        body: TrackingNumberBodySchema,
        response: { 200: ReceiptSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { orderId, invoiceNumber } = request.params
      return updateInvoiceTracking(deps, principalOf(request), orderId, invoiceNumber, request.body)
    },
  )

  app.put(
    '/api/oms/pvt/orders/:orderId/invoice/:invoiceNumber/tracking',
    {
      onRequest: guard({ anyOf: ['Notify invoice'], externalSellers: true }),
      schema: {
        operationId: 'UpdateTrackingStatus',
        summary: 'Update order tracking status',
        description:
          "Adds the carrier's events to an invoice's package (an event it already has is kept once) and whether it was delivered.",
        tags: ['Tracking'],
        params: InvoiceParams,
        body: TrackingStatusBodySchema,
        response: { 200: ReceiptSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { orderId, invoiceNumber } = request.params
      return updateInvoiceTrackingStatus(deps, principalOf(request), orderId, invoiceNumber, request.body)
    },
  )
}
