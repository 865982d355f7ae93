// Fastify side of access control: reads credentials from headers or cookie, checks resources and account scope.
import type { FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { Deps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { andThen, type MaybePromise } from '../../platform/maybe-promise.ts'
import {
  attachPrincipal,
  canAccess,
  type AdmitAtOnce,
  type Guard,
  type GuardOptions,
  type Principal,
} from '../../platform/principal.ts'
import { accountExists } from '../accounts/account.service.ts'
import { cachedPrincipal, principalOfCredentials, type Credentials } from './access.service.ts'
import { EXTERNAL_SELLER_ROLE } from './roles.ts'

/** What the guard reads of a request: Fastify's, or Node's before routing (see `admitAtOnce`). */
type Headed = Pick<IncomingMessage, 'headers'>

const header = ({ headers }: Headed, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function cookie(request: Headed, name: string): string | undefined {
  const raw = header(request, 'cookie')
  if (!raw) return undefined
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined // a malformed cookie is no credential: 401, not 500
      }
    }
  }
  return undefined
}

/** VTEX ID's cookie: the admin's session holds its user token there too. */
export const USER_TOKEN_COOKIE = 'VtexIdclientAutCookie'

/** The admin session's token: the cookie alone, never a token a client sends in the header. */
export const sessionTokenOf = (request: FastifyRequest): string | undefined =>
  cookie(request, USER_TOKEN_COOKIE)

export function credentialsOf(request: Headed): Credentials & { fromCookie: boolean } {
  const appKey = header(request, 'x-vtex-api-appkey')
  const appToken = header(request, 'x-vtex-api-apptoken')
  const headerToken = header(request, 'vtexidclientautcookie')
  const cookieToken =
    appKey && appToken ? undefined : headerToken ? undefined : cookie(request, USER_TOKEN_COOKIE)
  return { appKey, appToken, userToken: headerToken ?? cookieToken, fromCookie: cookieToken !== undefined }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A browser sends cookies with requests other sites' pages make, and SameSite=Strict still lets a sibling
 * subdomain's page (the storefront) send them; a form can post JSON as text/plain. So a request that changes
 * something, or signs in, and comes from a page of another origin is refused: browsers say where a request
 * comes from (Sec-Fetch-Site, Origin), and a client that is not a browser sends neither.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return
  const site = header(request, 'sec-fetch-site')
  const origin = header(request, 'origin')
  if ((site === undefined || site === 'same-origin' || site === 'none') && sameHost(origin, request.host))
    return
  throw new AppError(
    'FORBIDDEN',
    "A page of another site cannot act with Ordo's session cookie. An integration sends its credentials in headers.",
  )
}

function sameHost(origin: string | undefined, host: string): boolean {
  if (origin === undefined) return true
  try {
    return new URL(origin).host === host
  } catch {
    return false // `Origin: null`: a sandboxed page or a redirect, never Ordo's own
  }
}

/**
 * `guard` builds onRequest hooks: 401 without valid credentials, 403 without the resource or for another
 * account. A callback hook that decides in the same tick when the credentials and the named account are cached,
 * as they are for every request of a busy integration but its first each second: as an async hook, every
 * request paid for promises and microtask turns on values already at hand.
 *
 * `admitAtOnce` is the same decision for a request not yet routed, when it admits from what is in memory.
 */
export function createAccessGuard(deps: Deps): { guard: Guard; admitAtOnce: AdmitAtOnce } {
  const accountNames = new AccountNameCache(deps)
  const guard: Guard = (options) => (request, _reply, done) => {
    const credentials = credentialsOf(request)
    // Each path calls done once, outside a try: what runs after it (the next hooks, the handler) is Fastify's.
    const admit = (principal: Principal): void => {
      let named: MaybePromise<string | undefined>
      try {
        if (credentials.fromCookie) assertSameOrigin(request)
        const refused = refusal(principal, options)
        if (refused) throw refused
        const inRequest = namedAccount(request.query, request.hostname, principal.account)
        named =
          inRequest instanceof HostLabel
            ? andThen(accountNames.exists(inRequest.name), (exists) => (exists ? inRequest.name : undefined))
            : inRequest
      } catch (error) {
        return done(error as Error)
      }
      if (named instanceof Promise) named.then((name) => done(admitted(request, principal, name)), done)
      else done(admitted(request, principal, named))
    }
    let principal: MaybePromise<Principal>
    try {
      principal = principalOfCredentials(deps, credentials)
    } catch (error) {
      return done(error as Error)
    }
    if (principal instanceof Promise) principal.then(admit, done)
    else admit(principal)
  }
  // Header credentials only, and no query string: a cookie's origin check and `?an=` are the route's to read.
  const admitAtOnce: AdmitAtOnce = (request, options) => {
    const credentials = credentialsOf(request)
    if (credentials.fromCookie) return undefined
    const principal = cachedPrincipal(deps, credentials)
    if (!principal || refusal(principal, options)) return undefined
    const named = namedAccount(undefined, hostnameOf(request), principal.account)
    // A host label that is not an account, as far as memory knows, names none; anything else is the route's.
    if (named instanceof HostLabel) return accountNames.peek(named.name) === false ? principal : undefined
    return named === undefined || named === principal.account ? principal : undefined
  }
  return { guard, admitAtOnce }
}

