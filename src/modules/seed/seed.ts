// What `ordo seed` places: realistic orders, the same for the same seed — customers, carts, sellers, sales
// channels, payment methods and addresses, spread over two years, each with what happens to it afterwards
// (approved, handled, invoiced, canceled, or still waiting for payment). No I/O, no clock, no Math.random.
import type { Address, PaymentGroup } from '../orders/order.ts'

/** A generator of numbers in [0, 1), the same sequence for the same seed (mulberry32). */
export function randomOf(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The order `index` of a seed draws from its own sequence: any order can be made again alone. */
const randomFor = (seed: number, index: number) => randomOf(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + index)

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T

const FIRST_NAMES = [
  'Ana',
  'Bruno',
  'Carla',
  'Davi',
  'Elisa',
  'Felipe',
  'Gabriela',
  'Heitor',
  'Isabela',
  'João',
  'Larissa',
  'Marcos',
  'Natália',
  'Otávio',
  'Paula',
  'Rafael',
  'Sofia',
  'Tiago',
  'Vitória',
  'William',
] as const
const LAST_NAMES = [
  'Silva',
  'Souza',
  'Oliveira',
  'Santos',
  'Lima',
  'Pereira',
  'Costa',
  'Ferreira',
  'Almeida',
  'Ribeiro',
  'Carvalho',
  'Gomes',
  'Martins',
  'Rocha',
  'Barbosa',
] as const
/** How many different customers a seed's orders come from. */
const CUSTOMERS = 5_000

const CITIES = [
  { city: 'São Paulo', state: 'SP', postalCode: '01310-100', street: 'Avenida Paulista' },
  { city: 'Rio de Janeiro', state: 'RJ', postalCode: '22271-020', street: 'Rua Conde de Irajá' },
  { city: 'Belo Horizonte', state: 'MG', postalCode: '30130-010', street: 'Avenida Afonso Pena' },
  { city: 'Porto Alegre', state: 'RS', postalCode: '90010-150', street: 'Rua dos Andradas' },
  { city: 'Recife', state: 'PE', postalCode: '50030-230', street: 'Avenida Boa Viagem' },
] as const

/** SKU, product, name and unit price in cents. */
type Product = readonly [id: string, productId: string, name: string, price: number]

/** The store's catalogue. */
const CATALOGUE: readonly Product[] = [
  ['1001', '100', 'Blue T-shirt M', 4990],
  ['1002', '100', 'Blue T-shirt L', 4990],
  ['1101', '110', 'Running shoes 42', 34990],
  ['1201', '120', 'Backpack 20 l', 18990],
  ['1301', '130', 'Water bottle 750 ml', 5990],
  ['1401', '140', 'Wireless earbuds', 29990],
  ['1501', '150', 'Yoga mat', 12990],
  ['1601', '160', 'Coffee beans 1 kg', 8990],
  ['1701', '170', 'Desk lamp', 15990],
  ['1801', '180', 'Notebook A5', 2490],
]
/** Sold by the marketplace's partner: such a cart is split into two orders. */
/** The carts' second seller: another account on the server, which `ordo seed` registers. */
export const PARTNER_SELLER = { id: 'partner', name: 'Partner Store', account: 'partner' } as const

const PARTNER_CATALOGUE: readonly Product[] = [
  ['2002', '200', 'Mug', 2500],
  ['2101', '210', 'Tea sampler', 6990],
]

const PAYMENTS = [
  { paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard' },
  { paymentSystem: '4', paymentSystemName: 'Mastercard', group: 'creditCard' },
  { paymentSystem: '6', paymentSystemName: 'Boleto Bancário', group: 'bankInvoice' },
  { paymentSystem: '125', paymentSystemName: 'Pix', group: 'instantPayment' },
  { paymentSystem: '17', paymentSystemName: 'Promissory', group: 'promissory' },
] as const

/** What happens to an order after it is placed, and how often. */
export const FATES = [
  ['waiting for payment', 0.08],
  ['canceled', 0.1],
  ['ready for handling', 0.12],
  ['handling', 0.15],
  ['invoiced', 0.55],
] as const
export type Fate = (typeof FATES)[number][0]

const MINUTE = 60_000

/** The intake request of a placement, as `POST /api/oms/pvt/orders` takes it (IntakeBody). */
export interface SeedBody {
  marketplaceOrderId: string
  salesChannel: string
  affiliateId?: string
  items: { id: string; productId: string; name: string; seller: string; quantity: number; price: number }[]
  clientProfileData: {
    email: string
    firstName: string
    lastName: string
    document: string
    documentType: string
    phone: string
  }
  shippingData: {
    address: Pick<Address, 'receiverName' | 'postalCode' | 'city' | 'state' | 'country' | 'street' | 'number'>
    logisticsInfo: { itemIndex: number; selectedSla: string; price: number; shippingEstimate: string }[]
  }
  paymentData: {
    payments: { paymentSystem: string; paymentSystemName: string; group: PaymentGroup; value: number }[]
  }
}

/** One placement of a seed, and the later steps of its fate, each at its own time (ms since the epoch). */
export interface Scenario {
  body: SeedBody
  placedAt: number
  fate: Fate
  /** When the payment is approved, or the order canceled: minutes to hours after its placement. */
  decidedAt: number
  /** When handling starts (after any grace period), then when it is invoiced. */
  handledAt: number
  invoicedAt: number
}

/** The share of carts that hold an item of the second seller too, and so make two orders. */
const PARTNER_SHARE = 0.15

/** About how many placements make `orders` orders, some carts making two. */
export const placementsFor = (orders: number): number => Math.max(1, Math.round(orders / (1 + PARTNER_SHARE)))

/**
 * The `index`-th of about `count` placements of `seed`, spread evenly (with jitter) from `from` to `to`: placements
 * come in time order, so sequences follow creation dates as a real store's do. The few a seed may need beyond
 * `count` are placed at `to`.
 */
export function scenarioOf(seed: number, index: number, count: number, from: number, to: number): Scenario {
  const random = randomFor(seed, index)
  const placedAt = Math.min(to, Math.floor(from + ((index + random()) * (to - from)) / Math.max(count, 1)))
  const customer = Math.floor(random() * CUSTOMERS)
  const firstName = FIRST_NAMES[customer % FIRST_NAMES.length] ?? 'Ana'
  const lastName = LAST_NAMES[Math.floor(customer / FIRST_NAMES.length) % LAST_NAMES.length] ?? 'Silva'
  const place = pick(random, CITIES)
  const lines: (readonly [Product, string])[] = Array.from(
    { length: 1 + Math.floor(random() * 3) },
    () => [pick(random, CATALOGUE), '1'] as const,
  )
  if (random() < PARTNER_SHARE) lines.push([pick(random, PARTNER_CATALOGUE), PARTNER_SELLER.id])
  const items = lines.map(([[id, productId, name, price], seller]) => ({
    id,
    productId,
    name,
    seller,
    quantity: 1 + Math.floor(random() ** 3 * 4),
    price,
  }))
  const logisticsInfo = items.map((_, itemIndex) => ({
    itemIndex,
    selectedSla: random() < 0.8 ? 'Normal' : 'Expressa',
    price: Math.floor(random() * 4) * 500,
    shippingEstimate: `${1 + Math.floor(random() * 7)}bd`,
  }))
  const value =
    items.reduce((sum, item) => sum + item.price * item.quantity, 0) +
    logisticsInfo.reduce((sum, logistics) => sum + logistics.price, 0)
  const roll = random()
  let cumulative = 0
  const fate = FATES.find(([, share]) => (cumulative += share) > roll)?.[0] ?? 'invoiced'
  const decidedAt = placedAt + Math.floor((5 + random() * 600) * MINUTE)
  const handledAt = decidedAt + Math.floor((60 + random() * 2_880) * MINUTE)
  const salesChannel = random()
  const affiliate = random()
  return {
    body: {
      marketplaceOrderId: `SEED-${seed}-${index}`,
      salesChannel: salesChannel < 0.7 ? '1' : salesChannel < 0.9 ? '2' : '3',
      ...(affiliate < 0.1 ? { affiliateId: 'WLM' } : affiliate < 0.15 ? { affiliateId: 'MRK' } : {}),
      items,
      clientProfileData: {
        email: `${firstName}.${lastName}.${customer}@example.com`.toLowerCase(),
        firstName,
        lastName,
        document: String(10_000_000_000 + customer),
        documentType: 'cpf',
        phone: `+55119${String(10_000_000 + customer).slice(-8)}`,
      },
      shippingData: {
        address: {
          receiverName: `${firstName} ${lastName}`,
          postalCode: place.postalCode,
          city: place.city,
          state: place.state,
          country: 'BRA',
          street: place.street,
          number: String(1 + (customer % 2000)),
        },
        logisticsInfo,
      },
      paymentData: { payments: [{ ...pick(random, PAYMENTS), value }] },
    },
    placedAt,
    fate,
    decidedAt,
    handledAt,
    invoicedAt: handledAt + Math.floor((30 + random() * 1_440) * MINUTE),
  }
}

/** How many orders a placement makes: one per seller of its cart. */
export const ordersOf = (scenario: Scenario): number =>
  new Set(scenario.body.items.map((item) => item.seller)).size
