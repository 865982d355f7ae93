// Use cases of Feed v3 (and of Feed v2, another view of the same queue): an AppKey's feed configuration,
// retrieving and committing its items, and the fan-out that turns the order event stream into feed items.
import { unflushedTransaction, type Db } from '../../db/database.ts'
import { byCodePoints } from '../../platform/text-order.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import { lowerHexId } from '../../platform/ids.ts'
import { canAccess, type Principal } from '../../platform/principal.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import { eventsAfter, readEventStream, takeVersionDocuments, versionKey } from '../orders/order.service.ts'
import type { OrderEvent } from '../orders/order-event.ts'
import { addressWithoutQuery } from './hook.ts'
import { hookOverviews, hookSubscriptions, queueHookDeliveries } from './hook.service.ts'
import {
  feedEventId,
  feedFilterOf,
  filterDocument,
  firesOnVersion,
  EXPRESSION_ERRORS_SHOWN,
  QUEUE_DEFAULTS,
  takesStatusChange,
  type FeedFilter,
  type FeedQueue,
} from './feed.ts'
import * as feeds from './feed.repository.ts'
import { compileExpression, meetsExpression, type Expression } from './expression.ts'
import type {
  ExpressionTestBody,
  FeedConfigBody,
  FeedConfigDocument,
  FeedItemDocument,
  FeedV2ItemDocument,
} from './feed.schemas.ts'
import type { IntegrationsDocument } from './integrations.schemas.ts'

/** The fan-out's row in stream_cursors. */
const FAN_OUT = 'feed-fan-out'

/** Events read per fan-out transaction. */
export const FAN_OUT_BATCH = 500

interface Feed {
  account: string
  appKey: string
}

/** A feed belongs to an AppKey (VTEX: "one feed per account and AppKey"). */
function feedOf(principal: Principal): Feed {
  if (!principal.appKey) {
    throw new AppError('FORBIDDEN', 'A feed belongs to an application key; this credential has none.')
  }
  return { account: principal.account, appKey: principal.appKey }
}

const noFeed = ({ appKey }: Feed) =>
  new AppError('NOT_FOUND', `There is no feed configuration for the application key ${appKey}.`)

export async function getFeedConfig(deps: Deps, principal: Principal): Promise<FeedConfigDocument> {
  const feed = feedOf(principal)
  const row = await feeds.findConfig(deps.db, feed.account, feed.appKey)
  if (!row) throw noFeed(feed)
  const { quantity, oldest } = await feeds.queueStats(deps.db, feed.account, feed.appKey)
  const filter = JSON.parse(row.filter_json) as FeedFilter
  const age = ageInSeconds(deps, oldest)
  return {
    filter: filterDocument(filter),
    queue: {
      visibilityTimeoutInSeconds: row.visibility_timeout_s,
      MessageRetentionPeriodInSeconds: row.retention_s,
      messageRetentionPeriodInSeconds: row.retention_s,
    },
    quantity,
    approximateAgeOfOldestMessageInSeconds: age,
    expressionErrors: await feeds.expressionErrors(
      deps.db,
      { ...feed, channel: 'feed' },
      EXPRESSION_ERRORS_SHOWN,
    ),
  }
}

/** How long ago the oldest item entered its feed; 0 for an empty feed. */
const ageInSeconds = (deps: Deps, oldest: string | null): number =>
  oldest === null ? 0 : Math.max(0, deps.clock.now().getTime() - Date.parse(oldest)) / 1000

/** Every feed of the account with its queue: items waiting, hidden or not, and the oldest one's age. */
export async function feedQueues(
  deps: Deps,
  account: string,
): Promise<{ appKey: string; quantity: number; oldestAgeSeconds: number }[]> {
  const queues = await feeds.queueStatsOfAccount(deps.db, account)
  return queues.map(({ appKey, quantity, oldest }) => ({
    appKey,
    quantity,
    oldestAgeSeconds: ageInSeconds(deps, oldest),
  }))
}

/**
 * GET /api/ordo/pvt/integrations: every feed and hook of the caller's account, each sorted by AppKey, in a fixed
 * number of statements whatever the number of keys. Hook header values are never shown.
 */
