// Between the order-system API's wire format and order modifications: the request read from its body, the
// account's settings with a request's overrides, and the answers rendered from the order. Pure.
import { validationFailed, type ErrorCode } from '../../platform/errors.ts'
import type {
  Logistics,
  Modification,
  ModificationLine,
  ModificationOutcome,
  ModificationRequest,
  ModificationSettings,
  ModificationTarget,
  Order,
  OrderItem,
} from '../orders/order.ts'
import { isInProgress } from '../orders/order-modification.ts'
import type {
  AcceptedChange,
  ChangeBody,
  ChangeDetail,
  ChangeRequestDocument,
  ChangeSummaryDocument,
  ClientProfileChangeBody,
  FromItemDocument,
  LogisticsInfoDocument,
  ModificationSettingsDocument,
  PreviewDocument,
  ReplaceType,
  SettingsBody,
  SummaryLineDocument,
  ToItemDocument,
} from './modification.schemas.ts'

/** What an account that never saved its settings gets: the API on, nothing recalculated, shipping charged. */
export const DEFAULT_SETTINGS: ModificationSettingsDocument = {
  paymentConfiguration: { customPaymentSystemsAllowed: [] },
  rolloutConfiguration: {
    usingDefaultBehavior: true,
    enableApi: true,
    enableAdminOrders: { enabledWorkspaces: ['*'] },
    enableMyOrders: { enabledWorkspaces: [] },
  },
  pipelineConfiguration: {
    enableTaxHubRecalculation: false,
    compensateShippingChanges: false,
    enablePromotionRecalculation: false,
    enableNativeTaxRecalculation: false,
  },
}

/** `base` with the fields `body` sends; what it leaves out keeps base's value. */
export function withSettings(
  base: ModificationSettingsDocument,
  body: SettingsBody | undefined,
): ModificationSettingsDocument {
  if (!body) return base
  const payment = body.paymentConfiguration
  const rollout = body.rolloutConfiguration
  const pipeline = body.pipelineConfiguration
  const kept = base.pipelineConfiguration
  const workspaces = (
    sent: { enabledWorkspaces?: string[] } | undefined,
    kept: { enabledWorkspaces: string[] },
  ) => ({
    enabledWorkspaces: sent?.enabledWorkspaces ?? kept.enabledWorkspaces,
  })
  return {
    paymentConfiguration: {
      customPaymentSystemsAllowed:
        payment?.customPaymentSystemsAllowed ?? base.paymentConfiguration.customPaymentSystemsAllowed,
    },
    rolloutConfiguration: {
      usingDefaultBehavior: base.rolloutConfiguration.usingDefaultBehavior,
      enableApi: rollout?.enableApi ?? base.rolloutConfiguration.enableApi,
      enableAdminOrders: workspaces(rollout?.enableAdminOrders, base.rolloutConfiguration.enableAdminOrders),
      enableMyOrders: workspaces(rollout?.enableMyOrders, base.rolloutConfiguration.enableMyOrders),
    },
    pipelineConfiguration: {
      enableTaxHubRecalculation: pipeline?.enableTaxHubRecalculation ?? kept.enableTaxHubRecalculation,
      compensateShippingChanges: pipeline?.compensateShippingChanges ?? kept.compensateShippingChanges,
      enablePromotionRecalculation:
        pipeline?.enablePromotionRecalculation ?? kept.enablePromotionRecalculation,
      enableNativeTaxRecalculation:
        pipeline?.enableNativeTaxRecalculation ?? kept.enableNativeTaxRecalculation,
    },
  }
}

/** PUT …/changes/settings: the settings as sent, the defaults where it leaves a field out. */
export const savedSettings = (body: SettingsBody): ModificationSettingsDocument => {
  const settings = withSettings(DEFAULT_SETTINGS, body)
  return {
    ...settings,
    rolloutConfiguration: { ...settings.rolloutConfiguration, usingDefaultBehavior: false },
  }
}

/** What a modification keeps of the settings it was asked with. */
export const modificationSettings = (document: ModificationSettingsDocument): ModificationSettings => ({
  customPaymentSystemsAllowed: document.paymentConfiguration.customPaymentSystemsAllowed,
  ...document.pipelineConfiguration,
})

/** Items one request may name over all its operations: every request is kept on its order. */
export const MAX_REQUEST_ITEMS = 100

