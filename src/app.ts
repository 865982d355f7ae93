// Builds the HTTP app from explicit dependencies. Does not listen, read the environment or open the database.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Ajv, type ValidateFunction } from 'ajv'
import fastJsonStringify from 'fast-json-stringify'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify'
import { sql } from 'kysely'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Deps, RouteDeps } from './deps.ts'
import { createAccessGuard } from './modules/access/access.guard.ts'
import { accessRoutes } from './modules/access/access.routes.ts'
import { sessionRoutes } from './modules/access/session.routes.ts'
import { adminRoutes } from './modules/admin/admin.routes.ts'
import { registerRateLimits } from './modules/accounts/rate-limit.guard.ts'
import { settingsRoutes } from './modules/accounts/settings.routes.ts'
import { cancellationRoutes } from './modules/cancellation/cancellation.routes.ts'
import { changeRoutes } from './modules/changes/change.routes.ts'
import { modificationRoutes } from './modules/changes/modification.routes.ts'
import { conversationRoutes } from './modules/conversation/conversation.routes.ts'
import { eventStreamRoutes } from './modules/events/event-stream.routes.ts'
import { feedRoutes } from './modules/feed/feed.routes.ts'
import { hookRoutes } from './modules/feed/hook.routes.ts'
import { fulfillmentRoutes } from './modules/fulfillment/fulfillment.routes.ts'
import { intakeRoutes } from './modules/intake/intake.routes.ts'
import { sellerProtocolRoutes } from './modules/intake/seller-protocol.routes.ts'
import { metricsRoutes } from './modules/metrics/metrics.routes.ts'
import { invoiceRoutes } from './modules/invoices/invoice.routes.ts'
import { getOrderFromMemory, orderRoutes } from './modules/orders/order.routes.ts'
import { searchRoutes } from './modules/search/search.routes.ts'
import { userOrderRoutes } from './modules/search/user-orders.routes.ts'
import { paymentRoutes } from './modules/payments/payment.routes.ts'
import { sellerRoutes } from './modules/sellers/seller.routes.ts'
import { changeSellerRoutes } from './modules/marketplace/change-seller.routes.ts'
import { affiliateRoutes } from './modules/affiliates/affiliate.routes.ts'
import { refuseUnparsable, refuseUnroutable, registerErrorHandler } from './platform/http-errors.ts'
import { JSON_TEXT_TYPE } from './platform/http-schemas.ts'
import { nulRejected, parseJsonBody } from './platform/json-body.ts'
import { PRINCIPAL } from './platform/principal.ts'
import { REQUEST_ID_HEADER, requestIdOf } from './platform/request-id.ts'

export const BODY_LIMIT_BYTES = 1024 * 1024

export async function buildApp(deps: Deps, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const logs = new OneLinePerRequest()
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logController: logs,
    // Every log line of a request carries its id (pino's child logger binds it as reqId).
    requestIdHeader: false,
    genReqId: requestIdOf,
    frameworkErrors: (error, request, reply) => {
      // Fastify answers these before routing, without the hooks that log a request: log it here.
      reply.raw.once('finish', () => logs.requestCompleted(null, request, reply))
      refuseUnroutable(error, request, reply)
    },
    clientErrorHandler: refuseUnparsable,
    // Above every id a path carries (seller ids reach 128 characters), so that a long one gets the schema's 400
    // naming the parameter, not the router's refusal.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 256 },
    ...options,
  }).withTypeProvider<TypeBoxTypeProvider>()

  registerErrorHandler(app)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
  app.decorateRequest(PRINCIPAL, null)
  acceptLooseBodies(app)
  validateBodiesStrictly(app)

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Ordo Orders API',
        version: '1.0',
        description:
          "VTEX Orders API compatible order management. Operations tagged Ordo are Ordo's own additions.",
      },
      components: {
        securitySchemes: {
          appKey: { type: 'apiKey', in: 'header', name: 'X-VTEX-API-AppKey' },
          appToken: { type: 'apiKey', in: 'header', name: 'X-VTEX-API-AppToken' },
          VtexIdclientAutCookie: { type: 'apiKey', in: 'header', name: 'VtexIdclientAutCookie' },
        },
      },
      security: [{ appKey: [], appToken: [] }, { VtexIdclientAutCookie: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    await sql`select 1`.execute(deps.db)
    return reply.send({ status: 'ok' })
  })

  await app.register(adminRoutes)
  const countAtOnce = registerRateLimits(app, deps)
  const routeDeps: RouteDeps = { deps, ...createAccessGuard(deps), countAtOnce }
  for (const routes of [
    accessRoutes,
    sessionRoutes,
    intakeRoutes,
    sellerProtocolRoutes,
    orderRoutes,
    searchRoutes,
    userOrderRoutes,
    paymentRoutes,
    fulfillmentRoutes,
    cancellationRoutes,
    invoiceRoutes,
    changeRoutes,
    modificationRoutes,
    feedRoutes,
    hookRoutes,
    conversationRoutes,
    settingsRoutes,
    sellerRoutes,
    changeSellerRoutes,
    affiliateRoutes,
    metricsRoutes,
    eventStreamRoutes,
  ]) {
    await app.register(routes, routeDeps)
  }
  answerFromMemory(app, getOrderFromMemory(routeDeps))
  return app
}

