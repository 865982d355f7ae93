// Placing orders: one transaction turns an intake request into an order group, its orders and their first events.
import { createHash } from 'node:crypto'
import type { Deps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { hexId, randomDigits, randomIntBetween } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import { getSettings } from '../accounts/account.service.ts'
import { approveOnArrival } from '../payments/payment.service.ts'
import { registeredSellerNames } from '../sellers/seller.service.ts'
import type { Db } from '../../db/database.ts'
import { createOrders, findGroupDocuments, type OrderBatch } from '../orders/order.service.ts'
import type { Order } from '../orders/order.ts'
import type { Rule } from '../orders/order-workflow.ts'
import { approvedOnArrival, buildOrders, planIntake, sellerAccepts } from './intake.ts'
import * as intake from './intake.repository.ts'
import type { IntakeBody } from './intake.schemas.ts'

export interface PlacedGroup {
  orderGroup: string
  /** Stored Get order documents, as JSON text. */
  documents: string[]
  /** False when the request repeated an earlier one and the first result was returned. */
  created: boolean
}

/** Retries are recognised by Idempotency-Key or marketplaceOrderId and answered with the first result. */
export async function placeOrder(
  deps: Deps,
  principal: Principal,
  body: IntakeBody,
  idempotencyKey: string | undefined,
): Promise<PlacedGroup> {
  const plan = planIntake(body)
  const requestHash = hashRequest(body)
  const retryKey = { idempotencyKey, marketplaceOrderId: body.marketplaceOrderId }
  return retryOnConflict(() =>
    deps.db.transaction().execute(async (trx): Promise<PlacedGroup> => {
      const now = deps.clock.now().toISOString()
      // Taking sequences first locks the account's counter row on PostgreSQL, so concurrent retries queue here
      // and the lookup below sees the group the first one committed.
      const sequences = await intake.reserveSequences(
        trx,
        principal.account,
        plan.parts.map(() => randomIntBetween(1, 9)),
      )
      const earlier = await intake.findGroupByKey(trx, principal.account, retryKey)
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
          documents: await findGroupDocuments(trx, principal.account, earlier.orderGroup),
          created: false,
        }
      }
      const settings = await getSettings({ db: trx }, principal.account)
      const sellerNames = await registeredSellerNames(
        trx,
        principal.account,
        plan.parts.map((part) => part.seller),
      )
      // Format A order ids: a random prefix, then the first order's sequence, then -01, -02… per seller.
      const orderGroup = `${randomDigits(7)}${sequences[0] ?? 0}`
      await intake.insertGroups(trx, [
        {
          account: principal.account,
          orderGroup,
          idempotencyKey: idempotencyKey ?? null,
          marketplaceOrderId: body.marketplaceOrderId ?? null,
          requestHash,
          createdAt: now,
        },
      ])
      const built = buildOrders(body, plan, {
        account: principal.account,
        orderGroup,
        sequences,
        now,
        newId: () => hexId(),
        sellerNames,
      })
      const documents = await createOrders(deps, trx, principal, built, { now, settings }, startOf(body))
      return { orderGroup, documents, created: true }
    }),
  )
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
  const sellerNames = await registeredSellerNames(
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
      sellerNames,
    })
    return batch.create(built, { now: placedAt, settings }, startOf(body))
  })
  await intake.insertGroups(trx, groups)
  return placed
}

/**
 * What follows a new order's first statuses: the payments that arrived approved are approved, then the seller
 * accepts the order (seller `1`, the store itself, at once).
 */
const startOf =
  (body: IntakeBody): Rule =>
  (draft, ctx) =>
    sellerAccepts(approveOnArrival(approvedOnArrival(body, draft.order))(draft, ctx), ctx)

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
