// `ordo seed`: places the orders of seed.ts and takes each through its fate with the rules a client's calls run
// (intake, payment notification, the grace period's end, start handling, invoice, cancel), at the times the
// scenario says, so every row is one the API itself could have written. The steps of a run of placements are
// decided in memory and written in one transaction (the order core's OrderBatch): a call per step would be
// hundreds of times slower, and a million orders is what List orders is measured at.
import type { Deps } from '../../deps.ts'
import { validationFailed } from '../../platform/errors.ts'
import type { Principal } from '../../platform/principal.ts'
import { accountExists, createAccount, getSettings } from '../accounts/account.service.ts'
import type { Db } from '../../db/database.ts'
import {
  cancellationRequestOf,
  cancelRule,
  marketplaceCancellationRule,
} from '../cancellation/cancellation.service.ts'
import { filtersOnDocuments } from '../feed/feed.service.ts'
import { marketplaceAuthorizes, startHandling } from '../fulfillment/fulfillment.service.ts'
import { acceptedRule, acceptPlacementsInBatch, placeInBatch, placementOf } from '../intake/intake.service.ts'
import { invoiceRule, sellerInvoiceRule } from '../invoices/invoice.service.ts'
import type { Draft } from '../orders/order-workflow.ts'
import { OrderBatch, systemActor } from '../orders/order.service.ts'
import { orderValue, type Order } from '../orders/order.ts'
import { approvePayment } from '../payments/payment.service.ts'
import { UNAUTHORIZED_FULFILLMENT_DAYS, type WorkflowSettings } from '../orders/order-status.ts'
import { isSellerRegistered, putSeller, sellerTargetOf } from '../sellers/seller.service.ts'
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
  const sellerAccount = await registerPartner(deps, run.account)
  const settings = await getSettings(deps, run.account)
  const sellerSettings = await getSettings(deps, sellerAccount)
  // Every event of the seed comes before `until`, so before any feed or hook made after this check, which only
  // sees events from its creation on (DESIGN.md §3).
  const versionDocuments = await filtersOnDocuments(deps, run.account)
  const sellerVersionDocuments = await filtersOnDocuments(deps, sellerAccount)
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
      const sale: Sale = {
        store: new OrderBatch(principal, { versionDocuments }),
        seller: new OrderBatch(systemActor(sellerAccount), { versionDocuments: sellerVersionDocuments }),
        settings,
        sellerSettings,
        until: run.until,
        copies: new Map(),
      }
      const groups = await placeInBatch(
        trx,
        principal,
        sale.store,
        scenarios.map(({ body, placedAt }) => ({ body, placedAt: new Date(placedAt).toISOString() })),
      )
      await placeWithSeller(trx, sale, sellerAccount, groups)
      let made = 0
      for (const [offset, group] of groups.entries()) {
        const scenario = scenarios[offset]
        // Seeded before with this seed, the orders went their way then.
        if (!group || !scenario) continue
        live(sale, scenario, group)
        made += group.length
      }
      await sale.store.write(deps, trx)
      await sale.seller.write(deps, trx)
      return made
    })
    deps.eventsCommitted.notify()
    seeded += taken
    run.placed?.(seeded)
  }
  return placed
}

/**
 * Both sides of the seed's sales: the store's orders (its own and those it sold for the partner) and the
 * partner's own orders of the latter, each marketplace order's seller copy by the marketplace order's id. The
 * seed delivers what the two sides tell each other itself, as the steps happen.
 */
interface Sale {
  store: OrderBatch
  seller: OrderBatch
  settings: WorkflowSettings
  sellerSettings: WorkflowSettings
  until: number
  copies: Map<string, string>
}

/** The partner accepts the placements of the marketplace orders at once, as its server would. */
async function placeWithSeller(
  trx: Db,
  sale: Sale,
  sellerAccount: string,
  groups: readonly (Order[] | undefined)[],
): Promise<void> {
  const sold = groups.flatMap((group) => group ?? []).filter((order) => order.workflow.flow === 'marketplace')
  const copies = await acceptPlacementsInBatch(
    trx,
    sellerAccount,
    sale.seller,
    sold.map((order) => ({
      placement: placementOf(order),
      marketplaceAccount: order.account,
      placedAt: order.creationDate,
    })),
  )
  sold.forEach((order, index) => {
    const copy = copies[index]
    if (!copy) return
    sale.copies.set(order.orderId, copy.orderId)
    sale.store.change(
      order.orderId,
      { now: order.creationDate, settings: sale.settings },
      acceptedRule(copy.orderId),
    )
  })
}

/**
 * The carts' second seller is another account on the server, as a franchise or white-label seller is: both are
 * made if missing, and a registration the account already has for it is kept.
 */
