// Wire formats of order modifications (v2, the order-system API): the change request (VTEX's Createchange,
// with add and remove as its description shows them), the account's settings, and the answers, shaped so that
// each validates against the reference's schema for its operation (docs/compatibility.md says where those
// schemas disagree and which shape Ordo chose).
import { Type, type Static, type TSchema } from 'typebox'
import { DELIVERY_CHANNELS, MODIFICATION_STATUSES } from '../orders/order.ts'
import { Nullable } from '../orders/order.schemas.ts'

const Cents = Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Cents, 0 or more.' })
const Text = (maxLength: number) => Type.String({ maxLength })
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema)

const ClientProfileChange = Type.Object({
  firstName: Opt(Text(200)),
  lastName: Opt(Text(200)),
  documentType: Opt(Text(50)),
  document: Opt(Text(50)),
  phone: Opt(Text(50)),
  corporateName: Opt(Text(200)),
  tradeName: Opt(Text(200)),
  corporateDocument: Opt(Text(50)),
  stateInscription: Opt(Text(50)),
  corporatePhone: Opt(Text(50)),
  isCorporate: Opt(Type.Boolean()),
})
export type ClientProfileChangeBody = Static<typeof ClientProfileChange>

const ClientProfileData = Type.Array(ClientProfileChange, {
  maxItems: 1,
  description: "The customer's data as it becomes: the fields sent replace the order's.",
})

const CustomData = Opt(
  Type.Unknown({ description: 'Refused: Ordo orders carry no custom data, so there is none to change.' }),
)

const ItemRef = {
  id: Type.String({ minLength: 1, maxLength: 128, description: 'SKU id.' }),
  uniqueId: Opt(
    Type.String({ minLength: 1, maxLength: 128, description: "The order line's uniqueId: which line." }),
  ),
  quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
}

const FromSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      ...ItemRef,
      price: Opt(Type.Integer({ description: "Ignored: units leave at their line's price." })),
    }),
    { maxItems: 100 },
  ),
  customData: CustomData,
})

const ToSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      ...ItemRef,
      price: Opt({
        ...Cents,
        description: "Unit price in cents; without it, the price of the order's line of the SKU.",
      }),
      measurementUnit: Opt(Type.String({ minLength: 1, maxLength: 20 })),
      unitMultiplier: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 })),
      manualDiscountValue: Opt({ ...Cents, description: 'Added to the request’s manualDiscountValue.' }),
      manualIncrementValue: Opt({ ...Cents, description: 'Added to the request’s manualIncrementValue.' }),
      clientProfileData: Opt(ClientProfileData),
    }),
    { maxItems: 100 },
  ),
  shippingData: Opt(
    Type.Object({
      logisticsInfo: Type.Array(
        Type.Object({
          itemIndex: Type.Integer({ minimum: 0, maximum: 99, description: 'The item’s place in `items`.' }),
          selectedSla: Type.String({ minLength: 1, maxLength: 100 }),
          selectedDeliveryChannel: Type.Enum(DELIVERY_CHANNELS),
          addressId: Type.String({ minLength: 1, maxLength: 100 }),
          price: { ...Cents, description: 'Shipping price of the item, in cents.' },
        }),
        { maxItems: 100 },
      ),
    }),
  ),
  clientProfileData: Opt(ClientProfileData),
  customData: CustomData,
})

const SystemIds = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 100 })
const Workspaces = Type.Object({ enabledWorkspaces: Opt(SystemIds) })

/** The account's settings as PUT sends them, or a request's overrides of them; every field may be left out. */
export const SettingsBodySchema = Type.Object({
  paymentConfiguration: Opt(Type.Object({ customPaymentSystemsAllowed: Opt(SystemIds) })),
  rolloutConfiguration: Opt(
    Type.Object({
      enableApi: Opt(Type.Boolean()),
      enableAdminOrders: Opt(Workspaces),
      enableMyOrders: Opt(Workspaces),
    }),
  ),
  pipelineConfiguration: Opt(
    Type.Object({
      enableTaxHubRecalculation: Opt(Type.Boolean()),
      compensateShippingChanges: Opt(Type.Boolean()),
      enablePromotionRecalculation: Opt(Type.Boolean()),
      enableNativeTaxRecalculation: Opt(Type.Boolean()),
    }),
  ),
})
export type SettingsBody = Static<typeof SettingsBodySchema>

