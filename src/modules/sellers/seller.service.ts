// Use cases for an account's sellers: the registry intake checks orders against, and where a seller's orders go.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import { checkOutboundHeaders, checkOutboundUrl } from '../../platform/outbound-url.ts'
import { accountExists, getAccount } from '../accounts/account.service.ts'
import { STORE_SELLER } from '../orders/order.ts'
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

/** Registers the seller or replaces its registration; `created` tells the two apart. */
export async function putSeller(
  deps: Pick<Deps, 'db' | 'clock'>,
  account: string,
  id: string,
  body: SellerBody,
): Promise<{ seller: SellerDocument; created: boolean }> {
  const target = targetOf(id, body)
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

/** Orders placed before keep the seller they name; new ones for it are refused. */
export async function removeSeller(deps: Pick<Deps, 'db'>, account: string, id: string): Promise<void> {
  checkRegistrable(id)
  if (!(await sellers.deleteSeller(deps.db, account, id))) throw notRegistered(account, id)
}

/**
 * The names of the registered sellers among those an order names, inside the placing transaction; an order for
 * a seller the account has not registered is refused, naming it.
 */
export async function registeredSellerNames(
  db: Db,
  account: string,
  named: readonly string[],
): Promise<Map<string, string>> {
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
  const external = found.find((seller) => seller.target.kind === 'external')
  if (external) {
    throw validationFailed(
      `Seller ${external.id} is an external seller, and Ordo does not send orders to external sellers yet: register the account on this server that fulfils them as the seller instead.`,
    )
  }
  return names
}

async function existing(db: Db, account: string, id: string): Promise<Seller> {
  const found = await sellers.findSeller(db, account, id)
  if (!found) throw notRegistered(account, id)
  return found
}

const notRegistered = (account: string, id: string) =>
  new AppError('NOT_FOUND', `Seller ${id} is not registered in account ${account}.`)
