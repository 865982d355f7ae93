// HTTP surface of Ordo's per-account settings.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { SettingsPatchSchema, SettingsSchema } from './account.schemas.ts'
import { changeSettings, getSettings } from './account.service.ts'

export const settingsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const settingsGuard = guard({ anyOf: ['Ordo settings'] })

  app.get(
    '/api/ordo/pvt/settings',
    {
      onRequest: settingsGuard,
      schema: {
        summary: 'Account settings (Ordo)',
        tags: ['Ordo'],
        response: { 200: SettingsSchema, ...errorResponses() },
      },
    },
    async (request) => getSettings(deps, principalOf(request).account),
  )

  app.put(
    '/api/ordo/pvt/settings',
    {
      onRequest: settingsGuard,
      schema: {
        summary: 'Change account settings (Ordo)',
        description:
          'Fields left out keep their value and `null` resets one to its default (`"rateLimits": null` resets every limit). A field settings do not have is refused with 400, and nothing changes. A new grace period applies to orders approved from now on; a new rate limit within a second.',
        tags: ['Ordo'],
        body: SettingsPatchSchema,
        response: { 200: SettingsSchema, ...errorResponses(400) },
      },
    },
    async (request) => changeSettings(deps, principalOf(request).account, request.body),
  )
}
