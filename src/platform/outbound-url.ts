// The URLs an account may make Ordo call (its hook, its external sellers' endpoints), and the addresses Ordo never
// calls whatever the account says: what an attacker with a key would point it at to read a cloud's credentials.
import { validationFailed } from './errors.ts'

/** An HTTP header name (RFC 9110's token). */
export const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$"
/** What HTTP allows in a field value: tab, visible ASCII, and bytes above it; Node refuses the rest. */
export const HEADER_VALUE_PATTERN = '^[\\t\\u0020-\\u007e\\u0080-\\u00ff]*$'
export const MAX_HEADER_VALUE = 2000
export const MAX_OUTBOUND_HEADERS = 20

/** The headers an account has Ordo send along (its credentials at the receiver), as the wire schemas check them. */
export function checkOutboundHeaders(headers: Record<string, string>, field: string): void {
  const entries = Object.entries(headers)
  if (entries.length > MAX_OUTBOUND_HEADERS) {
    throw validationFailed(`${field} may hold at most ${MAX_OUTBOUND_HEADERS} headers.`)
  }
  for (const [name, value] of entries) {
    if (!new RegExp(HEADER_NAME_PATTERN).test(name)) {
      throw validationFailed(`${field} has a header name HTTP does not allow: ${JSON.stringify(name)}.`)
    }
    if (value.length > MAX_HEADER_VALUE || !new RegExp(HEADER_VALUE_PATTERN).test(value)) {
      throw validationFailed(
        `${field}.${name} must be at most ${MAX_HEADER_VALUE} characters of what HTTP allows in a header value.`,
      )
    }
  }
}

export interface OutboundUrlRules {
  /** The request field, named in errors: `hook.url`. */
  field: string
  /** Where credentials go instead of the URL: `hook.headers`. */
  headersField: string
  /** The account setting allowInsecureHooks: plain http for a receiver on the store's own network. */
  allowInsecure: boolean
}

/** https only unless the account allows plain http, no credentials in the URL, no link-local or metadata host. */
export function checkOutboundUrl(
  text: string,
  { field, headersField, allowInsecure }: OutboundUrlRules,
): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw validationFailed(
      `Invalid request body: ${field} must be an absolute URL, not ${JSON.stringify(text)}.`,
    )
  }
  const insecureOk = allowInsecure && url.protocol === 'http:'
  if (url.protocol !== 'https:' && !insecureOk) {
    throw validationFailed(
      allowInsecure
        ? `Only https and http are accepted for ${field}.`
        : `Only https scheme is accepted for ${field} (the account setting allowInsecureHooks allows plain http).`,
    )
  }
  if (url.username || url.password) {
    throw validationFailed(`${field} must not carry credentials; send them in ${headersField}.`)
  }
  // A host name is checked again on every call, as it resolves then (hook.client.ts).
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (isForbiddenAddress(host)) {
    throw validationFailed(`${field} is a link-local or metadata address (${host}), which Ordo never calls.`)
  }
  return url
}

/**
 * Addresses Ordo never calls: link-local (169.254.0.0/16, fe80::/10, where clouds serve instance metadata and
 * credentials), the unspecified address, and the metadata endpoints some clouds serve elsewhere.
 */
export function isForbiddenAddress(address: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return address.startsWith('169.254.') || address === '0.0.0.0' || address === '100.100.100.200'
  }
  if (address.includes(':')) {
    const lower = address.toLowerCase()
    if (lower.startsWith('::ffff:')) return isForbiddenAddress(mappedIpv4(lower.slice(7)))
    return /^fe[89ab]/.test(lower) || lower === '::' || lower === 'fd00:ec2::254'
  }
  return false
}

/** The IPv4 address an IPv4-mapped IPv6 address carries: URLs write `::ffff:169.254.169.254` as `::ffff:a9fe:a9fe`. */
function mappedIpv4(tail: string): string {
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail)
  if (!hex) return tail
  const [high, low] = [parseInt(hex[1] ?? '0', 16), parseInt(hex[2] ?? '0', 16)]
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}
