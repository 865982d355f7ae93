// The HTTP side of a hook: one POST with the hook's headers, signed the Standard Webhooks way when the hook
// has a secret, through Ordo's guarded outbound client.
import { Webhook } from 'standardwebhooks'
import type { PostResult } from '../../platform/outbound-http.ts'
import { postJsonOffThread } from '../../platform/outbound-thread.ts'
import { DELIVERY_TIMEOUT_MS } from './hook.ts'

export type { PostResult }

/** One POST, 5 s at most, never following redirects. Resolves with the outcome; never rejects. */
export function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  signing: { secret: string | null; id: string } | null,
): Promise<PostResult> {
  let signed: Record<string, string> = {}
  try {
    signed = signing?.secret ? signatureHeaders(signing.secret, signing.id, body) : {}
  } catch (error) {
    return Promise.resolve({ status: null, latencyMs: 0, error: (error as Error).message })
  }
  return postJsonOffThread(url, { ...headers, ...signed }, body, { timeoutMs: DELIVERY_TIMEOUT_MS })
}

/** Standard Webhooks headers. Receivers check the timestamp against their own clock: it is the wall clock's. */
function signatureHeaders(secret: string, id: string, body: string): Record<string, string> {
  const timestamp = new Date()
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  }
}
