// The one place where errors become HTTP responses, in VTEX's envelope {"error":{"code","message","exception"}},
// or the new order system's {"error":{"code","message"},"operationId","fields"} on its paths.
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type ErrorCode } from './errors.ts'
import { notJson } from './json-body.ts'
import { newRequestId, REQUEST_ID_HEADER } from './request-id.ts'

interface ErrorShape {
  status: number
  /** The code VTEX clients see; "1" and "OMS003" are VTEX's own, the other OMS0xx codes are Ordo's (docs/errors.md). */
  vtexCode: string
  /** The new order system's code for it, where it has its own. */
  orderSystemCode?: string
}

const ERRORS: Record<ErrorCode, ErrorShape> = {
  UNAUTHORIZED: { status: 401, vtexCode: '1' },
  VALIDATION_FAILED: { status: 400, vtexCode: 'OMS001' },
  FORBIDDEN: { status: 403, vtexCode: 'OMS002' },
  NOT_READY_FOR_HANDLING: { status: 409, vtexCode: 'OMS003' },
  ORDER_NOT_FOUND: { status: 404, vtexCode: 'OMS004', orderSystemCode: 'CHK0201' },
  NOT_FOUND: { status: 404, vtexCode: 'OMS005' },
  CANNOT_CANCEL: { status: 400, vtexCode: 'OMS006' },
  VERSION_CONFLICT: { status: 409, vtexCode: 'OMS007' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, vtexCode: 'OMS008' },
  PAYMENT_NOT_FOUND: { status: 404, vtexCode: 'OMS009' },
  PAYMENT_NOT_PENDING: { status: 400, vtexCode: 'OMS010' },
  CANCELLATION_REQUEST_NOT_FOUND: { status: 400, vtexCode: 'OMS011' },
  INVALID_TRANSITION: { status: 409, vtexCode: 'OMS012' },
  PAYLOAD_TOO_LARGE: { status: 413, vtexCode: 'OMS013' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, vtexCode: 'OMS014' },
  TOO_MANY_REQUESTS: { status: 429, vtexCode: 'OMS015' },
  INVALID_INVOICE: { status: 400, vtexCode: 'OMS016' },
  INVOICE_NOT_FOUND: { status: 404, vtexCode: 'OMS017' },
  CHANGE_LIMIT_EXCEEDED: { status: 400, vtexCode: 'OMS018' },
  INVALID_CHANGE: { status: 400, vtexCode: 'OMS019' },
  CHANGE_BELOW_INVOICED: { status: 400, vtexCode: 'OMS020' },
  FILTER_CONFLICT: { status: 409, vtexCode: 'OMS021' },
  NOT_IMPLEMENTED: { status: 501, vtexCode: 'OMS022' },
  // Register modifications: VTEX's own codes for the same refusals (reference/vtex-behavior.md §5).
  CHANGE_ITEM_NOT_FOUND: { status: 404, vtexCode: 'CHK0022' },
  CHANGE_INVALID_QUANTITY: { status: 400, vtexCode: 'CHK0023' },
  CHANGE_EXCEEDS_VALUE: { status: 400, vtexCode: 'CHK0034' },
  CHAIN_ORDER_CHANGE: { status: 400, vtexCode: 'CHK0095' },
  CHANGE_NEGATIVE_VALUE: { status: 400, vtexCode: 'CHK0098' },
  CHANGE_NOT_ALLOWED: { status: 400, vtexCode: 'CHK0124' },
  CHANGE_PAYMENT_METHOD: { status: 400, vtexCode: 'CHK00342' },
  // Order modifications (v2): VTEX's SalesOrderSystem codes where it has one for the refusal.
  CHANGE_ORDER_CANCELED: { status: 409, vtexCode: 'SalesOrderSystem008' },
  CHANGE_REMOVE_ITEM: { status: 400, vtexCode: 'SalesOrderSystem010' },
  CHANGE_REMOVE_QUANTITY: { status: 400, vtexCode: 'SalesOrderSystem011' },
  CHANGE_LOGISTICS_AMBIGUOUS: { status: 400, vtexCode: 'SalesOrderSystem012' },
  CHANGE_LOGISTICS_NOT_FOUND: { status: 400, vtexCode: 'SalesOrderSystem013' },
  CHANGE_IN_PROGRESS: { status: 409, vtexCode: 'SalesOrderSystem014' },
  CHANGE_VERSIONS_MIXED: { status: 409, vtexCode: 'SalesOrderSystem015' },
  CHANGE_CANNOT_RETRY: { status: 409, vtexCode: 'SalesOrderSystem016' },
  CHANGE_RETRIES_EXHAUSTED: { status: 500, vtexCode: 'SalesOrderSystem017' },
  CHANGE_ITEM_AMBIGUOUS: { status: 400, vtexCode: 'SalesOrderSystem026' },
  CHANGE_ADDRESS_INVALID: { status: 400, vtexCode: 'SalesOrderSystem045' },
  CHANGE_ITEM_INVOICED: { status: 400, vtexCode: 'SalesOrderSystem046' },
  CHANGE_REQUEST_NOT_FOUND: { status: 404, vtexCode: 'CHK0289' },
  CHANGE_PRICE_UNKNOWN: { status: 400, vtexCode: 'OMS023' },
  CHANGE_CANNOT_CANCEL: { status: 409, vtexCode: 'OMS024' },
  MODIFICATIONS_DISABLED: { status: 403, vtexCode: 'OMS025' },
  NOT_ACCEPTABLE: { status: 406, vtexCode: 'OMS026' },
  INTERNAL: { status: 500, vtexCode: 'OMS500' },
}

export const errorStatus = (code: ErrorCode): number => ERRORS[code].status

/** The code clients see for an error (also where a body reports one, as a canceled modification does). */
export const wireCode = (code: ErrorCode): string => ERRORS[code].vtexCode