/**
 * Puts `fromMemory` in front of the listener through which Fastify's server hands it requests: what it answers is
 * never routed. Not once the app is closing, when Fastify answers 503 and closes kept-alive connections. Only the
 * server Fastify made first: a second one (both addresses of `localhost`) routes everything.
 */
function answerFromMemory(
  app: FastifyInstance,
  fromMemory: (request: IncomingMessage) => Buffer | undefined,
): void {
  const [routed, ...others] = app.server.listeners('request') as RequestListener[]
  if (!routed || others.length > 0) return
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  app.server.removeListener('request', routed)
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    let document: Buffer | undefined
    try {
      document = closing ? undefined : fromMemory(request)
    } catch (error) {
      // A throw here would end the process: the route answers instead.
      app.log.error({ err: error }, 'answering from memory failed')
    }
    if (document) sendFromMemory(app.log, request, response, document)
    else routed(request, response)
  })
}

/**
 * What the route would send for stored JSON (sendJsonText after the request-id hook), and the one log line a
 * request gets (OneLinePerRequest), written when the answer is sent, as Fastify writes it.
 */
function sendFromMemory(
  log: FastifyBaseLogger,
  request: IncomingMessage,
  response: ServerResponse,
  document: Buffer,
): void {
  const id = requestIdOf(request)
  response.writeHead(200, {
    [REQUEST_ID_HEADER]: id,
    'content-type': JSON_TEXT_TYPE,
    'content-length': document.length,
  })
  if (WRITES_INFO.has(log.level)) {
    // The decision before it took microseconds: the line's whole milliseconds are the sending.
    const started = performance.now()
    response.once('finish', () => {
      const line = requestLine(request.method, request.url, 200, performance.now() - started)
      log.info({ reqId: id, ...line }, 'request')
    })
  }
  response.end(document)
}

/** `%00` decodes to nothing but NUL, so the raw URL tells whether a decoded path or query value holds one. */
// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const URL_NUL = /%00|\u0000/

/** The log levels at which the request line (info) is written. */
const WRITES_INFO = new Set(['info', 'debug', 'trace'])

const requestLine = (
  method: string | undefined,
  url: string | undefined,
  statusCode: number,
  ms: number,
) => ({
  method,
  url,
  statusCode,
  ms: Math.round(ms),
})

/** One log line per request, when it completes, instead of Fastify's two: logging costs as much as a read. */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = requestLine(request.method, request.url, reply.statusCode, reply.elapsedTime)
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request')
  }
}

/**
 * Real VTEX clients send POSTs with an empty body and `Content-Type: application/json`, or JSON with no
 * content type at all. Both are accepted; a missing body counts as `{}` so optional-body routes validate.
 */
function acceptLooseBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer, request.headers['content-type']))
    } catch (error) {
      done(error as Error)
    }
  })
  // PostgreSQL cannot store U+0000 in text; no real value contains it, so it is refused at the door.
  app.addHook('onRequest', (request, _reply, done) => {
    done(URL_NUL.test(request.url) ? nulRejected() : undefined)
  })
  // Only routes that take a body need it, so reads pay nothing for this.
  app.addHook('onRoute', (route) => {
    if (!route.schema?.body) return
    route.preValidation = (request, _reply, done) => {
      if (request.body === undefined || request.body === null) request.body = {}
      done()
    }
  })
}

/**
 * Query strings and paths are text, so their numbers are converted; JSON bodies are typed, so they are not:
 * Fastify's default would turn `{"cancellationGracePeriodMinutes": null}` into 0 and `true` into 1.
 */
function validateBodiesStrictly(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => lazyValidator(httpPart === 'body' ? body : text, schema))
  app.setSerializerCompiler(({ schema }) => serializerOf(schema))
}

// Compiled once per process: Ajv keeps what it compiled per schema object, the serialisers are kept here, and
// the route schemas are module constants, so a second app (each test builds its own) compiles nothing again.
const serializers = new WeakMap<object, (data: unknown) => string>()
function serializerOf(schema: object): (data: unknown) => string {
  let serialize = serializers.get(schema)
  if (!serialize) {
    serialize = fastJsonStringify(schema)
    serializers.set(schema, serialize)
  }
  return serialize
}

/**
 * Compiled at a route's first request rather than at start-up, where compiling every route's schemas took a
 * fifth of `ordo serve`'s start. Fastify hands Ajv's own functions (they have a `schemaEnv`) the request as the
 * value's parent, so that defaults and coercion can replace a root value: the wrapper says it is one, passes
 * that on and hands the errors back.
 */
function lazyValidator(ajv: Ajv, schema: object) {
  let compiled: ValidateFunction | undefined
  const validate = Object.assign(
    (data: unknown, context?: Parameters<ValidateFunction>[1]): boolean => {
      compiled ??= ajv.compile(schema)
      const valid = compiled(data, context)
      validate.errors = compiled.errors
      return valid
    },
    { errors: null as ValidateFunction['errors'], schemaEnv: true },
  )
  return validate
}

const AJV_OPTIONS = { useDefaults: true, removeAdditional: true, allErrors: false, strict: false } as const
const body = new Ajv({ ...AJV_OPTIONS, coerceTypes: false })
const text = new Ajv({ ...AJV_OPTIONS, coerceTypes: 'array' })
