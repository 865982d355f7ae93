// Wire format of an order: the Get order document of VTEX's Orders API, rendered from the typed order by
// order-document.ts. One schema gives the TS type, the response serialiser and the docs; enumerations come from
// the same lists as the domain types.
import { Type, type Static, type TSchema } from 'typebox'
import {
  DELIVERY_CHANNELS,
  LEDGER_ENTRY_TYPES,
  MODIFICATION_STATUSES,
  ORDER_ORIGINS,
  PACKAGE_TYPES,
  PAYMENT_GROUPS,
} from './order.ts'
import {
  CANCELLATION_REQUEST_ACTIONS,
  INVOICE_ACTIONS,
  MODIFICATION_ACTIONS,
  TRACKING_ACTIONS,
} from './order-event.ts'
import { ORDER_STATUSES } from './order-status.ts'

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const Money = Type.Integer({ description: 'Value in cents.' })

const AddressSchema = Type.Object({
  addressType: Type.String(),
  receiverName: Type.String(),
  addressId: Type.String(),
  versionId: Nullable(Type.String()),
  entityId: Nullable(Type.String()),
  postalCode: Type.String(),
  city: Type.String(),
  state: Type.String(),
  country: Type.String(),
  street: Type.String(),
  number: Type.String(),
  neighborhood: Type.String(),
  complement: Type.String(),
  reference: Nullable(Type.String()),
  geoCoordinates: Type.Array(Type.Number()),
})

const PriceDefinitionSchema = Type.Object({
  sellingPrices: Type.Array(Type.Object({ value: Money, quantity: Type.Integer() })),
  calculatedSellingPrice: Money,
  total: Money,
  reason: Nullable(Type.String()),
})

export const OrderItemSchema = Type.Object({
  uniqueId: Type.String(),
  id: Type.String(),
  productId: Type.String(),
  ean: Nullable(Type.String()),
  lockId: Type.String(),
  itemAttachment: Type.Object({
    content: Type.Record(Type.String(), Type.Unknown()),
    name: Nullable(Type.String()),
  }),
  attachments: Type.Array(Type.Unknown()),
  quantity: Type.Integer(),
  seller: Type.String(),
  name: Type.String(),
  refId: Type.String(),
  price: Money,
  listPrice: Money,
  manualPrice: Nullable(Type.String()),
  priceTags: Type.Array(Type.Unknown()),
  imageUrl: Type.String(),
  detailUrl: Type.String(),
  components: Type.Array(Type.Unknown()),
  bundleItems: Type.Array(Type.Unknown()),
  params: Type.Array(Type.Unknown()),
  offerings: Type.Array(Type.Unknown()),
  attachmentOfferings: Type.Array(Type.Unknown()),
  sellerSku: Type.String(),
  priceValidUntil: Nullable(Type.String()),
  commission: Type.Integer(),
  tax: Money,
  preSaleDate: Nullable(Type.String()),
  additionalInfo: Type.Object({
    brandName: Type.String(),
    brandId: Type.String(),
    categoriesIds: Type.String(),
    categories: Type.Array(Type.Object({ id: Type.Number(), name: Type.String() })),
    productClusterId: Type.String(),
    commercialConditionId: Type.String(),
    dimension: Type.Object({
      cubicweight: Type.Number(),
      height: Type.Number(),
      length: Type.Number(),
      weight: Type.Number(),
      width: Type.Number(),
    }),
    offeringInfo: Nullable(Type.String()),
    offeringType: Nullable(Type.String()),
    offeringTypeId: Nullable(Type.String()),
  }),
  measurementUnit: Type.String(),
  unitMultiplier: Type.Number(),
  sellingPrice: Money,
  isGift: Type.Boolean(),
  shippingPrice: Nullable(Type.String()),
  rewardValue: Type.Integer(),
  freightCommission: Type.Integer(),
  priceDefinitions: PriceDefinitionSchema,
  /** The name real payloads use; the reference documents `priceDefinitions`. */
  priceDefinition: PriceDefinitionSchema,
  taxCode: Nullable(Type.String()),
  parentItemIndex: Nullable(Type.Integer()),
  parentAssemblyBinding: Nullable(Type.String()),
  callCenterOperator: Nullable(Type.String()),
  serialNumbers: Nullable(Type.String()),
  assemblies: Type.Array(Type.Unknown()),
  costPrice: Money,
})

