// Wire formats of the Invoice and Tracking sections: what an ERP sends, bounded (docs/compatibility.md, Input
// bounds), in the spellings real clients use.
import { Type, type Static } from 'typebox'
import { PACKAGE_TYPES } from '../orders/order.ts'
import { Nullable } from '../orders/order.schemas.ts'

const Text = (maxLength: number) => Type.Optional(Nullable(Type.String({ maxLength })))
/** The same ceiling as intake's prices. */
export const MAX_CENTS = 100_000_000_000
const Cents = (minimum: number) => Type.Integer({ minimum, maximum: MAX_CENTS })
/** A date (2024-01-31) or a date and time (2024-01-31T18:25:43-05:00, 2022-10-01 21:15), as VTEX's examples write them. */
const DateText = Type.String({
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?)?(Z|[+-]\\d{2}:?\\d{2})?$',
  description: 'A date or a date and time, ISO 8601.',
})

/** VTEX breaks on other characters later (tracking updates, the invoiced transition); Ordo refuses them at once. */
export const INVOICE_NUMBER_PATTERN = '^[A-Za-z0-9._-]{1,64}$'

export const InvoiceBodySchema = Type.Object({
  type: Type.Optional(
    Type.Enum(PACKAGE_TYPES, { description: 'Output (a sale, the default) or Input (a return).' }),
  ),
  invoiceNumber: Type.String({
    pattern: INVOICE_NUMBER_PATTERN,
    description: 'Letters, digits, ".", "_" and "-", 1 to 64 of them.',
  }),
  invoiceValue: Type.Union([Type.Number(), Type.String({ maxLength: 20 })], {
    description: 'Cents, more than 0, as a number or a numeric string ("2499").',
  }),
  issuanceDate: DateText,
  invoiceKey: Text(200),
  invoiceUrl: Text(1000),
  embeddedInvoice: Text(65_536),
  courier: Text(200),
  trackingNumber: Text(200),
  trackingUrl: Text(1000),
  dispatchedDate: Type.Optional(Nullable(DateText)),
  dispatchDate: Type.Optional(Nullable(DateText)),
  cfop: Text(20),
  extraValue: Type.Optional(Nullable(Cents(0))),
  volumes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000 }))),
  items: Type.Optional(
    Nullable(
      Type.Array(
        Type.Object({
          id: Type.String({ minLength: 1, maxLength: 128 }),
          price: Cents(0),
          quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          description: Text(500),
        }),
        { maxItems: 500 },
      ),
    ),
  ),
})
export type InvoiceBody = Static<typeof InvoiceBodySchema>

export const InvoiceParams = Type.Object({
  orderId: Type.String({ minLength: 1, maxLength: 100 }),
  invoiceNumber: Type.String({ minLength: 1, maxLength: 100 }),
})

export const TrackingNumberBodySchema = Type.Object({
  trackingNumber: Type.String({ maxLength: 200 }),
  trackingUrl: Text(1000),
  courier: Text(200),
  dispatchedDate: Type.Optional(Nullable(DateText)),
  dispatchDate: Type.Optional(Nullable(DateText)),
})
export type TrackingNumberBody = Static<typeof TrackingNumberBodySchema>

export const TrackingStatusBodySchema = Type.Object({
  isDelivered: Type.Boolean(),
  deliveredDate: Type.Optional(Nullable(DateText)),
  events: Type.Optional(
    Type.Array(
      Type.Object({
        city: Text(100),
        state: Text(50),
        description: Type.String({ maxLength: 500 }),
        date: Type.String({ minLength: 1, maxLength: 40 }),
      }),
      { maxItems: 500 },
    ),
  ),
})
export type TrackingStatusBody = Static<typeof TrackingStatusBodySchema>
