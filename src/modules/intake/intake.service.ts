// Placing orders: one transaction turns an intake request into an order group, its orders and their first events.
import { createHash } from 'node:crypto'
import type { Deps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { hexId, randomDigits, randomIntBetween } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import { getSettings } from '../accounts/account.service.ts'
import { createOrders, findGroupDocuments } from '../orders/order.service.ts'
import { buildOrders, planIntake, startPaid } from './intake.ts'
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
      // Format A order ids: a random prefix, then the first order's sequence, then -01, -02… per seller.
      const orderGroup = `${randomDigits(7)}${sequences[0] ?? 0}`
      await intake.insertGroup(trx, {
        account: principal.account,
        orderGroup,
        idempotencyKey: idempotencyKey ?? null,
        marketplaceOrderId: body.marketplaceOrderId ?? null,
        requestHash,
        createdAt: now,
      })
      const built = buildOrders(body, plan, {
        account: principal.account,
        orderGroup,
        sequences,
        now,
        newId: () => hexId(),
      })
      const documents = await createOrders(deps, trx, principal, built, { now, settings }, startPaid)
      return { orderGroup, documents, created: true }
    }),
  )
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
