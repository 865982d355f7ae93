// Use cases for an account's affiliates: the marketplaces elsewhere it sells for, and where their orders' news go.
import type { Deps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { checkOutboundHeaders, checkOutboundUrl } from '../../platform/outbound-url.ts'
import { getAccount, getSettings } from '../accounts/account.service.ts'
import { affiliateDocument, checkAffiliate, type Affiliate } from './affiliate.ts'
import * as affiliates from './affiliate.repository.ts'
import type { AffiliateBody, AffiliateDocument } from './affiliate.schemas.ts'

export async function listAffiliates(deps: Pick<Deps, 'db'>, account: string): Promise<AffiliateDocument[]> {
  await getAccount(deps, account)
  return (await affiliates.findAffiliates(deps.db, account)).map(affiliateDocument)
}

export async function getAffiliate(
  deps: Pick<Deps, 'db'>,
  account: string,
  id: string,
): Promise<AffiliateDocument> {
  const found = await affiliates.findAffiliate(deps.db, account, id)
  if (!found) throw notRegistered(account, id)
  return affiliateDocument(found)
}

/** Registers the affiliate or replaces its registration; `created` tells the two apart. */
export async function putAffiliate(
  deps: Deps,
  account: string,
  id: string,
  body: AffiliateBody,
): Promise<{ affiliate: AffiliateDocument; created: boolean }> {
  checkAffiliate(id, body)
  const headers = body.headers ?? {}
  checkOutboundHeaders(headers, 'headers')
  return deps.db.transaction().execute(async (trx) => {
    const { settings } = await getAccount({ db: trx }, account)
    const servicesEndpoint =
      body.servicesEndpoint === undefined
        ? null
        : checkOutboundUrl(body.servicesEndpoint, {
            field: 'servicesEndpoint',
            headersField: 'headers',
            allowInsecure: settings.allowInsecureHooks,
          }).href
    const before = await affiliates.findAffiliate(trx, account, id)
    const now = deps.clock.now().toISOString()
    const affiliate: Affiliate = {
      id,
      name: body.name,
      servicesEndpoint,
      headers,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    }
    await affiliates.saveAffiliate(trx, account, affiliate)
    return { affiliate: affiliateDocument(affiliate), created: before === undefined }
  })
}

/** Orders placed before keep their affiliate id; their news no longer go anywhere. */
export async function removeAffiliate(deps: Pick<Deps, 'db'>, account: string, id: string): Promise<void> {
  if (!(await affiliates.deleteAffiliate(deps.db, account, id))) throw notRegistered(account, id)
}

/**
 * Where the account tells the marketplace `id` about its orders: the registered Orders API base, or the
 * placement's marketplaceServicesEndpoint, checked as any URL Ordo calls; undefined for a marketplace the
 * account has not registered (it learns through its own calls).
 */
export async function affiliateEndpointOf(
  deps: Pick<Deps, 'db'>,
  account: string,
  id: string,
  placementEndpoint: string | null,
): Promise<{ servicesEndpoint: string; headers: Record<string, string> } | undefined> {
  const found = await affiliates.findAffiliate(deps.db, account, id)
  if (!found) return undefined
  const endpoint = found.servicesEndpoint ?? placementEndpoint
  if (endpoint === null) {
    throw new Error(
      `Affiliate ${id} of account ${account} has no servicesEndpoint, and its placement named no marketplaceServicesEndpoint.`,
    )
  }
  const { allowInsecureHooks } = await getSettings(deps, account)
  const url = checkOutboundUrl(endpoint, {
    field: 'servicesEndpoint',
    headersField: 'headers',
    allowInsecure: allowInsecureHooks,
  })
  return { servicesEndpoint: url.href, headers: found.headers }
}

const notRegistered = (account: string, id: string) =>
  new AppError('NOT_FOUND', `Affiliate ${id} is not registered in account ${account}.`)
