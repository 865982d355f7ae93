// Request bodies for tests, built from the example order.
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import type { OrderEventDraft } from '../src/modules/orders/order-event.ts'
import type { Package } from '../src/modules/orders/order.ts'

/**
 * The other seller of the example order: account `partner` on the same server, registered by the test account
 * (test/harness.ts) as intake requires of every seller but `1`.
 */
export const PARTNER = { id: 'partner', name: 'Partner Store', account: 'partner' } as const

/** A marketplace's order of another seller, as its statuses go up to where it waits for the seller. */
export const MARKETPLACE_PATH = [
  'order-created',
  'on-order-completed',
  'waiting-for-authorization',
  'payment-pending',
  'approve-payment',
  'payment-approved',
  'waiting-seller-handling',
]

/** A seller's order, accepted when placed and authorized when its marketplace's payment is approved. */
export const SELLER_APPROVED_PATH = [
  'order-accepted',
  'on-order-completed-ffm',
  'waiting-ffmt-authorization',
  'authorize-fulfillment',
  'window-to-cancel',
  'ready-for-handling',
]

/** A registration of an external seller (its External Seller Fulfillment endpoint). */
export const EXTERNAL_PARTNER = {
  name: PARTNER.name,
  fulfillmentEndpoint: 'https://partner.example/api',
} as const

/** The two-seller order of the intake example: seller `1` (10980) and seller `partner` (3000), 13980 in all. */
export function exampleOrder(overrides: Partial<IntakeBody> = {}): IntakeBody {
  return {
    marketplaceOrderId: 'ERP-TEST-1',
    salesChannel: '1',
    items: [
      {
        id: '1001',
        productId: '100',
        name: 'Blue T-shirt M',
        seller: '1',
        quantity: 2,
        price: 4990,
        listPrice: 5990,
        sellingPrice: 4990,
      },
      {
        id: '2002',
        productId: '200',
        name: 'Mug',
        seller: 'partner',
        quantity: 1,
        price: 2500,
        listPrice: 2500,
        sellingPrice: 2500,
      },
    ],
    clientProfileData: {
      email: 'ana@example.com',
      firstName: 'Ana',
      lastName: 'Silva',
      document: '12345678909',
      documentType: 'cpf',
      phone: '+5511999999999',
    },
    shippingData: {
      address: {
        receiverName: 'Ana Silva',
        postalCode: '22271-020',
        city: 'Rio de Janeiro',
        state: 'RJ',
        country: 'BRA',
        street: 'Rua Conde de Irajá',
        number: '97',
        neighborhood: 'Botafogo',
      },
      logisticsInfo: [
        { itemIndex: 0, selectedSla: 'Normal', price: 1000, shippingEstimate: '4bd' },
        { itemIndex: 1, selectedSla: 'Normal', price: 500, shippingEstimate: '5bd' },
      ],
    },
    paymentData: {
      payments: [
        { paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: 13980, installments: 1 },
      ],
    },
    ...overrides,
  }
}

/** A one-seller order of `value` cents paid by one promissory payment; `tag` keeps marketplaceOrderIds distinct. */
export function singleOrder(tag: string, value = 5000): IntakeBody {
  return exampleOrder({
    marketplaceOrderId: `ERP-${tag}`,
    items: [{ id: '1001', name: 'Blue T-shirt M', seller: '1', quantity: 1, price: value - 1000 }],
    shippingData: {
      ...exampleOrder().shippingData,
      logisticsInfo: [{ itemIndex: 0, selectedSla: 'Normal', price: 1000, shippingEstimate: '3bd' }],
    },
    paymentData: {
      payments: [{ paymentSystem: '17', paymentSystemName: 'Promissory', group: 'promissory', value }],
    },
  })
}

/** An invoice as the invoices feature will record it; tests arrange partially invoiced orders with it. */
export function invoicePackage(type: Package['type'], invoiceValue: number): Package {
  return {
    type,
    invoiceNumber: `NF-${invoiceValue}`,
    invoiceValue,
    invoiceKey: null,
    invoiceUrl: null,
    issuanceDate: '2026-03-02',
    items: [],
    courier: null,
    trackingNumber: null,
    trackingUrl: null,
    dispatchedDate: null,
    embeddedInvoice: '',
    cfop: null,
    volumes: 1,
    extraValue: 0,
    refundedValue: 0,
    tracking: null,
  }
}

/** VTEX's storePreferencesData of a Brazilian store: what an order in BRL with locale pt-BR shows. */
export const BRL_STORE_PREFERENCES = {
  countryCode: 'BRA',
  currencyCode: 'BRL',
  currencyFormatInfo: {
    CurrencyDecimalDigits: 2,
    CurrencyDecimalSeparator: ',',
    CurrencyGroupSeparator: '.',
    CurrencyGroupSize: 3,
    StartsWithCurrencySymbol: true,
  },
  currencyLocale: 1046,
  currencySymbol: 'R$',
  timeZone: 'E. South America Standard Time',
}

/** An interaction event as a rule records it: the smallest event, for tests that write the log directly. */
export const interactionEvent = (message: string): OrderEventDraft => ({
  kind: 'interaction',
  data: { source: 'test', message },
  domain: 'Marketplace',
  state: 'payment-pending',
  lastState: 'payment-pending',
  lastChange: null,
  currentChange: '2026-03-02T12:00:00.000Z',
})
