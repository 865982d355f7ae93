// Contract: responses validate against the schemas of VTEX's own OpenAPI document (read from ../shared/reference).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp } from './harness.ts'

const REFERENCE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../shared/reference/vtex-openapi/VTEX - Orders API.json',
)

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

function referenceValidator(path: string, method: string, status: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  addFormats.default(ajv)
  ajv.addSchema(JSON.parse(readFileSync(REFERENCE, 'utf8')) as object, 'vtex')
  const schemaPath = pointer(
    'paths',
    path,
    method,
    'responses',
    status,
    'content',
    'application/json',
    'schema',
  )
  return ajv.compile({ $ref: `vtex#/${schemaPath}` })
}

const getOrder = referenceValidator('/api/oms/pvt/orders/{orderId}', 'get', '200')
const getOrderGroup = referenceValidator('/api/oms/pvt/orders/order-group/{orderGroup}', 'get', '200')

function assertValid(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value)
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 10), null, 2))
}

describeEachDialect('contract with the reference OpenAPI', (dialect) => {
  it('Get order responses validate against the GetOrder schema, with every top-level field present', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    const placed = await api(test).placeOk(exampleOrder())
    const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
      paths: Record<
        string,
        {
          get: { responses: { 200: { content: { 'application/json': { schema: { properties: object } } } } } }
        }
      >
    }
    const topLevel = Object.keys(
      reference.paths['/api/oms/pvt/orders/{orderId}']?.get.responses[200].content['application/json'].schema
        .properties ?? {},
    )
    assert.ok(topLevel.length > 50)
    for (const order of placed.orders) {
      const body = await api(test).getOk(order.orderId)
      assertValid(getOrder, body)
      for (const field of topLevel) assert.ok(field in body, `missing top-level field ${field}`)
      assert.match(body.creationDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }
    // The validator bites: a wrongly typed field fails.
    assert.equal(getOrder({ ...placed.orders[0], value: '10980' }), false)
  })

  it('stays valid as orders move: approved, handling, canceled with cancellationData', async (t) => {
    const test = await startTestApp(t, dialect, { file: true })
    await api(test).send('PUT', '/api/ordo/pvt/settings', { cancellationGracePeriodMinutes: 0 })
    const approved = await api(test).approvedOrder(exampleOrder())
    assert.equal(approved.status, 'ready-for-handling')
    assertValid(getOrder, approved)
    assert.equal((await api(test).startHandling(approved.orderId)).statusCode, 204)
    assertValid(getOrder, await api(test).getOk(approved.orderId))
    const second = `${approved.orderGroup}-02`
    assert.equal((await api(test).cancel(second, { reason: 'Customer gave up' })).statusCode, 200)
    const canceled = await api(test).getOk(second)
    assertValid(getOrder, canceled)
    assert.equal(canceled.cancellationData?.Reason, 'Customer gave up')
  })

  it('order-group responses validate against their own schema, with its camelCase cancellation data', async (t) => {
    const test = await startTestApp(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    const url = `/api/oms/pvt/orders/order-group/${placed.orderGroup}`
    const before = await api(test).send('GET', url)
    assert.equal(before.statusCode, 200, before.body)
    assertValid(getOrderGroup, before.json())
    assert.equal(
      (await api(test).cancel(`${placed.orderGroup}-02`, { reason: 'Partner out of stock' })).statusCode,
      200,
    )
    assert.equal((await api(test).cancel(`${placed.orderGroup}-01`, { reason: null })).statusCode, 200)
    const after = await api(test).send('GET', url)
    const group = after.json<{ orderId: string; cancellationData: Record<string, unknown> | null }[]>()
    assertValid(getOrderGroup, group)
    assert.deepEqual(
      group.map((o) => o.orderId),
      placed.orders.map((o) => o.orderId),
    )
    assert.deepEqual(group[1]?.cancellationData, {
      requestedByUser: false,
      requestedBySystem: false,
      requestedBySellerNotification: true,
      requestedByPaymentNotification: false,
      reason: 'Partner out of stock',
      cancellationDate: test.clock.now().toISOString(),
    })
    assert.equal(group[0]?.cancellationData?.reason, undefined, 'no reason given: none shown')
    // The validator bites: the group's schema wants a pickup-store object, not the null Ordo used to send.
    const document = await api(test).getOk(`${placed.orderGroup}-02`)
    const logistics = document.shippingData.logisticsInfo.map((l) => ({ ...l, pickupStoreInfo: null }))
    const shippingData = { ...document.shippingData, logisticsInfo: logistics }
    assert.equal(getOrderGroup([{ ...document, shippingData }]), false)
  })
})
