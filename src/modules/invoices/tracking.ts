// Tracking of an invoice's package: the carrier and tracking number, then the carrier's events and delivery.
// Pure.
import { AppError } from '../../platform/errors.ts'
import type { Order, Package, TrackingEvent } from '../orders/order.ts'
import type { TrackingEventData } from '../orders/order.schemas.ts'
import { record, type Draft, type Rule, type WorkflowContext } from '../orders/order-workflow.ts'

/** PATCH …/invoice/{invoiceNumber}: fields left out keep their value; `null` clears one. */
export interface TrackingNumberInput {
  trackingNumber: string | null
  trackingUrl?: string | null
  courier?: string | null
  dispatchedDate?: string | null
}

/** PUT …/invoice/{invoiceNumber}/tracking. */
export interface TrackingStatusInput {
  isDelivered: boolean
  deliveredDate: string | null
  events: Omit<TrackingEvent, 'receivedAt'>[]
}

/** At most this many carrier events per order, over all its packages: a long journey has a few dozen. */
export const MAX_TRACKING_EVENTS = 1000

export const updateTrackingNumber =
  (invoiceNumber: string, input: TrackingNumberInput): Rule =>
  (draft, ctx) => {
    const pkg = findPackage(draft.order, invoiceNumber)
    const updated: Package = {
      ...pkg,
      trackingNumber: input.trackingNumber,
      trackingUrl: input.trackingUrl === undefined ? pkg.trackingUrl : input.trackingUrl,
      courier: input.courier === undefined ? pkg.courier : input.courier,
      dispatchedDate: input.dispatchedDate === undefined ? pkg.dispatchedDate : input.dispatchedDate,
    }
    const same =
      updated.trackingNumber === pkg.trackingNumber &&
      updated.trackingUrl === pkg.trackingUrl &&
      updated.courier === pkg.courier &&
      updated.dispatchedDate === pkg.dispatchedDate
    return same ? draft : recordTracking(draft, updated, 'tracking-number', 0, ctx)
  }

/** The carrier's events append in the order sent; one the package already has is kept once. */
export const updateTrackingStatus =
  (invoiceNumber: string, input: TrackingStatusInput): Rule =>
  (draft, ctx) => {
    const pkg = findPackage(draft.order, invoiceNumber)
    const known = new Set((pkg.tracking?.events ?? []).map(eventKey))
    const fresh: TrackingEvent[] = []
    for (const event of input.events) {
      const key = eventKey(event)
      if (known.has(key)) continue
      known.add(key)
      fresh.push({ ...event, receivedAt: ctx.now })
    }
    const events = [...(pkg.tracking?.events ?? []), ...fresh]
    const stored = draft.order.packages.reduce((sum, p) => sum + (p.tracking?.events.length ?? 0), 0)
    if (stored + fresh.length > MAX_TRACKING_EVENTS) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Order ${draft.order.orderId} would have ${stored + fresh.length} tracking events; an order keeps at most ${MAX_TRACKING_EVENTS}.`,
      )
    }
    const unchanged =
      pkg.tracking !== null &&
      fresh.length === 0 &&
      pkg.tracking.isDelivered === input.isDelivered &&
      pkg.tracking.deliveredDate === input.deliveredDate
    if (unchanged) return draft
    const tracking = { isDelivered: input.isDelivered, deliveredDate: input.deliveredDate, events }
    return recordTracking(draft, { ...pkg, tracking }, 'status', fresh.length, ctx)
  }

function findPackage(order: Order, invoiceNumber: string): Package {
  const pkg = order.packages.find((p) => p.invoiceNumber === invoiceNumber)
  if (!pkg) {
    throw new AppError(
      'INVOICE_NOT_FOUND',
      `Invoice not found: order ${order.orderId} has no invoice ${invoiceNumber}.`,
    )
  }
  return pkg
}

const eventKey = ({ city, state, description, date }: Omit<TrackingEvent, 'receivedAt'>): string =>
  JSON.stringify([city, state, description, date])

function recordTracking(
  draft: Draft,
  updated: Package,
  action: TrackingEventData['action'],
  newEvents: number,
  ctx: WorkflowContext,
): Draft {
  const { order } = draft
  const packages = order.packages.map((p) => (p.invoiceNumber === updated.invoiceNumber ? updated : p))
  const data: TrackingEventData = {
    action,
    invoiceNumber: updated.invoiceNumber,
    courier: updated.courier,
    trackingNumber: updated.trackingNumber,
    isDelivered: updated.tracking?.isDelivered ?? false,
    newEvents,
  }
  return record(draft, { ...order, packages }, 'tracking', data, ctx)
}
