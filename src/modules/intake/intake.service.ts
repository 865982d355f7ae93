// Placing orders: one transaction turns an intake request into an order group, its orders and their first events.
import { createHash } from 'node:crypto'
import type { Static } from 'typebox'
import type { Deps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { hexId, randomDigits, randomIntBetween } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import { getSettings } from '../accounts/account.service.ts'
import { approveOnArrival } from '../payments/payment.service.ts'
import { registeredSellers } from '../sellers/seller.service.ts'
import type { Db } from '../../db/database.ts'
import {
  changeOrder,
  createOrders,
  findGroupDocuments,
  systemActor,
  type Actor,
  type OrderBatch,
} from '../orders/order.service.ts'
import type { Order } from '../orders/order.ts'
import { canTake } from '../orders/order-status.ts'
import type { Rule } from '../orders/order-workflow.ts'
import { approvedOnArrival, buildOrders, planIntake, sellerAccepts } from './intake.ts'
import * as intake from './intake.repository.ts'
import type { IntakeBody } from './intake.schemas.ts'
import {
  intakeOfPlacement,
  placementOf,
  placementOfProtocol,
  sellerCopyOf,
  sellerOrderIdOf,
  type Placement,
} from './placement.ts'
import type { PlacementResponseSchema, ProtocolPlacement } from './placement.schemas.ts'

/** The placement a marketplace order sends its seller, and the seller's order id it makes. */
export { placementOf, sellerOrderIdOf, type Placement }

type PlacementResponse = Static<typeof PlacementResponseSchema>

export interface PlacedGroup {
  orderGroup: string
  /** Stored Get order documents, as JSON text. */
  documents: string[]
  /** False when the request repeated an earlier one and the first result was returned. */
  created: boolean
}

/** Retries are recognised by Idempotency-Key or marketplaceOrderId and answered with the first result. */
export const placeOrder = (
  deps: Deps,
  principal: Principal,
  body: IntakeBody,
  idempotencyKey: string | undefined,
): Promise<PlacedGroup> =>
  place(deps, principal, body, idempotencyKey, {
    // Format A order ids: a random prefix, then the first order's sequence, then -01, -02… per seller.
    groupOf: (sequences) => `${randomDigits(7)}${sequences[0] ?? 0}`,
    shape: (order) => order,
    start: startOf(body),
  })

/**
 * A marketplace's order placement (the External Seller Fulfillment protocol's POST /pvt/orders) becomes the
 * seller's own order, `order-accepted`, waiting for the marketplace to authorize fulfilment. A placement sent
 * again is answered with the order it made. `marketplaceAccount`: the Ordo account on this server that sent it.
 */
export async function acceptPlacement(
  deps: Deps,
  actor: Actor,
  placement: Placement,
  marketplaceAccount: string | null,
): Promise<{ orderId: string; created: boolean }> {
  const orderId = sellerOrderIdOf(placement.marketplaceOrderId, placement.affiliateId)
  const placed = await place(deps, actor, intakeOfPlacement(placement), undefined, {
    // Two affiliates may number their orders alike: a placement is its seller order's, affiliate included.
    retryKey: orderId,
    groupOf: () => orderId,
    shape: (order) => sellerCopyOf(order, placement, marketplaceAccount),
    start: (draft) => draft,
  })
  return { orderId, created: placed.created }
}

/**
 * POST /pvt/orders of the External Seller Fulfillment protocol: a marketplace elsewhere places an order with this
 * account as its seller. Answered with the seller's order id, which its fulfil and cancel calls name.
 */
export async function receivePlacement(
  deps: Deps,
  principal: Principal,
  body: ProtocolPlacement,
  affiliateId: string | undefined,
): Promise<PlacementResponse> {
  const { orderId } = await acceptPlacement(deps, principal, placementOfProtocol(body, affiliateId), null)
  return {
    marketplaceOrderId: body.marketplaceOrderId,
    orderId,
    followUpEmail: '',
    items: body.items,
    clientProfileData: body.clientProfileData,
    shippingData: body.shippingData,
    paymentData: null,
    customData: { openTextField: body.openTextField ?? null },
    allowMultipleDeliveries: false,
  }
}

/**
 * The marketplace's side of a placement its seller accepted, naming its own order `sellerOrderId`: the order goes
 * on to `payment-pending`, or further when its payments are approved already. An answer that comes again, or
 * after the order was canceled, changes nothing.
 */
export async function acceptedBySeller(
  deps: Deps,
  account: string,
  orderId: string,
  sellerOrderId: string,
  seller: number,
): Promise<void> {
  const settings = await getSettings(deps, account)
  const rule = acceptedRule(sellerOrderId, seller)
  await changeOrder(deps, { actor: systemActor(account), orderId, settings }, rule)
}

/**
 * The rule acceptedBySeller runs, for a writer of many orders at once (`ordo seed`): the answer of the order's
 * seller `seller` (the changes of seller before it); one from a seller the order has left since changes nothing.
 */
export const acceptedRule =
  (sellerOrderId: string, seller = 0): Rule =>
  (draft, ctx) =>
    draft.order.sellerChanges.length === seller &&
    canTake(draft.order.status, 'authorize-order', draft.order.workflow.flow)
      ? sellerAccepts({ ...draft, order: { ...draft.order, sellerOrderId } }, ctx)
      : draft

/** How a kind of intake names its order group and shapes and starts its orders. */
interface IntakeKind {
  /** What a retry is recognised by, besides an Idempotency-Key: the request's marketplaceOrderId by default. */
  retryKey?: string
  groupOf: (sequences: readonly number[]) => string
  shape: (order: Order) => Order
  start: Rule
}

async function place(
  deps: Deps,
  actor: Actor,
  body: IntakeBody,
  idempotencyKey: string | undefined,
  kind: IntakeKind,
): Promise<PlacedGroup> {
  const plan = planIntake(body)
  const requestHash = hashRequest(body)
  const retryKey = { idempotencyKey, marketplaceOrderId: kind.retryKey ?? body.marketplaceOrderId }
  const placed = await retryOnConflict(() =>
    deps.db.transaction().execute(async (trx): Promise<PlacedGroup> => {
      const now = deps.clock.now().toISOString()
      // Taking sequences first locks the account's counter row on PostgreSQL, so concurrent retries queue here
      // and the lookup below sees the group the first one committed.
      const sequences = await intake.reserveSequences(
        trx,
        actor.account,
        plan.parts.map(() => randomIntBetween(1, 9)),
      )
      const earlier = await intake.findGroupByKey(trx, actor.account, retryKey)
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new AppError(
            'IDEMPOTENCY_KEY_REUSED',
            earlier.matchedBy === 'idempotency_key'
              ? `Idempotency-Key ${idempotencyKey ?? ''} was already used for a different order.`
              : `marketplaceOrderId ${body.marketplaceOrderId ?? ''} was already used for a different order.`,
          )
        }
        return {
          orderGroup: earlier.orderGroup,
          documents: await findGroupDocuments(trx, actor.account, earlier.orderGroup),
          created: false,
        }
      }
      const settings = await getSettings({ db: trx }, actor.account)
      const sellers = await registeredSellers(
        trx,
        actor.account,
        plan.parts.map((part) => part.seller),
      )
      const orderGroup = kind.groupOf(sequences)
      await intake.insertGroups(trx, [
        {
          account: actor.account,
          orderGroup,
          idempotencyKey: idempotencyKey ?? null,
          marketplaceOrderId: retryKey.marketplaceOrderId ?? null,
          requestHash,
          createdAt: now,
        },
      ])
      const built = buildOrders(body, plan, {
        account: actor.account,
        orderGroup,
        sequences,
        now,
        newId: () => hexId(),
        sellers,
      }).map(kind.shape)
      const documents = await createOrders(deps, trx, actor, built, { now, settings }, kind.start)
      return { orderGroup, documents, created: true }
    }),
  )
  if (placed.created) deps.eventsCommitted.notify()
  return placed
}

