// The order as the rules see it: Ordo's typed record of one seller's part of a purchase. The VTEX Get order
// document is rendered from it (order-document.ts); nothing here knows the wire format.
import { orderNotFound, validationFailed, type ErrorCode } from '../../platform/errors.ts'
import type { CancellationRequest, LedgerEntry } from './order.schemas.ts'
import type { OrderFlow, OrderStatus, Trigger, WorkflowInstance } from './order-status.ts'

export type { CancellationRequest, LedgerEntry }

export const ORDER_ORIGINS = ['Marketplace', 'Fulfillment', 'Chain'] as const
export type OrderOrigin = (typeof ORDER_ORIGINS)[number]

export const PAYMENT_GROUPS = [
  'creditCard',
  'debitCard',
  'bankInvoice',
  'promissory',
  'giftCard',
  'instantPayment',
] as const
export type PaymentGroup = (typeof PAYMENT_GROUPS)[number]

export const DELIVERY_CHANNELS = ['delivery', 'pickup-in-point'] as const
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number]

/** 10^13 cents: far above any real order, and every sum of such values stays an exact integer. */
export const MAX_TOTAL = 10_000_000_000_000

/** The seller VTEX calls `1`: the store itself. */
export const STORE_SELLER = '1'

export interface Order {
  account: string
  orderId: string
  orderGroup: string
  sequence: number
  /** Bumped by every committed change; the optimistic lock. */
  version: number
  status: OrderStatus
  workflow: WorkflowState
  creationDate: string
  /** When anything about the order last changed. */
  lastChange: string
  authorizedDate: string | null
  invoicedDate: string | null
  marketplaceOrderId: string | null
  marketplaceServicesEndpoint: string | null
  /** A seller's order sold by an Ordo account on this server: that account, which its messages go to. */
  marketplaceAccount: string | null
  /** A marketplace order: the account on this server that fulfils it, as its seller was registered then. */
  sellerAccount: string | null
  /** A marketplace order: the seller's order id, as the seller's answer to its placement named it. */
  sellerOrderId: string | null
  /** A marketplace order given to other sellers: each change, oldest first. */
  sellerChanges: SellerChange[]
  origin: OrderOrigin
  affiliateId: string | null
  salesChannel: string
  followUpEmail: string | null
  seller: { id: string; name: string }
  items: OrderItem[]
  totals: Totals
  client: Client
  clientPreferences: { locale: string; optinNewsLetter: boolean }
  store: StorePreferences
  shipping: Shipping
  payment: PaymentLedger
  openTextField: Record<string, string> | null
  cancellation: Cancellation | null
  cancellationRequests: CancellationRequest[]
  /** The customer's request waiting for the store, and where each workflow instance stood when it came. */
  pendingCancellation: {
    requestId: string
    resume: WorkflowState['instances']
    /** Whether the customer asked (absent on requests stored before marketplaces could ask: the customer's). */
    byUser?: boolean
  } | null
  /** Invoices and returns with their tracking, in the order they came. */
  packages: Package[]
  /** Modifications registered through the v1 changes call, oldest first. */
  changes: RegisteredChange[]
  /** Order modifications (v2), oldest first; at most one is in progress. */
  modifications: Modification[]
}

/** A marketplace order given to another seller (PUT …/sellers). */
export interface SellerChange {
  date: string
  /** The seller the order left, as the order recorded it then. */
  from: { id: string; name: string; account: string | null; orderId: string | null }
  to: string
  /** Whether that seller still had its order of it to cancel: it had not canceled it itself. */
  release: boolean
}

export interface WorkflowState {
  /** Whether the account sells and fulfils the order, sold it for a seller, or fulfils it for a marketplace. */
  flow: OrderFlow
  /** The instance `status` belongs to: the one that moved last. */
  domain: WorkflowInstance
  /** Where each instance stands; an instance appears once the order entered one of its statuses. */
  instances: { readonly [I in WorkflowInstance]?: OrderStatus }
  /** When the status last changed: the `lastChange` of the next transition event. */
  lastTransitionAt: string | null
  /** A timeout of the current status that has not fired yet. */
  deadline: { trigger: Trigger; dueAt: string } | null
}

export interface OrderItem {
  uniqueId: string
  /** The SKU id. */
  id: string
  productId: string
  name: string
  quantity: number
  /** Unit price in cents, before discounts. */
  price: number
  listPrice: number
  /** Unit price in cents the customer pays. */
  sellingPrice: number
  /** Unit tax in cents. */
  tax: number
  refId: string
  ean: string | null
  imageUrl: string
  detailUrl: string
  measurementUnit: string
  unitMultiplier: number
  isGift: boolean
}

/** VTEX's totals, in cents; the order's value is their sum. */
export interface Totals {
  items: number
  discounts: number
  shipping: number
  tax: number
  /** Changes' and modifications' increments less their discounts (VTEX's `Change` total). */
  change: number
}

