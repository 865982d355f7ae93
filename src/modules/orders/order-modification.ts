// Order modifications (v2) as the core sees them: which one is in progress, and the job that processes it.
// The job is written with the change that asks for it (so no request is lost); the changes module runs it.
// Pure.
import type { JobRequest } from '../../platform/jobs.ts'
import type { Modification, Order } from './order.ts'
import type { Changed } from './order-workflow.ts'

export const ORDER_MODIFICATION_JOB = 'order-modification'

/** Attempts before a request that keeps failing is canceled (SalesOrderSystem017): about four minutes of retries. */
export const MODIFICATION_ATTEMPTS = 8

export interface OrderModificationJob {
  account: string
  orderId: string
}

export const isInProgress = (modification: Modification): boolean =>
  modification.status === 'waiting-acknowledgement' || modification.status === 'waiting-confirmation'

/** The modification being processed, if any: an order has at most one. */
export const modificationInProgress = (order: Order): Modification | undefined =>
  order.modifications.find(isInProgress)

/**
 * A request, or a retry of one, asks for the order's one processing job; asked for again while it waits, the
 * job is brought forward (a retry runs now rather than after its backoff).
 */
export function modificationJobs(decision: Changed): JobRequest[] {
  const { order } = decision
  const asked = decision.events.find(
    (event) =>
      event.kind === 'modification' && (event.data.action === 'requested' || event.data.action === 'retried'),
  )
  if (!asked) return []
  return [
    {
      kind: ORDER_MODIFICATION_JOB,
      payload: { account: order.account, orderId: order.orderId } satisfies OrderModificationJob,
      dueAt: asked.currentChange,
      concurrencyKey: `${ORDER_MODIFICATION_JOB}:${order.account}:${order.orderId}`,
      coalesce: true,
      maxAttempts: MODIFICATION_ATTEMPTS,
    },
  ]
}