async function registerPartner(deps: Deps, account: string): Promise<string> {
  if (account === PARTNER_SELLER.account) {
    throw validationFailed(
      `Account ${account} is the seed's second seller; seed another account (its orders name seller ${PARTNER_SELLER.id}).`,
    )
  }
  if (!(await accountExists(deps, PARTNER_SELLER.account))) await createAccount(deps, PARTNER_SELLER.account)
  if (!(await isSellerRegistered(deps, account, PARTNER_SELLER.id))) {
    await putSeller(
      deps,
      account,
      PARTNER_SELLER.id,
      { name: PARTNER_SELLER.name, account: PARTNER_SELLER.account },
      { operator: true },
    )
  }
  const target = await sellerTargetOf(deps, account, PARTNER_SELLER.id)
  if (target.kind !== 'account') {
    throw validationFailed(
      `Seller ${PARTNER_SELLER.id} of account ${account} is external; the seed needs it to be an account on this server.`,
    )
  }
  return target.account
}

/**
 * After its placement, one scenario step by step, each at its own time, up to `until`: on the store's orders, and
 * on the partner's own order of a marketplace order, with what the two tell each other.
 */
function live(sale: Sale, scenario: Scenario, orders: readonly Order[]): void {
  const { store, seller, until } = sale
  const [first] = orders
  if (!first) return
  const at = (time: number) => ({ now: new Date(time).toISOString(), settings: sale.settings })
  const sellerAt = (time: number) => ({ now: new Date(time).toISOString(), settings: sale.sellerSettings })
  const copies = orders.flatMap((order) => {
    const copy = sale.copies.get(order.orderId)
    return copy ? [{ order: order.orderId, copy }] : []
  })
  const own = orders.filter((order) => !sale.copies.has(order.orderId))
  // A timeout ends as the server's timer would end it: the order-timeout job runs no rule of its own.
  const settle = (draft: Draft) => draft
  if (scenario.fate === 'waiting for payment') {
    // Unpaid for 30 days, it is canceled, and so is the partner's order the marketplace never authorized.
    const expiresAt = scenario.placedAt + UNAUTHORIZED_FULFILLMENT_DAYS * 86_400_000 + GRACE_MARGIN_MS
    if (expiresAt > until) return
    for (const order of orders) store.change(order.orderId, at(expiresAt), settle)
    for (const { copy } of copies) seller.change(copy, sellerAt(expiresAt), settle)
    return
  }
  // A step the scenario puts after `until` has not happened yet: the order stays where it got to.
  if (scenario.decidedAt > until) return
  if (scenario.fate === 'canceled') {
    const cancel = cancelRule({ reason: 'The customer gave up.' })
    for (const order of orders) store.change(order.orderId, at(scenario.decidedAt), cancel)
    for (const { order, copy } of copies) {
      const asked = marketplaceCancellationRule(cancellationRequestOf(store.order(order)))
      seller.change(copy, sellerAt(scenario.decidedAt), asked)
    }
    return
  }
  for (const payment of first.payment.payments) {
    store.changeGroup(first.orderId, at(scenario.decidedAt), approvePayment(payment.id))
  }
  for (const { copy } of copies) seller.change(copy, sellerAt(scenario.decidedAt), marketplaceAuthorizes)
  const graceEnds =
    scenario.decidedAt + sale.settings.cancellationGracePeriodMinutes * 60_000 + GRACE_MARGIN_MS
  const sellerGraceEnds =
    scenario.decidedAt + sale.sellerSettings.cancellationGracePeriodMinutes * 60_000 + GRACE_MARGIN_MS
  if (Math.max(graceEnds, sellerGraceEnds) > until) return
  for (const order of own) store.change(order.orderId, at(graceEnds), settle)
  for (const { copy } of copies) seller.change(copy, sellerAt(sellerGraceEnds), settle)
  if (scenario.fate === 'ready for handling') return
  const handledAt = Math.max(scenario.handledAt, graceEnds, sellerGraceEnds)
  if (handledAt > until) return
  for (const order of own) store.change(order.orderId, at(handledAt), startHandling)
  for (const { copy } of copies) seller.change(copy, sellerAt(handledAt), startHandling)
  if (scenario.fate === 'handling') return
  // Invoicing comes after handling in every scenario; the partner's invoice reaches the marketplace's order.
  const invoicedAt = Math.max(scenario.invoicedAt, handledAt + GRACE_MARGIN_MS)
  if (invoicedAt > until) return
  const issuanceDate = new Date(invoicedAt).toISOString()
  const invoiceOf = (order: Order) =>
    invoiceRule({
      type: 'Output',
      invoiceNumber: `NF-${order.sequence}`,
      invoiceValue: orderValue(order),
      issuanceDate,
    })
  for (const order of own) store.change(order.orderId, at(invoicedAt), invoiceOf(order))
  for (const { order, copy } of copies) {
    const invoiced = seller.change(copy, sellerAt(invoicedAt), invoiceOf(seller.order(copy))).order
    store.change(order, at(invoicedAt), sellerInvoiceRule(invoiced, `NF-${invoiced.sequence}`))
  }
}