export const ChangeBodySchema = Type.Object({
  reason: Type.String({
    maxLength: 2000,
    description: 'Why the order is modified; the customer may see it.',
  }),
  add: Opt(ToSchema),
  remove: Opt(FromSchema),
  replace: Opt(Type.Array(Type.Object({ from: FromSchema, to: ToSchema }), { maxItems: 50 })),
  manualDiscountValue: Opt(Cents),
  manualIncrementValue: Opt(Cents),
  settings: Opt(SettingsBodySchema),
})
export type ChangeBody = Static<typeof ChangeBodySchema>

export const CancelChangeBodySchema = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why; the customer does not see it.' }),
})

export const ChangeParams = Type.Object({
  changeOrderId: Type.String({ minLength: 1, maxLength: 100, description: 'The order id.' }),
})

export const ChangeRequestParams = Type.Object({
  ...ChangeParams.properties,
  changeRequestId: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'The requestId PATCH answered.',
  }),
})

/** `an` as every order-system call takes it; PATCH names it `accountName`. The guard checks it. */
export const AccountQuery = Type.Object({
  an: Opt(Type.String({ maxLength: 100 })),
  accountName: Opt(Type.String({ maxLength: 100 })),
})

// Answers.

export const SettingsSchema = Type.Object({
  paymentConfiguration: Type.Object({ customPaymentSystemsAllowed: Type.Array(Type.String()) }),
  rolloutConfiguration: Type.Object({
    usingDefaultBehavior: Type.Boolean(),
    enableApi: Type.Boolean(),
    enableAdminOrders: Type.Object({ enabledWorkspaces: Type.Array(Type.String()) }),
    enableMyOrders: Type.Object({ enabledWorkspaces: Type.Array(Type.String()) }),
  }),
  pipelineConfiguration: Type.Object({
    enableTaxHubRecalculation: Type.Boolean(),
    compensateShippingChanges: Type.Boolean(),
    enablePromotionRecalculation: Type.Boolean(),
    enableNativeTaxRecalculation: Type.Boolean(),
  }),
})
export type ModificationSettingsDocument = Static<typeof SettingsSchema>

const Str = Type.String()
const NStr = Nullable(Type.String())
const NInt = Nullable(Type.Integer())

const PickupStoreInfo = Type.Object({
  isPickupStore: Nullable(Type.Boolean()),
  friendlyName: NStr,
  address: NStr,
  additionalInfo: NStr,
  dockId: NStr,
})

const Sla = Type.Object({
  id: Str,
  deliveryChannel: Str,
  name: Str,
  deliveryIds: Type.Array(Type.Unknown()),
  shippingEstimate: NStr,
  shippingEstimateDate: NStr,
  lockTTL: NStr,
  availableDeliveryWindows: Type.Array(Type.Unknown()),
  deliveryWindow: Nullable(Type.Unknown()),
  price: Type.Integer(),
  listPrice: Type.Integer(),
  tax: Type.Integer(),
  pickupStoreInfo: PickupStoreInfo,
  pickupPointId: NStr,
  pickupDistance: Nullable(Type.Number()),
  polygonName: NStr,
  transitTime: NStr,
})

const LogisticsInfoSchema = Type.Object({
  itemIndex: Type.Integer({ description: 'The item’s place in `to.items`.' }),
  selectedSla: Str,
  selectedDeliveryChannel: Str,
  addressId: Str,
  slas: Type.Array(Sla),
  shipsTo: Type.Array(Str),
  itemId: Str,
  deliveryChannels: Type.Array(Type.Object({ id: Str })),
  price: Type.Integer(),
  listPrice: Type.Integer(),
  shippingEstimate: NStr,
  dockEstimate: NStr,
  shippingEstimateDate: NStr,
  lockTTL: NStr,
  deliveryCompany: NStr,
  polygonName: NStr,
  transitTime: NStr,
  sellingPrice: Type.Integer(),
  deliveryIds: Type.Array(Type.Unknown()),
  deliveryWindow: NStr,
  pickupPointId: NStr,
  pickupStoreInfo: PickupStoreInfo,
  pickupDistance: Nullable(Type.Number()),
})
export type LogisticsInfoDocument = Static<typeof LogisticsInfoSchema>

