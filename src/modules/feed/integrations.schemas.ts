// Wire format of Ordo's integrations overview: every feed and hook of the caller's account, one entry per AppKey.
import { Type, type Static } from 'typebox'
import { FilterDocumentSchema } from './feed.schemas.ts'

const FeedOverviewSchema = Type.Object({
  appKey: Type.String(),
  filter: FilterDocumentSchema,
  queue: Type.Object({
    visibilityTimeoutInSeconds: Type.Integer(),
    MessageRetentionPeriodInSeconds: Type.Integer(),
  }),
  quantity: Type.Integer({ description: 'Items in the queue, hidden or not.' }),
  approximateAgeOfOldestMessageInSeconds: Type.Number(),
})

const HookOverviewSchema = Type.Object({
  appKey: Type.String(),
  filter: FilterDocumentSchema,
  hook: Type.Object({
    url: Type.String(),
    headers: Type.Array(Type.String(), {
      description: 'The names of the headers sent with every notification; their values are never shown.',
    }),
    hasSecret: Type.Boolean({ description: 'Whether notifications are signed (the secret is never shown).' }),
  }),
  deliveries: Type.Object(
    {
      pending: Type.Integer(),
      delivering: Type.Integer(),
      delivered: Type.Integer(),
      failed: Type.Integer(),
    },
    { description: "How many of the hook's deliveries are in each status, as the delivery log shows them." },
  ),
})

export const IntegrationsSchema = Type.Object({
  feeds: Type.Array(FeedOverviewSchema, { description: 'Sorted by appKey.' }),
  hooks: Type.Array(HookOverviewSchema, { description: 'Sorted by appKey.' }),
})
export type IntegrationsDocument = Static<typeof IntegrationsSchema>
export type FeedOverview = Static<typeof FeedOverviewSchema>
export type HookOverview = Static<typeof HookOverviewSchema>
