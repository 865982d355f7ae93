// HTTP surface of the admin's sessions: signing in sets the user token in an HttpOnly cookie, so the web app's
// script never holds a credential; every call the app makes is then an ordinary API call under that token.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf, RESOURCES } from '../../platform/principal.ts'
import { assertSameOrigin, sessionTokenOf, USER_TOKEN_COOKIE } from './access.guard.ts'
import { SessionSchema, SignInBodySchema } from './access.schemas.ts'
import { closeSession, openSession, sessionView } from './access.service.ts'

/**
 * SameSite=Strict: no other site's page can make the browser send it, which is what stops cross-site request
 * forgery of the admin's actions. Secure whenever the request came over https (directly or through a proxy
 * Fastify trusts).
 */
function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  return `${USER_TOKEN_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`
}

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')

export const sessionRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/ordo/pvt/session',
    {
      schema: {
        summary: 'Sign in to the admin (Ordo)',
        description:
          "Sets the session cookie (HttpOnly, SameSite=Strict) holding a 24-hour user token: from the key pair given, or the user token given; a session the cookie held before ends. Revoking the key ends the session. Refused (403) from another site's page, for shopper tokens and for external sellers' keys.",
        tags: ['Ordo', 'Authentication'],
        body: SignInBodySchema,
        response: { 200: SessionSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      // Signing in from another site's page would put the admin in a session of the attacker's choosing.
      assertSameOrigin(request)
      const previous = sessionTokenOf(request)
      const { token, session } = await openSession(deps, request.body)
      if (previous && previous !== token.token) await closeSession(deps, previous)
      const maxAge = Math.max(0, token.expires - Math.floor(deps.clock.now().getTime() / 1000))
      return noStore(reply)
        .header('set-cookie', sessionCookie(request, token.token, maxAge))
        .send(session)
    },
  )

  app.get(
    '/api/ordo/pvt/session',
    {
      onRequest: guard({ anyOf: RESOURCES }),
      schema: {
        summary: 'Who the session acts as (Ordo)',
        tags: ['Ordo', 'Authentication'],
        response: { 200: SessionSchema, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => noStore(reply).send(sessionView(principalOf(request))),
  )

  app.delete(
    '/api/ordo/pvt/session',
    {
      schema: {
        summary: 'Sign out of the admin (Ordo)',
        description:
          'Ends the user token in the session cookie and clears the cookie (a token sent in the header is left alone). Signing out twice is not an error.',
        tags: ['Ordo', 'Authentication'],
        response: { 204: Type.Unknown({ description: 'Signed out.' }) },
      },
    },
    async (request, reply) => {
      assertSameOrigin(request)
      const token = sessionTokenOf(request)
      if (token) await closeSession(deps, token)
      return noStore(reply)
        .header('set-cookie', sessionCookie(request, '', 0))
        .status(204)
        .send()
    },
  )
}