/** Units that leave, as the reference's Item4 (price is null: it is typed text in some schemas, a number in others). */
const FromItemSchema = Type.Object({
  id: Str,
  uniqueId: Str,
  quantity: Type.Integer(),
  price: Type.Null(),
  measurementUnit: NStr,
  unitMultiplier: Type.Number(),
  sellingPrice: Type.Integer(),
  name: NStr,
  detailUrl: NStr,
  imageUrl: NStr,
})
export type FromItemDocument = Static<typeof FromItemSchema>

const AdditionalInfo = Type.Object({
  dimension: NStr,
  brandName: NStr,
  brandId: NStr,
  offeringInfo: NStr,
  offeringType: NStr,
  offeringTypeId: NStr,
  categoriesIds: NStr,
  productClusterId: NStr,
  commercialConditionId: NStr,
})

/** Units that join, as the reference's Item3. */
const ToItemSchema = Type.Object({
  uniqueId: Str,
  id: Str,
  productId: NStr,
  productRefId: NStr,
  refId: NStr,
  ean: NStr,
  name: NStr,
  skuName: NStr,
  modalType: NStr,
  parentItemIndex: NInt,
  parentAssemblyBinding: NStr,
  assemblies: Nullable(Type.Array(Type.Unknown())),
  priceValidUntil: NStr,
  tax: Type.Integer(),
  price: NInt,
  listPrice: NInt,
  manualPrice: NInt,
  manualPriceAppliedBy: NStr,
  sellingPrice: NInt,
  rewardValue: Type.Integer(),
  isGift: Type.Boolean(),
  additionalInfo: AdditionalInfo,
  preSaleDate: NStr,
  productCategoryIds: NStr,
  productCategories: Type.Record(Type.String(), Type.String()),
  quantity: Type.Integer(),
  seller: NStr,
  sellerChain: Nullable(Type.Array(Type.String())),
  imageUrl: NStr,
  detailUrl: NStr,
  components: Type.Array(Type.Unknown()),
  bundleItems: Type.Array(Type.Unknown()),
  attachments: Type.Array(Type.Unknown()),
  attachmentOfferings: Type.Array(Type.Unknown()),
  offerings: Type.Array(Type.Unknown()),
  priceTags: Type.Array(Type.Unknown()),
  availability: NStr,
  measurementUnit: Str,
  unitMultiplier: Type.Number(),
  manufacturerCode: NStr,
  priceDefinition: NStr,
})
export type ToItemDocument = Static<typeof ToItemSchema>

const Transactions = Type.Object({ transactions: Type.Array(Type.String()) })

const ReplaceSchema = Type.Object({
  from: Type.Object({
    paymentData: Transactions,
    items: Type.Array(FromItemSchema),
    shippingData: Type.Object({ logisticsInfo: Type.Array(Type.Unknown()) }),
  }),
  to: Type.Object({
    items: Type.Array(ToItemSchema),
    paymentData: Transactions,
    receiptData: Type.Null(),
    shippingData: Type.Object({ logisticsInfo: Type.Array(LogisticsInfoSchema) }),
  }),
})

const TotalSchema = Type.Object({ id: Str, name: Str, value: Type.Integer() })

const Origin = Type.Object({ account: Str, orderId: Str, component: Str })

/** What every answer about a request carries; add and remove are null: each operation is an entry of replace. */
const RequestFields = {
  reason: Str,
  manualDiscountValue: Type.Integer(),
  manualIncrementValue: Type.Integer(),
  totalChangeValue: Type.Integer({ description: "Cents the order's value moves by." }),
  add: Type.Null(),
  remove: Type.Null(),
  replace: Type.Array(ReplaceSchema),
  date: Str,
  origin: Origin,
}

/** PATCH's 202: the request as accepted (the reference types its totals as text, so they are left to the details). */
export const AcceptedChangeSchema = Type.Object({
  requestId: Str,
  workflowId: Str,
  ...RequestFields,
  totals: Type.Array(Type.String()),
  settings: SettingsSchema,
})

