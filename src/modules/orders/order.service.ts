// The order core's use cases and the one write path. Every change of an order runs in one transaction: read the
// order, run a rule, save the new version with its document, append its events, schedule its timeout.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, orderNotFound } from '../../platform/errors.ts'
import type { JobRequest } from '../../platform/jobs.ts'
import { andThen, type MaybePromise } from '../../platform/maybe-promise.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import type { Order } from './order.ts'
import { renderDocument, renderGroupDocument } from './order-document.ts'
import { messagesOf, ORDER_MESSAGE_JOB, type OrderMessageJob } from './order-messages.ts'
import { modificationJobs } from './order-modification.ts'
import type { OrderEvent, Origin } from './order-event.ts'
import * as events from './order-event.repository.ts'
import type { WorkflowSettings } from './order-status.ts'
import {
  conclude,
  decide,
  decideGroup,
  start,
  type Changed,
  type Decision,
  type GroupRule,
  type Rule,
  type WorkflowContext,
} from './order-workflow.ts'
import * as orders from './order.repository.ts'

/** Who causes a change: the credential's account, its AppKey, or the customer of a shopper token. */
export interface Actor {
  account: string
  appKey: string | null
  shopperEmail: string | null
}

export const systemActor = (account: string): Actor => ({ account, appKey: null, shopperEmail: null })

const originOf = ({ account, appKey, shopperEmail }: Actor): Origin => ({
  account,
  key: appKey ?? (shopperEmail ? `customer:${shopperEmail}` : 'system'),
})

/** Bump when renderDocument writes something new: stored documents of older versions are rendered again. */
export const RENDER_VERSION = 4

/** The job that wakes an order when its status's timeout is due (the grace period, for one). */
export const ORDER_TIMEOUT_JOB = 'order-timeout'

/** Get order's bytes; a promise only when they must be read from PostgreSQL (see findOrderDocument). */
export function getOrderDocument(deps: Deps, actor: Actor, orderId: string): MaybePromise<Buffer> {
  const started = performance.now()
  return andThen(orders.findOrderDocument(deps, deps.documents, actor.account, orderId), (document) => {
    deps.metrics.getOrderReadSeconds.observe((performance.now() - started) / 1000)
    if (document === undefined) throw orderNotFound(orderId)
    return document
  })
}

/**
 * Get order's bytes when they are in memory and `admit` then lets the request through; undefined, with nothing
 * counted, otherwise (the route then answers). Counted as `getOrderDocument` counts a hit.
 */
export function getOrderDocumentFromMemory(
  deps: Pick<Deps, 'documents' | 'metrics'>,
  account: string,
  orderId: string,
  admit: () => boolean,
): Buffer | undefined {
  const started = performance.now()
  const document = orders.peekOrderDocument(deps.documents, account, orderId)
  const seconds = (performance.now() - started) / 1000
  if (!document || !admit()) return undefined
  deps.documents.countHit()
  deps.metrics.getOrderReadSeconds.observe(seconds)
  return document
}

/** The Get order documents of `orderIds` that exist in the account, as stored, by order id. */
export const getOrderDocuments = (
  { db }: Pick<Deps, 'db'>,
  account: string,
  orderIds: readonly string[],
): Promise<Map<string, string>> => orders.findDocuments(db, account, orderIds)

export async function getGroupDocuments({ db }: Deps, actor: Actor, orderGroup: string) {
  const group = await orders.findGroupOrders(db, actor.account, orderGroup)
  if (group.length === 0) throw new AppError('ORDER_NOT_FOUND', `Order group ${orderGroup} was not found.`)
  return group.map(renderGroupDocument)
}

/** The order as its actor may see it: a shopper sees only their own orders; others look like they do not exist. */
export async function loadOrder(db: Db, actor: Actor, orderId: string): Promise<Order> {
  const order = await orders.findOrder(db, actor.account, orderId)
  if (!order || (actor.shopperEmail && order.client.email.toLowerCase() !== actor.shopperEmail)) {
    throw orderNotFound(orderId)
  }
  return order
}