/** A placement written through an OrderBatch: the request, and when it was placed. */
export interface BatchPlacement {
  body: IntakeBody & { marketplaceOrderId: string }
  placedAt: string
}

/**
 * Places many orders into `batch`, as placeOrder places one (the same plan, sequences, groups and first
 * statuses), for a writer of many orders at once (`ordo seed`), whose transaction `trx` is. A placement whose
 * marketplaceOrderId the account already has was placed before and is left out: its entry is undefined.
 */
export async function placeInBatch(
  trx: Db,
  principal: Principal,
  batch: OrderBatch,
  placements: readonly BatchPlacement[],
): Promise<(Order[] | undefined)[]> {
  const plans = placements.map(({ body }) => planIntake(body))
  const earlier = await intake.findMarketplaceOrderIds(
    trx,
    principal.account,
    placements.map(({ body }) => body.marketplaceOrderId),
  )
  const fresh = placements.map(({ body }) => !earlier.has(body.marketplaceOrderId))
  const gaps = plans.flatMap((plan, index) =>
    fresh[index] ? plan.parts.map(() => randomIntBetween(1, 9)) : [],
  )
  const sequences = gaps.length > 0 ? await intake.reserveSequences(trx, principal.account, gaps) : []
  const settings = await getSettings({ db: trx }, principal.account)
  const sellers = await registeredSellers(
    trx,
    principal.account,
    plans.flatMap((plan, index) => (fresh[index] ? plan.parts.map((part) => part.seller) : [])),
  )
  const groups: intake.GroupRow[] = []
  let taken = 0
  const placed = placements.map(({ body, placedAt }, index) => {
    const plan = plans[index]
    if (!plan || !fresh[index]) return undefined
    const own = sequences.slice(taken, (taken += plan.parts.length))
    const orderGroup = `${randomDigits(7)}${own[0] ?? 0}`
    groups.push({
      account: principal.account,
      orderGroup,
      idempotencyKey: null,
      marketplaceOrderId: body.marketplaceOrderId,
      requestHash: hashRequest(body),
      createdAt: placedAt,
    })
    const built = buildOrders(body, plan, {
      account: principal.account,
      orderGroup,
      sequences: own,
      now: placedAt,
      newId: () => hexId(),
      sellers,
    })
    return batch.create(built, { now: placedAt, settings }, startOf(body))
  })
  await intake.insertGroups(trx, groups)
  return placed
}

