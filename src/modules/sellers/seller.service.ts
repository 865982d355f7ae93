// Use cases for an account's sellers: the registry intake checks orders against, and where a seller's orders go.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import { checkOutboundHeaders, checkOutboundUrl } from '../../platform/outbound-url.ts'
import { canAccess, type Principal } from '../../platform/principal.ts'
import { activeKeyRoles, authenticate, EXTERNAL_SELLER_ROLE } from '../access/access.service.ts'
import { accountExists, getAccount } from '../accounts/account.service.ts'
import { assertCalledBackBy, STORE_SELLER } from '../orders/order.ts'
import type { Rule } from '../orders/order-workflow.ts'
import {
  checkRegistrable,
  sellerDocument,
  storeSeller,
  targetOf,
  unknownSellers,
  type Seller,
  type SellerTarget,
} from './seller.ts'
import * as sellers from './seller.repository.ts'

export type { SellerTarget }
import type { SellerBody, SellerDocument } from './seller.schemas.ts'

/** Seller `1` first, then the registered ones by id. */
export async function listSellers(deps: Pick<Deps, 'db'>, account: string): Promise<SellerDocument[]> {
  const own = await getAccount(deps, account)
  const registered = await sellers.findSellers(deps.db, account)
  return [storeSeller(account, own.createdAt), ...registered].map(sellerDocument)
}

export async function getSeller(
  deps: Pick<Deps, 'db'>,
  account: string,
  id: string,
): Promise<SellerDocument> {
  if (id === STORE_SELLER)
    return sellerDocument(storeSeller(account, (await getAccount(deps, account)).createdAt))
  return sellerDocument(await existing(deps.db, account, id))
}

export const isSellerRegistered = async (
  deps: Pick<Deps, 'db'>,
  account: string,
  id: string,
): Promise<boolean> => id === STORE_SELLER || (await sellers.findSeller(deps.db, account, id)) !== undefined

/** Where the account's seller `id` fulfils its orders; a seller no longer registered is an error. */
export async function sellerTargetOf(
  deps: Pick<Deps, 'db'>,
  account: string,
  id: string,
): Promise<SellerTarget> {
  return (await existing(deps.db, account, id)).target
}

/** The resources a seller's key must give for the seller to take orders: what placing an order needs. */
const SELLER_CONSENT = ['Orders Full Access', 'Change order'] as const

/**
 * Registers the seller or replaces its registration; `created` tells the two apart. Another account on this
 * server becomes a seller only with its consent: a key of it that may place orders (appKey, appToken), unless an
 * operator of the server registers it (`operator`: the CLI, which works on the database itself).
 */
export async function putSeller(
  deps: Deps,
  account: string,
  id: string,
  body: SellerBody,
  { operator = false }: { operator?: boolean } = {},
): Promise<{ seller: SellerDocument; created: boolean }> {
  const target = targetOf(id, body)
  if (target.kind === 'account' && target.account !== account && !operator) {
    await assertConsent(deps, target.account, body)
  }
  return deps.db.transaction().execute(async (trx) => {
    const { settings } = await getAccount({ db: trx }, account)
    if (target.kind === 'account') {
      if (target.account === account) {
        throw validationFailed(
          `Account ${account} sells as seller 1; it cannot also be its own seller ${id}.`,
        )
      }
      if (!(await accountExists({ db: trx }, target.account))) {
        throw validationFailed(
          `There is no account ${target.account} on this server to register as seller ${id}.`,
        )
      }
    } else {
      const url = checkOutboundUrl(target.fulfillmentEndpoint, {
        field: 'fulfillmentEndpoint',
        headersField: 'headers',
        allowInsecure: settings.allowInsecureHooks,
      })
      checkOutboundHeaders(target.headers, 'headers')
      target.fulfillmentEndpoint = url.href
      if (target.callbackAppKey !== null) await checkCallbackKey(trx, account, id, target.callbackAppKey)
    }
    const before = await sellers.findSeller(trx, account, id)
    const now = deps.clock.now().toISOString()
    const seller: Seller = {
      id,
      name: body.name,
      target,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    }
    await sellers.saveSeller(trx, account, seller)
    return { seller: sellerDocument(seller), created: before === undefined }
  })
}

/**
 * A callback key is an active key of the account with the external seller's role and no other, so that it can do
 * nothing but the seller's calls; and it is one seller's only.
 */
