// The generated OpenAPI document, Swagger UI and the health check.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDialect, startTestApp } from './harness.ts'

interface OpenApi {
  openapi: string
  paths: Record<string, Record<string, { tags?: string[]; operationId?: string; deprecated?: boolean }>>
}

describeEachDialect('docs and health', (dialect) => {
  it('serves the OpenAPI document generated from the route schemas, with intake tagged Ordo', async (t) => {
    const { app } = await startTestApp(t, dialect)
    const res = await app.inject({ method: 'GET', url: '/docs/json' })
    assert.equal(res.statusCode, 200)
    const doc = res.json<OpenApi>()
    assert.match(doc.openapi, /^3\./)
    assert.deepEqual(doc.paths['/api/oms/pvt/orders']?.post?.tags, ['Ordo'])
    assert.equal(doc.paths['/api/oms/pvt/orders/{orderId}']?.get?.operationId, 'GetOrder')
    for (const path of [
      '/api/oms/pvt/orders/order-group/{orderGroup}',
      '/api/oms/pvt/orders/{orderId}/start-handling',
      '/api/oms/pvt/orders/{orderId}/cancel',
      '/api/oms/pvt/orders/{orderId}/payment-transaction',
      '/api/oms/pvt/orders/{orderId}/payments/{paymentId}/payment-notification',
      '/api/oms/pvt/orders/{orderId}/invoice',
      '/api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}',
      '/api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}/tracking',
      '/api/oms/pvt/orders/{orderId}/changes',
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`)
    }
    // Feed v2 under the reference's operationId for its retrieval, and marked deprecated as VTEX has it.
    const feedV2 = [
      doc.paths['/api/oms/pvt/feed/orders/status']?.get,
      doc.paths['/api/oms/pvt/feed/orders/status/confirm']?.post,
    ]
    assert.deepEqual(
      feedV2.map((operation) => [operation?.operationId, operation?.tags, operation?.deprecated]),
      [
        ['Getfeedorderstatus', ['Feed v2 (deprecated)'], true],
        ['Confirmitemfeedorderstatus', ['Feed v2 (deprecated)'], true],
      ],
    )
    const ui = await app.inject({ method: 'GET', url: '/docs/' })
    assert.equal(ui.statusCode, 200)
    assert.match(String(ui.headers['content-type']), /text\/html/)
  })

  it('answers the health check and 404s in the error envelope', async (t) => {
    const { app } = await startTestApp(t, dialect)
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    assert.deepEqual(health.json(), { status: 'ok' })
    const missing = await app.inject({ method: 'GET', url: '/api/oms/pvt/nothing' })
    assert.equal(missing.statusCode, 404)
    assert.deepEqual(missing.json(), {
      error: { code: 'OMS005', message: 'No endpoint GET /api/oms/pvt/nothing.', exception: null },
    })
  })
})