/** The order and its whole event log, oldest first. */
export async function readOrderLog(
  { db }: Deps,
  actor: Actor,
  orderId: string,
): Promise<{ order: Order; events: OrderEvent[] }> {
  const order = await loadOrder(db, actor, orderId)
  return { order, events: await events.listEvents(db, order.account, order.orderId) }
}

export interface OrderChange {
  actor: Actor
  /** An order id or `seq{sequence}`. */
  orderId: string
  settings: WorkflowSettings
}

/** The one write path for an existing order. A lost race re-runs the whole rule on fresh data. */
export async function changeOrder(deps: Deps, change: OrderChange, rule: Rule): Promise<Decision> {
  const decision = await inChangeTransaction(deps, async (trx, changed) => {
    await events.assertNothingWritten({ db: trx, dialect: deps.dialect })
    const before = await loadOrder(trx, change.actor, change.orderId)
    const ctx = { now: deps.clock.now().toISOString(), settings: change.settings }
    const decision = decide(before, ctx, rule)
    return decision.changed
      ? saveChange(deps, trx, changed, before, decision, change.actor, ctx.now)
      : decision
  })
  if (decision.changed) deps.eventsCommitted.notify()
  return decision
}

/** The write path for a change of the whole group of the order `change.orderId`: one transaction, one version each. */
export async function changeOrderGroup(
  deps: Deps,
  change: OrderChange,
  rule: GroupRule,
): Promise<Decision[]> {
  const decisions = await changeGroup(deps, change, rule)
  if (decisions.some((decision) => decision.changed)) deps.eventsCommitted.notify()
  return decisions
}

function changeGroup(deps: Deps, change: OrderChange, rule: GroupRule): Promise<Decision[]> {
  return inChangeTransaction(deps, async (trx, changed) => {
    await events.assertNothingWritten({ db: trx, dialect: deps.dialect })
    const target = await loadOrder(trx, change.actor, change.orderId)
    const group = await orders.findGroupOrders(trx, target.account, target.orderGroup)
    const ctx = { now: deps.clock.now().toISOString(), settings: change.settings }
    const decided = decideGroup(group, target, ctx, rule)
    const saved: Decision[] = []
    for (const decision of decided) {
      const before = group.find((o) => o.orderId === decision.order.orderId)
      saved.push(
        decision.changed && before
          ? await saveChange(deps, trx, changed, before, decision, change.actor, ctx.now)
          : decision,
      )
    }
    return saved
  })
}

/**
 * A transaction that changes existing orders, retried on a lost race. Once it ends, committed or not, and before
 * the use case answers, the document cache forgets the orders it changed: the next Get order reads what was
 * committed. Orders placed need nothing of the kind: a document that did not exist was not kept.
 */
async function inChangeTransaction<T>(
  deps: Deps,
  work: (trx: Db, changed: Set<string>) => Promise<T>,
): Promise<T> {
  const changed = new Set<string>()
  try {
    return await retryOnConflict(() => deps.db.transaction().execute((trx) => work(trx, changed)))
  } finally {
    if (changed.size > 0) deps.documents.forget(changed)
  }
}

/** Saves a change of an existing order, which other processes' document caches hear of when it commits. */
async function saveChange(
  deps: Deps,
  trx: Db,
  changed: Set<string>,
  before: Order,
  decision: Changed,
  actor: Actor,
  now: string,
): Promise<Saved> {
  const key = orders.documentKey(before.account, before.orderId)
  changed.add(key)
  await deps.commits.announce(trx, [key])
  return save(deps, trx, before, decision, actor, now)
}

/**
 * Stores new orders, each already walked from its first status (see `start`), inside the caller's transaction.
 * Returns their Get order documents as stored. Once that transaction commits, the caller notifies
 * `deps.eventsCommitted`.
 */
export async function createOrders(
  deps: Deps,
  trx: Db,
  actor: Actor,
  newOrders: readonly Order[],
  ctx: WorkflowContext,
  then: Rule = (draft) => draft,
): Promise<string[]> {
  const documents: string[] = []
  for (const order of newOrders) {
    documents.push((await save(deps, trx, undefined, started(order, ctx, then), actor, ctx.now)).document)
  }
  return documents
}