/** The request as the rules read it; the per-item manual values of the reference's schema join the request's. */
export function requestOf(body: ChangeBody): ModificationRequest {
  const sides = [body.remove, body.add, ...(body.replace ?? []).flatMap((r) => [r.from, r.to])]
  if (sides.some((side) => side?.customData !== undefined)) {
    throw validationFailed(
      'Invalid request body: Ordo orders carry no custom data, so customData cannot be modified; send the request without it.',
    )
  }
  const items = sides.reduce((sum, side) => sum + (side?.items.length ?? 0), 0)
  if (items > MAX_REQUEST_ITEMS) {
    throw validationFailed(
      `Invalid request body: a modification names at most ${MAX_REQUEST_ITEMS} items in all (add, remove and replace), and this one names ${items}.`,
    )
  }
  const targets = [body.add, ...(body.replace ?? []).map((r) => r.to)]
  const itemSum = (field: 'manualDiscountValue' | 'manualIncrementValue') =>
    targets.reduce(
      (sum, target) => sum + (target?.items.reduce((s, item) => s + (item[field] ?? 0), 0) ?? 0),
      0,
    )
  return {
    add: body.add ? targetOf(body.add) : null,
    remove: body.remove ? body.remove.items.map(unitsOf) : null,
    replace: (body.replace ?? []).map((r) => ({ from: r.from.items.map(unitsOf), to: targetOf(r.to) })),
    manualDiscountValue: (body.manualDiscountValue ?? 0) + itemSum('manualDiscountValue'),
    manualIncrementValue: (body.manualIncrementValue ?? 0) + itemSum('manualIncrementValue'),
  }
}

const unitsOf = (item: { id: string; uniqueId?: string; quantity: number }) => ({
  id: item.id,
  uniqueId: item.uniqueId ?? null,
  quantity: item.quantity,
})

type ToBody = NonNullable<ChangeBody['add']>

/** The customer's fields a modification may change, and no other key the body carried (never the email). */
const CLIENT_FIELDS = [
  'firstName',
  'lastName',
  'documentType',
  'document',
  'phone',
  'corporateName',
  'tradeName',
  'corporateDocument',
  'stateInscription',
  'corporatePhone',
  'isCorporate',
] as const satisfies readonly (keyof ClientProfileChangeBody)[]

const clientFields = (profile: ClientProfileChangeBody): NonNullable<ModificationTarget['client']> =>
  Object.fromEntries(
    CLIENT_FIELDS.flatMap((field) => (profile[field] === undefined ? [] : [[field, profile[field]]])),
  )

function targetOf(to: ToBody): ModificationTarget {
  const profiles = [
    ...(to.clientProfileData ?? []),
    ...to.items.flatMap((item) => item.clientProfileData ?? []),
  ]
  const client = profiles.reduce<ModificationTarget['client']>(
    (all, profile) => ({ ...all, ...clientFields(profile) }),
    null,
  )
  return {
    items: to.items.map((item) => ({
      ...unitsOf(item),
      price: item.price ?? null,
      measurementUnit: item.measurementUnit ?? null,
      unitMultiplier: item.unitMultiplier ?? null,
    })),
    logistics: (to.shippingData?.logisticsInfo ?? []).map((entry) => ({
      itemIndex: entry.itemIndex,
      selectedSla: entry.selectedSla,
      deliveryChannel: entry.selectedDeliveryChannel,
      addressId: entry.addressId,
      price: entry.price,
    })),
    client,
  }
}

// Answers.

const TOTAL_NAMES = [
  ['items', 'Items', 'Items Total'],
  ['discounts', 'Discounts', 'Discounts Total'],
  ['shipping', 'Shipping', 'Shipping Total'],
  ['tax', 'Tax', 'Tax Total'],
  ['manual', 'ManualValues', 'Manual Values Total'],
] as const

const totalsOf = (outcome: ModificationOutcome) =>
  TOTAL_NAMES.map(([field, id, name]) => ({ id, name, value: outcome.totals[field] }))

const NO_PICKUP_STORE = {
  isPickupStore: false,
  friendlyName: null,
  address: null,
  additionalInfo: null,
  dockId: null,
}

function fromItem(line: ModificationLine): FromItemDocument {
  return {
    id: line.id,
    uniqueId: line.uniqueId,
    quantity: line.quantity,
    price: null,
    measurementUnit: line.measurementUnit,
    unitMultiplier: line.unitMultiplier,
    sellingPrice: line.sellingPrice,
    name: line.name,
    detailUrl: line.detailUrl,
    imageUrl: line.imageUrl,
  }
}

