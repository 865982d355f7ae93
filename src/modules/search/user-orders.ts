// The user order detail: the Get order document as the reference's older `Userorderdetails` schema types it, where
// many fields Get order leaves null are strings or objects that must be there. No I/O.
import type { OrderDocument } from '../orders/order.schemas.ts'

/** `value` with each of `empties`' keys that is null or missing set to its empty value. */
function withEmpties<T extends object>(value: T, empties: Record<string, unknown>): T {
  const out = { ...value } as Record<string, unknown>
  for (const [key, empty] of Object.entries(empties)) out[key] ??= empty
  return out as T
}

const PAYMENT_EMPTIES = {
  url: '',
  dueDate: '',
  giftCardProvider: '',
  giftCardAsDiscount: false,
  koinUrl: '',
  accountId: '',
  parentAccountId: '',
  bankIssuedInvoiceIdentificationNumber: '',
  bankIssuedInvoiceIdentificationNumberFormatted: '',
  bankIssuedInvoiceBarCodeNumber: '',
  bankIssuedInvoiceBarCodeType: '',
  billingAddress: {},
}

const CONNECTOR_RESPONSES = { Tid: '', ReturnCode: '', Message: '', authId: '' }

const DOCUMENT_EMPTIES = {
  merchantName: '',
  authorizedDate: '',
  checkedInPickupPointId: '',
  marketingData: {
    id: '',
    utmSource: '',
    utmPartner: '',
    utmMedium: '',
    utmCampaign: '',
    coupon: '',
    utmiCampaign: '',
    utmipage: '',
    utmiPart: '',
    marketingTags: [],
  },
  changesAttachment: { id: '', changesData: [] },
  marketplace: { baseURL: '', isCertified: '', name: '' },
  taxData: { areTaxesDesignatedByMarketplace: false, taxInfoCollection: [] },
  cancellationData: {
    RequestedByUser: false,
    RequestedBySystem: false,
    RequestedBySellerNotification: false,
    RequestedByPaymentNotification: false,
    Reason: '',
    CancellationDate: '',
  },
}

/**
 * The same data as Get order, with empty strings, `false` or empty objects where Get order has null and
 * `Userorderdetails` declares a string, boolean or object (docs/compatibility.md, User orders).
 */
export function userOrderDetails(document: OrderDocument): OrderDocument {
  const { cancellationData, shippingData, paymentData } = document
  return {
    ...withEmpties(document, DOCUMENT_EMPTIES),
    cancellationData: cancellationData
      ? { ...cancellationData, Reason: cancellationData.Reason ?? '' }
      : DOCUMENT_EMPTIES.cancellationData,
    shippingData: {
      ...shippingData,
      logisticsInfo: shippingData.logisticsInfo.map((entry) =>
        withEmpties(entry, { entityId: '', pickupPointId: '' }),
      ),
    },
    paymentData: {
      ...paymentData,
      transactions: paymentData.transactions.map((transaction) => ({
        ...transaction,
        payments: transaction.payments.map((payment) => ({
          ...withEmpties(payment, PAYMENT_EMPTIES),
          connectorResponses: { ...CONNECTOR_RESPONSES, ...payment.connectorResponses },
        })),
      })),
    },
    sellers: document.sellers.map((seller) => withEmpties(seller, { logo: '' })),
  }
}