const DeliveryChannelSchema = Type.Enum(DELIVERY_CHANNELS)

const PickupStoreInfoSchema = Type.Object({
  additionalInfo: Nullable(Type.String()),
  address: Nullable(Type.Unknown()),
  dockId: Nullable(Type.String()),
  friendlyName: Nullable(Type.String()),
  isPickupStore: Type.Boolean(),
})

const SlaSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  shippingEstimate: Type.String(),
  deliveryWindow: Nullable(Type.String()),
  price: Money,
  selectedDeliveryChannel: DeliveryChannelSchema,
  deliveryChannel: DeliveryChannelSchema,
  pickupStoreInfo: PickupStoreInfoSchema,
  polygonName: Nullable(Type.String()),
  lockTTL: Type.String(),
  pickupPointId: Type.String(),
  transitTime: Type.String(),
  pickupDistance: Type.Number(),
})

export const LogisticsInfoSchema = Type.Object({
  itemIndex: Type.Integer(),
  selectedSla: Type.String(),
  lockTTL: Type.String(),
  price: Money,
  listPrice: Money,
  sellingPrice: Money,
  deliveryWindow: Nullable(Type.String()),
  deliveryCompany: Type.String(),
  shippingEstimate: Type.String(),
  shippingEstimateDate: Type.String(),
  slas: Type.Array(SlaSchema),
  shipsTo: Type.Array(Type.String()),
  deliveryIds: Type.Array(
    Type.Object({
      courierId: Type.String(),
      courierName: Type.String(),
      dockId: Type.String(),
      quantity: Type.Integer(),
      warehouseId: Type.String(),
      accountCarrierName: Type.String(),
      kitItemDetails: Nullable(Type.Array(Type.String())),
    }),
  ),
  deliveryChannels: Type.Array(Type.Object({ id: DeliveryChannelSchema, stockBalance: Type.Integer() })),
  selectedDeliveryChannel: DeliveryChannelSchema,
  deliveryChannel: DeliveryChannelSchema,
  pickupStoreInfo: PickupStoreInfoSchema,
  addressId: Nullable(Type.String()),
  versionId: Nullable(Type.String()),
  entityId: Nullable(Type.String()),
  polygonName: Nullable(Type.String()),
  pickupPointId: Nullable(Type.String()),
  transitTime: Nullable(Type.String()),
})

export const PaymentSchema = Type.Object({
  id: Type.String(),
  paymentSystem: Type.String(),
  paymentSystemName: Type.String(),
  value: Money,
  installments: Type.Integer(),
  referenceValue: Money,
  cardHolder: Nullable(Type.String()),
  cardNumber: Nullable(Type.String()),
  firstDigits: Nullable(Type.String()),
  lastDigits: Nullable(Type.String()),
  cvv2: Nullable(Type.String()),
  expireMonth: Nullable(Type.String()),
  expireYear: Nullable(Type.String()),
  url: Nullable(Type.String()),
  giftCardId: Nullable(Type.String()),
  giftCardName: Nullable(Type.String()),
  giftCardCaption: Nullable(Type.String()),
  redemptionCode: Nullable(Type.String()),
  group: Type.Enum(PAYMENT_GROUPS),
  tid: Type.String(),
  dueDate: Nullable(Type.String()),
  connectorResponses: Type.Record(Type.String(), Type.Unknown()),
  giftCardProvider: Nullable(Type.String()),
  giftCardAsDiscount: Nullable(Type.Boolean()),
  koinUrl: Nullable(Type.String()),
  accountId: Nullable(Type.String()),
  parentAccountId: Nullable(Type.String()),
  bankIssuedInvoiceIdentificationNumber: Nullable(Type.String()),
  bankIssuedInvoiceIdentificationNumberFormatted: Nullable(Type.String()),
  bankIssuedInvoiceBarCodeNumber: Nullable(Type.String()),
  bankIssuedInvoiceBarCodeType: Nullable(Type.String()),
  billingAddress: Nullable(Type.Unknown()),
  paymentOrigin: Nullable(Type.String()),
})