function toItem(order: Order, line: OrderItem): ToItemDocument {
  return {
    uniqueId: line.uniqueId,
    id: line.id,
    productId: line.productId || null,
    productRefId: null,
    refId: line.refId || null,
    ean: line.ean,
    name: line.name,
    skuName: line.name,
    modalType: null,
    parentItemIndex: null,
    parentAssemblyBinding: null,
    assemblies: [],
    priceValidUntil: null,
    tax: line.tax,
    price: line.price,
    listPrice: line.listPrice,
    manualPrice: null,
    manualPriceAppliedBy: null,
    sellingPrice: line.sellingPrice,
    rewardValue: 0,
    isGift: line.isGift,
    additionalInfo: {
      dimension: null,
      brandName: null,
      brandId: null,
      offeringInfo: null,
      offeringType: null,
      offeringTypeId: null,
      categoriesIds: null,
      productClusterId: null,
      commercialConditionId: null,
    },
    preSaleDate: null,
    productCategoryIds: null,
    productCategories: {},
    quantity: line.quantity,
    seller: order.seller.id,
    sellerChain: [order.seller.id],
    imageUrl: line.imageUrl,
    detailUrl: line.detailUrl,
    components: [],
    bundleItems: [],
    attachments: [],
    attachmentOfferings: [],
    offerings: [],
    priceTags: [],
    availability: 'available',
    measurementUnit: line.measurementUnit,
    unitMultiplier: line.unitMultiplier,
    manufacturerCode: null,
    priceDefinition: null,
  }
}

function logisticsInfo(
  order: Order,
  line: OrderItem,
  logistics: Logistics,
  place: number,
): LogisticsInfoDocument {
  const { address } = order.shipping
  const estimates = {
    shippingEstimate: logistics.shippingEstimate,
    shippingEstimateDate: logistics.shippingEstimateDate,
    lockTTL: logistics.lockTTL,
  }
  return {
    itemIndex: place,
    selectedSla: logistics.selectedSla,
    selectedDeliveryChannel: logistics.deliveryChannel,
    addressId: address.addressId,
    slas: [
      {
        id: logistics.selectedSla,
        deliveryChannel: logistics.deliveryChannel,
        name: logistics.selectedSla,
        deliveryIds: [],
        ...estimates,
        availableDeliveryWindows: [],
        deliveryWindow: null,
        price: logistics.price,
        listPrice: logistics.listPrice,
        tax: 0,
        pickupStoreInfo: NO_PICKUP_STORE,
        pickupPointId: null,
        pickupDistance: null,
        polygonName: null,
        transitTime: null,
      },
    ],
    shipsTo: [address.country],
    itemId: line.id,
    deliveryChannels: [{ id: logistics.deliveryChannel }],
    price: logistics.price,
    listPrice: logistics.listPrice,
    ...estimates,
    dockEstimate: null,
    deliveryCompany: logistics.deliveryCompany,
    polygonName: null,
    transitTime: null,
    sellingPrice: logistics.sellingPrice,
    deliveryIds: [],
    deliveryWindow: null,
    pickupPointId: null,
    pickupStoreInfo: NO_PICKUP_STORE,
    pickupDistance: null,
  }
}

/** Each operation as an entry of `replace`: an add has no `from` items, a remove no `to` items. */
function replaceOf(order: Order, outcome: ModificationOutcome) {
  return outcome.operations.map((operation) => ({
    from: {
      paymentData: { transactions: [] },
      items: operation.from.map(fromItem),
      shippingData: { logisticsInfo: [] },
    },
    to: {
      items: operation.to.map((line) => toItem(order, line)),
      paymentData: { transactions: [] },
      receiptData: null,
      shippingData: {
        logisticsInfo: operation.to.flatMap((line, place) =>
          line.logistics ? [logisticsInfo(order, line, line.logistics, place)] : [],
        ),
      },
    },
  }))
}

interface Asked {
  reason: string
  request: ModificationRequest
  outcome: ModificationOutcome
  date: string
}

function requestFields(order: Order, asked: Asked) {
  return {
    reason: asked.reason,
    manualDiscountValue: asked.request.manualDiscountValue,
    manualIncrementValue: asked.request.manualIncrementValue,
    totalChangeValue: asked.outcome.value,
    add: null,
    remove: null,
    replace: replaceOf(order, asked.outcome),
    date: asked.date,
    origin: { account: order.account, orderId: order.orderId, component: 'Ordo' },
  }
}

export const renderAccepted = (
  order: Order,
  modification: Modification,
  settings: ModificationSettingsDocument,
): AcceptedChange => ({
  requestId: modification.requestId,
  workflowId: modification.workflowId,
  ...requestFields(order, modification),
  totals: [],
  settings,
})

export const renderPreview = (
  order: Order,
  asked: Asked,
  settings: ModificationSettingsDocument,
): PreviewDocument => ({ ...requestFields(order, asked), totals: totalsOf(asked.outcome), settings })

export const renderRequest = (order: Order, modification: Modification): ChangeRequestDocument => ({
  requestId: modification.requestId,
  workflowId: modification.workflowId,
  status: modification.status,
  ...requestFields(order, modification),
  totals: totalsOf(modification.outcome),
  settings: { customPaymentSystemsAllowed: modification.settings.customPaymentSystemsAllowed },
})