/** A new order walked from its first status, then through `then`. */
function started(order: Order, ctx: WorkflowContext, then: Rule): Changed {
  const decision = conclude(then(start(order, ctx), ctx))
  if (!decision.changed) throw new Error(`Order ${order.orderId} started without an event.`)
  return decision
}

export const findGroupDocuments = (trx: Db, account: string, orderGroup: string): Promise<string[]> =>
  orders.findGroupDocuments(trx, account, orderGroup)

type Saved = Changed & { document: string }

async function save(
  deps: Deps,
  trx: Db,
  before: Order | undefined,
  decision: Changed,
  actor: Actor,
  now: string,
): Promise<Saved> {
  const version = versionOf(before, decision, now)
  const { order } = version
  const write = { order, document: version.document ?? renderText(order), renderVersion: RENDER_VERSION }
  if (before) {
    await orders.keepReplacedDocument(trx, before)
    await orders.updateOrder(trx, write)
  } else await orders.insertOrders(trx, [write])
  for (const model of deps.readModels) await model.ordersSaved(trx, [order], before === undefined)
  await events.insertEvents(trx, [eventsOf(version, actor, now)])
  const timeout = timeoutJob(before, order)
  const jobs = [...(timeout ? [timeout] : []), ...messageJobs(order, decision), ...modificationJobs(decision)]
  if (jobs.length > 0) await deps.jobs.enqueue(trx, jobs)
  return { ...decision, order, document: write.document }
}

const renderText = (order: Order): string => JSON.stringify(renderDocument(order))

/**
 * The order's next version, with its Get order document when deciding `lastChange` rendered it. `lastChange` is
 * the document's: it moves when what Get order shows moves, not when only Ordo's own records do (an
 * interaction, the first of two payment approvals). A new status always shows, so only a change that keeps the
 * status is rendered to find out.
 */
function versionOf(
  before: Order | undefined,
  decision: Changed,
  now: string,
): { order: Order; events: Changed['events']; document?: string } {
  const after = { ...decision.order, version: (before?.version ?? 0) + 1 }
  if (before && before.status === after.status) {
    const kept = { ...after, lastChange: before.lastChange }
    const document = renderText(kept)
    if (document === renderText(before)) return { order: kept, events: decision.events, document }
  }
  return { order: { ...after, lastChange: now }, events: decision.events }
}

const eventsOf = (
  { order, events }: { order: Order; events: Changed['events'] },
  actor: Actor,
  now: string,
): events.NewEvents => ({
  account: order.account,
  orderId: order.orderId,
  orderVersion: order.version,
  origin: originOf(actor),
  createdAt: now,
  events,
})

/**
 * New orders whose history is decided in memory and then stored at once: the write path for many orders
 * (`ordo seed`). Each step runs as `createOrders`, `changeOrder` and `changeOrderGroup` run it (the same rules,
 * settling, versions and `lastChange`), and `write` stores in one transaction what their saves would have left:
 * each order's last version, every event, the read models' rows and the timeout still to come.
 */
export class OrderBatch {
  readonly #actor: Actor
  /** Whether the documents of replaced versions are kept for the stream's document filters, as `save` keeps them. */
  readonly #versionDocuments: boolean
  readonly #orders = new Map<string, Order>()
  /** The order ids of each order group. */
  readonly #groups = new Map<string, string[]>()
  readonly #events: events.NewEvents[] = []
  /** The document of each order's version as it stands, and of every version replaced since. */
  readonly #current = new Map<string, orders.OrderWrite>()
  readonly #replaced: orders.OrderWrite[] = []

  constructor(actor: Actor, options: { versionDocuments: boolean }) {
    this.#actor = actor
    this.#versionDocuments = options.versionDocuments
  }

