// Use cases of the order hook: an AppKey's hook configuration (checked with VTEX's ping), the deliveries the
// fan-out queues for it, sending them in order per order with retries, and the delivery log.
import { setTimeout as sleep } from 'node:timers/promises'
import { unflushedTransaction, type Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import type { JobRequest } from '../../platform/jobs.ts'
import type { Principal } from '../../platform/principal.ts'
import { checkOutboundUrl } from '../../platform/outbound-url.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import { getSettings } from '../accounts/account.service.ts'
import type { OrderEvent } from '../orders/order-event.ts'
import { EXPRESSION_ERRORS_SHOWN, feedFilterOf, filterDocument, type FeedFilter } from './feed.ts'
import { DEFAULT_DELIVERIES_IN_FLIGHT, nextAttemptAt, notificationOf, PING } from './hook.ts'
import { expressionErrors, resetFilterStates } from './feed.repository.ts'
import * as hooks from './hook.repository.ts'
import { post, type PostResult } from './hook.client.ts'
import type { HookConfigBody, HookConfigDocument, HookDeliveryDocument } from './hook.schemas.ts'
import type { HookOverview } from './integrations.schemas.ts'
import type { DeliveryStatus } from './hook.table.ts'

/** The job that sends a hook's pending deliveries of one order, oldest first. */
export const HOOK_DELIVERY_JOB = 'hook-delivery'

/** A worker holds a delivery for an attempt's 5 s and a margin; if its process dies, another takes it over. */
const LEASE_MS = 10_000

function hookOf(principal: Principal): hooks.HookKey {
  if (!principal.appKey) {
    throw new AppError('FORBIDDEN', 'A hook belongs to an application key; this credential has none.')
  }
  return { account: principal.account, appKey: principal.appKey }
}

const noHook = ({ appKey }: hooks.HookKey) =>
  new AppError('NOT_FOUND', `There is no hook configuration for the application key ${appKey}.`)

/**
 * The hook a delivery-log call acts on: the caller's own, or with `appKey` another key's of the caller's
 * account (the admin's integrations page), which must have a hook. Another account's key is not found either.
 */
async function hookNamed(
  deps: Deps,
  principal: Principal,
  appKey: string | undefined,
): Promise<hooks.HookKey> {
  if (appKey === undefined) return hookOf(principal)
  const key = { account: principal.account, appKey }
  if (!(await hooks.findHook(deps.db, key))) {
    throw new AppError(
      'NOT_FOUND',
      `There is no hook configuration for the application key ${appKey} in the account ${key.account}.`,
    )
  }
  return key
}

export async function getHookConfig(deps: Deps, principal: Principal): Promise<HookConfigDocument> {
  const key = hookOf(principal)
  const row = await hooks.findHook(deps.db, key)
  if (!row) throw noHook(key)
  const filter = JSON.parse(row.filter_json) as FeedFilter
  return {
    filter: filterDocument(filter),
    hook: { url: row.url, headers: JSON.parse(row.headers_json) as Record<string, string> },
    signed: row.secret !== null,
    expressionErrors: await expressionErrors(deps.db, { ...key, channel: 'hook' }, EXPRESSION_ERRORS_SHOWN),
  }
}

/** Saves the hook once its URL answers VTEX's ping with 200; a new hook receives what happens after it. */
export async function saveHookConfig(deps: Deps, principal: Principal, body: HookConfigBody): Promise<void> {
  const key = hookOf(principal)
  const filter = feedFilterOf(body.filter)
  const settings = await getSettings(deps, key.account)
  const url = checkOutboundUrl(body.hook.url, {
    field: 'hook.url',
    headersField: 'hook.headers',
    allowInsecure: settings.allowInsecureHooks,
  })
  const headers = body.hook.headers ?? {}
  const ping = await post(url, headers, JSON.stringify(PING), null)
  if (ping.status !== 200) {
    throw validationFailed(
      `Unable to check address: ${url.href} answered the ping ${ping.status === null ? `with no response (${ping.error ?? 'no answer'})` : `with ${ping.status}`}; a hook's URL must answer {"hookConfig":"ping"} with 200 within 5 s.`,
    )
  }
  const row = {
    account: key.account,
    app_key: key.appKey,
    filter_json: JSON.stringify(filter),
    url: url.href,
    headers_json: JSON.stringify(headers),
    secret: body.secret ?? null,
    created_at: deps.clock.now().toISOString(),
  }
  await deps.db.transaction().execute(async (trx) => {
    const before = await hooks.findHook(trx, key)
    await hooks.saveHook(trx, row)
    await resetFilterStates(trx, { ...key, channel: 'hook' }, before?.filter_json, row.filter_json)
  })
}

export async function deleteHookConfig(deps: Deps, principal: Principal): Promise<void> {
  const key = hookOf(principal)
  const deleted = await deps.db.transaction().execute(async (trx) => {
    const before = await hooks.findHook(trx, key)
    await resetFilterStates(trx, { ...key, channel: 'hook' }, before?.filter_json)
    return hooks.deleteHook(trx, key)
  })
  if (!deleted) throw noHook(key)
}

/** Every hook, as the fan-out matches events against it. */
export const hookSubscriptions = async (trx: Db) =>
  (await hooks.listHooks(trx)).map((row) => ({
    channel: 'hook' as const,
    account: row.account,
    appKey: row.app_key,
    filter: JSON.parse(row.filter_json) as FeedFilter,
    createdAt: row.created_at,
  }))

/**
 * Inside the fan-out's transaction: a delivery for each event a hook takes, queued behind what its order
 * already has open, and its hook's sender due now. Returns how many senders that made due sooner.
 */
export async function queueHookDeliveries(
  deps: Deps,
  trx: Db,
  matches: readonly { subscription: hooks.HookKey; event: OrderEvent }[],
): Promise<number> {
  if (matches.length === 0) return 0
  const now = deps.clock.now().toISOString()
  const byHook = new Map<string, { key: hooks.HookKey; events: OrderEvent[] }>()
  for (const { subscription, event } of matches) {
    const id = JSON.stringify([subscription.account, subscription.appKey])
    const hook = byHook.get(id) ?? { key: subscription, events: [] }
    hook.events.push(event)
    byHook.set(id, hook)
  }
  for (const { key, events } of byHook.values()) {
    const open = await hooks.lockOrderDeliveries(
      { db: trx, dialect: deps.dialect },
      key,
      events.map((event) => event.orderId),
    )
    const rows = events.map((event) => {
      const behind = open.has(event.orderId)
      open.add(event.orderId)
      return {
        account: key.account,
        app_key: key.appKey,
        event_id: event.id,
        order_id: event.orderId,
        body_json: JSON.stringify(notificationOf(event, key)),
        status: behind ? ('queued' as const) : ('pending' as const),
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        created_at: now,
        finished_at: null,
      }
    })
    await hooks.insertDeliveries(trx, rows)
  }
  return deps.jobs.enqueue(
    trx,
    [...byHook.values()].map(({ key }) => senderJob(key, now)),
  )
}

/**
 * A hook's sender, due at `dueAt`. One waits per hook at most: asking for another only brings it forward, so
 * many events make one run that sends them all.
 */
const senderJob = (key: hooks.HookKey, dueAt: string): JobRequest => ({
  kind: HOOK_DELIVERY_JOB,
  payload: { account: key.account, appKey: key.appKey },
  dueAt,
  concurrencyKey: `hook ${JSON.stringify([key.account, key.appKey])}`,
  coalesce: true,
})

/**
 * A sender takes new deliveries for this long (wall time), then ends once what it sent is answered, and runs
 * again after the senders of other hooks that are due: a hook with an endless stream holds no slot for good,
 * and a server that stops waits for no backlog.
 */
const RUN_MS = 10_000

/** While a slow answer holds every free place idle, how often a sender looks for new deliveries anyway. */
const LOOK_AGAIN_MS = 100

/**
 * The hook-delivery job: sends the hook's due deliveries, up to `inFlight` at once and never two of one order
 * at once, until none is due. Each transaction records the answers that came in and takes as many deliveries
 * as there are free places, so a busy hook costs a few transactions per batch rather than per event. A failure
 * schedules the delivery's retry; the order's later events wait behind it. At the end the job schedules itself
 * for the earliest retry, or at once if it ended for its time limit. Taking and recording are bookkeeping: one
 * lost to a power failure sends an event again, which at-least-once delivery allows.
 */
export async function sendHookDeliveries(
  deps: Deps,
  payload: unknown,
  inFlight = DEFAULT_DELIVERIES_IN_FLIGHT,
): Promise<void> {
  const { account, appKey } = payload as { account?: unknown; appKey?: unknown }
  if (typeof account !== 'string' || typeof appKey !== 'string') {
    throw new Error(`Malformed ${HOOK_DELIVERY_JOB} payload: ${JSON.stringify(payload)}`)
  }
  const key = { account, appKey }
  const config = await hooks.findHook(deps.db, key)
  if (!config) return
  const url = new URL(config.url)
  const headers = JSON.parse(config.headers_json) as Record<string, string>
  const sending = new Set<Promise<void>>()
  let answered: hooks.AttemptOutcome[] = []
  const takeUntil = performance.now() + RUN_MS
  const send = (delivery: hooks.HookDeliveryRow) => {
    const sent: Promise<void> = post(url, headers, delivery.body_json, {
      secret: config.secret,
      id: `msg_${delivery.id}`,
    }).then((result) => {
      sending.delete(sent)
      answered.push(outcomeOf(deps, delivery, result))
    })
    sending.add(sent)
  }
  for (;;) {
    const settled = answered
    answered = []
    // Read now, not once the transaction has begun: answers that come meanwhile are not in `settled`.
    const places = performance.now() < takeUntil ? inFlight - sending.size : 0
    const idle = sending.size === 0
    // A lost race (a deadlock with the fan-out on PostgreSQL) rolled back: the attempts are fenced, so it may run again.
    const step = await retryOnConflict(() =>
      unflushedTransaction(deps, (trx) =>
        settleAndTake(deps, trx, { key, config, answered: settled, places, idle }),
      ),
    )
    for (const answer of settled.filter((each) => step.recorded.has(each.id))) {
      deps.metrics.hookDeliveries.inc({
        outcome: answer.next.status === 'pending' ? 'retry' : answer.next.status,
      })
      deps.metrics.hookDeliverySeconds.observe(answer.attempt.latency_ms / 1000)
    }
    step.taken.forEach(send)
    if (sending.size === 0 && answered.length === 0) return
    if (answered.length === 0) await Promise.race([...sending, sleep(LOOK_AGAIN_MS)])
    // A millisecond more lets answers that come close together share one transaction.
    await sleep(1)
  }
}

/** An attempt that has its answer, as it is to be recorded. */
function outcomeOf(deps: Deps, delivery: hooks.HookDeliveryRow, result: PostResult): hooks.AttemptOutcome {
  const at = deps.clock.now().toISOString()
  const attempt = {
    attempted_at: at,
    status: result.status,
    latency_ms: result.latencyMs,
    error: result.error,
  }
  const base = { id: delivery.id, attempts: delivery.attempts, attempt }
  if (result.status === 200) return { ...base, next: { status: 'delivered' } }
  const retryAt = nextAttemptAt(delivery.attempts, delivery.created_at, at)
  return retryAt
    ? { ...base, next: { status: 'pending', nextAttemptAt: retryAt } }
    : { ...base, next: { status: 'failed' } }
}

/**
 * One transaction of a sender: records `answered`, then leases up to `places` due deliveries while the hook is
 * as `config` says. A sender with nothing in flight (`idle`) that takes nothing ends, and this schedules its
 * next run: at the earliest retry, or at once if the hook changed under it (the next run reads it again).
 */
async function settleAndTake(
  deps: Deps,
  trx: Db,
  run: {
    key: hooks.HookKey
    config: hooks.HookConfigRow
    answered: readonly hooks.AttemptOutcome[]
    places: number
    idle: boolean
  },
): Promise<{ recorded: Set<number>; taken: hooks.HookDeliveryRow[] }> {
  const { key, places } = run
  const recorded = await hooks.finishAttempts(trx, key, run.answered, deps.clock.now().toISOString())
  const current = await hooks.findHook(trx, key)
  const unchanged = current !== undefined && sameTarget(current, run.config)
  // Read after the writes above, which may have waited for locks: the lease runs from the take.
  const now = deps.clock.now()
  const taken =
    unchanged && places > 0
      ? await hooks.takeDue(
          { db: trx, dialect: deps.dialect },
          key,
          now.toISOString(),
          new Date(now.getTime() + LEASE_MS).toISOString(),
          places,
        )
      : []
  if (run.idle && taken.length === 0 && current) {
    const due = unchanged ? await hooks.nextDueAt(trx, key) : now.toISOString()
    if (due !== undefined) await deps.jobs.enqueue(trx, [senderJob(key, due)])
  }
  return { recorded, taken }
}

/**
 * At start-up: a sender for every hook with deliveries to send or retry. One whose job ran out of attempts (the
 * database was away) would otherwise wait for the hook's next event.
 */
export async function resumeHookSenders(deps: Deps): Promise<void> {
  const now = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (trx) => {
    const keys = await hooks.hooksWithOpenDeliveries(trx)
    await deps.jobs.enqueue(
      trx,
      keys.map((key) => senderJob(key, now)),
    )
  })
}

