// Thin helpers over app.inject() for the calls most tests make.
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { singleOrder } from './fixtures.ts'
import type { TestApp } from './harness.ts'

export interface PlacedGroupBody {
  orderGroup: string
  orders: OrderDocument[]
}

export function api(test: TestApp, headers: Record<string, string> = test.headers) {
  const { app } = test
  const send = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload?: unknown,
    extra: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...headers,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    })
  const order = (id: string) => `/api/oms/pvt/orders/${encodeURIComponent(id)}`
  return {
    send,
    place: (body: IntakeBody, extra: Record<string, string> = {}) =>
      send('POST', '/api/oms/pvt/orders', body, extra),
    async placeOk(body: IntakeBody, extra: Record<string, string> = {}): Promise<PlacedGroupBody> {
      const res = await send('POST', '/api/oms/pvt/orders', body, extra)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<PlacedGroupBody>()
    },
    get: (id: string) => send('GET', order(id)),
    async getOk(id: string): Promise<OrderDocument> {
      const res = await send('GET', order(id))
      assert.equal(res.statusCode, 200, res.body)
      return res.json<OrderDocument>()
    },
    notifyPayment: (id: string, paymentId: string) =>
      send('POST', `${order(id)}/payments/${encodeURIComponent(paymentId)}/payment-notification`),
    startHandling: (id: string) => send('POST', `${order(id)}/start-handling`),
    cancel: (id: string, body: unknown = {}) => send('POST', `${order(id)}/cancel`, body),
    userCancel: (id: string, body: unknown = {}) =>
      send('POST', `/api/checkout/pub/orders/${encodeURIComponent(id)}/user-cancel-request`, body),
    deny: (id: string, body: unknown) =>
      send('POST', `/api/orders/pvt/document/${encodeURIComponent(id)}/deny-cancellation-request`, body),
    invoice: (id: string, body: unknown) => send('POST', `${order(id)}/invoice`, body),
    updateTracking: (id: string, invoiceNumber: string, body: unknown) =>
      send('PATCH', `${order(id)}/invoice/${encodeURIComponent(invoiceNumber)}`, body),
    trackingStatus: (id: string, invoiceNumber: string, body: unknown) =>
      send('PUT', `${order(id)}/invoice/${encodeURIComponent(invoiceNumber)}/tracking`, body),
    registerChange: (id: string, body: unknown) => send('POST', `${order(id)}/changes`, body),
    paymentTransaction: (id: string) => send('GET', `${order(id)}/payment-transaction`),
    /** Places an order, approves it, ends the grace period and starts handling: ready to invoice. */
    async handlingOrder(body: IntakeBody): Promise<OrderDocument> {
      const approved = await this.approvedOrder(body)
      const started = await this.startHandling(approved.orderId)
      assert.equal(started.statusCode, 204, started.body)
      return this.getOk(approved.orderId)
    },
    timeline: (id: string) => send('GET', `/api/ordo/pvt/orders/${encodeURIComponent(id)}/timeline`),
    /** Places an order and approves all its payments. */
    async approvedOrder(body: IntakeBody): Promise<OrderDocument> {
      const placed = await this.placeOk(body)
      const first = placed.orders[0]
      assert.ok(first)
      for (const payment of first.paymentData.transactions[0]?.payments ?? []) {
        const res = await this.notifyPayment(first.orderId, payment.id)
        assert.equal(res.statusCode, 200, res.body)
      }
      return this.getOk(first.orderId)
    },
  }
}

export const errorCode = (res: LightMyRequestResponse): string =>
  res.json<{ error: { code: string } }>().error.code

/** An order through approval and start-handling, with no grace period: its Fulfillment transitions end in handling. */
export async function handledOrder(test: TestApp, tag: string): Promise<string> {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  return (await api(test).handlingOrder(singleOrder(tag))).orderId
}
