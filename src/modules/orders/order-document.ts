// Renders the typed order as VTEX's Get order document. Pure: the write path stores the result, so Get order
// returns stored bytes; fields Ordo has no value for are present with the empty value the reference's type allows.
import { currencyFormat, isKnownCurrency, isValidLocale } from './currency-format.ts'
import {
  isPartiallyInvoiced,
  orderValue,
  STORE_SELLER,
  type Address,
  type ChangedItem,
  type ModificationLine,
  type Order,
  type OrderItem,
  type Package,
} from './order.ts'
import { isTransactionActive } from './order-payment.ts'
import { allowsCancellation, WORKFLOW } from './order-status.ts'
import type {
  ChangesAttachmentDocument,
  GroupOrderDocument,
  ItemDocument,
  LogisticsInfoDocument,
  OrderDocument,
  PackageDocument,
  PaymentDocument,
  TransactionDocument,
} from './order.schemas.ts'

export function renderDocument(order: Order): OrderDocument {
  const address = renderAddress(order.shipping.address)
  const cancellation = order.cancellation
  return {
    orderId: order.orderId,
    sequence: String(order.sequence),
    marketplaceOrderId: order.marketplaceOrderId ?? '',
    marketplaceServicesEndpoint: order.marketplaceServicesEndpoint ?? '',
    sellerOrderId:
      order.sellerOrderId ?? `${order.seller.id === STORE_SELLER ? '00' : 'SLR'}-${order.orderId}`,
    origin: order.origin,
    affiliateId: order.affiliateId ?? '',
    salesChannel: order.salesChannel,
    merchantName: null,
    status: order.status,
    workflowIsInError: false,
    statusDescription: WORKFLOW[order.status].label,
    value: orderValue(order),
    creationDate: order.creationDate,
    lastChange: order.lastChange,
    orderGroup: order.orderGroup,
    followUpEmail: order.followUpEmail ?? '',
    lastMessage: null,
    hostname: order.account,
    isCompleted: true,
    roundingError: 0,
    orderFormId: '',
    // A partially invoiced order is still handling, but cannot be canceled any more.
    allowCancellation: allowsCancellation(order.status, order.workflow.flow) && !isPartiallyInvoiced(order),
    allowEdition: false,
    isCheckedIn: false,
    authorizedDate: order.authorizedDate,
    invoicedDate: order.invoicedDate,
    cancelReason: cancellation?.reason ?? null,
    checkedInPickupPointId: null,
    totals: [
      { id: 'Items', name: 'Total dos Itens', value: order.totals.items, alternativeTotals: null },
      {
        id: 'Discounts',
        name: 'Total dos Descontos',
        value: order.totals.discounts,
        alternativeTotals: null,
      },
      { id: 'Shipping', name: 'Total do Frete', value: order.totals.shipping, alternativeTotals: null },
      { id: 'Tax', name: 'Total da Taxa', value: order.totals.tax, alternativeTotals: null },
      ...(order.changes.length > 0 || order.totals.change !== 0
        ? [
            {
              id: 'Change' as const,
              name: 'Total das mudanças',
              value: order.totals.change,
              alternativeTotals: null,
            },
          ]
        : []),
    ],
    sellers: [{ id: order.seller.id, name: order.seller.name, logo: null, fulfillmentEndpoint: '' }],
    clientPreferencesData: { ...order.clientPreferences },
    cancellationData: cancellation && {
      RequestedByUser: cancellation.requestedByUser,
      RequestedBySystem: cancellation.requestedBySystem,
      RequestedBySellerNotification: cancellation.requestedBySellerNotification,
      RequestedByPaymentNotification: cancellation.requestedByPaymentNotification,
      Reason: cancellation.reason,
      CancellationDate: cancellation.date,
    },
    cancellationRequests: order.cancellationRequests.length > 0 ? order.cancellationRequests : null,
    taxData: null,
    subscriptionData: null,
    itemMetadata: {
      Items: order.items.map((item) => ({
        Id: item.id,
        Seller: order.seller.id,
        Name: item.name,
        SkuName: item.name,
        ProductId: item.productId,
        RefId: item.refId,
        Ean: item.ean ?? '',
        ImageUrl: item.imageUrl,
        DetailUrl: item.detailUrl,
        AssemblyOptions: [],
      })),
    },
    marketplace: null,
    storePreferencesData: renderStorePreferences(order),
    customData: null,
    commercialConditionData: null,
    openTextField: order.openTextField,
    invoiceData: null,
    changesAttachment: renderChanges(order),
    callCenterOperatorData: null,
    packageAttachment: { packages: order.packages.map((p) => renderPackage(p, order)) },
    paymentData: { giftCards: [], transactions: [renderTransaction(order)] },
    shippingData: {
      id: 'shippingData',
      address,
      logisticsInfo: order.shipping.logistics.map((logistics) => {
        const channel = logistics.deliveryChannel
        return {
          itemIndex: logistics.itemIndex,
          selectedSla: logistics.selectedSla,
          lockTTL: logistics.lockTTL,
          price: logistics.price,
          listPrice: logistics.listPrice,
          sellingPrice: logistics.sellingPrice,
          deliveryWindow: null,
          deliveryCompany: logistics.deliveryCompany,
          shippingEstimate: logistics.shippingEstimate,
          shippingEstimateDate: logistics.shippingEstimateDate,
          slas: [
            {
              id: logistics.selectedSla,
              name: logistics.selectedSla,
              shippingEstimate: logistics.shippingEstimate,
              deliveryWindow: null,
              price: logistics.price,
              selectedDeliveryChannel: channel,
              deliveryChannel: channel,
              pickupStoreInfo: NO_PICKUP_STORE,
              polygonName: null,
              lockTTL: logistics.lockTTL,
              pickupPointId: '',
              transitTime: logistics.shippingEstimate,
              pickupDistance: 0,
            },
          ],
          shipsTo: [],
          deliveryIds: [],
          deliveryChannels: [{ id: channel, stockBalance: 0 }],
          selectedDeliveryChannel: channel,
          deliveryChannel: channel,
          pickupStoreInfo: NO_PICKUP_STORE,
          addressId: address.addressId,
          versionId: null,
          entityId: null,
          polygonName: null,
          pickupPointId: null,
          transitTime: logistics.shippingEstimate,
        } satisfies LogisticsInfoDocument
      }),
      trackingHints: null,
      selectedAddresses: [address],
      contactInformation: [],
    },
    ratesAndBenefitsData: { id: 'ratesAndBenefitsData', rateAndBenefitsIdentifiers: [] },
    marketingData: null,
    giftRegistryData: null,
    clientProfileData: {
      id: 'clientProfileData',
      ...order.client,
      userProfileId: '',
      userProfileVersion: null,
      customerClass: null,
      customerCode: null,
    },
    items: order.items.map((item) => renderItem(item, order.seller.id)),
    marketplaceItems: [],
    authorizationPolicyData: [],
  }
}