export const TransactionSchema = Type.Object({
  isActive: Type.Boolean(),
  transactionId: Type.String(),
  merchantName: Type.String(),
  payments: Type.Array(PaymentSchema),
})

export const CancellationDataSchema = Type.Object({
  RequestedByUser: Nullable(Type.Boolean()),
  RequestedBySystem: Nullable(Type.Boolean()),
  RequestedBySellerNotification: Nullable(Type.Boolean()),
  RequestedByPaymentNotification: Nullable(Type.Boolean()),
  Reason: Nullable(Type.String()),
  CancellationDate: Nullable(Type.String()),
})

/** Seller denials of cancellation requests, in the shape of the order-group and PII documents. */
export const CancellationRequestSchema = Type.Object({
  id: Type.String(),
  reason: Nullable(Type.String()),
  cancellationRequestDate: Type.String(),
  requestedByUser: Type.Boolean(),
  deniedBySeller: Type.Boolean(),
  deniedBySellerReason: Nullable(Type.String()),
  cancellationRequestDenyDate: Nullable(Type.String()),
})

/** A movement of an order's share of a payment: its ledger entry, shown by payment-transaction as an event. */
export const LedgerEntrySchema = Type.Object({
  type: Type.Enum(LEDGER_ENTRY_TYPES),
  paymentId: Type.String(),
  value: Type.Integer({ description: "Cents of this order's share of the payment." }),
  date: Type.String(),
})
export type LedgerEntry = Static<typeof LedgerEntrySchema>

export const PackageSchema = Type.Object({
  type: Type.Enum(PACKAGE_TYPES),
  invoiceNumber: Type.String(),
  invoiceValue: Money,
  invoiceKey: Nullable(Type.String()),
  invoiceUrl: Nullable(Type.String()),
  issuanceDate: Type.String(),
  items: Type.Array(
    Type.Object({
      itemIndex: Type.Integer(),
      quantity: Type.Integer(),
      price: Money,
      description: Nullable(Type.String()),
      unitMultiplier: Nullable(Type.Number()),
    }),
  ),
  courier: Nullable(Type.String()),
  trackingNumber: Nullable(Type.String()),
  trackingUrl: Nullable(Type.String()),
  dispatchedDate: Nullable(Type.String()),
  embeddedInvoice: Type.String(),
  courierStatus: Nullable(
    Type.Object({
      status: Nullable(Type.String()),
      finished: Type.Boolean(),
      deliveredDate: Type.Optional(Type.String()),
      data: Type.Array(
        Type.Object({
          lastChange: Type.String(),
          city: Nullable(Type.String()),
          state: Nullable(Type.String()),
          description: Type.String(),
          createDate: Type.String(),
        }),
      ),
    }),
  ),
  cfop: Nullable(Type.String()),
  restitutions: Type.Object({
    Refund: Type.Optional(
      Type.Object({
        value: Money,
        giftCardData: Nullable(Type.String()),
        items: Type.Array(
          Type.Object({
            id: Type.String(),
            quantity: Type.Integer(),
            price: Money,
            description: Type.String(),
            useFreight: Nullable(Type.Boolean()),
            isCompensation: Type.Boolean(),
            compensationValue: Money,
          }),
        ),
      }),
    ),
  }),
  volumes: Type.Integer(),
  extraValue: Money,
  EnableInferItems: Nullable(Type.Boolean()),
})

const ChangedItemSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  price: Money,
  unitMultiplier: Nullable(Type.String()),
})

/** Registered (v1) changes as Get order shows them: the reference's ChangesAttachmentUpdated. */
export const ChangesAttachmentSchema = Type.Object({
  id: Type.String(),
  changesData: Type.Array(
    Type.Object({
      reason: Type.String(),
      discountValue: Money,
      incrementValue: Money,
      itemsAdded: Type.Array(ChangedItemSchema),
      itemsRemoved: Type.Array(ChangedItemSchema),
      receipt: Type.Object({ date: Type.String(), orderId: Type.String(), receipt: Type.String() }),
    }),
  ),
})

const CurrencyFormatInfoSchema = Type.Object({
  CurrencyDecimalDigits: Type.Integer(),
  CurrencyDecimalSeparator: Type.String(),
  CurrencyGroupSeparator: Type.String(),
  CurrencyGroupSize: Type.Integer(),
  StartsWithCurrencySymbol: Type.Boolean(),
})
export type CurrencyFormatInfo = Static<typeof CurrencyFormatInfoSchema>

/** What each kind of order event records beside the fields every event has (order-event.ts). */
export const PaymentEventDataSchema = Type.Object({
  paymentId: Type.String(),
  action: Type.Enum(LEDGER_ENTRY_TYPES),
  value: Type.Integer({ description: "Cents of this order's share." }),
})
export const CancellationRequestEventDataSchema = Type.Object({
  requestId: Type.String(),
  action: Type.Enum(CANCELLATION_REQUEST_ACTIONS),
  reason: Nullable(Type.String()),
})
export const InteractionEventDataSchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 200 }),
  message: Type.String({ minLength: 1, maxLength: 10_000 }),
})
/** A field of a repeated invoice that differs from the invoice as stored: what the ignored body would have changed. */
const IgnoredFieldSchema = Type.Object({
  field: Type.String(),
  stored: Nullable(Type.Union([Type.String(), Type.Number()])),
  sent: Nullable(Type.Union([Type.String(), Type.Number()])),
})
export const InvoiceEventDataSchema = Type.Object({
  action: Type.Enum(INVOICE_ACTIONS, {
    description:
      '`issued`: a new invoice; `receipt`: the same invoiceNumber again, which only renews the receipt.',
  }),
  invoiceType: Type.Enum(PACKAGE_TYPES),
  invoiceNumber: Type.String(),
  invoiceValue: Type.Integer({ description: 'Cents, as stored.' }),
  receipt: Type.String(),
  ignored: Type.Array(IgnoredFieldSchema),
})
export const TrackingEventDataSchema = Type.Object({
  action: Type.Enum(TRACKING_ACTIONS, {
    description: "`tracking-number`: the carrier and tracking number; `status`: the carrier's events.",
  }),
  invoiceNumber: Type.String(),
  courier: Nullable(Type.String()),
  trackingNumber: Nullable(Type.String()),
  isDelivered: Type.Boolean(),
  newEvents: Type.Integer({ description: 'Carrier events this update added.' }),
})
const ChangedUnitsSchema = Type.Object({
  id: Type.String(),
  quantity: Type.Integer(),
  price: Type.Integer({ description: 'Unit price in cents.' }),
})
/** A marketplace order given to another seller. */
export const SellerChangeEventDataSchema = Type.Object({
  previousSellerId: Type.String(),
  sellerId: Type.String(),
})

export const ChangeEventDataSchema = Type.Object({
  requestId: Type.String(),
  receipt: Type.String(),
  reason: Type.String(),
  discountValue: Type.Integer(),
  incrementValue: Type.Integer(),
  itemsAdded: Type.Array(ChangedUnitsSchema),
  itemsRemoved: Type.Array(ChangedUnitsSchema),
  valueChange: Type.Integer({ description: "Cents the order's value moved by." }),
})

