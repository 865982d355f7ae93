// Every call the admin makes is an ordinary Ordo API call: the session cookie (HttpOnly, set by Ordo at sign-in)
// authenticates it, so this script never holds a credential.

/** What the API said when it refused: its message, from either of VTEX's error envelopes. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message)
  }
}

interface Envelope {
  error?: { code?: string | number; message?: string }
  Message?: string
  message?: string
}

function errorOf(status: number, body: unknown): ApiError {
  const envelope = (body ?? {}) as Envelope
  const message = envelope.error?.message ?? envelope.Message ?? envelope.message ?? `HTTP ${status}`
  const code = envelope.error?.code
  return new ApiError(status, message, code === undefined ? null : String(code))
}

/** Called when a call answers 401: the session is over and the app goes back to sign-in. */
let onSignedOut: () => void = () => {}
export const whenSignedOut = (handler: () => void): void => {
  onSignedOut = handler
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  let parsed: unknown = null
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    parsed = { message: text }
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/api/ordo/pvt/session')) onSignedOut()
    throw errorOf(response.status, parsed)
  }
  return parsed as T
}

/** Answers asked for before anything waited on them (prefetch), each taken by the first `get` of its path. */
const early = new Map<string, Promise<unknown>>()

/**
 * Asks for `path` now, for a `get` of it that is sure to come: that `get` takes this answer. A refusal leaves the
 * map, so that a `get` after it (once signed in) asks again.
 */
export function prefetch(path: string): void {
  const answer = call('GET', path)
  answer.catch(() => early.delete(path))
  early.set(path, answer)
}

export function get<T>(path: string): Promise<T> {
  const answer = early.get(path)
  if (!answer) return call<T>('GET', path)
  early.delete(path)
  return answer as Promise<T>
}

export interface Session {
  account: string
  appKey: string | null
  roles: string[]
  resources: string[]
}

/** What a signed-in role may do, as the API's guards decide it; the app shows only these actions. */
export function can(session: Session, ...anyOf: string[]): boolean {
  return anyOf.some((resource) => session.resources.includes(resource))
}

/** A path with its query; parameters that are undefined or empty are left out. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

/** A form field's text, trimmed; '' when the form has no such text field. */
export function formText(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value.trim() : ''
}
