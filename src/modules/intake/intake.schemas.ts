// Wire format of Ordo's order intake (POST /api/oms/pvt/orders). Unknown fields are accepted and ignored.
import { Type, type Static, type TProperties } from 'typebox'
import { DELIVERY_CHANNELS, ORDER_ORIGINS, PAYMENT_GROUPS } from '../orders/order.ts'
import { MAX_ITEMS, MAX_SELLERS } from './intake.ts'

/** Unknown fields are dropped before validation (Fastify's removeAdditional), so clients may send extra data. */
const Closed = <P extends TProperties>(properties: P, options: { description?: string } = {}) =>
  Type.Object(properties, { ...options, additionalProperties: false })

const Id = Type.String({ minLength: 1, maxLength: 128 })
const Text = Type.String({ maxLength: 1000 })
const Cents = Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Value in cents.' })

export const IntakeItemSchema = Closed({
  id: Id,
  productId: Type.Optional(Id),
  name: Type.String({ minLength: 1, maxLength: 500 }),
  seller: Type.Optional(Id),
  quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  price: Cents,
  listPrice: Type.Optional(Cents),
  sellingPrice: Type.Optional(Cents),
  tax: Type.Optional(Cents),
  refId: Type.Optional(Text),
  ean: Type.Optional(Text),
  imageUrl: Type.Optional(Text),
  detailUrl: Type.Optional(Text),
  measurementUnit: Type.Optional(Type.String({ maxLength: 20 })),
  unitMultiplier: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  isGift: Type.Optional(Type.Boolean()),
})

export const IntakeAddressSchema = Closed({
  addressType: Type.Optional(Type.String({ maxLength: 50 })),
  receiverName: Type.String({ minLength: 1, maxLength: 200 }),
  postalCode: Type.String({ minLength: 1, maxLength: 20 }),
  city: Type.String({ minLength: 1, maxLength: 200 }),
  state: Type.String({ maxLength: 100 }),
  country: Type.String({ minLength: 2, maxLength: 3 }),
  street: Type.String({ minLength: 1, maxLength: 300 }),
  number: Type.Optional(Type.String({ maxLength: 50 })),
  neighborhood: Type.Optional(Type.String({ maxLength: 200 })),
  complement: Type.Optional(Type.String({ maxLength: 300 })),
  reference: Type.Optional(Type.String({ maxLength: 300 })),
  geoCoordinates: Type.Optional(
    Type.Union(
      [
        Type.Tuple([
          Type.Number({ minimum: -180, maximum: 180, description: 'Longitude.' }),
          Type.Number({ minimum: -90, maximum: 90, description: 'Latitude.' }),
        ]),
        Type.Array(Type.Number(), { maxItems: 0 }),
      ],
      { description: '[longitude, latitude], or [] when unknown.' },
    ),
  ),
})

export const IntakeLogisticsSchema = Closed({
  itemIndex: Type.Integer({ minimum: 0 }),
  selectedSla: Type.String({ minLength: 1, maxLength: 200 }),
  price: Cents,
  listPrice: Type.Optional(Cents),
  sellingPrice: Type.Optional(Cents),
  shippingEstimate: Type.String({
    pattern: '^\\d{1,4}(bd|d|h|m)$',
    maxLength: 6,
    description: 'For example 3bd (business days) or 2d; at most 4 digits.',
  }),
  deliveryCompany: Type.Optional(Text),
  lockTTL: Type.Optional(Type.String({ maxLength: 20 })),
  selectedDeliveryChannel: Type.Optional(Type.Enum(DELIVERY_CHANNELS, { default: 'delivery' })),
})

