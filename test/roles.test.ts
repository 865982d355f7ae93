// Roles against the reference's resource table (endpoint-digest §3a): every registered route, called with a key of
// every predefined role and with a shopper token, is refused with 403 exactly when the table says so.
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { it, type TestContext } from 'node:test'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { createShopperToken } from '../src/modules/access/access.service.ts'
import { EXTERNAL_SELLER_ROLE, ROLE_NAMES, ROLES } from '../src/modules/access/roles.ts'
import { putSeller } from '../src/modules/sellers/seller.service.ts'
import { RESOURCES, type Resource } from '../src/platform/principal.ts'
import { api } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import type { Dialect } from '../src/db/database.ts'

/**
 * Who may call a route: any one of the resources, shopper tokens too when `shoppers`, and an external seller's
 * callback key only when `externalSellers` (whatever its role's resources); or anyone.
 */
type Access = { anyOf: readonly Resource[]; shoppers?: true; externalSellers?: true } | 'public'

const VIEW_ORDER: Access = { anyOf: ['View order', 'Orders Full Access'] }
const USER_ORDERS: Access = {
  anyOf: ['View order', 'ViewMyContractOrders', 'ViewMyOrgUnitOrders'],
  shoppers: true,
}

/** Route (`METHOD url` as registered) → who may call it. HEAD routes follow their GET row. */
const TABLE: Record<string, Access> = {
  // §3a, VTEX's operations.
  'GET /api/oms/pvt/orders/:orderId': VIEW_ORDER,
  'GET /api/oms/pvt/orders/order-group/:orderGroup': VIEW_ORDER,
  'GET /api/oms/pvt/orders': { anyOf: ['List Orders', 'Orders Full Access'] },
  'GET /api/oms/user/orders': USER_ORDERS,
  'GET /api/oms/user/orders/:orderId': USER_ORDERS,
  'POST /api/oms/pvt/orders/:orderId/start-handling': { anyOf: ['Change order workflow status'] },
  'POST /api/oms/pvt/orders/:orderId/cancel': { anyOf: ['Cancel order'], externalSellers: true },
  'POST /api/oms/pvt/orders/:orderId/interactions': { anyOf: ['Orders Full Access'] },
  'GET /api/oms/pvt/orders/:orderId/conversation-message': { anyOf: ['Orders Full Access'] },
  'GET /api/oms/pvt/orders/:orderId/payment-transaction': { anyOf: ['View order'] },
  'POST /api/oms/pvt/orders/:orderId/payments/:paymentId/payment-notification': { anyOf: ['Notify payment'] },
  'POST /api/ordo/pvt/orders/:orderId/payments/:paymentId/payment-denial': { anyOf: ['Notify payment'] },
  'POST /api/oms/pvt/orders/:orderId/invoice': {
    anyOf: ['Notify invoice', 'Notify refund'],
    externalSellers: true,
  },
  'PATCH /api/oms/pvt/orders/:orderId/invoice/:invoiceNumber': {
    anyOf: ['Notify invoice'],
    externalSellers: true,
  },
  'PUT /api/oms/pvt/orders/:orderId/invoice/:invoiceNumber/tracking': {
    anyOf: ['Notify invoice'],
    externalSellers: true,
  },
  'GET /api/orders/feed/config': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  // §3a lists both resources for writes too; Ordo lets the view-only one read only (docs/compatibility.md).
  'POST /api/orders/feed/config': { anyOf: ['Feed v3 and Hook Admin'] },
  'DELETE /api/orders/feed/config': { anyOf: ['Feed v3 and Hook Admin'] },
  'POST /api/orders/expressions/jsonata': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  'GET /api/orders/hook/config': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  'POST /api/orders/hook/config': { anyOf: ['Feed v3 and Hook Admin'] },
  'DELETE /api/orders/hook/config': { anyOf: ['Feed v3 and Hook Admin'] },
  'GET /api/ordo/pvt/hook/deliveries': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  'POST /api/ordo/pvt/hook/deliveries/redeliver': { anyOf: ['Feed v3 and Hook Admin'] },
  'POST /api/ordo/pvt/hook/deliveries/:deliveryId/redeliver': { anyOf: ['Feed v3 and Hook Admin'] },
  'GET /api/orders/feed': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  'POST /api/orders/feed': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  // Feed v2 (deprecated) has no Permissions section in the reference: it takes what Feed v3's retrieve and commit do.
  'GET /api/oms/pvt/feed/orders/status': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  'POST /api/oms/pvt/feed/orders/status/confirm': {
    anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'],
  },
  'POST /api/oms/pvt/orders/:orderId/changes': {
    anyOf: ['Orders Full Access', 'Cancel order', 'Change order'],
  },
  // Order modifications (digest §12): one set of resources, but for the settings' GET and the summary.
  ...Object.fromEntries(
    [
      'PATCH /api/order-system/orders/:changeOrderId/changes',
      'POST /api/order-system/orders/:changeOrderId/changes/preview',
      'GET /api/order-system/orders/:changeOrderId/changes',
      'GET /api/order-system/orders/:changeOrderId/changes/:changeRequestId',
      'POST /api/order-system/orders/:changeOrderId/changes/:changeRequestId/retry',
      'POST /api/order-system/orders/:changeOrderId/changes/:changeRequestId/cancel',
      'PUT /api/order-system/orders/changes/settings',
    ].map((route) => [route, { anyOf: ['Orders Full Access', 'Cancel order', 'Change order'] }]),
  ),
  'GET /api/order-system/orders/changes/settings': VIEW_ORDER,
  // Checkout Admin holds Orders Full Access rather than OMS Viewer, and the reference lets it read the summary.
  'GET /api/orders/pvt/document/:orderId/change-summary': { anyOf: ['OMS Viewer', 'Orders Full Access'] },
  // Checkout and Orders API routes §3a has no table for: the customer's request, and the store's answer to it.
  'POST /api/checkout/pub/orders/:orderId/user-cancel-request': { anyOf: ['Cancel order'], shoppers: true },
  'POST /api/orders/pvt/document/:orderId/deny-cancellation-request': {
    anyOf: ['Cancel order'],
    externalSellers: true,
  },
  'POST /api/vtexid/apptoken/login': 'public',
  // Ordo's own (docs/compatibility.md, Access and Orders).
  'POST /api/oms/pvt/orders': { anyOf: ['Orders Full Access', 'Change order'] },
  'GET /api/ordo/pvt/orders/:orderId/timeline': VIEW_ORDER,
  'POST /api/ordo/pvt/shopper-tokens': { anyOf: ['Orders Full Access'] },
  'GET /api/ordo/pvt/orders/export': VIEW_ORDER,
  'GET /api/ordo/pvt/events/stream': {
    anyOf: ['View order', 'List Orders', 'OMS Viewer', 'Orders Full Access'],
  },
  'GET /api/ordo/pvt/orders/stats/hourly': { anyOf: ['List Orders', 'Orders Full Access'] },
  'GET /api/ordo/pvt/integrations': { anyOf: ['Feed v3 and Hook view only', 'Feed v3 and Hook Admin'] },
  'GET /api/ordo/pvt/settings': { anyOf: ['Ordo settings'] },
  'GET /api/ordo/pvt/affiliates': { anyOf: ['Ordo settings'] },
  'GET /api/ordo/pvt/affiliates/:affiliateId': { anyOf: ['Ordo settings'] },
  'PUT /api/ordo/pvt/affiliates/:affiliateId': { anyOf: ['Ordo settings'] },
  'DELETE /api/ordo/pvt/affiliates/:affiliateId': { anyOf: ['Ordo settings'] },
  'PUT /api/checkout/pvt/orders/:orderId/sellers': { anyOf: ['Change order', 'Orders Full Access'] },
  'GET /api/checkout/pvt/configuration/window-to-change-seller': {
    anyOf: ['Ordo settings', 'Orders Full Access'],
  },
  'POST /api/checkout/pvt/configuration/window-to-change-seller': {
    anyOf: ['Ordo settings', 'Orders Full Access'],
  },
  'PUT /api/ordo/pvt/settings': { anyOf: ['Ordo settings'] },
  'GET /api/ordo/pvt/sellers': { anyOf: ['Ordo settings'] },
  'POST /pvt/orders': { anyOf: ['Orders Full Access', 'Change order'] },
  'POST /pvt/orders/:orderId/fulfill': { anyOf: ['Change order workflow status'] },
  'POST /pvt/orders/:orderId/cancel': { anyOf: ['Cancel order'] },
  'POST /pvt/orderForms/simulation': { anyOf: ['Orders Full Access', 'Change order'] },
  'GET /api/ordo/pvt/sellers/:sellerId': { anyOf: ['Ordo settings'] },
  'PUT /api/ordo/pvt/sellers/:sellerId': { anyOf: ['Ordo settings'] },
  'DELETE /api/ordo/pvt/sellers/:sellerId': { anyOf: ['Ordo settings'] },
  'GET /metrics': { anyOf: ['Ordo settings'] },
  'GET /healthz': 'public',
  // The admin: signing in and out needs no credential; who the session is needs any.
  'POST /api/ordo/pvt/session': 'public',
  'GET /api/ordo/pvt/session': { anyOf: RESOURCES },
  'DELETE /api/ordo/pvt/session': 'public',
  'GET /admin': 'public',
  'GET /admin/*': 'public',
  'GET /admin/assets/*': 'public',
  // Swagger UI and the OpenAPI document.
  'GET /docs': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/static/*': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
}

const SHOPPER = 'shopper token'
const CALLERS = [...ROLE_NAMES, SHOPPER] as const
type Caller = (typeof CALLERS)[number]

function allowed(access: Access, caller: Caller): boolean {
  if (access === 'public') return true
  if (caller === SHOPPER) return access.shoppers === true
  if (caller === EXTERNAL_SELLER_ROLE && access.externalSellers !== true) return false
  const held: readonly Resource[] = ROLES[caller]
  return access.anyOf.some((resource) => held.includes(resource))
}

/** Builds the test app while recording every route it registers, from Fastify itself. */
async function appWithRoutes(t: TestContext, dialect: Dialect): Promise<{ test: TestApp; routes: string[] }> {
  const routes: string[] = []
  // Published when an instance is created, before any plugin: an onRoute hook there sees every route.
  const record = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`)
    })
  }
  diagnostics.subscribe('fastify.initialization', record)
  try {
    return { test: await startTestApp(t, dialect), routes }
  } finally {
    diagnostics.unsubscribe('fastify.initialization', record)
  }
}

const rowOf = (route: string) => route.replace(/^HEAD /, 'GET ')

describeEachDialect('roles against the resource table', (dialect) => {
  it('has a row for every registered route, and no row for a route that does not exist', async (t) => {
    const { routes } = await appWithRoutes(t, dialect)
    const rows = new Set(routes.map(rowOf))
    assert.deepEqual(
      [...rows].filter((route) => !(route in TABLE)),
      [],
      'routes without a row',
    )
    assert.deepEqual(
      Object.keys(TABLE).filter((row) => !rows.has(row)),
      [],
      'rows without a route',
    )
  })

  it('refuses every caller without a listed resource with 403, and no other', async (t) => {
    const { test, routes } = await appWithRoutes(t, dialect)
    const placed = await api(test).placeOk(exampleOrder())
    const order = placed.orders[0]
    assert.ok(order)
    // The order exists, so an allowed call reaches its business answer; calls that pass change only this order.
    const values: Record<string, string> = {
      orderId: order.orderId,
      orderGroup: placed.orderGroup,
      paymentId: 'no-such-payment',
      sellerId: 'no-such-seller',
      '*': 'no-such-file',
    }
    const headers: Record<Caller, Record<string, string>> = Object.fromEntries([
      ...(await Promise.all(ROLE_NAMES.map(async (role) => [role, await test.newKey([role])]))),
      [
        SHOPPER,
        { vtexidclientautcookie: (await createShopperToken(test.deps, 'acme', 'nobody@example.com')).token },
      ],
    ]) as Record<Caller, Record<string, string>>
    // A key with the external seller's role calls as its seller, which must be registered with it.
    const callbackAppKey = headers['Ordo - External seller']['x-vtex-api-appkey'] ?? ''
    const seller = { name: 'External', fulfillmentEndpoint: 'https://seller.example/api', callbackAppKey }
    await putSeller(test.deps, 'acme', 'external', seller, { operator: true })
    const wrong: string[] = []
    for (const route of routes) {
      const [method = '', path = ''] = route.split(' ')
      const url = path.replace(/:(\w+)|\*/g, (name, param?: string) => values[param ?? name] ?? name)
      const access = TABLE[rowOf(route)]
      assert.ok(access, route)
      for (const caller of CALLERS) {
        const res = await test.app.inject({
          method: method as 'GET',
          url,
          headers: {
            ...headers[caller],
            ...(method === 'POST' || method === 'PUT' ? { 'content-type': 'application/json' } : {}),
          },
          ...(method === 'POST' || method === 'PUT' ? { payload: '{}' } : {}),
        })
        const expected = allowed(access, caller)
        const ok = expected
          ? res.statusCode !== 401 &&
            res.statusCode !== 403 &&
            (res.statusCode < 500 || res.statusCode === 501)
          : res.statusCode === 403
        if (!ok)
          wrong.push(`${route} as ${caller}: ${res.statusCode} (expected ${expected ? 'not 403' : '403'})`)
      }
    }
    assert.deepEqual(wrong, [])
  })

  it("keeps Checkout Admin from cancelling through the customer's route; a key with Cancel order may", async (t) => {
    const test = await startTestApp(t, dialect)
    const order = (await api(test).placeOk(exampleOrder())).orders[0]
    assert.ok(order)
    const refused = await api(test, await test.newKey(['Checkout Admin'])).userCancel(order.orderId)
    assert.equal(refused.statusCode, 403, refused.body)
    assert.equal((await api(test).getOk(order.orderId)).status, 'payment-pending')
    const integration = api(test, await test.newKey(['IntegrationProfile - Fulfillment Oms']))
    const accepted = await integration.userCancel(order.orderId)
    assert.equal(accepted.statusCode, 200, accepted.body)
    assert.equal((await api(test).getOk(order.orderId)).status, 'canceled')
  })
})