export async function integrationsOf(deps: Deps, principal: Principal): Promise<IntegrationsDocument> {
  const [configs, hooks] = await Promise.all([
    feeds.feedsOfAccount(deps.db, principal.account),
    hookOverviews(deps, principal.account),
  ])
  const feedList = configs.map((row) => ({
    appKey: row.app_key,
    filter: filterDocument(JSON.parse(row.filter_json) as FeedFilter),
    queue: {
      visibilityTimeoutInSeconds: row.visibility_timeout_s,
      MessageRetentionPeriodInSeconds: row.retention_s,
    },
    quantity: row.quantity,
    approximateAgeOfOldestMessageInSeconds: ageInSeconds(deps, row.oldest),
  }))
  const byAppKey = (a: { appKey: string }, b: { appKey: string }) => byCodePoints(a.appKey, b.appKey)
  // A hook's address often carries a token in its query: only who may change hooks sees it whole.
  const shown = canAccess(principal, ['Feed v3 and Hook Admin'])
    ? hooks
    : hooks.map((each) => ({ ...each, hook: { ...each.hook, url: addressWithoutQuery(each.hook.url) } }))
  return { feeds: feedList.sort(byAppKey), hooks: shown.sort(byAppKey) }
}

/** Creates or changes the feed; a new feed receives only what happens after it is created. */
export async function saveFeedConfig(deps: Deps, principal: Principal, body: FeedConfigBody): Promise<void> {
  const feed = feedOf(principal)
  const filter = feedFilterOf(body.filter)
  const retention = body.queue?.MessageRetentionPeriodInSeconds ?? body.queue?.messageRetentionPeriodInSeconds
  const row = configRow(deps, feed, filter, {
    visibilityTimeoutInSeconds: body.queue?.visibilityTimeoutInSeconds,
    messageRetentionPeriodInSeconds: retention,
  })
  await deps.db.transaction().execute(async (trx) => {
    const before = await feeds.findConfig(trx, feed.account, feed.appKey)
    await feeds.saveConfig(trx, row)
    await feeds.resetFilterStates(trx, { ...feed, channel: 'feed' }, before?.filter_json, row.filter_json)
  })
}

/** A configuration starting now, with QUEUE_DEFAULTS for what the queue leaves out. */
function configRow(
  deps: Deps,
  feed: Feed,
  filter: FeedFilter,
  queue: Partial<FeedQueue> = {},
): feeds.FeedConfigRow {
  return {
    account: feed.account,
    app_key: feed.appKey,
    filter_json: JSON.stringify(filter),
    visibility_timeout_s: queue.visibilityTimeoutInSeconds ?? QUEUE_DEFAULTS.visibilityTimeoutInSeconds,
    retention_s: queue.messageRetentionPeriodInSeconds ?? QUEUE_DEFAULTS.messageRetentionPeriodInSeconds,
    created_at: deps.clock.now().toISOString(),
  }
}

export async function deleteFeedConfig(deps: Deps, principal: Principal): Promise<void> {
  const feed = feedOf(principal)
  const deleted = await deps.db.transaction().execute(async (trx) => {
    const before = await feeds.findConfig(trx, feed.account, feed.appKey)
    await feeds.resetFilterStates(trx, { ...feed, channel: 'feed' }, before?.filter_json)
    return feeds.deleteConfig(trx, feed.account, feed.appKey)
  })
  if (!deleted) throw noFeed(feed)
}

/** GET /api/orders/feed: up to `maxlot` visible items, oldest first, each hidden for the visibility timeout. */
export async function retrieveFeedItems(
  deps: Deps,
  principal: Principal,
  maxlot: number,
): Promise<FeedItemDocument[]> {
  const items = await takeItems(deps, feedOf(principal), maxlot, 'not-found')
  return items.map((item) => ({
    eventId: feedEventId(Number(item.event_id)),
    handle: item.handle,
    domain: item.domain,
    state: item.state,
    lastState: item.last_state ?? '',
    orderId: item.order_id,
    lastChange: item.last_change ?? '',
    currentChange: item.current_change,
    availableDate: item.enqueued_at,
  }))
}

/**
 * GET /api/oms/pvt/feed/orders/status: Feed v2's view of the same queue. Its token is the item's handle, under
 * the legacy name and the readme's, so clients of either shape work.
 */
export async function retrieveFeedV2Items(
  deps: Deps,
  principal: Principal,
  maxLot: number,
): Promise<FeedV2ItemDocument[]> {
  const items = await takeItems(deps, feedOf(principal), maxLot, 'create-default')
  return items.map((item) => ({
    orderId: item.order_id,
    status: item.state,
    dateTime: item.current_change,
    commitToken: item.handle,
    eventId: feedEventId(Number(item.event_id)),
    handle: item.handle,
    domain: item.domain,
    state: item.state,
  }))
}

/**
 * A retrieval, in one transaction: drops the items past the retention, then takes up to `maxlot` visible ones,
 * oldest first, each hidden for the visibility timeout under a new handle. Feed v2 had no configuration
 * endpoint, so there a key without a feed gets the default one, in the same transaction and never in place of
 * an existing one; Feed v3 answers 404.
 */