/** A step of an order modification (v2); `requested` and `retried` ask the worker to process it. */
export const ModificationEventDataSchema = Type.Object({
  requestId: Type.String(),
  action: Type.Enum(MODIFICATION_ACTIONS),
  status: Type.Enum(MODIFICATION_STATUSES),
  valueChange: Nullable(Type.Integer({ description: "Cents the order's value moved by, once done." })),
  message: Nullable(Type.String({ description: 'Why it was canceled.' })),
})

export const TOTAL_IDS = ['Items', 'Discounts', 'Shipping', 'Tax', 'Change'] as const

export const TotalSchema = Type.Object({
  id: Type.Enum(TOTAL_IDS),
  name: Type.String(),
  value: Money,
  alternativeTotals: Nullable(
    Type.Array(Type.Object({ id: Type.String(), name: Type.String(), value: Money })),
  ),
})

export const ClientProfileSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  documentType: Type.String(),
  document: Type.String(),
  phone: Type.String(),
  corporateName: Nullable(Type.String()),
  tradeName: Nullable(Type.String()),
  corporateDocument: Nullable(Type.String()),
  stateInscription: Nullable(Type.String()),
  corporatePhone: Nullable(Type.String()),
  isCorporate: Type.Boolean(),
  userProfileId: Type.String(),
  userProfileVersion: Nullable(Type.String()),
  customerClass: Nullable(Type.String()),
  customerCode: Nullable(Type.String()),
})

export const OrderDocumentSchema = Type.Object(
  {
    orderId: Type.String(),
    sequence: Type.String(),
    marketplaceOrderId: Type.String(),
    marketplaceServicesEndpoint: Type.String(),
    sellerOrderId: Type.String(),
    origin: Type.Enum(ORDER_ORIGINS),
    affiliateId: Type.String(),
    salesChannel: Type.String(),
    merchantName: Nullable(Type.String()),
    status: Type.Enum(ORDER_STATUSES),
    workflowIsInError: Type.Boolean(),
    statusDescription: Type.String(),
    value: Money,
    creationDate: Type.String(),
    lastChange: Type.String(),
    orderGroup: Type.String(),
    followUpEmail: Type.String(),
    lastMessage: Nullable(Type.String()),
    hostname: Type.String(),
    isCompleted: Type.Boolean(),
    roundingError: Type.Integer(),
    orderFormId: Type.String(),
    allowCancellation: Type.Boolean(),
    allowEdition: Type.Boolean(),
    isCheckedIn: Type.Boolean(),
    authorizedDate: Nullable(Type.String()),
    invoicedDate: Nullable(Type.String()),
    cancelReason: Nullable(Type.String()),
    checkedInPickupPointId: Nullable(Type.String()),
    totals: Type.Array(TotalSchema),
    sellers: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        logo: Nullable(Type.String()),
        fulfillmentEndpoint: Type.String(),
      }),
    ),
    clientPreferencesData: Type.Object({ locale: Type.String(), optinNewsLetter: Type.Boolean() }),
    cancellationData: Nullable(CancellationDataSchema),
    cancellationRequests: Nullable(Type.Array(CancellationRequestSchema)),
    taxData: Nullable(Type.Unknown()),
    subscriptionData: Nullable(Type.Unknown()),
    itemMetadata: Type.Object({ Items: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
    marketplace: Nullable(
      Type.Object({ baseURL: Type.String(), isCertified: Nullable(Type.Boolean()), name: Type.String() }),
    ),
    storePreferencesData: Type.Object({
      countryCode: Type.String(),
      currencyCode: Type.String(),
      currencyFormatInfo: CurrencyFormatInfoSchema,
      currencyLocale: Type.Integer(),
      currencySymbol: Type.String(),
      timeZone: Type.String(),
    }),
    customData: Nullable(Type.Unknown()),
    commercialConditionData: Nullable(Type.String()),
    openTextField: Nullable(Type.Record(Type.String(), Type.String())),
    invoiceData: Nullable(Type.Unknown()),
    changesAttachment: Nullable(ChangesAttachmentSchema),
    callCenterOperatorData: Nullable(Type.Unknown()),
    packageAttachment: Type.Object({ packages: Type.Array(PackageSchema) }),
    paymentData: Type.Object({
      giftCards: Nullable(Type.Array(Type.Unknown())),
      transactions: Type.Array(TransactionSchema),
    }),
    shippingData: Type.Object({
      id: Type.String(),
      address: AddressSchema,
      logisticsInfo: Type.Array(LogisticsInfoSchema),
      trackingHints: Nullable(Type.Array(Type.Unknown())),
      selectedAddresses: Type.Array(AddressSchema),
      contactInformation: Type.Array(Type.Unknown()),
    }),
    ratesAndBenefitsData: Type.Object({
      id: Type.String(),
      rateAndBenefitsIdentifiers: Type.Array(Type.Unknown()),
    }),
    marketingData: Nullable(Type.Unknown()),
    giftRegistryData: Nullable(Type.Unknown()),
    clientProfileData: ClientProfileSchema,
    items: Type.Array(OrderItemSchema),
    marketplaceItems: Type.Array(Type.Unknown()),
    authorizationPolicyData: Type.Array(Type.Unknown()),
  },
  { description: 'An order, as VTEX Get order returns it.' },
)