export interface Client {
  email: string
  firstName: string
  lastName: string
  documentType: string
  document: string
  phone: string
  isCorporate: boolean
  corporateName: string | null
  tradeName: string | null
  corporateDocument: string | null
  stateInscription: string | null
  corporatePhone: string | null
}

export interface StorePreferences {
  countryCode: string
  currencyCode: string
  /** A symbol the store chose; otherwise the currency's symbol in the order's locale. */
  currencySymbol: string | null
  timeZone: string
}

export interface Address {
  addressId: string
  addressType: string
  receiverName: string
  postalCode: string
  city: string
  state: string
  country: string
  street: string
  number: string
  neighborhood: string
  complement: string
  reference: string | null
  geoCoordinates: number[]
}

export interface Shipping {
  address: Address
  /** One entry per item, in item order. */
  logistics: Logistics[]
}

export interface Logistics {
  itemIndex: number
  selectedSla: string
  lockTTL: string
  price: number
  listPrice: number
  sellingPrice: number
  deliveryCompany: string
  shippingEstimate: string
  shippingEstimateDate: string
  deliveryChannel: DeliveryChannel
}

/**
 * The order's side of its payment transaction. The transaction belongs to the order group: every order of the
 * group carries the same transaction id and payments (with the group's values), and each order its own share of
 * them and its own movements of money.
 */
export interface PaymentLedger {
  transactionId: string
  merchantName: string
  payments: TransactionPayment[]
  /** This order's money movements, oldest first. */
  entries: LedgerEntry[]
}

export interface TransactionPayment {
  id: string
  paymentSystem: string
  paymentSystemName: string
  group: PaymentGroup
  /** The whole payment, for every order of the group. */
  value: number
  /** The part of `value` that pays for this order. */
  share: number
  installments: number
  tid: string
  dueDate: string | null
  /** When the payment of the whole transaction was approved. */
  approvedAt: string | null
}

/** Money taken (approval, and a charge when a change raised the value) or given back (void, refund). */
export const LEDGER_ENTRY_TYPES = ['approval', 'charge', 'void', 'refund'] as const
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number]

export interface Cancellation {
  reason: string | null
  requestedByUser: boolean
  requestedBySystem: boolean
  requestedBySellerNotification: boolean
  requestedByPaymentNotification: boolean
  date: string
  /** The customer's request the cancellation accepted, if any. */
  requestId: string | null
}

/**
 * Who or what canceled the order, as VTEX's cancellation data tells them apart: `store` is the seller (seller `1`
 * is the store), so a marketplace canceling an order for its seller, or asking a seller to, is none of the four.
 */
export type CancellationCause = 'customer' | 'store' | 'marketplace' | 'system' | 'payment'

export const cancellationOf = (
  cause: CancellationCause,
  reason: string | null,
  date: string,
  requestId: string | null = null,
): Cancellation => ({
  reason,
  requestedByUser: cause === 'customer',
  requestedBySystem: cause === 'system',
  requestedBySellerNotification: cause === 'store',
  requestedByPaymentNotification: cause === 'payment',
  date,
  requestId,
})

export const PACKAGE_TYPES = ['Output', 'Input'] as const
export type PackageType = (typeof PACKAGE_TYPES)[number]

/** An invoice (Output) or a return invoice (Input) with what it covers and how it travels. */
export interface Package {
  type: PackageType
  invoiceNumber: string
  /** Cents. */
  invoiceValue: number
  invoiceKey: string | null
  invoiceUrl: string | null
  issuanceDate: string
  /** What the invoice covers, by the order's item index; `price` is the unit price in cents. */
  items: PackageItem[]
  courier: string | null
  trackingNumber: string | null
  trackingUrl: string | null
  dispatchedDate: string | null
  embeddedInvoice: string
  cfop: string | null
  volumes: number
  /** Cents beyond the items' value the invoice declares (freight, insurance…), as the ERP sent them. */
  extraValue: number
  /** Cents of the order's payments returned for a return invoice. */
  refundedValue: number
  /** What the carrier reported (the tracking call); null until it first reports. */
  tracking: Tracking | null
}

export interface PackageItem {
  itemIndex: number
  quantity: number
  price: number
  description: string | null
}

export interface Tracking {
  isDelivered: boolean
  deliveredDate: string | null
  events: TrackingEvent[]
}

export interface TrackingEvent {
  city: string | null
  state: string | null
  description: string
  /** When it happened, as the carrier reports it. */
  date: string
  /** When Ordo learned of it. */
  receivedAt: string
}

