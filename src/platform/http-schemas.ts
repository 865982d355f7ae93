// Wire schemas shared by routes: VTEX's error envelope, receipts, and the headers Ordo sends out.
import type { FastifyReply } from 'fastify'
import { Type, type Static, type TProperties } from 'typebox'
import {
  HEADER_NAME_PATTERN,
  HEADER_VALUE_PATTERN,
  MAX_HEADER_VALUE,
  MAX_OUTBOUND_HEADERS,
} from './outbound-url.ts'

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: '"1" unauthorized, "OMS003" wrong status for start-handling, OMS0xx otherwise.',
      }),
      message: Type.String(),
      exception: Type.Null(),
    }),
  },
  { description: 'VTEX error envelope.' },
)

/** The new order system's envelope (order modifications, the change summary): `operationId` is the request id. */
export const OrderSystemErrorSchema = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String() }),
    operationId: Type.String(),
    fields: Type.Record(Type.String(), Type.String()),
  },
  { description: 'VTEX order-system error envelope.' },
)

export const ReceiptSchema = Type.Object({
  date: Type.String({ description: 'When the request was processed (ISO 8601 UTC).' }),
  orderId: Type.String(),
  receipt: Type.Union([Type.String(), Type.Null()], { description: 'Protocol code of the change.' }),
})

export type Receipt = Static<typeof ReceiptSchema>

/** The External Seller Fulfillment protocol's answer naming an order (its repsonseOrderId, as it spells it). */
export const ProtocolReceiptSchema = Type.Object({
  date: Type.String(),
  marketplaceOrderId: Type.String(),
  orderId: Type.String(),
  receipt: Type.String(),
})

export type ProtocolReceipt = Static<typeof ProtocolReceiptSchema>

/** Headers an account has Ordo send with its calls out (a hook's, an external seller's). */
export const OutboundHeadersSchema = (description: string) =>
  Type.Record(
    Type.String({ pattern: HEADER_NAME_PATTERN }),
    Type.String({ maxLength: MAX_HEADER_VALUE, pattern: HEADER_VALUE_PATTERN }),
    { maxProperties: MAX_OUTBOUND_HEADERS, description },
  )

/**
 * A query string that refuses parameters it does not list (400 naming the first), for Ordo's own routes where a
 * misspelt parameter would otherwise be ignored and change what the call acts on (`appkey=` for `appKey=`).
 */
export const StrictQuery = <Properties extends TProperties>(properties: Properties) =>
  Type.Object(properties, { propertyNames: Type.Enum([...Object.keys(properties), ...ACCOUNT_NAME_PARAMS]) })

/** Every route takes the account's name as VTEX's clients send it, which the guard checks (`?an=`). */
const ACCOUNT_NAME_PARAMS = ['an', 'accountName']

/** The error responses a guarded route can give, for the OpenAPI document. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries([401, 403, ...statuses].map((status) => [status, ErrorSchema]))

/** The same, for the routes of the new order system. */
export const orderSystemErrorResponses = (...statuses: number[]) =>
  Object.fromEntries([401, 403, ...statuses].map((status) => [status, OrderSystemErrorSchema]))

export const JSON_TEXT_TYPE = 'application/json; charset=utf-8'

/**
 * Sends JSON that is already serialised (stored documents): Fastify passes text or bytes with a JSON type
 * through untouched. Bytes go out fastest: a string is encoded to UTF-8 again on every send.
 */
export const sendJsonText = (reply: FastifyReply, json: string | Buffer): FastifyReply =>
  reply.type(JSON_TEXT_TYPE).send(json)

/**
 * For a route that answers with sendJsonText: its response schema documents the body, but compiling a
 * serialiser for a schema as large as the order document costs a quarter of the server's start-up, and the
 * text it sends would never pass through it.
 */
export const sendsJsonText = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) }
