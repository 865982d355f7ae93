// The job handler registry: every kind of job and the use case that runs it. Built here, beside app.ts, so
// modules never import the worker and the worker never imports modules.
import type { Deps } from './deps.ts'
import { getSettings } from './modules/accounts/account.service.ts'
import { processModification } from './modules/changes/modification.service.ts'
import { HOOK_DELIVERY_JOB, sendHookDeliveries } from './modules/feed/hook.service.ts'
import { deliverOrderMessage } from './modules/marketplace/marketplace.service.ts'
import { ORDER_MESSAGE_JOB } from './modules/orders/order-messages.ts'
import { ORDER_MODIFICATION_JOB } from './modules/orders/order-modification.ts'
import { applyOrderTimeout, ORDER_TIMEOUT_JOB } from './modules/orders/order.service.ts'
import type { JobHandlers } from './worker/worker.ts'

export interface JobOptions {
  /** Deliveries in flight to one hook (ORDO_HOOK_CONCURRENCY_PER_HOOK). */
  deliveriesPerHook?: number
}

export const jobHandlers = (deps: Deps, options: JobOptions = {}): JobHandlers => ({
  [ORDER_TIMEOUT_JOB]: (payload) => applyOrderTimeout(deps, payload, (account) => getSettings(deps, account)),
  [HOOK_DELIVERY_JOB]: (payload) => sendHookDeliveries(deps, payload, options.deliveriesPerHook),
  [ORDER_MESSAGE_JOB]: (payload) => deliverOrderMessage(deps, payload),
  [ORDER_MODIFICATION_JOB]: (payload, job) => processModification(deps, payload, job),
})

/**
 * Kinds with a pool of workers of their own, as they wait on other systems' answers (a hook receiver's, an
 * external seller's), so that a slow one never holds the order timers up.
 */
export const OWN_POOL_KINDS = [HOOK_DELIVERY_JOB, ORDER_MESSAGE_JOB]