const sameTarget = (a: hooks.HookConfigRow, b: hooks.HookConfigRow): boolean =>
  a.url === b.url && a.headers_json === b.headers_json && a.secret === b.secret

export interface DeliveryQuery {
  status?: DeliveryStatus | undefined
  orderId?: string | undefined
  /** Another key of the caller's account, whose hook's log to list; the caller's own when left out. */
  appKey?: string | undefined
}

/** The delivery log of the caller's hook (or `appKey`'s), newest first, each delivery with its attempts. */
export async function listHookDeliveries(
  deps: Deps,
  principal: Principal,
  { appKey, ...filter }: DeliveryQuery,
): Promise<HookDeliveryDocument[]> {
  const key = await hookNamed(deps, principal, appKey)
  const deliveries = await hooks.listDeliveries(deps.db, key, { ...filter, limit: 100 })
  const attempts = await hooks.attemptsOf(
    deps.db,
    deliveries.map((d) => Number(d.id)),
  )
  return deliveries.map((d) => ({
    id: Number(d.id),
    orderId: d.order_id,
    status: d.status === 'queued' ? 'pending' : d.status,
    attempts: attempts
      .filter((a) => Number(a.delivery_id) === Number(d.id))
      .map((a) => ({ at: a.attempted_at, status: a.status, latencyMs: a.latency_ms, error: a.error })),
    nextAttemptAt: d.status === 'pending' || d.status === 'queued' ? d.next_attempt_at : null,
    body: JSON.parse(d.body_json) as HookDeliveryDocument['body'],
    createdAt: d.created_at,
    finishedAt: d.finished_at,
  }))
}

