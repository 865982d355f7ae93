// Wire format of an order: the Get order document of VTEX's Orders API. One schema gives the TS type and the docs.
import { Type, type Static, type TSchema } from 'typebox'

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
  priceDefinitions: Type.Object({
    sellingPrices: Type.Array(Type.Object({ value: Money, quantity: Type.Integer() })),
    calculatedSellingPrice: Money,
    total: Money,
  }),
  taxCode: Nullable(Type.String()),
  parentItemIndex: Nullable(Type.Integer()),
  parentAssemblyBinding: Nullable(Type.String()),
  callCenterOperator: Nullable(Type.String()),
  serialNumbers: Nullable(Type.String()),
  assemblies: Type.Array(Type.Unknown()),
  costPrice: Money,
})

const SlaSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  shippingEstimate: Type.String(),
  deliveryWindow: Nullable(Type.String()),
  price: Money,
  selectedDeliveryChannel: Type.String(),
  pickupStoreInfo: Type.Object({
    additionalInfo: Nullable(Type.String()),
    address: Nullable(Type.Unknown()),
    dockId: Nullable(Type.String()),
    friendlyName: Nullable(Type.String()),
    isPickupStore: Type.Boolean(),
  }),
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
  deliveryChannels: Type.Array(Type.Object({ id: Type.String(), stockBalance: Type.Integer() })),
  selectedDeliveryChannel: Type.String(),
  pickupStoreInfo: Nullable(Type.Unknown()),
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
  group: Type.String(),
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

export const TotalSchema = Type.Object({
  id: Type.Union([
    Type.Literal('Items'),
    Type.Literal('Discounts'),
    Type.Literal('Shipping'),
    Type.Literal('Tax'),
  ]),
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
    origin: Type.Union([Type.Literal('Marketplace'), Type.Literal('Fulfillment'), Type.Literal('Chain')]),
    affiliateId: Type.String(),
    salesChannel: Type.String(),
    merchantName: Nullable(Type.String()),
    status: Type.String(),
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
      currencyFormatInfo: Type.Object({
        CurrencyDecimalDigits: Type.Integer(),
        CurrencyDecimalSeparator: Type.String(),
        CurrencyGroupSeparator: Type.String(),
        CurrencyGroupSize: Type.Integer(),
        StartsWithCurrencySymbol: Type.Boolean(),
      }),
      currencyLocale: Type.Integer(),
      currencySymbol: Type.String(),
      timeZone: Type.String(),
    }),
    customData: Nullable(Type.Unknown()),
    commercialConditionData: Nullable(Type.String()),
    openTextField: Nullable(Type.Record(Type.String(), Type.String())),
    invoiceData: Nullable(Type.Unknown()),
    changesAttachment: Nullable(Type.Unknown()),
    callCenterOperatorData: Nullable(Type.Unknown()),
    packageAttachment: Nullable(
      Type.Object({ packages: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
    ),
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

export type OrderDocument = Static<typeof OrderDocumentSchema>
export type OrderItem = Static<typeof OrderItemSchema>
export type LogisticsInfo = Static<typeof LogisticsInfoSchema>
export type Payment = Static<typeof PaymentSchema>
export type Address = Static<typeof AddressSchema>
export type Total = Static<typeof TotalSchema>
export type CancellationData = Static<typeof CancellationDataSchema>
export type CancellationRequest = Static<typeof CancellationRequestSchema>
export type ClientProfile = Static<typeof ClientProfileSchema>

export const OrderIdParams = Type.Object({
  orderId: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'Order id (for example 1172452900788-01) or seq{sequence} (for example seq501456).',
  }),
})
