// Turning an intake request into orders: cross-field validation, the split by seller, totals, payment shares
// and the full Get order document of each order. Pure: ids and time come in as arguments.
import { validationFailed } from '../../platform/errors.ts'
import type { IntakeBody, IntakeItem, IntakeLogistics, IntakePayment } from './intake.schemas.ts'
import type { Order } from './order.ts'
import type { LogisticsInfo, OrderDocument, OrderItem, Payment, Total } from './order.schemas.ts'

export interface SellerPart {
  seller: string
  lines: { item: IntakeItem; logistics: IntakeLogistics }[]
  totals: Total[]
  value: number
}

export interface IntakePlan {
  parts: SellerPart[]
  /** For each part, the share of each payment it carries (same order as the body's payments). */
  paymentShares: number[][]
}

const DEFAULT_SELLER = '1'

/** 10^13 cents: far above any real order, and every sum of such values stays an exact integer. */
export const MAX_TOTAL = 10_000_000_000_000

/** Checks what a JSON schema cannot say and splits the order by seller (seller `1` first, then as they appear). */
export function planIntake(body: IntakeBody): IntakePlan {
  const logistics = logisticsByItem(body)
  body.items.forEach((item, index) => {
    const sellingPrice = item.sellingPrice ?? item.price
    if (sellingPrice > item.price) {
      throw validationFailed(
        `items[${index}].sellingPrice (${sellingPrice}) must not exceed items[${index}].price (${item.price}).`,
      )
    }
  })
  const sellers = [...new Set(body.items.map((item) => item.seller ?? DEFAULT_SELLER))].sort((a, b) =>
    a === DEFAULT_SELLER ? -1 : b === DEFAULT_SELLER ? 1 : 0,
  )
  const parts = sellers.map((seller) => {
    const lines = body.items.flatMap((item, index) =>
      (item.seller ?? DEFAULT_SELLER) === seller
        ? [{ item, logistics: logistics[index] as IntakeLogistics }]
        : [],
    )
    const totals = computeTotals(lines)
    return { seller, lines, totals, value: totals.reduce((sum, t) => sum + t.value, 0) }
  })
  const total = parts.reduce((sum, part) => sum + part.value, 0)
  if (parts.some((part) => part.totals.some((t) => Math.abs(t.value) > MAX_TOTAL)) || total > MAX_TOTAL) {
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

function logisticsByItem(body: IntakeBody): IntakeLogistics[] {
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

/** VTEX totals: Items at `price`, Discounts as (sellingPrice − price), Shipping, Tax. */
export function computeTotals(lines: SellerPart['lines']): Total[] {
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
  return [
    { id: 'Items', name: 'Total dos Itens', value: items, alternativeTotals: null },
    { id: 'Discounts', name: 'Total dos Descontos', value: discounts, alternativeTotals: null },
    { id: 'Shipping', name: 'Total do Frete', value: shipping, alternativeTotals: null },
    { id: 'Tax', name: 'Total da Taxa', value: tax, alternativeTotals: null },
  ]
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
}

/** Builds each seller's order at `order-created`, with its payments pending. */
export function buildOrders(body: IntakeBody, plan: IntakePlan, ctx: BuildContext): Order[] {
  return plan.parts.map((part, index) => {
    const orderId = `${ctx.orderGroup}-${String(index + 1).padStart(2, '0')}`
    const payments = body.paymentData.payments.flatMap((payment, p) => {
      const share = plan.paymentShares[index]?.[p] ?? 0
      return share > 0 ? [toPayment(payment, share, ctx.newId())] : []
    })
    const document = buildDocument(body, part, {
      orderId,
      sequence: ctx.sequences[index] as number,
      orderGroup: ctx.orderGroup,
      account: ctx.account,
      now: ctx.now,
      payments,
      transactionId: ctx.newId(),
      newId: ctx.newId,
    })
    return {
      account: ctx.account,
      document,
      version: 1,
      state: {
        domain: 'Marketplace',
        lastTransitionAt: null,
        payments: payments.map((p) => ({
          paymentId: p.id,
          value: p.value,
          status: 'pending',
          approvedAt: null,
          closedAt: null,
        })),
        cancellationRequest: null,
        graceEndsAt: null,
      },
    }
  })
}

function toPayment(input: IntakePayment, value: number, id: string): Payment {
  return {
    id,
    paymentSystem: input.paymentSystem,
    paymentSystemName: input.paymentSystemName,
    value,
    installments: input.installments ?? 1,
    referenceValue: value,
    cardHolder: null,
    cardNumber: null,
    firstDigits: null,
    lastDigits: null,
    cvv2: null,
    expireMonth: null,
    expireYear: null,
    url: null,
    giftCardId: null,
    giftCardName: null,
    giftCardCaption: null,
    redemptionCode: null,
    group: input.group,
    tid: input.tid ?? '',
    dueDate: input.dueDate ?? null,
    connectorResponses: {},
    giftCardProvider: null,
    giftCardAsDiscount: null,
    koinUrl: null,
    accountId: null,
    parentAccountId: null,
    bankIssuedInvoiceIdentificationNumber: null,
    bankIssuedInvoiceIdentificationNumberFormatted: null,
    bankIssuedInvoiceBarCodeNumber: null,
    bankIssuedInvoiceBarCodeType: null,
    billingAddress: null,
    paymentOrigin: null,
  }
}

interface DocumentContext {
  orderId: string
  sequence: number
  orderGroup: string
  account: string
  now: string
  payments: Payment[]
  transactionId: string
  newId: () => string
}

function buildDocument(body: IntakeBody, part: SellerPart, ctx: DocumentContext): OrderDocument {
  const client = body.clientProfileData
  const address = body.shippingData.address
  const addressId = ctx.newId().toLowerCase()
  const shippingAddress = {
    addressType: address.addressType ?? 'residential',
    receiverName: address.receiverName,
    addressId,
    versionId: null,
    entityId: null,
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
  const sellerName = body.sellers?.find((s) => s.id === part.seller)?.name ?? part.seller
  const store = body.storePreferencesData
  return {
    orderId: ctx.orderId,
    sequence: String(ctx.sequence),
    marketplaceOrderId: body.marketplaceOrderId ?? '',
    marketplaceServicesEndpoint: body.marketplaceServicesEndpoint ?? '',
    sellerOrderId: `${part.seller === DEFAULT_SELLER ? '00' : 'SLR'}-${ctx.orderId}`,
    origin: body.origin ?? 'Marketplace',
    affiliateId: body.affiliateId ?? '',
    salesChannel: body.salesChannel ?? '1',
    merchantName: null,
    status: 'order-created',
    workflowIsInError: false,
    statusDescription: 'Pedido Criado',
    value: part.value,
    creationDate: ctx.now,
    lastChange: ctx.now,
    orderGroup: ctx.orderGroup,
    followUpEmail: body.followUpEmail ?? '',
    lastMessage: null,
    hostname: ctx.account,
    isCompleted: true,
    roundingError: 0,
    orderFormId: '',
    allowCancellation: true,
    allowEdition: false,
    isCheckedIn: false,
    authorizedDate: null,
    invoicedDate: null,
    cancelReason: null,
    checkedInPickupPointId: null,
    totals: part.totals,
    sellers: [{ id: part.seller, name: sellerName, logo: null, fulfillmentEndpoint: '' }],
    clientPreferencesData: {
      locale: body.clientPreferencesData?.locale ?? 'pt-BR',
      optinNewsLetter: body.clientPreferencesData?.optinNewsLetter ?? false,
    },
    cancellationData: null,
    cancellationRequests: null,
    taxData: null,
    subscriptionData: null,
    itemMetadata: {
      Items: part.lines.map(({ item }) => ({
        Id: item.id,
        Seller: part.seller,
        Name: item.name,
        SkuName: item.name,
        ProductId: item.productId ?? '',
        RefId: item.refId ?? '',
        Ean: item.ean ?? '',
        ImageUrl: item.imageUrl ?? '',
        DetailUrl: item.detailUrl ?? '',
        AssemblyOptions: [],
      })),
    },
    marketplace: null,
    storePreferencesData: {
      countryCode: store?.countryCode ?? 'BRA',
      currencyCode: store?.currencyCode ?? 'BRL',
      currencyFormatInfo: {
        CurrencyDecimalDigits: 2,
        CurrencyDecimalSeparator: ',',
        CurrencyGroupSeparator: '.',
        CurrencyGroupSize: 3,
        StartsWithCurrencySymbol: true,
      },
      currencyLocale: 1046,
      currencySymbol: store?.currencySymbol ?? 'R$',
      timeZone: store?.timeZone ?? 'E. South America Standard Time',
    },
    customData: null,
    commercialConditionData: null,
    openTextField: body.openTextField ?? null,
    invoiceData: null,
    changesAttachment: null,
    callCenterOperatorData: null,
    packageAttachment: { packages: [] },
    paymentData: {
      giftCards: [],
      transactions: [
        {
          isActive: true,
          transactionId: ctx.transactionId,
          merchantName: ctx.account.toUpperCase(),
          payments: ctx.payments,
        },
      ],
    },
    shippingData: {
      id: 'shippingData',
      address: shippingAddress,
      logisticsInfo: part.lines.map(({ logistics }, itemIndex) =>
        toLogisticsInfo(logistics, itemIndex, addressId, ctx.now),
      ),
      trackingHints: null,
      selectedAddresses: [shippingAddress],
      contactInformation: [],
    },
    ratesAndBenefitsData: { id: 'ratesAndBenefitsData', rateAndBenefitsIdentifiers: [] },
    marketingData: null,
    giftRegistryData: null,
    clientProfileData: {
      id: 'clientProfileData',
      email: client.email,
      firstName: client.firstName,
      lastName: client.lastName ?? '',
      documentType: client.documentType ?? '',
      document: client.document ?? '',
      phone: client.phone ?? '',
      corporateName: client.corporateName ?? null,
      tradeName: client.tradeName ?? null,
      corporateDocument: client.corporateDocument ?? null,
      stateInscription: client.stateInscription ?? null,
      corporatePhone: client.corporatePhone ?? null,
      isCorporate: client.isCorporate ?? false,
      userProfileId: '',
      userProfileVersion: null,
      customerClass: null,
      customerCode: null,
    },
    items: part.lines.map(({ item }) => toOrderItem(item, part.seller, ctx.newId())),
    marketplaceItems: [],
    authorizationPolicyData: [],
  }
}

function toOrderItem(item: IntakeItem, seller: string, uniqueId: string): OrderItem {
  const sellingPrice = item.sellingPrice ?? item.price
  return {
    uniqueId,
    id: item.id,
    productId: item.productId ?? '',
    ean: item.ean ?? null,
    lockId: '',
    itemAttachment: { content: {}, name: null },
    attachments: [],
    quantity: item.quantity,
    seller,
    name: item.name,
    refId: item.refId ?? '',
    price: item.price,
    listPrice: item.listPrice ?? item.price,
    manualPrice: null,
    priceTags: [],
    imageUrl: item.imageUrl ?? '',
    detailUrl: item.detailUrl ?? '',
    components: [],
    bundleItems: [],
    params: [],
    offerings: [],
    attachmentOfferings: [],
    sellerSku: item.id,
    priceValidUntil: null,
    commission: 0,
    tax: item.tax ?? 0,
    preSaleDate: null,
    additionalInfo: {
      brandName: '',
      brandId: '',
      categoriesIds: '',
      categories: [],
      productClusterId: '',
      commercialConditionId: '1',
      dimension: { cubicweight: 0, height: 0, length: 0, weight: 0, width: 0 },
      offeringInfo: null,
      offeringType: null,
      offeringTypeId: null,
    },
    measurementUnit: item.measurementUnit ?? 'un',
    unitMultiplier: item.unitMultiplier ?? 1,
    sellingPrice,
    isGift: item.isGift ?? false,
    shippingPrice: null,
    rewardValue: 0,
    freightCommission: 0,
    priceDefinitions: {
      sellingPrices: [{ value: sellingPrice, quantity: item.quantity }],
      calculatedSellingPrice: sellingPrice,
      total: sellingPrice * item.quantity,
    },
    taxCode: null,
    parentItemIndex: null,
    parentAssemblyBinding: null,
    callCenterOperator: null,
    serialNumbers: null,
    assemblies: [],
    costPrice: item.price,
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

function toLogisticsInfo(
  input: IntakeLogistics,
  itemIndex: number,
  addressId: string,
  now: string,
): LogisticsInfo {
  const channel = input.selectedDeliveryChannel ?? 'delivery'
  const lockTTL = input.lockTTL ?? '10d'
  return {
    itemIndex,
    selectedSla: input.selectedSla,
    lockTTL,
    price: input.price,
    listPrice: input.listPrice ?? input.price,
    sellingPrice: input.sellingPrice ?? input.price,
    deliveryWindow: null,
    deliveryCompany: input.deliveryCompany ?? '',
    shippingEstimate: input.shippingEstimate,
    shippingEstimateDate: estimateDate(input.shippingEstimate, now),
    slas: [
      {
        id: input.selectedSla,
        name: input.selectedSla,
        shippingEstimate: input.shippingEstimate,
        deliveryWindow: null,
        price: input.price,
        selectedDeliveryChannel: channel,
        pickupStoreInfo: {
          additionalInfo: null,
          address: null,
          dockId: null,
          friendlyName: null,
          isPickupStore: false,
        },
        polygonName: null,
        lockTTL,
        pickupPointId: '',
        transitTime: input.shippingEstimate,
        pickupDistance: 0,
      },
    ],
    shipsTo: [],
    deliveryIds: [],
    deliveryChannels: [{ id: channel, stockBalance: 0 }],
    selectedDeliveryChannel: channel,
    pickupStoreInfo: null,
    addressId,
    versionId: null,
    entityId: null,
    polygonName: null,
    pickupPointId: null,
    transitTime: input.shippingEstimate,
  }
}