/**
 * Sends failed deliveries again: one, or every failed one of the caller's hook (or `appKey`'s, another key of the
 * caller's account). Returns how many orders resume.
 */
export async function redeliverHook(
  deps: Deps,
  principal: Principal,
  { deliveryId, appKey }: { deliveryId?: number | undefined; appKey?: string | undefined } = {},
): Promise<number> {
  const key = await hookNamed(deps, principal, appKey)
  const now = deps.clock.now().toISOString()
  return deps.db.transaction().execute(async (trx) => {
    const orders = await hooks.reopenFailed({ db: trx, dialect: deps.dialect }, key, now, deliveryId)
    if (deliveryId !== undefined && orders.length === 0) {
      throw new AppError('NOT_FOUND', `Hook delivery ${deliveryId} does not exist or has not failed.`)
    }
    if (orders.length > 0) await deps.jobs.enqueue(trx, [senderJob(key, now)])
    return orders.length
  })
}

/** Every hook of the account, with how many of its deliveries are in each status of the log. */
export async function hookOverviews(deps: Deps, account: string): Promise<HookOverview[]> {
  const [configs, counts] = await Promise.all([
    hooks.listHooksOfAccount(deps.db, account),
    hooks.deliveryCountsOfAccount(deps.db, account),
  ])
  return configs.map((row) => {
    const deliveries: Record<DeliveryStatus, number> = { pending: 0, delivering: 0, delivered: 0, failed: 0 }
    for (const { appKey, status, count } of counts) {
      // As the delivery log shows them: one waiting behind an earlier delivery of its order is pending.
      if (appKey === row.app_key) deliveries[status === 'queued' ? 'pending' : status] += count
    }
    return {
      appKey: row.app_key,
      filter: filterDocument(JSON.parse(row.filter_json) as FeedFilter),
      // The names only: the values are usually credentials.
      hook: {
        url: row.url,
        headers: Object.keys(JSON.parse(row.headers_json) as Record<string, string>),
        hasSecret: row.secret !== null,
      },
      deliveries,
    }
  })
}
