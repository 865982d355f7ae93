// The order-system API's modification calls, for the tests of order modifications (v2).
import assert from 'node:assert/strict'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import type { TestApp } from './harness.ts'

/** One seller, two SKUs: 2 × 1001 at 4990 and 1 × 2002 at 2500, 1500 shipping: 13980 cents. */
export const twoItemOrder = () => {
  const example = exampleOrder()
  return exampleOrder({ items: example.items.map((item) => ({ ...item, seller: '1' })) })
}

export async function handlingOrder(test: TestApp): Promise<OrderDocument> {
  await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
  const order = await api(test).handlingOrder(twoItemOrder())
  assert.equal(order.value, 13980)
  return order
}

export const changes = (orderId: string) => `/api/order-system/orders/${encodeURIComponent(orderId)}/changes`

export interface Detail {
  requestId: string
  status: string
  inProgress: boolean
  totalChangeValue: number
  totals: { id: string; value: number }[]
  cancellationData: { reason: string; code: string | null } | null
  logs: { status: string }[]
}

export function modifications(test: TestApp) {
  const call = api(test)
  return {
    patch: (orderId: string, body: unknown) => call.send('PATCH', changes(orderId), body),
    preview: (orderId: string, body: unknown) => call.send('POST', `${changes(orderId)}/preview`, body),
    history: (orderId: string) => call.send('GET', changes(orderId)),
    detail: (orderId: string, requestId: string) => call.send('GET', `${changes(orderId)}/${requestId}`),
    retry: (orderId: string, requestId: string) =>
      call.send('POST', `${changes(orderId)}/${requestId}/retry`),
    cancel: (orderId: string, requestId: string, reason = 'Stopped on an error') =>
      call.send('POST', `${changes(orderId)}/${requestId}/cancel`, { reason }),
    summary: (orderId: string) =>
      call.send('GET', `/api/orders/pvt/document/${encodeURIComponent(orderId)}/change-summary`),
    async accepted(orderId: string, body: unknown): Promise<string> {
      const res = await this.patch(orderId, body)
      assert.equal(res.statusCode, 202, res.body)
      return res.json<{ requestId: string }>().requestId
    },
    async detailOk(orderId: string, requestId: string): Promise<Detail> {
      const res = await this.detail(orderId, requestId)
      assert.equal(res.statusCode, 200, res.body)
      return res.json<Detail>()
    },
  }
}
