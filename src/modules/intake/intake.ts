// Turning an intake request into orders: cross-field validation, the split by seller, totals, payment shares
// and the typed order of each seller. Pure: ids and time come in as arguments.
import { validationFailed } from '../../platform/errors.ts'
import { isKnownCurrency, isValidLocale } from '../orders/currency-format.ts'
import {
  MAX_TOTAL,
  STORE_SELLER,
  sumTotals,
  type Address,
  type Logistics,
  type Order,
  type OrderItem,
  type Totals,
  type TransactionPayment,
} from '../orders/order.ts'
import { fire, type Rule } from '../orders/order-workflow.ts'
import type { IntakeBody, IntakeItem, IntakeLogistics, IntakePayment } from './intake.schemas.ts'

export interface SellerPart {
  seller: string
  lines: { item: IntakeItem; logistics: IntakeLogistics }[]
  totals: Totals
  value: number
}

export interface IntakePlan {
  parts: SellerPart[]
  /** For each part, the share of each payment it carries (same order as the body's payments). */
  paymentShares: number[][]
}

const DEFAULT_LOCALE = 'pt-BR'
const DEFAULT_CURRENCY = 'BRL'

/**
 * Every seller's order copies the group's customer, address, payments and openTextField, so the number of
 * sellers multiplies what one request stores (docs/compatibility.md, "Input bounds").
 */
export const MAX_SELLERS = 20
export const MAX_ITEMS = 500

/** Checks what a JSON schema cannot say and splits the order by seller (seller `1` first, then as they appear). */
export function planIntake(body: IntakeBody): IntakePlan {
  checkFormats(body)
  const logistics = logisticsByItem(body)
  body.items.forEach((item, index) => {
    const sellingPrice = item.sellingPrice ?? item.price
    if (sellingPrice > item.price) {
      throw validationFailed(
        `items[${index}].sellingPrice (${sellingPrice}) must not exceed items[${index}].price (${item.price}).`,
      )
    }
  })
  const sellers = [...new Set(body.items.map((item) => item.seller ?? STORE_SELLER))].sort((a, b) =>
    a === STORE_SELLER ? -1 : b === STORE_SELLER ? 1 : 0,
  )
  if (sellers.length > MAX_SELLERS) {
    throw validationFailed(
      `The items come from ${sellers.length} sellers; an order group has at most ${MAX_SELLERS} sellers.`,
    )
  }
  const parts = sellers.map((seller) => {
    const lines = body.items.flatMap((item, index) =>
      (item.seller ?? STORE_SELLER) === seller
        ? [{ item, logistics: logistics[index] as IntakeLogistics }]
        : [],
    )
    const totals = computeTotals(lines)
    return { seller, lines, totals, value: sumTotals(totals) }
  })
  const total = parts.reduce((sum, part) => sum + part.value, 0)
  if (
    parts.some(({ totals: t }) =>
      [t.items, t.discounts, t.shipping, t.tax].some((v) => Math.abs(v) > MAX_TOTAL),
    ) ||
    total > MAX_TOTAL
  ) {
    throw validationFailed(`The order total must not exceed ${MAX_TOTAL} cents.`)
  }
  const paid = body.paymentData.payments.reduce((sum, p) => sum + p.value, 0)
  if (paid !== total) {
    throw validationFailed(
      `paymentData.payments add up to ${paid} but the order total (items, discounts, shipping and tax) is ${total}.`,
    )
  }
  return {
    parts,
    paymentShares: sharePayments(
      parts.map((p) => p.value),
      body.paymentData.payments.map((p) => p.value),
    ),
  }
}

/** The currency and locale drive how the order's money is formatted, so they must be ones Intl knows. */
function checkFormats(body: IntakeBody): void {
  const currency = body.storePreferencesData?.currencyCode
  if (currency !== undefined && !isKnownCurrency(currency)) {
    throw validationFailed(`storePreferencesData.currencyCode ${currency} is not an ISO 4217 currency code.`)
  }
  const locale = body.clientPreferencesData?.locale
  if (locale !== undefined && !isValidLocale(locale)) {
    throw validationFailed(
      `clientPreferencesData.locale ${locale} is not a BCP 47 language tag such as pt-BR.`,
    )
  }
}

function logisticsByItem(body: Pick<IntakeBody, 'items' | 'shippingData'>): IntakeLogistics[] {
  const byItem: IntakeLogistics[] = []
  body.shippingData.logisticsInfo.forEach((info, index) => {
    if (info.itemIndex >= body.items.length) {
      throw validationFailed(
        `shippingData.logisticsInfo[${index}].itemIndex ${info.itemIndex} does not match any item (the order has ${body.items.length}).`,
      )
    }
    if (byItem[info.itemIndex]) {
      throw validationFailed(
        `shippingData.logisticsInfo has more than one entry for itemIndex ${info.itemIndex}.`,
      )
    }
    byItem[info.itemIndex] = info
  })
  body.items.forEach((_, index) => {
    if (!byItem[index]) throw validationFailed(`items[${index}] has no entry in shippingData.logisticsInfo.`)
  })
  return byItem
}

