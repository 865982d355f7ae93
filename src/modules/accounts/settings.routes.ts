// HTTP surface of Ordo's per-account settings, and VTEX's window to change seller, which is one of them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
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

  // VTEX's checkout configuration of the same setting (windowToChangeSellerDays); Checkout Admin may use it.
  const windowGuard = guard({ anyOf: ['Ordo settings', 'Orders Full Access'] })
  const { windowToChangeSellerDays } = SettingsSchema.properties

  app.get(
    '/api/checkout/pvt/configuration/window-to-change-seller',
    {
      onRequest: windowGuard,
      schema: {
        operationId: 'GetWindowToChangeSeller',
        summary: 'Get window to change seller',
        description:
          'Days a marketplace order whose seller canceled it waits for another seller (the account setting windowToChangeSellerDays), as a bare number.',
        tags: ['Change seller'],
        response: { 200: windowToChangeSellerDays, ...errorResponses() },
      },
    },
    async (request) => (await getSettings(deps, principalOf(request).account)).windowToChangeSellerDays,
  )

  app.post(
    '/api/checkout/pvt/configuration/window-to-change-seller',
    {
      onRequest: windowGuard,
      schema: {
        operationId: 'UpdateWindowToChangeSeller',
        summary: 'Update window to change seller',
        description:
          'Sets the days a marketplace order whose seller canceled it waits for another seller (0 to 30; 0 cancels it at once). Orders already waiting keep their window.',
        tags: ['Change seller'],
        body: Type.Object({
          waitingTime: Type.Integer({ ...windowToChangeSellerDays, description: 'Days, 0 to 30.' }),
        }),
        response: { 201: Type.Unknown({ description: 'No body.' }), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const patch = { windowToChangeSellerDays: request.body.waitingTime }
      await changeSettings(deps, principalOf(request).account, patch)
      return reply.status(201).send()
    },
  )
}