export const IntakePaymentSchema = Closed({
  paymentSystem: Type.String({ minLength: 1, maxLength: 50 }),
  paymentSystemName: Type.String({ minLength: 1, maxLength: 200 }),
  group: Type.Enum(PAYMENT_GROUPS),
  value: Type.Integer({ minimum: 1, maximum: 100_000_000_000 }),
  installments: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  status: Type.Optional(
    Type.Enum(['pending', 'approved'], {
      description:
        "`approved`: the storefront's gateway approved it before placing the order (a captured card); the order then waits for no payment notification. Default `pending`.",
    }),
  ),
  dueDate: Type.Optional(Type.String({ maxLength: 40 })),
  tid: Type.Optional(Type.String({ maxLength: 100 })),
})

export const IntakeBodySchema = Closed(
  {
    marketplaceOrderId: Type.Optional(Id),
    salesChannel: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    affiliateId: Type.Optional(Type.String({ maxLength: 20 })),
    origin: Type.Optional(Type.Enum(ORDER_ORIGINS)),
    followUpEmail: Type.Optional(Type.String({ maxLength: 320 })),
    marketplaceServicesEndpoint: Type.Optional(Text),
    items: Type.Array(IntakeItemSchema, { minItems: 1, maxItems: MAX_ITEMS }),
    sellers: Type.Optional(
      Type.Array(Closed({ id: Id, name: Type.String({ minLength: 1, maxLength: 200 }) }), {
        maxItems: MAX_SELLERS,
      }),
    ),
    clientProfileData: Closed({
      email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }),
      firstName: Type.String({ minLength: 1, maxLength: 200 }),
      lastName: Type.Optional(Type.String({ maxLength: 200 })),
      document: Type.Optional(Type.String({ maxLength: 50 })),
      documentType: Type.Optional(Type.String({ maxLength: 20 })),
      phone: Type.Optional(Type.String({ maxLength: 50 })),
      isCorporate: Type.Optional(Type.Boolean()),
      corporateName: Type.Optional(Type.String({ maxLength: 200 })),
      tradeName: Type.Optional(Type.String({ maxLength: 200 })),
      corporateDocument: Type.Optional(Type.String({ maxLength: 50 })),
      stateInscription: Type.Optional(Type.String({ maxLength: 50 })),
      corporatePhone: Type.Optional(Type.String({ maxLength: 50 })),
    }),
    shippingData: Closed({
      address: IntakeAddressSchema,
      logisticsInfo: Type.Array(IntakeLogisticsSchema, { minItems: 1, maxItems: MAX_ITEMS }),
    }),
    paymentData: Closed({
      payments: Type.Array(IntakePaymentSchema, { maxItems: 20 }),
    }),
    clientPreferencesData: Type.Optional(
      Closed({
        locale: Type.Optional(
          Type.String({ minLength: 2, maxLength: 35, description: 'BCP 47 tag, e.g. pt-BR. Default pt-BR.' }),
        ),
        optinNewsLetter: Type.Optional(Type.Boolean()),
      }),
    ),
    storePreferencesData: Type.Optional(
      Closed({
        countryCode: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
        currencyCode: Type.Optional(
          Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. BRL. Default BRL.' }),
        ),
        currencySymbol: Type.Optional(Type.String({ maxLength: 5 })),
        timeZone: Type.Optional(Type.String({ maxLength: 100 })),
      }),
    ),
    openTextField: Type.Optional(
      Type.Union([
        // TypeBox writes a string-keyed record as the key pattern `^.*$`, which a key holding a line break
        // does not match, so its value would go unchecked: this pattern matches every key.
        Type.Record(Type.String({ pattern: '^[\\s\\S]*$' }), Type.String({ maxLength: 2000 }), {
          maxProperties: 10,
          propertyNames: { maxLength: 100 },
          description:
            'Free text, usually {"value": "..."}: at most 10 keys of 100 characters, values of 2000.',
        }),
        Type.Null(),
      ]),
    ),
  },
  { description: 'An order to place. It is split into one order per seller, all in one order group.' },
)

export type IntakeBody = Static<typeof IntakeBodySchema>
export type IntakeItem = Static<typeof IntakeItemSchema>
export type IntakeLogistics = Static<typeof IntakeLogisticsSchema>
export type IntakePayment = Static<typeof IntakePaymentSchema>