/** What a request's items and their delivery are worth, as its totals count them: its payments' sum. */
export function intakeTotal(body: Pick<IntakeBody, 'items' | 'shippingData'>): number {
  const logistics = logisticsByItem(body)
  return sumTotals(
    computeTotals(
      body.items.map((item, index) => ({ item, logistics: logistics[index] as IntakeLogistics })),
    ),
  )
}

/** VTEX totals: Items at `price`, Discounts as (sellingPrice − price), Shipping, Tax. */
export function computeTotals(lines: SellerPart['lines']): Totals {
  let items = 0
  let discounts = 0
  let shipping = 0
  let tax = 0
  for (const { item, logistics } of lines) {
    items += item.price * item.quantity
    discounts += ((item.sellingPrice ?? item.price) - item.price) * item.quantity
    shipping += logistics.sellingPrice ?? logistics.price
    tax += (item.tax ?? 0) * item.quantity
  }
  return { items, discounts, shipping, tax, change: 0 }
}

/**
 * Splits payments over orders so that each order's shares add up to its value and each payment's shares add up
 * to the payment: payments fill orders in turn, so most orders carry a single payment.
 */
export function sharePayments(orderValues: number[], paymentValues: number[]): number[][] {
  const shares = orderValues.map(() => paymentValues.map(() => 0))
  const left = [...paymentValues]
  let payment = 0
  orderValues.forEach((value, order) => {
    let need = value
    while (need > 0 && payment < left.length) {
      const take = Math.min(need, left[payment] as number)
      ;(shares[order] as number[])[payment] = take
      need -= take
      left[payment] = (left[payment] as number) - take
      if (left[payment] === 0) payment += 1
    }
  })
  return shares
}

export interface BuildContext {
  account: string
  orderGroup: string
  sequences: number[]
  now: string
  newId: () => string
  /**
   * The registered sellers by id: a registered seller's name is the registry's, not the request's, and its
   * orders go to the account it names as the order is placed.
   */
  sellers: ReadonlyMap<string, { name: string; account: string | null }>
}

/**
 * Builds each seller's order at `order-created`, not yet saved (version 0). The group shares one payment
 * transaction, as VTEX's order-group example does: every order lists the same payments with the group's values,
 * and carries its own share of each.
 */
export function buildOrders(body: IntakeBody, plan: IntakePlan, ctx: BuildContext): Order[] {
  const transactionId = ctx.newId()
  const payments = body.paymentData.payments.map((payment) => ({ ...toPayment(payment), id: ctx.newId() }))
  const address = toAddress(body.shippingData.address, ctx.newId().toLowerCase())
  const client = body.clientProfileData
  return plan.parts.map((part, index) => ({
    account: ctx.account,
    orderId: `${ctx.orderGroup}-${String(index + 1).padStart(2, '0')}`,
    orderGroup: ctx.orderGroup,
    sequence: ctx.sequences[index] as number,
    version: 0,
    status: 'order-created',
    workflow: {
      // The store sells and fulfils its own items; a registered seller fulfils the rest, which the store sold.
      flow: part.seller === STORE_SELLER ? 'complete' : 'marketplace',
      domain: 'Marketplace',
      instances: {},
      lastTransitionAt: null,
      deadline: null,
    },
    creationDate: ctx.now,
    lastChange: ctx.now,
    authorizedDate: null,
    invoicedDate: null,
    marketplaceOrderId: body.marketplaceOrderId ?? null,
    marketplaceServicesEndpoint: body.marketplaceServicesEndpoint ?? null,
    marketplaceAccount: null,
    origin: body.origin ?? 'Marketplace',
    affiliateId: body.affiliateId ?? null,
    salesChannel: body.salesChannel ?? '1',
    followUpEmail: body.followUpEmail ?? null,
    seller: {
      id: part.seller,
      name:
        ctx.sellers.get(part.seller)?.name ??
        body.sellers?.find((s) => s.id === part.seller)?.name ??
        part.seller,
    },
    sellerAccount: ctx.sellers.get(part.seller)?.account ?? null,
    sellerOrderId: null,
    sellerChanges: [],
    items: part.lines.map(({ item }) => toItem(item, ctx.newId())),
    totals: part.totals,
    client: {
      email: client.email,
      firstName: client.firstName,
      lastName: client.lastName ?? '',
      documentType: client.documentType ?? '',
      document: client.document ?? '',
      phone: client.phone ?? '',
      isCorporate: client.isCorporate ?? false,
      corporateName: client.corporateName ?? null,
      tradeName: client.tradeName ?? null,
      corporateDocument: client.corporateDocument ?? null,
      stateInscription: client.stateInscription ?? null,
      corporatePhone: client.corporatePhone ?? null,
    },
    clientPreferences: {
      locale: body.clientPreferencesData?.locale ?? DEFAULT_LOCALE,
      optinNewsLetter: body.clientPreferencesData?.optinNewsLetter ?? false,
    },
    store: {
      countryCode: body.storePreferencesData?.countryCode ?? 'BRA',
      currencyCode: body.storePreferencesData?.currencyCode ?? DEFAULT_CURRENCY,
      currencySymbol: body.storePreferencesData?.currencySymbol ?? null,
      timeZone: body.storePreferencesData?.timeZone ?? 'E. South America Standard Time',
    },
    shipping: {
      address,
      logistics: part.lines.map(({ logistics }, itemIndex) => toLogistics(logistics, itemIndex, ctx.now)),
    },
    payment: {
      transactionId,
      merchantName: ctx.account.toUpperCase(),
      payments: payments.map((payment, p) => ({ ...payment, share: plan.paymentShares[index]?.[p] ?? 0 })),
      entries: [],
    },
    openTextField: body.openTextField ?? null,
    cancellation: null,
    cancellationRequests: [],
    pendingCancellation: null,
    packages: [],
    changes: [],
    modifications: [],
  }))
}