async function checkCallbackKey(db: Db, account: string, id: string, appKey: string): Promise<void> {
  const roles = await activeKeyRoles(db, account, appKey)
  if (roles === undefined) {
    throw validationFailed(`callbackAppKey ${appKey} is not an active key of account ${account}.`)
  }
  if (roles.some((role) => role !== EXTERNAL_SELLER_ROLE)) {
    throw validationFailed(
      `callbackAppKey ${appKey} must have the role ${EXTERNAL_SELLER_ROLE} and no other, so that the seller can send its invoices and cancellations and do nothing else: create one with ordo keys create --account ${account} --role "${EXTERNAL_SELLER_ROLE}".`,
    )
  }
  const holder = await sellers.findSellerByCallbackKey(db, account, appKey)
  if (holder && holder.id !== id) {
    throw validationFailed(
      `callbackAppKey ${appKey} is seller ${holder.id}'s already: each external seller calls back with a key of its own.`,
    )
  }
}

/**
 * The rule a call on an order runs: the account's own (`byAccount`), or, when the call comes with an external
 * seller's callback key, the seller's (`bySeller`), on the marketplace orders that seller fulfils and no other.
 */
export async function ruleOfCaller(
  deps: Pick<Deps, 'db'>,
  principal: Principal,
  byAccount: Rule,
  bySeller: Rule,
): Promise<Rule> {
  if (!principal.roles.includes(EXTERNAL_SELLER_ROLE)) return byAccount
  const seller =
    principal.appKey === null
      ? undefined
      : await sellers.findSellerByCallbackKey(deps.db, principal.account, principal.appKey)
  if (seller === undefined) {
    throw new AppError(
      'FORBIDDEN',
      `This key has the role ${EXTERNAL_SELLER_ROLE}, but no seller of account ${principal.account} calls back with it (the seller's callbackAppKey).`,
    )
  }
  return (draft, ctx) => {
    assertCalledBackBy(draft.order, seller.id)
    return bySeller(draft, ctx)
  }
}

async function assertConsent(
  deps: Deps,
  sellerAccount: string,
  { appKey, appToken }: SellerBody,
): Promise<void> {
  const refused = () =>
    validationFailed(
      `Registering account ${sellerAccount} as a seller needs its consent: appKey and appToken of a key of ${sellerAccount} with Orders Full Access or Change order.`,
    )
  if (appKey === undefined || appToken === undefined) throw refused()
  const key = await authenticate(deps, { appKey, appToken }).catch(() => {
    throw refused()
  })
  if (key.account !== sellerAccount || !canAccess(key, SELLER_CONSENT)) throw refused()
}

/** Orders placed before keep the seller they name; new ones for it are refused. */
export async function removeSeller(deps: Pick<Deps, 'db'>, account: string, id: string): Promise<void> {
  checkRegistrable(id)
  if (!(await sellers.deleteSeller(deps.db, account, id))) throw notRegistered(account, id)
}

/**
 * The registered sellers among those an order names (their names, and the accounts on this server that fulfil
 * them; null for an external seller), inside the placing transaction; an order for a seller the account has not
 * registered is refused, naming it.
 */
export async function registeredSellers(
  db: Db,
  account: string,
  named: readonly string[],
): Promise<Map<string, { name: string; account: string | null }>> {
  const found = await sellers.findSellersById(
    db,
    account,
    [...new Set(named)].filter((id) => id !== STORE_SELLER),
  )
  const names = new Map(found.map((seller) => [seller.id, seller.name]))
  const missing = unknownSellers(named, names)
  if (missing.length > 0) {
    const [one] = missing
    throw validationFailed(
      missing.length === 1
        ? `Seller ${one ?? ''} is not registered in account ${account}: register it with PUT /api/ordo/pvt/sellers/${one ?? ''} first (seller 1 is the account itself).`
        : `Sellers ${missing.join(', ')} are not registered in account ${account}: register them with PUT /api/ordo/pvt/sellers/{sellerId} first (seller 1 is the account itself).`,
    )
  }
  return new Map(
    found.map(({ id, name, target }) => [
      id,
      { name, account: target.kind === 'account' ? target.account : null },
    ]),
  )
}

async function existing(db: Db, account: string, id: string): Promise<Seller> {
  const found = await sellers.findSeller(db, account, id)
  if (!found) throw notRegistered(account, id)
  return found
}

const notRegistered = (account: string, id: string) =>
  new AppError('NOT_FOUND', `Seller ${id} is not registered in account ${account}.`)