const errorBody = (code: ErrorCode, message: string) => ({
  error: { code: ERRORS[code].vtexCode, message, exception: null },
})

/** VTEX's new order system (order modifications, the change summary) answers in an envelope of its own. */
const ORDER_SYSTEM_PATHS = /^\/api\/(order-system\/|orders\/pvt\/document\/[^/?]+\/change-summary)/

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
): FastifyReply {
  const { status, vtexCode, orderSystemCode } = ERRORS[code]
  if (ORDER_SYSTEM_PATHS.test(request.url)) {
    const error = { code: orderSystemCode ?? vtexCode, message }
    return reply.status(status).send({ error, operationId: request.id, fields: {} })
  }
  return reply.status(status).send(errorBody(code, message))
}

/** Fastify's own client errors keep their meaning; everything unknown is a 500 that echoes nothing. */
function fromFastifyError(err: FastifyError): AppError | undefined {
  if (err.validation) return new AppError('VALIDATION_FAILED', describeValidation(err))
  // A Content-Type header that is not a media type at all (`garbage`) never reaches the body parser.
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return notJson()
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts.')
  }
  // PostgreSQL's data exceptions (class 22: out of range, invalid text) come from values the client sent.
  const sqlState = (err as { code?: unknown }).code
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
    return new AppError('VALIDATION_FAILED', 'A value in the request is out of range or is not valid text.')
  }
  if (err.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.')
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', err.message)
  }
  return undefined
}

function handleError(err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) {
  const known = err instanceof AppError ? err : fromFastifyError(err)
  if (known) return sendError(request, reply, known.code, known.message)
  request.log.error({ err }, 'unhandled error')
  // The id is the user's way to the log lines of this request (also in the X-Request-Id header).
  const message = `An internal error occurred (request id ${request.id}). The request can be retried.`
  return sendError(request, reply, 'INTERNAL', message)
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(handleError)
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      'NOT_FOUND',
      `No endpoint ${request.method} ${request.url.split('?')[0] ?? ''}.`,
    ),
  )
}

/** Fastify's frameworkErrors: a path that is not valid percent-encoding is refused before routing, in the envelope. */
export function refuseUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void handleError(error, request, reply.header(REQUEST_ID_HEADER, request.id))
}

/**
 * Fastify's clientErrorHandler: Node's HTTP parser refused the request (headers or URL too large, not HTTP), so
 * there is no request and no reply. It is answered and logged like one, with a new id.
 */
export function refuseUnparsable(this: FastifyInstance, err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const message =
    status === 431
      ? 'The request line and headers are larger than the server accepts.'
      : status === 408
        ? 'The request did not arrive in time.'
        : 'The request is not valid HTTP.'
  const reqId = newRequestId()
  this.log.info({ reqId, statusCode: status, code: err.code }, 'request refused before routing')
  if (socket.writable) {
    const body = JSON.stringify(errorBody('VALIDATION_FAILED', message))
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${reqId}\r\n\r\n${body}`,
    )
  }
  socket.destroy(err)
}

interface AjvIssue {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
  /** Set when the issue is with a key (propertyNames), not with the value at instancePath. */
  propertyName?: string
}

/** Turns `/items/0/price` into `items[0].price`, the way integrators write paths. */
function fieldPath(instancePath: string, extra?: unknown): string {
  const parts = instancePath.split('/').filter(Boolean)
  if (typeof extra === 'string') parts.push(extra)
  return parts.reduce(
    (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
    '',
  )
}

function describeIssue(issue: AjvIssue): string {
  const { params } = issue
  // A key that a closed list of names (propertyNames' enum: StrictQuery) does not have.
  if (issue.keyword === 'enum' && issue.propertyName !== undefined) {
    const allowed = (params.allowedValues as unknown[]).join(', ')
    return `${fieldPath(issue.instancePath, issue.propertyName)} is not allowed (allowed: ${allowed})`
  }
  switch (issue.keyword) {
    case 'required':
      return `${fieldPath(issue.instancePath, params.missingProperty)} is required`
    case 'additionalProperties':
      return `${fieldPath(issue.instancePath, params.additionalProperty)} is not allowed`
    case 'type':
      return `${fieldPath(issue.instancePath) || 'the value'} must be of type ${String(params.type)}`
    case 'minimum':
      return `${fieldPath(issue.instancePath)} must be at least ${String(params.limit)}`
    case 'maximum':
      return `${fieldPath(issue.instancePath)} must be at most ${String(params.limit)}`
    case 'minItems':
      return `${fieldPath(issue.instancePath)} must have at least ${String(params.limit)} element(s)`
    case 'maxItems':
      return `${fieldPath(issue.instancePath)} must have at most ${String(params.limit)} elements`
    case 'minLength':
      return `${fieldPath(issue.instancePath)} must not be empty`
    case 'maxLength': {
      const keys = issue.propertyName === undefined ? '' : ' keys'
      return `${fieldPath(issue.instancePath)}${keys} must be at most ${String(params.limit)} characters long`
    }
    case 'pattern':
      return `${fieldPath(issue.instancePath)} has an invalid format`
    case 'enum':
      return `${fieldPath(issue.instancePath)} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`
    default:
      return `${fieldPath(issue.instancePath) || 'the value'} ${issue.message ?? 'is invalid'}`
  }
}

const CONTEXT_NAMES: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
}

function describeValidation(err: FastifyError): string {
  const issues = (err.validation ?? []) as AjvIssue[]
  const where = CONTEXT_NAMES[err.validationContext ?? ''] ?? 'request'
  const first = issues[0]
  if (!first) return `Invalid ${where}.`
  const detail = describeIssue(first)
  return `Invalid ${where}: ${detail}.`
}