async function takeItems(
  deps: Deps,
  feed: Feed,
  maxlot: number,
  withoutFeed: 'not-found' | 'create-default',
): Promise<feeds.TakenItem[]> {
  // Handing items out is bookkeeping: if a power failure loses it, the items are visible again, as they are
  // when a reader does not commit in time (and a v2 default feed is created again at the next retrieval).
  return retryOnConflict(() =>
    unflushedTransaction(deps, async (trx) => {
      if (withoutFeed === 'create-default') {
        await feeds.createConfigIfMissing(trx, configRow(deps, feed, feedFilterOf(undefined)))
      }
      const config = await feeds.findConfig(trx, feed.account, feed.appKey)
      if (!config) throw noFeed(feed)
      const now = deps.clock.now()
      const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString()
      await feeds.dropExpired(trx, feed.account, feed.appKey, at(-config.retention_s))
      return feeds.takeVisible(
        { db: trx, dialect: deps.dialect },
        feed,
        now.toISOString(),
        maxlot,
        at(config.visibility_timeout_s),
        () => lowerHexId(24),
      )
    }),
  )
}

/**
 * POST /api/orders/feed, and Feed v2's confirm: deletes the items the handles name. Handles that name nothing are
 * ignored, as SQS does.
 */
export async function commitFeedItems(
  deps: Deps,
  principal: Principal,
  handles: readonly string[],
): Promise<{ committed: number; ignored: number }> {
  const feed = feedOf(principal)
  const unique = [...new Set(handles)]
  // Bookkeeping, as the retrieval is: if a power failure loses the commit, its items come back, as they do
  // to a reader that did not commit in time, and at-least-once readers already bear that.
  const committed = await unflushedTransaction(deps, (trx) => feeds.deleteByHandles(trx, feed, unique))
  return { committed, ignored: unique.length - committed }
}

/** What one step of the fan-out did. */
export interface FanOutStep {
  /** Events read; 0: the stream is drained. */
  read: number
  /** Hook senders that are due sooner than before it: a worker should look for them now. */
  sendersDue: number
}

/**
 * One step of the fan-out: the next events of the stream become items of the feeds they reach, and the cursor
 * moves past them, in one transaction: an event is never lost and never queued twice.
 */
export async function fanOutEvents(deps: Deps, batch = FAN_OUT_BATCH): Promise<FanOutStep> {
  // The items come from the durable stream: if a power failure loses this commit, the cursor goes back with
  // them and the fan-out writes them again.
  const step = await retryOnConflict(() =>
    unflushedTransaction(deps, async (trx) => {
      const handle = { db: trx, dialect: deps.dialect }
      const cursor = await feeds.lockCursor(handle, FAN_OUT)
      const { events, next } = await readEventStream(handle, cursor, batch)
      if (events.length === 0) return { read: 0, sendersDue: 0 }
      const matches = await matchEvents(trx, await subscriptionsOf(trx), events)
      const now = deps.clock.now().toISOString()
      const items = matches
        .filter(({ subscription }) => subscription.channel === 'feed')
        .map(({ subscription, event }) => ({
          account: subscription.account,
          app_key: subscription.appKey,
          event_id: event.id,
          order_id: event.orderId,
          domain: event.domain,
          state: event.state,
          last_state: event.lastState,
          last_change: event.lastChange,
          current_change: event.currentChange,
          enqueued_at: now,
          visible_at: now,
          handle: null,
        }))
      await feeds.insertItems(trx, items)
      const sendersDue = await queueHookDeliveries(
        deps,
        trx,
        matches.filter(({ subscription }) => subscription.channel === 'hook'),
      )
      await feeds.moveCursor(trx, FAN_OUT, next)
      return { read: events.length, sendersDue }
    }),
  )
  deps.metrics.feedEventsFannedOut.inc(step.read)
  return step
}

/** Every feed and hook, as the fan-out matches events against them. */
async function subscriptionsOf(db: Db): Promise<Subscription[]> {
  const feedSubscriptions = (await feeds.listConfigs(db)).map((row) => ({
    channel: 'feed' as const,
    account: row.account,
    appKey: row.app_key,
    filter: JSON.parse(row.filter_json) as FeedFilter,
    createdAt: row.created_at,
  }))
  return [...feedSubscriptions, ...(await hookSubscriptions(db))]
}

/**
 * Whether a feed or hook of the account filters on documents (FromOrders): only such a filter reads the
 * document of each version, so a writer of orders whose events all come before every later subscription
 * (`ordo seed`) need keep those documents only when one exists already.
 */
export async function filtersOnDocuments({ db }: Pick<Deps, 'db'>, account: string): Promise<boolean> {
  return (await subscriptionsOf(db)).some(
    (subscription) => subscription.account === account && subscription.filter.type === 'FromOrders',
  )
}

/**
 * Runs the fan-out until it has read every event committed before the call. On PostgreSQL the stream holds
 * back events while any older transaction of the server is open, in any database (see readEventStream), so
 * a read that finds nothing is tried again while committed events are still ahead of the cursor.
 */