/** `wireCode` gives the code a client sees for a refusal, as the error envelope would show it. */
export function renderDetail(
  order: Order,
  modification: Modification,
  wireCode: (code: ErrorCode) => string,
): ChangeDetail {
  const inProgress = isInProgress(modification)
  const { cancellation } = modification
  return {
    ...renderRequest(order, modification),
    inProgress,
    finished: !inProgress,
    logs: modification.log,
    cancellationData: cancellation && {
      reason: cancellation.reason,
      code: cancellation.code === null ? null : wireCode(cancellation.code),
      date: cancellation.date,
      requestedByUser: cancellation.byUser,
    },
  }
}

function summaryLine(line: OrderItem): SummaryLineDocument {
  return {
    id: line.id,
    uniqueId: line.uniqueId,
    quantity: line.quantity,
    price: line.price,
    measurementUnit: line.measurementUnit,
    unitMultiplier: line.unitMultiplier,
    imageUrl: line.imageUrl,
    sellingPrice: line.sellingPrice,
    priceTags: [],
    detailUrl: line.detailUrl,
    name: line.name,
    refId: line.refId,
    deliveryIds: null,
  }
}

function replaceType(from: readonly ModificationLine[], to: readonly ModificationLine[]): ReplaceType {
  const [a] = from
  const [b] = to
  if (!a || !b || from.length !== 1 || to.length !== 1 || a.id !== b.id) return 'ItemReplacement'
  if (a.unitMultiplier !== b.unitMultiplier || a.measurementUnit !== b.measurementUnit) return 'WeightChange'
  return a.sellingPrice !== b.sellingPrice ? 'PriceChange' : 'QuantityChange'
}

/** GET …/change-summary: the order as placed, and what its done modifications added, removed and replaced. */
export function renderSummary(order: Order): ChangeSummaryDocument {
  const done = order.modifications.filter((m) => m.status === 'done')
  const operations = done.flatMap((m) => m.outcome.operations)
  const placed = order.items.map((line) => line.quantity)
  for (const operation of operations) {
    for (const line of operation.to) placed[line.itemIndex] = (placed[line.itemIndex] ?? 0) - line.quantity
    for (const line of operation.from) placed[line.itemIndex] = (placed[line.itemIndex] ?? 0) + line.quantity
  }
  const sum = (field: 'manualDiscountValue' | 'manualIncrementValue') =>
    done.reduce((total, m) => total + m.request[field], 0)
  const moved = (field: 'items' | 'discounts' | 'shipping' | 'tax') =>
    done.reduce((total, m) => total + m.outcome.totals[field], 0)
  return {
    original: order.items.flatMap((line, itemIndex) => {
      const quantity = placed[itemIndex] ?? 0
      if (quantity <= 0) return []
      return [
        {
          ...summaryLine({ ...line, quantity }),
          totalQuantity: quantity,
          itemIndex,
          productId: line.productId,
          ean: line.ean,
          seller: order.seller.id,
          sellerSku: line.id,
          listPrice: line.listPrice,
          tax: line.tax,
          isGift: line.isGift,
        },
      ]
    }),
    added: operations.filter((o) => o.kind === 'add').flatMap((o) => o.to.map(summaryLine)),
    removed: operations.filter((o) => o.kind === 'remove').flatMap((o) => o.from.map(summaryLine)),
    replaced: operations
      .filter((o) => o.kind === 'replace')
      .map((o) => {
        const type = replaceType(o.from, o.to)
        return {
          replaceType: type,
          userInputType: type,
          from: { items: o.from.map(summaryLine), shippingData: null },
          to: { items: o.to.map(summaryLine), shippingData: null },
          type: 'UserInput' as const,
        }
      }),
    manualDiscountValueAggregated: sum('manualDiscountValue'),
    manualIncrementValueAggregated: sum('manualIncrementValue'),
    totalChangeValueAggregated: done.reduce((total, m) => total + m.outcome.value, 0),
    totals: [
      [
        { id: 'Items', name: 'Items Total', value: moved('items'), alternativeTotals: null },
        { id: 'Discounts', name: 'Discounts Total', value: moved('discounts'), alternativeTotals: null },
        { id: 'Shipping', name: 'Shipping Total', value: moved('shipping'), alternativeTotals: null },
        { id: 'Tax', name: 'Tax Total', value: moved('tax'), alternativeTotals: null },
      ],
    ],
    lastChange: order.lastChange,
  }
}

/** The history: every modification asked for, oldest first, with its status. */
export const renderHistory = (order: Order) => ({
  requests: order.modifications.map((m) => renderRequest(order, m)),
  actions: [],
})
