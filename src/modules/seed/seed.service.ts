// `ordo seed`: places the orders of seed.ts and takes each through its fate with the use cases a client's calls
// run (intake, payment notification, the grace period's end, start handling, invoice, cancel), at the times the
// scenario says, so every row is one the API itself could have written.
import type { Deps } from '../../deps.ts'
import type { Principal } from '../../platform/principal.ts'
import { cancelOrder } from '../cancellation/cancellation.service.ts'
import { startOrderHandling } from '../fulfillment/fulfillment.service.ts'
import { placeOrder } from '../intake/intake.service.ts'
import { invoiceOrder } from '../invoices/invoice.service.ts'
import type { OrderDocument } from '../orders/order.schemas.ts'
import { applyOrderTimeout } from '../orders/order.service.ts'
import { notifyPayment } from '../payments/payment.service.ts'
import { getSettings } from '../accounts/account.service.ts'
import { scenarioOf, type Scenario } from './seed.ts'

export interface SeedRun {
  account: string
  orders: number
  seed: number
  /** The placements spread over the two years before this (ms since the epoch). */
  until: number
  /** Told after each placement with how many orders it made (a cart of two sellers makes two). */
  placed?: (orders: number) => void
}

const TWO_YEARS_MS = 2 * 365 * 86_400_000
const GRACE_MARGIN_MS = 60_000

/**
 * Places placements until the seed's orders number `orders`, and returns how many this run placed: a seed run
 * again on its account finds its orders there and places none.
 */
export async function seedOrders(deps: Deps, run: SeedRun): Promise<number> {
  // Business time is the scenario's: each step happens when it says, not when the seed runs.
  let now = 0
  const seeding: Deps = { ...deps, clock: { now: () => new Date(now) } }
  const principal: Principal = {
    account: run.account,
    appKey: null,
    roles: [],
    resources: new Set(),
    shopperEmail: null,
  }
  const context: Context = {
    deps: seeding,
    principal,
    settings: await getSettings(deps, run.account),
    until: run.until,
    setClock: (at) => (now = at),
  }
  let seeded = 0
  let placed = 0
  for (let index = 0; seeded < run.orders; index++) {
    const scenario = scenarioOf(run.seed, index, run.orders, run.until - TWO_YEARS_MS, run.until)
    const { orders, created } = await live(context, scenario)
    seeded += orders
    if (created) placed += orders
    run.placed?.(seeded)
  }
  return placed
}

interface Context {
  /** With the seed's clock, which `setClock` moves. */
  deps: Deps
  principal: Principal
  settings: Awaited<ReturnType<typeof getSettings>>
  until: number
  setClock: (time: number) => void
}

/** One scenario, step by step: how many orders its placement holds, and whether this run created them. */
async function live(
  { deps, principal, settings, until, setClock }: Context,
  scenario: Scenario,
): Promise<{ orders: number; created: boolean }> {
  // A step the scenario puts after `until` has not happened yet: the order stays where it got to.
  const at = (time: number) => {
    if (time > until) return false
    setClock(time)
    return true
  }
  at(scenario.placedAt)
  const placed = await placeOrder(deps, principal, scenario.body, undefined)
  const orders = placed.documents.map((document) => JSON.parse(document) as OrderDocument)
  const done = { orders: orders.length, created: placed.created }
  const [first] = orders
  // Seeded before with this seed, the orders went their way then.
  if (!placed.created || !first || scenario.fate === 'waiting for payment' || !at(scenario.decidedAt))
    return done
  if (scenario.fate === 'canceled') {
    for (const order of orders) {
      await cancelOrder(deps, principal, order.orderId, { reason: 'The customer gave up.' })
    }
    return done
  }
  for (const payment of first.paymentData.transactions[0]?.payments ?? []) {
    await notifyPayment(deps, principal, first.orderId, payment.id)
  }
  // The grace period ends as the server's timer would end it.
  const graceEnds = scenario.decidedAt + settings.cancellationGracePeriodMinutes * 60_000 + GRACE_MARGIN_MS
  if (!at(graceEnds)) return done
  for (const order of orders) {
    await applyOrderTimeout(
      deps,
      { account: principal.account, orderId: order.orderId },
      async () => settings,
    )
  }
  if (scenario.fate === 'ready for handling') return done
  if (!at(Math.max(scenario.handledAt, graceEnds))) return done
  for (const order of orders) await startOrderHandling(deps, principal, order.orderId)
  if (scenario.fate === 'handling') return done
  // Invoicing comes after handling in every scenario.
  const invoicedAt = Math.max(scenario.invoicedAt, graceEnds + GRACE_MARGIN_MS)
  if (!at(invoicedAt)) return done
  for (const order of orders) {
    await invoiceOrder(deps, principal, order.orderId, {
      type: 'Output',
      invoiceNumber: `NF-${order.sequence}`,
      invoiceValue: order.value,
      issuanceDate: new Date(invoicedAt).toISOString(),
    })
  }
  return done
}