/** The order-group endpoint's shape of cancellation data (the reference's CancellationDataUpdated): camelCase. */
export const GroupCancellationDataSchema = Type.Object({
  requestedByUser: Type.Boolean(),
  requestedBySystem: Nullable(Type.Boolean()),
  requestedBySellerNotification: Nullable(Type.Boolean()),
  requestedByPaymentNotification: Nullable(Type.Boolean()),
  reason: Type.Optional(Type.String()),
  cancellationDate: Type.String(),
  cancellationRequestId: Type.Optional(Type.String()),
})

/** An order as the order-group endpoint returns it: the Get order document with the newer cancellation data. */
export const GroupOrderDocumentSchema = Type.Object(
  { ...OrderDocumentSchema.properties, cancellationData: Nullable(GroupCancellationDataSchema) },
  { description: 'An order of an order group.' },
)

export type OrderDocument = Static<typeof OrderDocumentSchema>
export type GroupOrderDocument = Static<typeof GroupOrderDocumentSchema>
export type ItemDocument = Static<typeof OrderItemSchema>
export type LogisticsInfoDocument = Static<typeof LogisticsInfoSchema>
export type PaymentDocument = Static<typeof PaymentSchema>
export type TransactionDocument = Static<typeof TransactionSchema>
export type PaymentEventData = Static<typeof PaymentEventDataSchema>
export type CancellationRequestEventData = Static<typeof CancellationRequestEventDataSchema>
export type InteractionEventData = Static<typeof InteractionEventDataSchema>
export type InvoiceEventData = Static<typeof InvoiceEventDataSchema>
export type TrackingEventData = Static<typeof TrackingEventDataSchema>
export type ChangeEventData = Static<typeof ChangeEventDataSchema>
export type SellerChangeEventData = Static<typeof SellerChangeEventDataSchema>
export type ModificationEventData = Static<typeof ModificationEventDataSchema>
export type ChangesAttachmentDocument = Static<typeof ChangesAttachmentSchema>
export type PackageDocument = Static<typeof PackageSchema>
export type CancellationRequest = Static<typeof CancellationRequestSchema>

export const OrderIdParams = Type.Object({
  orderId: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'Order id (for example 1172452900788-01) or seq{sequence} (for example seq501456).',
  }),
})
