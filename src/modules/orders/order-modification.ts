// Order modifications (v2) as the core sees them: which one is in progress, and the job that processes it.
// The job is written with the change that asks for it (so no request is lost); the changes module runs it.
// Pure.
import type { JobRequest } from '../../platform/jobs.ts'
import type { Modification, Order } from './order.ts'
import type { Changed } from './order-workflow.ts'

export const ORDER_MODIFICATION_JOB = 'order-modification'

/** Attempts at processing a request before it is canceled (SalesOrderSystem017): about two minutes of retries. */
export const MODIFICATION_ATTEMPTS = 8

/**
 * The job's own attempts go beyond those, so that a request is canceled even when the worker of its last attempt
 * vanished or the cancellation itself failed: a dead job would leave the order blocked behind it.
 */
const JOB_ATTEMPTS = MODIFICATION_ATTEMPTS + 2

export interface OrderModificationJob {
  account: string
  orderId: string
  requestId: string
}

export const isInProgress = (modification: Modification): boolean =>
  modification.status === 'waiting-acknowledgement' || modification.status === 'waiting-confirmation'

/** The request `requestId` while it is processed; undefined once it is done or canceled, or when unknown. */
export const requestInProgress = (order: Order, requestId: string): Modification | undefined =>
  order.modifications.find((m) => m.requestId === requestId && isInProgress(m))

/** The modification being processed, if any: an order has at most one. */
export const modificationInProgress = (order: Order): Modification | undefined =>
  order.modifications.find(isInProgress)

/**
 * A request, or a retry of one, asks for the request's processing job; asked for again while it waits, the job
 * is brought forward (a retry runs now rather than after its backoff).
 */
export function modificationJobs(decision: Changed): JobRequest[] {
  const { order } = decision
  return decision.events.flatMap((event) => {
    if (event.kind !== 'modification') return []
    if (event.data.action !== 'requested' && event.data.action !== 'retried') return []
    const { requestId } = event.data
    return [
      {
        kind: ORDER_MODIFICATION_JOB,
        payload: { account: order.account, orderId: order.orderId, requestId } satisfies OrderModificationJob,
        dueAt: event.currentChange,
        // Per request, so that each request has its own attempts.
        concurrencyKey: `${ORDER_MODIFICATION_JOB}:${order.account}:${order.orderId}:${requestId}`,
        coalesce: true,
        maxAttempts: JOB_ATTEMPTS,
      },
    ]
  })
}
