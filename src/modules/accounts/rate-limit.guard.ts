// Per-account rate limits (settings.rateLimits) on groups of routes, through @fastify/rate-limit.
import rateLimit, {
  type FastifyRateLimitStore,
  type FastifyRateLimitStoreCtor,
  type RateLimitOptions,
} from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Deps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { principalOf } from '../../platform/principal.ts'
import { rateLimitOf, type RateLimitGroup } from './account-settings.ts'
import { cachedSettings, recentSettings } from './account.service.ts'
import { requestCounter, type RequestCounter } from './rate-limit.service.ts'

/**
 * Which routes each limit counts. Routes not listed have no limit: signing in and shopper tokens come before
 * an account is known, and settings must stay reachable to raise a limit.
 */
export const RATE_LIMITED_ROUTES: Readonly<Record<string, RateLimitGroup>> = {
  'GET /api/oms/pvt/orders/:orderId': 'getOrder',
  'GET /api/oms/pvt/orders/order-group/:orderGroup': 'getOrderGroup',
  'POST /api/oms/pvt/orders': 'placeOrder',
  'POST /api/oms/pvt/orders/:orderId/start-handling': 'changeOrder',
  'POST /api/oms/pvt/orders/:orderId/cancel': 'changeOrder',
  'POST /api/checkout/pub/orders/:orderId/user-cancel-request': 'changeOrder',
  'POST /api/orders/pvt/document/:orderId/deny-cancellation-request': 'changeOrder',
  'POST /api/oms/pvt/orders/:orderId/interactions': 'changeOrder',
  'POST /api/oms/pvt/orders/:orderId/payments/:paymentId/payment-notification': 'changeOrder',
  'GET /api/oms/pvt/orders/:orderId/payment-transaction': 'orderDetails',
  'GET /api/oms/pvt/orders/:orderId/conversation-message': 'orderDetails',
  'GET /api/ordo/pvt/orders/:orderId/timeline': 'orderDetails',
}

const MINUTE_MS = 60_000

/** Registers the plugin and gives each listed route its group's limit. Call before the routes. */
export async function registerRateLimits(app: FastifyInstance, deps: Deps): Promise<void> {
  // Synchronous while the account's settings are cached, as they are for all but one request a second.
  const limitOf = (request: FastifyRequest, group: RateLimitGroup): number | Promise<number> => {
    const account = principalOf(request).account
    const cached = cachedSettings(deps, account)
    if (cached) return rateLimitOf(cached, group)
    return recentSettings(deps, account).then((settings) => rateLimitOf(settings, group))
  }
  const routeLimit = (group: RateLimitGroup): RateLimitOptions => ({
    keyGenerator: (request) => `${principalOf(request).account} ${group}`,
    allowList: (request) => {
      const limit = limitOf(request, group)
      return typeof limit === 'number' ? limit === 0 : limit.then((value) => value === 0)
    },
    max: (request) => Promise.resolve(limitOf(request, group)),
  })
  // Added before the plugin's own onRoute hook, so the plugin finds the limit in the route's config.
  app.addHook('onRoute', (route) => {
    const group = RATE_LIMITED_ROUTES[`${String(route.method)} ${route.url}`]
    if (group) route.config = { ...route.config, rateLimit: routeLimit(group) }
  })
  await app.register(rateLimit, {
    global: false,
    timeWindow: MINUTE_MS,
    // Appended to each route's own onRequest hooks, so it runs after the guard has found the account and
    // before a body is read.
    hook: 'onRequest',
    store: storeOver(requestCounter(deps)),
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, { max, after }) =>
      new AppError(
        'TOO_MANY_REQUESTS',
        `The account made more than ${max} requests to this endpoint in the current minute. Retry in ${after}.`,
      ),
  })
}

/** The plugin's store over a counter; every route shares it, since keys name their group. */
const storeOver = (counter: RequestCounter): FastifyRateLimitStoreCtor =>
  class implements FastifyRateLimitStore {
    incr(key: string, callback: Parameters<FastifyRateLimitStore['incr']>[1], timeWindow: number): void {
      counter.count(key, timeWindow, callback)
    }

    child(): FastifyRateLimitStore {
      return this
    }
  }