/**
 * The seller accepts the order (`waiting-for-authorization` → `payment-pending`): one whose payments are all
 * approved already, or that has nothing to pay, goes on to `payment-approved` without waiting for a notification.
 */
export const sellerAccepts: Rule = (draft, ctx) => {
  const accepted = fire(draft, 'authorize-order', ctx)
  return accepted.order.payment.payments.every((p) => p.approvedAt !== null)
    ? fire(accepted, 'approve-payment', ctx)
    : accepted
}

/** The ids the order gave the payments that arrived approved (`paymentData.payments[].status`). */
export const approvedOnArrival = (body: IntakeBody, order: Order): string[] =>
  order.payment.payments.flatMap((payment, index) =>
    body.paymentData.payments[index]?.status === 'approved' ? [payment.id] : [],
  )

function toPayment(input: IntakePayment): Omit<TransactionPayment, 'id' | 'share'> {
  return {
    paymentSystem: input.paymentSystem,
    paymentSystemName: input.paymentSystemName,
    group: input.group,
    value: input.value,
    installments: input.installments ?? 1,
    tid: input.tid ?? '',
    dueDate: input.dueDate ?? null,
    approvedAt: null,
  }
}

function toAddress(address: IntakeBody['shippingData']['address'], addressId: string): Address {
  return {
    addressId,
    addressType: address.addressType ?? 'residential',
    receiverName: address.receiverName,
    postalCode: address.postalCode,
    city: address.city,
    state: address.state,
    country: address.country,
    street: address.street,
    number: address.number ?? '',
    neighborhood: address.neighborhood ?? '',
    complement: address.complement ?? '',
    reference: address.reference ?? null,
    geoCoordinates: address.geoCoordinates ?? [],
  }
}

function toItem(item: IntakeItem, uniqueId: string): OrderItem {
  return {
    uniqueId,
    id: item.id,
    productId: item.productId ?? '',
    name: item.name,
    quantity: item.quantity,
    price: item.price,
    listPrice: item.listPrice ?? item.price,
    sellingPrice: item.sellingPrice ?? item.price,
    tax: item.tax ?? 0,
    refId: item.refId ?? '',
    ean: item.ean ?? null,
    imageUrl: item.imageUrl ?? '',
    detailUrl: item.detailUrl ?? '',
    measurementUnit: item.measurementUnit ?? 'un',
    unitMultiplier: item.unitMultiplier ?? 1,
    isGift: item.isGift ?? false,
  }
}

const ESTIMATE = /^(\d+)(bd|d|h|m)$/

/**
 * `shippingEstimate` is relative ("4bd"); the date is counted from creation, skipping weekends for business
 * days. The intake schema allows at most 4 digits, which bounds the loop.
 */
export function estimateDate(estimate: string, from: string): string {
  const match = ESTIMATE.exec(estimate)
  if (!match) return from
  const amount = Number(match[1])
  const date = new Date(from)
  const unit = match[2]
  if (unit === 'h') date.setUTCHours(date.getUTCHours() + amount)
  else if (unit === 'm') date.setUTCMinutes(date.getUTCMinutes() + amount)
  else if (unit === 'd') date.setUTCDate(date.getUTCDate() + amount)
  else {
    let left = amount
    while (left > 0) {
      date.setUTCDate(date.getUTCDate() + 1)
      const day = date.getUTCDay()
      if (day !== 0 && day !== 6) left -= 1
    }
  }
  return date.toISOString()
}

function toLogistics(input: IntakeLogistics, itemIndex: number, now: string): Logistics {
  return {
    itemIndex,
    selectedSla: input.selectedSla,
    lockTTL: input.lockTTL ?? '10d',
    price: input.price,
    listPrice: input.listPrice ?? input.price,
    sellingPrice: input.sellingPrice ?? input.price,
    deliveryCompany: input.deliveryCompany ?? '',
    shippingEstimate: input.shippingEstimate,
    shippingEstimateDate: estimateDate(input.shippingEstimate, now),
    deliveryChannel: input.selectedDeliveryChannel ?? 'delivery',
  }
}