/** The order-group endpoint's variant: the same document with the reference's newer cancellation data. */
export function renderGroupDocument(order: Order): GroupOrderDocument {
  const cancellation = order.cancellation
  return {
    ...renderDocument(order),
    cancellationData: cancellation && {
      requestedByUser: cancellation.requestedByUser,
      requestedBySystem: cancellation.requestedBySystem,
      requestedBySellerNotification: cancellation.requestedBySellerNotification,
      requestedByPaymentNotification: cancellation.requestedByPaymentNotification,
      ...(cancellation.reason === null ? {} : { reason: cancellation.reason }),
      cancellationDate: cancellation.date,
      ...(cancellation.requestId === null ? {} : { cancellationRequestId: cancellation.requestId }),
    },
  }
}

/** The order's payment transaction, the one rendering Get order and the payment-transaction endpoint share. */
export function renderTransaction(order: Order): TransactionDocument {
  const { payment } = order
  return {
    isActive: isTransactionActive(order),
    transactionId: payment.transactionId,
    merchantName: payment.merchantName,
    payments: payment.payments.map((p): PaymentDocument => ({
      id: p.id,
      paymentSystem: p.paymentSystem,
      paymentSystemName: p.paymentSystemName,
      value: p.value,
      installments: p.installments,
      referenceValue: p.value,
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
      group: p.group,
      tid: p.tid,
      dueDate: p.dueDate,
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
    })),
  }
}

/**
 * Intake takes only currencies and locales Intl knows, but 0.1.0 took any: such an order is shown in the
 * Brazilian layout with its own code as the symbol, rather than made unreadable.
 */
function renderStorePreferences(order: Order): OrderDocument['storePreferencesData'] {
  const { store } = order
  const known = isKnownCurrency(store.currencyCode)
  const locale = order.clientPreferences.locale
  const format = currencyFormat(known ? store.currencyCode : 'BRL', isValidLocale(locale) ? locale : 'pt-BR')
  return {
    countryCode: store.countryCode,
    currencyCode: store.currencyCode,
    currencyFormatInfo: format.currencyFormatInfo,
    currencyLocale: format.currencyLocale,
    currencySymbol: store.currencySymbol ?? (known ? format.currencySymbol : store.currencyCode),
    timeZone: store.timeZone,
  }
}

