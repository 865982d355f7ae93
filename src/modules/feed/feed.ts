// Feed v3 rules: what a feed configuration may say, which events reach a feed, and how an item looks. Pure.
import { AppError, validationFailed } from '../../platform/errors.ts'
import type { OrderEvent } from '../orders/order-event.ts'
import { compileExpression } from './expression.ts'

/**
 * FromWorkflow: status changes, of `status` (null: every status, as VTEX does when the filter names none).
 * FromOrders: every version of an order whose document meets the JSONata expression; once, when it starts to
 * meet it, unless `disableSingleFire`.
 */
export type FeedFilter =
  | { type: 'FromWorkflow'; status: string[] | null }
  | { type: 'FromOrders'; expression: string; disableSingleFire: boolean }

export interface FeedQueue {
  visibilityTimeoutInSeconds: number
  messageRetentionPeriodInSeconds: number
}

/** The reference's example values, and its maximum retention (14 days); SQS's own bounds elsewhere. */
export const QUEUE_DEFAULTS: FeedQueue = {
  visibilityTimeoutInSeconds: 240,
  messageRetentionPeriodInSeconds: 345_600,
}
export const MAX_VISIBILITY_TIMEOUT_S = 43_200
export const MIN_RETENTION_S = 60
export const MAX_RETENTION_S = 1_209_600

/** At most this many items per retrieval, as VTEX documents for `maxlot`. */
export const MAX_LOT = 10

export interface FilterInput {
  type?: string | undefined
  status?: string[] | null | undefined
  expression?: string | null | undefined
  disableSingleFire?: boolean | null | undefined
}

/** The filter a configuration asks for; a filter left out is FromWorkflow on every status. */
export function feedFilterOf(input: FilterInput | undefined): FeedFilter {
  const type = input?.type ?? 'FromWorkflow'
  const hasStatus = input?.status !== undefined && input.status !== null
  const hasExpression = typeof input?.expression === 'string'
  if (type === 'FromWorkflow' && hasExpression) {
    throw new AppError(
      'FILTER_CONFLICT',
      'A FromWorkflow filter takes a status list, not an expression: use a FromOrders filter for a JSONata expression.',
    )
  }
  if (type === 'FromOrders') {
    if (hasStatus) {
      throw new AppError(
        'FILTER_CONFLICT',
        'A FromOrders filter takes a JSONata expression, not a status list: use a FromWorkflow filter for statuses.',
      )
    }
    if (typeof input?.expression !== 'string') {
      throw validationFailed('Invalid request body: a FromOrders filter needs a JSONata expression.')
    }
    compileExpression(input.expression)
    return { type, expression: input.expression, disableSingleFire: input.disableSingleFire ?? false }
  }
  if (type !== 'FromWorkflow') {
    throw validationFailed(
      `Invalid request body: filter.type must be FromWorkflow or FromOrders, not ${type}.`,
    )
  }
  const status = input?.status ?? null
  return { type, status: status === null ? null : [...new Set(status)] }
}

/** A FromWorkflow filter takes status changes, of the statuses it names (all when it names none). */
export const takesStatusChange = (filter: FeedFilter, event: OrderEvent): boolean =>
  filter.type === 'FromWorkflow' &&
  event.kind === 'transition' &&
  (filter.status === null || filter.status.includes(event.state))

/** Whether a FromOrders filter fires on a version, given whether it held at the order's previous version read. */
export const firesOnVersion = (
  filter: FeedFilter & { type: 'FromOrders' },
  holds: boolean,
  held: boolean,
): boolean => holds && (filter.disableSingleFire || !held)

/** The filter as GET shows it: what was configured. */
export const filterDocument = (filter: FeedFilter) =>
  filter.type === 'FromOrders'
    ? { type: filter.type, expression: filter.expression, disableSingleFire: filter.disableSingleFire }
    : filter.status === null
      ? { type: filter.type }
      : { type: filter.type, status: filter.status }

/** VTEX's event ids are 32 hex digits; Ordo's are the event's place in the log, spelled the same way. */
export const feedEventId = (eventId: number): string => eventId.toString(16).toUpperCase().padStart(32, '0')

/** Orders a configuration's GET names among those its expression failed on. */
export const EXPRESSION_ERRORS_SHOWN = 10