/** A modification registered through the v1 changes call, with the receipt a repeated request gets back. */
export interface RegisteredChange {
  requestId: string
  reason: string
  discountValue: number
  incrementValue: number
  itemsAdded: ChangedItem[]
  itemsRemoved: ChangedItem[]
  receipt: string
  date: string
}

export interface ChangedItem {
  /** The SKU id. */
  id: string
  name: string
  quantity: number
  /** Unit price in cents. */
  price: number
  unitMultiplier: number
}

/** An order modification (v2) goes through these; the first two are its processing, the last two its end. */
export const MODIFICATION_STATUSES = [
  'waiting-acknowledgement',
  'waiting-confirmation',
  'done',
  'canceled',
] as const
export type ModificationStatus = (typeof MODIFICATION_STATUSES)[number]

/** A change request of the order-system API (PATCH …/changes), as asked and as processed. */
export interface Modification {
  requestId: string
  workflowId: string
  status: ModificationStatus
  /** When it was asked for. */
  date: string
  reason: string
  request: ModificationRequest
  /** The account's settings as the request overrode them, fixed when it was asked for. */
  settings: ModificationSettings
  /** What it does to the order: planned when asked for and again when acknowledged, final once done. */
  outcome: ModificationOutcome
  /** Each step it went through, oldest first. */
  log: { date: string; status: ModificationStatus; message: string }[]
  cancellation: { date: string; reason: string; code: ErrorCode | null; byUser: boolean } | null
}

/** The request, with what the wire format leaves out filled in. */
export interface ModificationRequest {
  add: ModificationTarget | null
  remove: ModificationUnits[] | null
  replace: { from: ModificationUnits[]; to: ModificationTarget }[]
  manualDiscountValue: number
  manualIncrementValue: number
}

/** Units that leave the order: of the line `uniqueId`, or of the one line with the SKU. */
export interface ModificationUnits {
  id: string
  uniqueId: string | null
  quantity: number
}

/** Units that join the order, with how they ship and any change of the customer's data. */
export interface ModificationTarget {
  items: (ModificationUnits & {
    /** Unit price in cents; null: the price of the order's line of the SKU. */
    price: number | null
    measurementUnit: string | null
    unitMultiplier: number | null
  })[]
  /** How new lines ship, by their index in `items`. */
  logistics: {
    itemIndex: number
    selectedSla: string
    deliveryChannel: DeliveryChannel
    addressId: string
    price: number
  }[]
  client: Partial<Omit<Client, 'email'>> | null
}

export interface ModificationSettings {
  customPaymentSystemsAllowed: string[]
  enableTaxHubRecalculation: boolean
  compensateShippingChanges: boolean
  enablePromotionRecalculation: boolean
  enableNativeTaxRecalculation: boolean
}

/** Lines as a modification moves them: the line's details, `quantity` the units moved. */
export type ModificationLine = OrderItem & { itemIndex: number; logistics: Logistics | null }

export interface ModificationOutcome {
  /** What each total moves by, in cents; `manual` is the Change total's part. */
  totals: { items: number; discounts: number; shipping: number; tax: number; manual: number }
  /** Their sum: what the order's value moves by. */
  value: number
  operations: {
    kind: 'add' | 'remove' | 'replace'
    from: ModificationLine[]
    to: ModificationLine[]
  }[]
}

export const sumTotals = (totals: Totals): number =>
  totals.items + totals.discounts + totals.shipping + totals.tax + totals.change

export const orderValue = (order: Order): number => sumTotals(order.totals)

export const customerName = ({ client }: Order): string => `${client.firstName} ${client.lastName}`.trim()

export const isPartiallyInvoiced = (order: Order): boolean => order.packages.some((p) => p.type === 'Output')

/**
 * An external seller calls back on the marketplace's Orders API with its own key (the registry's callbackAppKey):
 * it acts on the marketplace orders it fulfils, and on no other order.
 */
export function assertCalledBackBy(order: Order, sellerId: string): void {
  const its =
    order.workflow.flow === 'marketplace' && order.sellerAccount === null && order.seller.id === sellerId
  if (!its) throw orderNotFound(order.orderId)
}

/**
 * The protocol calls a marketplace elsewhere makes on its seller's order name it by the seller's order id and the
 * marketplace's: an order no such marketplace placed, or another marketplace order's, is not theirs to call.
 */
export function assertPlacedBy(order: Order, marketplaceOrderId: string | undefined): void {
  // A marketplace on this server reaches its seller's orders through its messages, not these calls.
  if (order.workflow.flow !== 'seller' || order.marketplaceAccount !== null)
    throw orderNotFound(order.orderId)
  if (marketplaceOrderId !== undefined && marketplaceOrderId !== order.marketplaceOrderId) {
    throw validationFailed(
      `Order ${order.orderId} was placed for marketplace order ${order.marketplaceOrderId ?? ''}, not ${marketplaceOrderId}.`,
    )
  }
}
