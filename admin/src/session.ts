// The signed-in identity, shared by every page: who the session acts as and what its role allows.
import { signal } from '@preact/signals'
import { call, get, whenSignedOut, type Session } from './api.ts'

/** undefined while the first check runs; null when nobody is signed in. */
export const session = signal<Session | null | undefined>(undefined)

whenSignedOut(() => {
  session.value = null
})

export async function loadSession(): Promise<void> {
  try {
    session.value = await get<Session>('/api/ordo/pvt/session')
  } catch {
    session.value = null
  }
}

export async function signIn(
  body: { appKey: string; appToken: string } | { userToken: string },
): Promise<void> {
  session.value = await call<Session>('POST', '/api/ordo/pvt/session', body)
}

export async function signOut(): Promise<void> {
  await call('DELETE', '/api/ordo/pvt/session')
  session.value = null
}