export async function fanOutAll(deps: Deps): Promise<number> {
  let total = 0
  for (;;) {
    const { read } = await fanOutEvents(deps)
    total += read
    if (read > 0) continue
    const cursor = await feeds.lockCursor(deps, FAN_OUT)
    if (!(await eventsAfter(deps, cursor))) return total
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** POST /api/orders/expressions/jsonata: whether the document meets the expression. */
export async function testExpression(body: ExpressionTestBody): Promise<boolean> {
  const expression = compileExpression(body.Expression)
  let document: unknown = body.Document
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document)
    } catch {
      throw validationFailed(
        'Invalid request body: Document must be a JSON document (as a string or an object).',
      )
    }
  }
  return meetsExpression(expression, document)
}

/** A feed or a hook, as the fan-out matches events against it. */
export interface Subscription {
  channel: 'feed' | 'hook'
  account: string
  appKey: string
  filter: FeedFilter
  /** Events before this are not the subscription's. */
  createdAt: string
}

export interface Match {
  subscription: Subscription
  event: OrderEvent
}

/**
 * Which subscriptions each event reaches, in stream order. Status filters look at transitions; JSONata filters
 * at the document of every version the events belong to (its last event stands for it), each evaluated within
 * JSONata's limits: one that fails on a document counts as not holding, and the error is kept with the
 * filter's state. The versions' documents are forgotten once read.
 */
async function matchEvents(trx: Db, subscriptions: readonly Subscription[], events: readonly OrderEvent[]) {
  const position = new Map(events.map((event, index) => [event.id, index]))
  const ownedBy = (subscription: Subscription, event: OrderEvent) =>
    subscription.account === event.account && event.currentChange >= subscription.createdAt
  const matches: Match[] = []
  for (const event of events) {
    for (const subscription of subscriptions) {
      if (ownedBy(subscription, event) && takesStatusChange(subscription.filter, event)) {
        matches.push({ subscription, event })
      }
    }
  }
  // The last event of each version, by order: what a document filter sees, version after version.
  const versions = new Map<string, Map<number, OrderEvent>>()
  for (const event of events) {
    const key = JSON.stringify([event.account, event.orderId])
    const byVersion = versions.get(key) ?? new Map<number, OrderEvent>()
    byVersion.set(event.orderVersion, event)
    versions.set(key, byVersion)
  }
  const documentFilters = subscriptions.filter(
    (s): s is Subscription & { filter: FeedFilter & { type: 'FromOrders' } } =>
      s.filter.type === 'FromOrders',
  )
  const compiled = new Map(
    documentFilters.map((s) => [s.filter.expression, compileExpression(s.filter.expression)]),
  )
  const stateKeys = [...versions.values()].flatMap((byVersion) => {
    const [first] = byVersion.values()
    return first
      ? documentFilters.map((s) => ({
          account: s.account,
          appKey: s.appKey,
          channel: s.channel,
          orderId: first.orderId,
        }))
      : []
  })
  const held = await feeds.findFilterStates(trx, stateKeys)
  const changedStates = new Map<string, feeds.FilterStateKey & { matched: boolean; error: string | null }>()
  const documents = await takeVersionDocuments(
    trx,
    [...versions.values()].flatMap((byVersion) => {
      const [first] = byVersion.values()
      return first
        ? [{ account: first.account, orderId: first.orderId, upTo: Math.max(...byVersion.keys()) }]
        : []
    }),
    documentFilters.length > 0,
  )
  for (const byVersion of versions.values()) {
    for (const [version, event] of [...byVersion.entries()].sort(([a], [b]) => a - b)) {
      const text = documents.get(versionKey(event.account, event.orderId, version))
      if (text === undefined) continue
      const document: unknown = JSON.parse(text)
      for (const subscription of documentFilters) {
        if (!ownedBy(subscription, event)) continue
        const key = {
          account: subscription.account,
          appKey: subscription.appKey,
          channel: subscription.channel,
          orderId: event.orderId,
        }
        const id = feeds.filterStateId(key)
        let holds = false
        let error: string | null = null
        try {
          holds = await meetsExpression(compiled.get(subscription.filter.expression) as Expression, document)
        } catch (failure) {
          error = failure instanceof Error ? failure.message : String(failure)
        }
        if (firesOnVersion(subscription.filter, holds, held.get(id) ?? false))
          matches.push({ subscription, event })
        held.set(id, holds)
        changedStates.set(id, { ...key, matched: holds, error })
      }
    }
  }
  await feeds.saveFilterStates(trx, [...changedStates.values()])
  return matches.sort((a, b) => (position.get(a.event.id) ?? 0) - (position.get(b.event.id) ?? 0))
}
