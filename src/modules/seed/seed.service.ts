// `ordo seed`: places the orders of seed.ts and takes each through its fate with the rules a client's calls run
// (intake, payment notification, the grace period's end, start handling, invoice, cancel), at the times the
// scenario says, so every row is one the API itself could have written. The steps of a run of placements are
// decided in memory and written in one transaction (the order core's OrderBatch): a call per step would be
// hundreds of times slower, and a million orders is what List orders is measured at.
import type { Deps } from '../../deps.ts'
import { validationFailed } from '../../platform/errors.ts'
import type { Principal } from '../../platform/principal.ts'
import { accountExists, createAccount, getSettings } from '../accounts/account.service.ts'
import { cancelRule } from '../cancellation/cancellation.service.ts'
import { filtersOnDocuments } from '../feed/feed.service.ts'
import { startHandling } from '../fulfillment/fulfillment.service.ts'
import { placeInBatch } from '../intake/intake.service.ts'
import { invoiceRule } from '../invoices/invoice.service.ts'
import { OrderBatch } from '../orders/order.service.ts'
import { orderValue, type Order } from '../orders/order.ts'
import { approvePayment } from '../payments/payment.service.ts'
import { UNAUTHORIZED_FULFILLMENT_DAYS, type WorkflowSettings } from '../orders/order-status.ts'
import { isSellerRegistered, putSeller } from '../sellers/seller.service.ts'
import { ordersOf, PARTNER_SELLER, placementsFor, scenarioOf, type Scenario } from './seed.ts'

export interface SeedRun {
  account: string
  orders: number
  seed: number
  /** The placements spread over the two years before this (ms since the epoch). */
  until: number
  /** Told after each run of placements with how many orders the seed has (a cart of two sellers makes two). */
  placed?: (orders: number) => void
}

const TWO_YEARS_MS = 2 * 365 * 86_400_000
const GRACE_MARGIN_MS = 60_000
/** Placements per transaction: large enough that a statement carries hundreds of rows. */
const PLACEMENTS_PER_BATCH = 500

/**
 * Places placements until the seed's orders number `orders`, and returns how many this run placed: a seed run
 * again on its account finds its orders there and places none.
 */
export async function seedOrders(deps: Deps, run: SeedRun): Promise<number> {
  const principal: Principal = {
    account: run.account,
    appKey: null,
    roles: [],
    resources: new Set(),
    shopperEmail: null,
  }
  await registerPartner(deps, run.account)
  const settings = await getSettings(deps, run.account)
  // Every event of the seed comes before `until`, so before any feed or hook made after this check, which only
  // sees events from its creation on (DESIGN.md §3).
  const versionDocuments = await filtersOnDocuments(deps, run.account)
  const placements = placementsFor(run.orders)
  let seeded = 0
  let placed = 0
  for (let index = 0; seeded < run.orders;) {
    const scenarios: Scenario[] = []
    let taken = 0
    for (; scenarios.length < PLACEMENTS_PER_BATCH && seeded + taken < run.orders; index++) {
      const scenario = scenarioOf(run.seed, index, placements, run.until - TWO_YEARS_MS, run.until)
      scenarios.push(scenario)
      taken += ordersOf(scenario)
    }
    placed += await deps.db.transaction().execute(async (trx) => {
      const batch = new OrderBatch(principal, { versionDocuments })
      const groups = await placeInBatch(
        trx,
        principal,
        batch,
        scenarios.map(({ body, placedAt }) => ({ body, placedAt: new Date(placedAt).toISOString() })),
      )
      let made = 0
      for (const [offset, group] of groups.entries()) {
        const scenario = scenarios[offset]
        // Seeded before with this seed, the orders went their way then.
        if (!group || !scenario) continue
        live(batch, { settings, until: run.until }, scenario, group)
        made += group.length
      }
      await batch.write(deps, trx)
      return made
    })
    seeded += taken
    run.placed?.(seeded)
  }
  return placed
}

/**
 * The carts' second seller is another account on the server, as a franchise or white-label seller is: both are
 * made if missing, and a registration the account already has for it is kept.
 */
async function registerPartner(deps: Deps, account: string): Promise<void> {
  if (account === PARTNER_SELLER.account) {
    throw validationFailed(
      `Account ${account} is the seed's second seller; seed another account (its orders name seller ${PARTNER_SELLER.id}).`,
    )
  }
  if (!(await accountExists(deps, PARTNER_SELLER.account))) await createAccount(deps, PARTNER_SELLER.account)
  if (!(await isSellerRegistered(deps, account, PARTNER_SELLER.id))) {
    await putSeller(deps, account, PARTNER_SELLER.id, {
      name: PARTNER_SELLER.name,
      account: PARTNER_SELLER.account,
    })
  }
}

/** After its placement, one scenario step by step, each at its own time, up to `until`. */
function live(
  batch: OrderBatch,
  { settings, until }: { settings: WorkflowSettings; until: number },
  scenario: Scenario,
  orders: readonly Order[],
): void {
  const [first] = orders
  const at = (time: number) => ({ now: new Date(time).toISOString(), settings })
  if (!first) return
  if (scenario.fate === 'waiting for payment') {
    // Unpaid for 30 days, it is canceled as the server's timer would cancel it.
    const expiresAt = scenario.placedAt + UNAUTHORIZED_FULFILLMENT_DAYS * 86_400_000 + GRACE_MARGIN_MS
    if (expiresAt > until) return
    for (const order of orders) batch.change(order.orderId, at(expiresAt), (draft) => draft)
    return
  }
  // A step the scenario puts after `until` has not happened yet: the order stays where it got to.
  if (scenario.decidedAt > until) return
  if (scenario.fate === 'canceled') {
    const cancel = cancelRule({ reason: 'The customer gave up.' })
    for (const order of orders) batch.change(order.orderId, at(scenario.decidedAt), cancel)
    return
  }
  for (const payment of first.payment.payments) {
    batch.changeGroup(first.orderId, at(scenario.decidedAt), approvePayment(payment.id))
  }
  // The grace period ends as the server's timer would end it: the order-timeout job runs no rule of its own.
  const graceEnds = scenario.decidedAt + settings.cancellationGracePeriodMinutes * 60_000 + GRACE_MARGIN_MS
  if (graceEnds > until) return
  for (const order of orders) batch.change(order.orderId, at(graceEnds), (draft) => draft)
  if (scenario.fate === 'ready for handling') return
  const handledAt = Math.max(scenario.handledAt, graceEnds)
  if (handledAt > until) return
  for (const order of orders) batch.change(order.orderId, at(handledAt), startHandling)
  if (scenario.fate === 'handling') return
  // Invoicing comes after handling in every scenario.
  const invoicedAt = Math.max(scenario.invoicedAt, graceEnds + GRACE_MARGIN_MS)
  if (invoicedAt > until) return
  const issuanceDate = new Date(invoicedAt).toISOString()
  for (const order of orders) {
    const invoice = { invoiceNumber: `NF-${order.sequence}`, invoiceValue: orderValue(order), issuanceDate }
    batch.change(order.orderId, at(invoicedAt), invoiceRule({ type: 'Output', ...invoice }))
  }
}
