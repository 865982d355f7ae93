// An order placement of VTEX's External Seller Fulfillment protocol (POST /pvt/orders): what a marketplace order
// sends its seller, and the seller's own order it becomes. The seller is seller `1` of its own account; the marketplace
// is paid, so the order's one payment is the marketplace's (`marketplacePaymentValue`). Pure.
import { orderValue, type Order } from '../orders/order.ts'
import { intakeTotal } from './intake.ts'
import type { IntakeBody, IntakeItem } from './intake.schemas.ts'
import type { ProtocolPlacement } from './placement.schemas.ts'

/**
 * The protocol's placement. Its items carry the protocol's fields and, from an Ordo marketplace, the intake
 * fields a seller with no catalogue of its own needs (name, product, prices); a seller that has a catalogue
 * ignores them, as the protocol lets it.
 */
export interface Placement {
  marketplaceOrderId: string
  marketplaceServicesEndpoint: string | null
  /** Cents the marketplace pays the seller. */
  marketplacePaymentValue: number
  items: (IntakeItem & { seller: string })[]
  clientProfileData: IntakeBody['clientProfileData']
  shippingData: IntakeBody['shippingData']
  paymentData: null
  openTextField: string | null
  salesChannel?: string | undefined
  /** An external marketplace's affiliate id, which numbers the seller's order. */
  affiliateId?: string | undefined
}

/**
 * The seller's order id of a marketplace's order, as VTEX numbers it: `{affiliateId}-` for a marketplace that
 * names its affiliate, `SLR-` for an Ordo marketplace.
 */
export const sellerOrderIdOf = (marketplaceOrderId: string, affiliateId?: string): string =>
  `${affiliateId ?? 'SLR'}-${marketplaceOrderId}`

/** The customer's fields the protocol sends as null are fields intake leaves out. */
const withoutNulls = (client: ProtocolPlacement['clientProfileData']): IntakeBody['clientProfileData'] =>
  Object.fromEntries(
    Object.entries(client).filter(([, value]) => value !== null),
  ) as IntakeBody['clientProfileData']

/**
 * A placement as a marketplace sends it over HTTP. Items without a name (a marketplace with the seller's own
 * catalogue) are named by SKU; a delivery without an estimate is due the same day.
 */
export const placementOfProtocol = (body: ProtocolPlacement, affiliateId: string | undefined): Placement => ({
  marketplaceOrderId: body.marketplaceOrderId,
  marketplaceServicesEndpoint: body.marketplaceServicesEndpoint ?? null,
  marketplacePaymentValue: body.marketplacePaymentValue ?? 0,
  items: body.items.map(({ commission: _c, freightCommission: _f, ...item }) => ({
    ...item,
    name: item.name ?? `SKU ${item.id}`,
  })),
  clientProfileData: withoutNulls(body.clientProfileData),
  shippingData: {
    address: body.shippingData.address,
    logisticsInfo: body.shippingData.logisticsInfo.map((line) => ({
      ...line,
      shippingEstimate: line.shippingEstimate ?? '0d',
    })),
  },
  paymentData: null,
  openTextField: body.openTextField ?? null,
  affiliateId,
})

/** The placement as the intake request the seller's order is planned and built from. */
export const intakeOfPlacement = (placement: Placement): IntakeBody => ({
  marketplaceOrderId: placement.marketplaceOrderId,
  ...(placement.marketplaceServicesEndpoint !== null && {
    marketplaceServicesEndpoint: placement.marketplaceServicesEndpoint,
  }),
  ...(placement.salesChannel !== undefined && { salesChannel: placement.salesChannel }),
  ...(placement.affiliateId !== undefined && { affiliateId: placement.affiliateId }),
  origin: 'Fulfillment',
  items: placement.items.map((item) => ({ ...item, seller: '1' })),
  clientProfileData: placement.clientProfileData,
  shippingData: placement.shippingData,
  paymentData: {
    payments: [
      {
        paymentSystem: 'marketplace',
        paymentSystemName: 'Marketplace',
        group: 'promissory',
        // The seller's order is worth its items and delivery; what the marketplace keeps of it as commission
        // is the marketplace's business (marketplacePaymentValue).
        value: intakeTotal({ items: placement.items, shippingData: placement.shippingData }),
      },
    ],
  },
})

/**
 * The seller's order as built from the placement: numbered after the marketplace's, accepted (`order-accepted`),
 * in the seller flow, linked back to the marketplace that sold it.
 */
export const sellerCopyOf = (
  built: Order,
  placement: Placement,
  marketplaceAccount: string | null,
): Order => {
  const orderId = sellerOrderIdOf(placement.marketplaceOrderId, placement.affiliateId)
  return {
    ...built,
    orderId,
    orderGroup: orderId,
    status: 'order-accepted',
    workflow: { ...built.workflow, flow: 'seller', domain: 'Fulfillment' },
    marketplaceAccount,
    sellerAccount: null,
    sellerOrderId: null,
    sellerChanges: [],
  }
}

/** The placement of a marketplace order for its seller: its items, customer, address and delivery. */
export function placementOf(order: Order): Placement {
  const { address, logistics } = order.shipping
  return {
    marketplaceOrderId: order.orderId,
    marketplaceServicesEndpoint: null,
    marketplacePaymentValue: orderValue(order),
    salesChannel: order.salesChannel,
    items: order.items.map((item) => ({
      id: item.id,
      productId: item.productId,
      name: item.name,
      seller: order.seller.id,
      quantity: item.quantity,
      price: item.price,
      listPrice: item.listPrice,
      sellingPrice: item.sellingPrice,
      tax: item.tax,
      refId: item.refId,
      ...(item.ean !== null && { ean: item.ean }),
      imageUrl: item.imageUrl,
      detailUrl: item.detailUrl,
      measurementUnit: item.measurementUnit,
      unitMultiplier: item.unitMultiplier,
      isGift: item.isGift,
    })),
    clientProfileData: {
      email: order.client.email,
      firstName: order.client.firstName,
      lastName: order.client.lastName,
      documentType: order.client.documentType,
      document: order.client.document,
      phone: order.client.phone,
      isCorporate: order.client.isCorporate,
      ...(order.client.corporateName !== null && { corporateName: order.client.corporateName }),
      ...(order.client.tradeName !== null && { tradeName: order.client.tradeName }),
      ...(order.client.corporateDocument !== null && { corporateDocument: order.client.corporateDocument }),
    },
    shippingData: {
      address: {
        addressType: address.addressType,
        receiverName: address.receiverName,
        postalCode: address.postalCode,
        city: address.city,
        state: address.state,
        country: address.country,
        street: address.street,
        number: address.number,
        neighborhood: address.neighborhood,
        complement: address.complement,
        ...(address.reference !== null && { reference: address.reference }),
        geoCoordinates: address.geoCoordinates,
      },
      logisticsInfo: logistics.map((line) => ({
        itemIndex: line.itemIndex,
        selectedSla: line.selectedSla,
        price: line.price,
        listPrice: line.listPrice,
        sellingPrice: line.sellingPrice,
        shippingEstimate: line.shippingEstimate,
        deliveryCompany: line.deliveryCompany,
        lockTTL: line.lockTTL,
        selectedDeliveryChannel: line.deliveryChannel,
      })),
    },
    paymentData: null,
    openTextField: null,
  }
}