export const PreviewSchema = Type.Object({
  ...RequestFields,
  totals: Type.Array(TotalSchema),
  settings: SettingsSchema,
})

/** A request as the history lists it; its status is Ordo's addition. */
export const ChangeRequestSchema = Type.Object({
  requestId: Str,
  workflowId: Str,
  status: Type.Enum(MODIFICATION_STATUSES),
  ...RequestFields,
  totals: Type.Array(TotalSchema),
  settings: Type.Object({ customPaymentSystemsAllowed: Type.Array(Type.String()) }),
})
export type ChangeRequestDocument = Static<typeof ChangeRequestSchema>

export const ChangeDetailSchema = Type.Object({
  ...ChangeRequestSchema.properties,
  inProgress: Type.Boolean(),
  finished: Type.Boolean({ description: 'Not inProgress: done or canceled.' }),
  logs: Type.Array(Type.Object({ date: Str, status: Type.Enum(MODIFICATION_STATUSES), message: Str })),
  cancellationData: Nullable(
    Type.Object({
      reason: Str,
      code: NStr,
      date: Str,
      requestedByUser: Type.Boolean({ description: 'Canceled through POST …/cancel.' }),
    }),
  ),
})

export const ChangeHistorySchema = Type.Object({
  requests: Type.Array(ChangeRequestSchema, { description: 'Every modification asked for, oldest first.' }),
  actions: Type.Array(Type.Unknown(), { description: 'Always empty.' }),
})

const SummaryLine = Type.Object({
  id: Str,
  uniqueId: Str,
  quantity: Type.Integer(),
  price: Type.Integer(),
  measurementUnit: Str,
  unitMultiplier: Type.Number(),
  imageUrl: Str,
  sellingPrice: Type.Integer(),
  priceTags: Type.Array(Type.Unknown()),
  detailUrl: Str,
  name: Str,
  refId: Str,
  deliveryIds: Type.Null(),
})
export type SummaryLineDocument = Static<typeof SummaryLine>

const REPLACE_TYPES = ['ItemReplacement', 'WeightChange', 'PriceChange', 'QuantityChange'] as const
export type ReplaceType = (typeof REPLACE_TYPES)[number]

export const ChangeSummarySchema = Type.Object({
  original: Type.Array(
    Type.Object({
      ...SummaryLine.properties,
      totalQuantity: Type.Integer(),
      itemIndex: Type.Integer(),
      productId: Str,
      ean: NStr,
      seller: Str,
      sellerSku: Str,
      listPrice: Type.Integer(),
      tax: Type.Integer(),
      isGift: Type.Boolean(),
    }),
  ),
  added: Type.Array(SummaryLine),
  removed: Type.Array(SummaryLine),
  replaced: Type.Array(
    Type.Object({
      replaceType: Type.Enum(REPLACE_TYPES),
      userInputType: Type.Enum(REPLACE_TYPES),
      from: Type.Object({ items: Type.Array(SummaryLine), shippingData: Type.Null() }),
      to: Type.Object({ items: Type.Array(SummaryLine), shippingData: Type.Null() }),
      type: Type.Literal('UserInput'),
    }),
  ),
  manualDiscountValueAggregated: Type.Integer(),
  manualIncrementValueAggregated: Type.Integer(),
  totalChangeValueAggregated: Type.Integer(),
  totals: Type.Array(
    Type.Array(
      Type.Object({
        id: Type.Enum(['Items', 'Discounts', 'Shipping', 'Tax'] as const),
        name: Str,
        value: Type.Integer(),
        alternativeTotals: Type.Null(),
      }),
    ),
    {
      description:
        "What the done modifications moved each total by, as one group (the reference's schema nests them); the manual values are apart.",
    },
  ),
  lastChange: Str,
})
export type ChangeSummaryDocument = Static<typeof ChangeSummarySchema>
export type AcceptedChange = Static<typeof AcceptedChangeSchema>
export type PreviewDocument = Static<typeof PreviewSchema>
export type ChangeDetail = Static<typeof ChangeDetailSchema>