/** Fastify's `request.hostname`, from the Host header as it reads it without a trusted proxy. */
function hostnameOf({ headers }: IncomingMessage): string {
  const host = headers.host ?? ''
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':', 1)[0] ?? '')
}

/** Why `principal` may not call a route with `options`; undefined when it may. */
function refusal(principal: Principal, options: GuardOptions): AppError | undefined {
  const allowed = principal.shopperEmail
    ? options.shoppers === true
    : options.anyOf !== undefined && canAccess(principal, options.anyOf)
  if (!allowed) {
    return new AppError('FORBIDDEN', 'The credentials are not enabled to access the service.')
  }
  // The role's resources (Cancel order) open routes a seller has no business on, such as modifications.
  if (principal.roles.includes(EXTERNAL_SELLER_ROLE) && options.externalSellers !== true) {
    return new AppError(
      'FORBIDDEN',
      `This key has the role ${EXTERNAL_SELLER_ROLE}: it sends its seller's invoices, tracking and cancellations, and may call nothing else.`,
    )
  }
  return undefined
}

/** The request's principal once the account it names is known: the refusal when that is another account. */
function admitted(
  request: FastifyRequest,
  principal: Principal,
  named: string | undefined,
): AppError | undefined {
  if (named !== undefined && named !== principal.account) {
    return new AppError('FORBIDDEN', `The credentials belong to another account than ${named}.`)
  }
  attachPrincipal(request, principal)
  return undefined
}

/** The first label of a request's host name: it names an account if there is an account of that name. */
class HostLabel {
  constructor(readonly name: string) {}
}

/** The account a request names in `?an=` (`?accountName=`) or as the first label of its host name, if any. */
function namedAccount(requestQuery: unknown, host: string, own: string): string | HostLabel | undefined {
  const query = requestQuery as Record<string, unknown> | undefined
  // The order system's PATCH …/changes names the account `accountName`.
  const an = query?.an ?? query?.accountName
  // `?an=x&an=y` arrives as an array: any value that is not the caller's own account counts.
  const named = (Array.isArray(an) ? an : [an]).filter((v): v is string => typeof v === 'string' && v !== '')
  const other = named.find((value) => value !== own)
  if (named.length > 0) return other ?? own
  if (!host || /^[\d.]+$/.test(host) || host.startsWith('[')) return undefined
  const labels = host.split('.')
  const first = labels[0]
  // Only a label that is another account's name counts; `api.example.com` names no account.
  if (labels.length < 3 || !first || first === own) return undefined
  return new HostLabel(first)
}

class AccountNameCache {
  private readonly known = new Map<string, { exists: boolean; until: number }>()

  constructor(private readonly deps: Deps) {}

  /** At once for a name looked up recently, else once looked up. */
  exists(name: string): MaybePromise<boolean> {
    return this.peek(name) ?? this.lookUp(name)
  }

  /** Whether `name` is an account, if it was looked up recently. */
  peek(name: string): boolean | undefined {
    const cached = this.known.get(name)
    return cached && cached.until > Date.now() ? cached.exists : undefined
  }

  private async lookUp(name: string): Promise<boolean> {
    const exists = await accountExists(this.deps, name)
    if (this.known.size > 1000) this.known.clear()
    // A name that does not exist is rechecked sooner, so a new account is recognised within seconds.
    this.known.set(name, { exists, until: Date.now() + (exists ? 60_000 : 5_000) })
    return exists
  }
}
