// Who sells through an account: seller `1`, the account itself, and the sellers it registered — another Ordo
// account on this server, or an external seller that speaks VTEX's External Seller Fulfillment protocol. Pure.
import { validationFailed } from '../../platform/errors.ts'
import { STORE_SELLER } from '../orders/order.ts'
import type { SellerBody, SellerDocument } from './seller.schemas.ts'

/** Where a registered seller's orders go. */
export type SellerTarget =
  | { kind: 'account'; account: string }
  | {
      kind: 'external'
      fulfillmentEndpoint: string
      headers: Record<string, string>
      /** The key of this account the seller calls back with: a call with it on the seller's orders is the seller's. */
      callbackAppKey: string | null
    }

export interface Seller {
  id: string
  name: string
  target: SellerTarget
  createdAt: string
  updatedAt: string
}

/** Seller ids travel in URLs and in orders' `items[].seller` (at most 128 characters there). */
export const SELLER_ID_PATTERN = '^[A-Za-z0-9._-]{1,128}$'
export const MAX_SELLER_NAME = 200

/** A seller the account may register, change or remove: any but seller `1`. */
export function checkRegistrable(id: string): void {
  if (id === STORE_SELLER) {
    throw validationFailed('Seller 1 is the account itself: it cannot be registered, changed or removed.')
  }
  if (!new RegExp(SELLER_ID_PATTERN).test(id)) {
    throw validationFailed(
      `A seller id is 1 to 128 letters, digits, dots, underscores and hyphens, not ${JSON.stringify(id)}.`,
    )
  }
}

/**
 * Where a registration sends the seller's orders, once its fields agree with each other (the HTTP schema checks
 * them too; the CLI comes here directly). The caller checks the account and the URL, which need I/O.
 */
export function targetOf(id: string, body: SellerBody): SellerTarget {
  checkRegistrable(id)
  const { name, account, fulfillmentEndpoint, headers, callbackAppKey } = body
  if (name.length === 0 || name.length > MAX_SELLER_NAME) {
    throw validationFailed(`Invalid request body: name must be 1 to ${MAX_SELLER_NAME} characters long.`)
  }
  if ((account === undefined) === (fulfillmentEndpoint === undefined)) {
    throw validationFailed(
      'Invalid request body: a seller is either another account on this server (account) or an external seller (fulfillmentEndpoint), so exactly one of the two is required.',
    )
  }
  if (account !== undefined) {
    if (headers !== undefined || callbackAppKey !== undefined) {
      throw validationFailed(
        'Invalid request body: headers and callbackAppKey go with fulfillmentEndpoint, not with account.',
      )
    }
    return { kind: 'account', account }
  }
  if (body.appKey !== undefined || body.appToken !== undefined) {
    throw validationFailed(
      "Invalid request body: appKey and appToken go with account: they are that account's key.",
    )
  }
  return {
    kind: 'external',
    fulfillmentEndpoint: fulfillmentEndpoint ?? '',
    headers: headers ?? {},
    callbackAppKey: callbackAppKey ?? null,
  }
}

/** Seller `1` as the registry shows it: the account, always there. */
export const storeSeller = (account: string, createdAt: string): Seller => ({
  id: STORE_SELLER,
  name: account,
  target: { kind: 'account', account },
  createdAt,
  updatedAt: createdAt,
})

export const sellerDocument = ({ id, name, target, createdAt, updatedAt }: Seller): SellerDocument => ({
  id,
  name,
  ...(target.kind === 'account'
    ? { account: target.account }
    : {
        fulfillmentEndpoint: target.fulfillmentEndpoint,
        headers: target.headers,
        ...(target.callbackAppKey !== null && { callbackAppKey: target.callbackAppKey }),
      }),
  createdAt,
  updatedAt,
})

/** The sellers an order names that the account has not registered, for intake to refuse. */
export const unknownSellers = (
  named: readonly string[],
  registered: { has: (id: string) => boolean },
): string[] => [...new Set(named)].filter((id) => id !== STORE_SELLER && !registered.has(id))