function renderPackage(pkg: Package, order: Order): PackageDocument {
  const items = pkg.items.map((item) => ({
    ...item,
    description: item.description ?? order.items[item.itemIndex]?.name ?? null,
    unitMultiplier: order.items[item.itemIndex]?.unitMultiplier ?? null,
  }))
  return {
    type: pkg.type,
    invoiceNumber: pkg.invoiceNumber,
    invoiceValue: pkg.invoiceValue,
    invoiceKey: pkg.invoiceKey,
    invoiceUrl: pkg.invoiceUrl,
    issuanceDate: pkg.issuanceDate,
    items,
    courier: pkg.courier,
    trackingNumber: pkg.trackingNumber,
    trackingUrl: pkg.trackingUrl,
    dispatchedDate: pkg.dispatchedDate,
    embeddedInvoice: pkg.embeddedInvoice,
    // The reference types deliveredDate as a string: left out until the carrier reports one.
    courierStatus: pkg.tracking && {
      status: 'ok',
      finished: pkg.tracking.isDelivered,
      ...(pkg.tracking.deliveredDate === null ? {} : { deliveredDate: pkg.tracking.deliveredDate }),
      data: pkg.tracking.events.map((event) => ({
        lastChange: event.date,
        city: event.city,
        state: event.state,
        description: event.description,
        createDate: event.receivedAt,
      })),
    },
    cfop: pkg.cfop,
    // Only returns give money back; the reference's Refund is an object that is never null.
    restitutions:
      pkg.type === 'Input'
        ? {
            Refund: {
              value: pkg.refundedValue,
              giftCardData: null,
              items: items.map((item) => ({
                id: order.items[item.itemIndex]?.id ?? '',
                quantity: item.quantity,
                price: item.price,
                description: item.description ?? '',
                useFreight: null,
                isCompensation: false,
                compensationValue: 0,
              })),
            },
          }
        : {},
    volumes: pkg.volumes,
    extraValue: pkg.extraValue,
    EnableInferItems: null,
  }
}

/** Changes registered (v1) and order modifications (v2) done, as VTEX's changesData shows both. */
function renderChanges(order: Order): ChangesAttachmentDocument | null {
  const modifications = order.modifications.filter((m) => m.status === 'done')
  if (order.changes.length === 0 && modifications.length === 0) return null
  const item = ({ unitMultiplier, ...rest }: ChangedItem) => ({
    ...rest,
    unitMultiplier: String(unitMultiplier),
  })
  const lines = (moved: readonly ModificationLine[]) =>
    moved.map((line) =>
      item({
        id: line.id,
        name: line.name,
        quantity: line.quantity,
        price: line.sellingPrice,
        unitMultiplier: line.unitMultiplier,
      }),
    )
  return {
    id: 'changeAttachment',
    changesData: [
      ...order.changes.map((change) => ({
        reason: change.reason,
        discountValue: change.discountValue,
        incrementValue: change.incrementValue,
        itemsAdded: change.itemsAdded.map(item),
        itemsRemoved: change.itemsRemoved.map(item),
        receipt: { date: change.date, orderId: order.orderId, receipt: change.receipt },
      })),
      ...modifications.map((m) => {
        const { operations } = m.outcome
        return {
          reason: m.reason,
          discountValue: m.request.manualDiscountValue,
          incrementValue: m.request.manualIncrementValue,
          itemsAdded: lines(operations.flatMap((o) => o.to)),
          itemsRemoved: lines(operations.flatMap((o) => o.from)),
          receipt: { date: m.log.at(-1)?.date ?? m.date, orderId: order.orderId, receipt: m.requestId },
        }
      }),
    ],
  }
}

const NO_PICKUP_STORE = {
  additionalInfo: null,
  address: null,
  dockId: null,
  friendlyName: null,
  isPickupStore: false,
}

const renderAddress = (address: Address) => ({ ...address, versionId: null, entityId: null })

function renderItem(item: OrderItem, seller: string): ItemDocument {
  const priceDefinition = {
    sellingPrices: [{ value: item.sellingPrice, quantity: item.quantity }],
    calculatedSellingPrice: item.sellingPrice,
    total: item.sellingPrice * item.quantity,
    reason: null,
  }
  return {
    uniqueId: item.uniqueId,
    id: item.id,
    productId: item.productId,
    ean: item.ean,
    lockId: '',
    itemAttachment: { content: {}, name: null },
    attachments: [],
    quantity: item.quantity,
    seller,
    name: item.name,
    refId: item.refId,
    price: item.price,
    listPrice: item.listPrice,
    manualPrice: null,
    priceTags: [],
    imageUrl: item.imageUrl,
    detailUrl: item.detailUrl,
    components: [],
    bundleItems: [],
    params: [],
    offerings: [],
    attachmentOfferings: [],
    sellerSku: item.id,
    priceValidUntil: null,
    commission: 0,
    tax: item.tax,
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
    measurementUnit: item.measurementUnit,
    unitMultiplier: item.unitMultiplier,
    sellingPrice: item.sellingPrice,
    isGift: item.isGift,
    shippingPrice: null,
    rewardValue: 0,
    freightCommission: 0,
    priceDefinitions: priceDefinition,
    priceDefinition,
    taxCode: null,
    parentItemIndex: null,
    parentAssemblyBinding: null,
    callCenterOperator: null,
    serialNumbers: null,
    assemblies: [],
    costPrice: item.price,
  }
}