  create(newOrders: readonly Order[], ctx: WorkflowContext, then: Rule = (draft) => draft): Order[] {
    return newOrders.map((order) => this.#keep(undefined, started(order, ctx, then), ctx.now))
  }

  change(orderId: string, ctx: WorkflowContext, rule: Rule): Decision {
    const before = this.#order(orderId)
    const decision = decide(before, ctx, rule)
    return decision.changed ? { ...decision, order: this.#keep(before, decision, ctx.now) } : decision
  }

  changeGroup(orderId: string, ctx: WorkflowContext, rule: GroupRule): Decision[] {
    const target = this.#order(orderId)
    const group = (this.#groups.get(target.orderGroup) ?? [])
      .map((id) => this.#order(id))
      .sort((a, b) => (a.orderId < b.orderId ? -1 : 1))
    return decideGroup(group, target, ctx, rule).map((decision, index) =>
      decision.changed ? { ...decision, order: this.#keep(group[index], decision, ctx.now) } : decision,
    )
  }

  /** An order of the batch as it stands. */
  order(orderId: string): Order {
    return this.#order(orderId)
  }

  /** Stores the batch in the caller's transaction; once it commits, the caller notifies `deps.eventsCommitted`. */
  async write(deps: Deps, trx: Db): Promise<void> {
    const last = [...this.#orders.values()]
    await orders.insertOrders(
      trx,
      last.map(
        (order) =>
          this.#current.get(order.orderId) ?? {
            order,
            document: renderText(order),
            renderVersion: RENDER_VERSION,
          },
      ),
    )
    await orders.insertVersionDocuments(trx, this.#replaced)
    for (const model of deps.readModels) await model.ordersSaved(trx, last, true)
    await events.insertEvents(trx, this.#events)
    await deps.jobs.enqueue(
      trx,
      last.flatMap((order) => timeoutJob(undefined, order) ?? []),
    )
  }

  #order(orderId: string): Order {
    const order = this.#orders.get(orderId)
    if (!order) throw orderNotFound(orderId)
    return order
  }

  #keep(before: Order | undefined, decision: Changed, now: string): Order {
    const version = versionOf(before, decision, now)
    const { order } = version
    if (!before)
      this.#groups.set(order.orderGroup, [...(this.#groups.get(order.orderGroup) ?? []), order.orderId])
    this.#orders.set(order.orderId, order)
    this.#events.push(eventsOf(version, this.#actor, now))
    if (this.#versionDocuments) {
      const replaced = this.#current.get(order.orderId)
      if (replaced) this.#replaced.push(replaced)
      this.#current.set(order.orderId, {
        order,
        document: version.document ?? renderText(order),
        renderVersion: RENDER_VERSION,
      })
    }
    return order
  }
}

/**
 * What the change tells the other side of a marketplace sale, as jobs: one at a time per order, in the order they
 * were written, and retried for as long as a hook delivery is (a seller's server may be down for days).
 */
const messageJobs = (order: Order, decision: Changed): JobRequest[] =>
  messagesOf(decision).map((message) => ({
    kind: ORDER_MESSAGE_JOB,
    payload: { account: order.account, orderId: order.orderId, message } satisfies OrderMessageJob,
    dueAt: decision.events[0].currentChange,
    // A release goes to a seller the order left, which may be down: it holds back none of the new seller's.
    concurrencyKey: `${ORDER_MESSAGE_JOB}:${order.account}:${order.orderId}${
      message.kind === 'release' ? `:release-${message.change ?? 0}` : ''
    }`,
    maxAttempts: MESSAGE_ATTEMPTS,
  }))

const MESSAGE_ATTEMPTS = 100

/** A status with a timeout that the change entered gets a job to wake the order when it is due. */
function timeoutJob(before: Order | undefined, after: Order): JobRequest | undefined {
  const deadline = after.workflow.deadline
  if (!deadline || deadline.dueAt === before?.workflow.deadline?.dueAt) return undefined
  return {
    kind: ORDER_TIMEOUT_JOB,
    payload: { account: after.account, orderId: after.orderId },
    dueAt: deadline.dueAt,
  }
}

/**
 * The order-timeout job: applies the timeout if it is due. Running it twice, or after the order moved on,
 * changes nothing. Settings come from the caller (the composition root), as for every use case.
 */
export async function applyOrderTimeout(
  deps: Deps,
  payload: unknown,
  settingsOf: (account: string) => Promise<WorkflowSettings>,
): Promise<void> {
  const { account, orderId } = payload as { account?: unknown; orderId?: unknown }
  if (typeof account !== 'string' || typeof orderId !== 'string') {
    throw new Error(`Malformed ${ORDER_TIMEOUT_JOB} payload: ${JSON.stringify(payload)}`)
  }
  const settings = await settingsOf(account)
  await changeOrder(deps, { actor: systemActor(account), orderId, settings }, (draft) => draft)
}

/**
 * What a server does with stored orders before it serves them: puts the event stream in order if the database
 * was restored onto another PostgreSQL server, and renders again the documents an older renderer wrote.
 */
export async function prepareStoredOrders(
  handle: Pick<Deps, 'db' | 'dialect' | 'commits'>,
): Promise<{ refreshed: number }> {
  await events.alignEventStream(handle)
  return { refreshed: await refreshStaleDocuments(handle) }
}

/**
 * Renders again every document an older renderer wrote (after an upgrade), so Get order serves the new shape; a
 * server already running on the database hears which it rewrote.
 */
async function refreshStaleDocuments({ db, commits }: Pick<Deps, 'db' | 'commits'>): Promise<number> {
  let refreshed = 0
  let after: { account: string; orderId: string } | undefined
  for (;;) {
    const stale = await orders.findStaleDocuments(db, RENDER_VERSION, after, 200)
    const last = stale.at(-1)
    if (!last) return refreshed
    after = { account: last.account, orderId: last.orderId }
    await db.transaction().execute(async (trx) => {
      await commits.announce(
        trx,
        stale.map((order) => orders.documentKey(order.account, order.orderId)),
      )
      for (const order of stale) {
        await orders.rewriteDocument(trx, order, JSON.stringify(renderDocument(order)), RENDER_VERSION)
      }
    })
    refreshed += stale.length
  }
}

export { STREAM_START, type StreamPosition, type StreamScope } from './order-event.repository.ts'

/** The account-wide event stream in commit order, for the workers that turn events into feeds and hooks. */
export const readEventStream = (
  deps: Pick<Deps, 'db' | 'dialect'>,
  after: events.StreamPosition,
  limit: number,
): Promise<events.StreamBatch> => events.readEventStream(deps, after, limit)

/**
 * One account's (or one order's) part of the same stream, for readers a client follows (the events stream):
 * positions and order are readEventStream's.
 */
export const readScopedEventStream = (
  deps: Pick<Deps, 'db' | 'dialect'>,
  scope: events.StreamScope,
  after: events.StreamPosition,
  limit: number,
): Promise<events.StreamBatch> => events.readScopedEventStream(deps, scope, after, limit)

/** Where the account's part of the stream ends now: a reader starting there sees only what comes later. */
export const accountStreamEnd = (
  deps: Pick<Deps, 'db' | 'dialect'>,
  account: string,
): Promise<events.StreamPosition> => events.accountStreamEnd(deps, account)

/**
 * The Get order documents of the versions the stream's events belong to, for the fan-out's document filters,
 * then forgotten. A change keeps the document of the version it replaces (`save`); the current version's is
 * the order's own, so a placement writes no second copy of its document. `take` deletes the kept versions of
 * the ranges, in the caller's transaction (the one that moves its cursor past those events), and reads them
 * first only when asked to (some filter looks at documents). The documents come keyed by versionKey.
 */
export async function takeVersionDocuments(
  trx: Db,
  ranges: readonly orders.VersionRange[],
  read: boolean,
): Promise<Map<string, string>> {
  const rows = read ? await orders.findVersionDocuments(trx, ranges) : []
  await orders.deleteVersionDocuments(trx, ranges)
  return new Map(rows.map((row) => [versionKey(row.account, row.order_id, row.version), row.document]))
}

export const versionKey = (account: string, orderId: string, version: number): string =>
  JSON.stringify([account, orderId, version])

/** Whether any event is committed after the position, visible to readers of the stream or not yet. */
export const eventsAfter = (
  deps: Pick<Deps, 'db' | 'dialect'>,
  after: events.StreamPosition,
): Promise<boolean> => events.anyEventAfter(deps, after)