/**
 * What follows a new order's first statuses: the payments that arrived approved are approved, then seller `1`,
 * the store itself, accepts its order at once. Another seller's order waits for the seller's answer to its
 * placement (the marketplace module).
 */
const startOf =
  (body: IntakeBody): Rule =>
  (draft, ctx) => {
    const paid = approveOnArrival(approvedOnArrival(body, draft.order))(draft, ctx)
    return draft.order.workflow.flow === 'complete' ? sellerAccepts(paid, ctx) : paid
  }

/** A placement a marketplace's order sent its seller, written through an OrderBatch of the seller's account. */
export interface BatchSellerPlacement {
  placement: Placement
  marketplaceAccount: string
  placedAt: string
}

/**
 * Makes the seller's orders of many placements in `batch` (of the seller's account), as acceptPlacement makes one,
 * for a writer of many orders at once (`ordo seed`) that plays both sides of a marketplace sale. Returns the
 * sellers' orders, in the placements' order.
 */
export async function acceptPlacementsInBatch(
  trx: Db,
  account: string,
  batch: OrderBatch,
  placements: readonly BatchSellerPlacement[],
): Promise<Order[]> {
  if (placements.length === 0) return []
  const settings = await getSettings({ db: trx }, account)
  const sequences = await intake.reserveSequences(
    trx,
    account,
    placements.map(() => randomIntBetween(1, 9)),
  )
  const groups: intake.GroupRow[] = []
  const made = placements.map(({ placement, marketplaceAccount, placedAt }, index) => {
    const body = intakeOfPlacement(placement)
    const orderId = sellerOrderIdOf(placement.marketplaceOrderId, placement.affiliateId)
    groups.push({
      account,
      orderGroup: orderId,
      idempotencyKey: null,
      marketplaceOrderId: orderId,
      requestHash: hashRequest(body),
      createdAt: placedAt,
    })
    const built = buildOrders(body, planIntake(body), {
      account,
      orderGroup: orderId,
      sequences: [sequences[index] ?? 0],
      now: placedAt,
      newId: () => hexId(),
      sellers: new Map(),
    }).map((order) => sellerCopyOf(order, placement, marketplaceAccount))
    return batch.create(built, { now: placedAt, settings })
  })
  await intake.insertGroups(trx, groups)
  return made.flat()
}

/** Key order is normalised so that the same order sent twice hashes the same. */
function hashRequest(body: IntakeBody): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex')
}
