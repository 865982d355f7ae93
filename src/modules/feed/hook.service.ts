// Use cases of the order hook: an AppKey's hook configuration (checked with VTEX's ping), the deliveries the
// fan-out queues for it, sending them in order per order with retries, and the delivery log.
import { unflushedTransaction, type Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import type { JobRequest } from '../../platform/jobs.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import type { OrderEvent } from '../orders/order-event.ts'
import { EXPRESSION_ERRORS_SHOWN, feedFilterOf, filterDocument, type FeedFilter } from './feed.ts'
import { checkHookUrl, nextAttemptAt, notificationOf, PING } from './hook.ts'
import { expressionErrors, resetFilterStates } from './feed.repository.ts'
import * as hooks from './hook.repository.ts'
import { post } from './hook.client.ts'
import type { HookConfigBody, HookConfigDocument, HookDeliveryDocument } from './hook.schemas.ts'
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
  const url = checkHookUrl(body.hook.url, settings.allowInsecureHooks)
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
 * Inside the fan-out's transaction: a delivery for each event a hook takes, and a job per hook and order to
 * send them. A job that finds nothing to send does nothing, so an extra one is harmless.
 */
export async function queueHookDeliveries(
  deps: Deps,
  trx: Db,
  matches: readonly { subscription: hooks.HookKey; event: OrderEvent }[],
): Promise<void> {
  if (matches.length === 0) return
  const now = deps.clock.now().toISOString()
  const rows = matches.map(({ subscription: hook, event }) => ({
    account: hook.account,
    app_key: hook.appKey,
    event_id: event.id,
    order_id: event.orderId,
    body_json: JSON.stringify(notificationOf(event, hook)),
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    created_at: now,
    finished_at: null,
  }))
  await hooks.insertDeliveries(trx, rows)
  const orders = new Map(rows.map((row) => [JSON.stringify([row.account, row.app_key, row.order_id]), row]))
  await deps.jobs.enqueue(
    trx,
    [...orders.values()].map((row) =>
      deliveryJob({ account: row.account, appKey: row.app_key }, row.order_id, now),
    ),
  )
}

const deliveryJob = (key: hooks.HookKey, orderId: string, dueAt: string): JobRequest => ({
  kind: HOOK_DELIVERY_JOB,
  payload: { account: key.account, appKey: key.appKey, orderId },
  dueAt,
  // The job only finds the next delivery; the delivery keeps its own count of attempts.
  maxAttempts: 3,
  // A slow receiver holds only so many senders: the rest go to other hooks.
  concurrencyKey: `hook ${JSON.stringify([key.account, key.appKey])}`,
})

/**
 * The hook-delivery job: sends the order's pending deliveries to the hook one at a time, oldest first. A
 * failure schedules the next attempt (and a job for it) and stops: later events of the order wait behind it.
 * Taking a delivery and recording its attempt are bookkeeping: one lost to a power failure means the event is
 * sent again, which at-least-once delivery allows. Each attempt is recorded in the transaction that takes the
 * next delivery.
 */
export async function sendHookDeliveries(deps: Deps, payload: unknown): Promise<void> {
  const { account, appKey, orderId } = payload as { account?: unknown; appKey?: unknown; orderId?: unknown }
  if (typeof account !== 'string' || typeof appKey !== 'string' || typeof orderId !== 'string') {
    throw new Error(`Malformed ${HOOK_DELIVERY_JOB} payload: ${JSON.stringify(payload)}`)
  }
  const key = { account, appKey }
  const config = await hooks.findHook(deps.db, key)
  if (!config) return
  const url = new URL(config.url)
  const headers = JSON.parse(config.headers_json) as Record<string, string>
  let delivery = await unflushedTransaction(deps, (trx) => takeNextDelivery(deps, trx, key, orderId))
  while (delivery) {
    const sent = delivery
    const result = await post(url, headers, sent.body_json, { secret: config.secret, id: `msg_${sent.id}` })
    const at = deps.clock.now().toISOString()
    const attempts = sent.attempts + 1
    const retryAt = result.status === 200 ? null : nextAttemptAt(attempts, sent.created_at, at)
    const status: DeliveryStatus = result.status === 200 ? 'delivered' : retryAt ? 'pending' : 'failed'
    const { recorded, next } = await unflushedTransaction(deps, async (trx) => {
      const done = await hooks.finishAttempt(
        trx,
        { id: sent.id, attempts },
        { attempted_at: at, status: result.status, latency_ms: result.latencyMs, error: result.error },
        retryAt ? { status: 'pending', nextAttemptAt: retryAt } : { status, finishedAt: at },
      )
      if (!done) return { recorded: false, next: undefined }
      if (retryAt) {
        await deps.jobs.enqueue(trx, [deliveryJob(key, orderId, retryAt)])
        return { recorded: true, next: undefined }
      }
      // A hook changed or deleted meanwhile: the rest goes as it is configured now, or not at all.
      const current = await hooks.findHook(trx, key)
      if (!current || !sameTarget(current, config)) {
        if (current) await deps.jobs.enqueue(trx, [deliveryJob(key, orderId, at)])
        return { recorded: true, next: undefined }
      }
      return { recorded: true, next: await takeNextDelivery(deps, trx, key, orderId) }
    })
    if (recorded) {
      deps.metrics.hookDeliveries.inc({ outcome: status === 'pending' ? 'retry' : status })
      deps.metrics.hookDeliverySeconds.observe(result.latencyMs / 1000)
    }
    delivery = next
  }
}

const sameTarget = (a: hooks.HookConfigRow, b: hooks.HookConfigRow): boolean =>
  a.url === b.url && a.headers_json === b.headers_json && a.secret === b.secret

/**
 * Leases the order's oldest open delivery for an attempt, if it is due and nobody holds it. One held by a
 * worker that may have died is looked at again when its lease ends, or the order would stop there.
 */
async function takeNextDelivery(
  deps: Deps,
  trx: Db,
  key: hooks.HookKey,
  orderId: string,
): Promise<hooks.HookDeliveryRow | undefined> {
  const now = deps.clock.now()
  const delivery = await hooks.firstOpenDelivery(trx, key, orderId)
  if (!delivery) return undefined
  if (delivery.status === 'delivering' && (delivery.lease_until ?? '') > now.toISOString()) {
    await deps.jobs.enqueue(trx, [deliveryJob(key, orderId, delivery.lease_until ?? now.toISOString())])
    return undefined
  }
  if (delivery.next_attempt_at > now.toISOString()) return undefined
  const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString()
  return (await hooks.takeDelivery(trx, delivery, leaseUntil)) ? delivery : undefined
}

export interface DeliveryQuery {
  status?: DeliveryStatus | undefined
  orderId?: string | undefined
}

/** The delivery log of the caller's hook, newest first, each delivery with its attempts. */
export async function listHookDeliveries(
  deps: Deps,
  principal: Principal,
  query: DeliveryQuery,
): Promise<HookDeliveryDocument[]> {
  const key = hookOf(principal)
  const deliveries = await hooks.listDeliveries(deps.db, key, { ...query, limit: 100 })
  const attempts = await hooks.attemptsOf(
    deps.db,
    deliveries.map((d) => Number(d.id)),
  )
  return deliveries.map((d) => ({
    id: Number(d.id),
    orderId: d.order_id,
    status: d.status,
    attempts: attempts
      .filter((a) => Number(a.delivery_id) === Number(d.id))
      .map((a) => ({ at: a.attempted_at, status: a.status, latencyMs: a.latency_ms, error: a.error })),
    nextAttemptAt: d.status === 'pending' ? d.next_attempt_at : null,
    body: JSON.parse(d.body_json) as HookDeliveryDocument['body'],
    createdAt: d.created_at,
    finishedAt: d.finished_at,
  }))
}

/** Sends failed deliveries again: one, or every failed one of the caller's hook. Returns how many orders resume. */
export async function redeliverHook(deps: Deps, principal: Principal, deliveryId?: number): Promise<number> {
  const key = hookOf(principal)
  const now = deps.clock.now().toISOString()
  return deps.db.transaction().execute(async (trx) => {
    const orders = await hooks.reopenFailed(trx, key, now, deliveryId)
    if (deliveryId !== undefined && orders.length === 0) {
      throw new AppError('NOT_FOUND', `Hook delivery ${deliveryId} does not exist or has not failed.`)
    }
    await deps.jobs.enqueue(
      trx,
      orders.map((orderId) => deliveryJob(key, orderId, now)),
    )
    return orders.length
  })
}
