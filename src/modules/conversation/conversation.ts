// What an order's log tells the customer and the merchant: the transactional messages Ordo composes for the
// customer, and the timeline of every event. Both are derived from the event log, so they never disagree with
// it; which statuses tell the customer is in the workflow table (`notifies`). Pure.
import { customerName, type Order } from '../orders/order.ts'
import type { OrderEvent } from '../orders/order-event.ts'
import { WORKFLOW, type CustomerNotice } from '../orders/order-status.ts'
import type { TimelineEntry } from './conversation.schemas.ts'

export interface CustomerMessage {
  id: string
  subject: string
  body: string
  date: string
}

function compose(notice: CustomerNotice, order: Order): Pick<CustomerMessage, 'subject' | 'body'> {
  const id = order.orderId
  const hello = `Hello ${customerName(order)},`
  switch (notice) {
    case 'order-received':
      return {
        subject: `We received your order ${id}.`,
        body: `${hello} we received order ${id} and are waiting for its payment to be approved.`,
      }
    case 'payment-approved':
      return {
        subject: `Your payment for order ${id} has been approved.`,
        body: `${hello} the payment for order ${id} was approved and the store is preparing it.`,
      }
    case 'order-canceled':
      return {
        subject: `Your order ${id} has been canceled.`,
        body: `${hello} order ${id} was canceled. Any payment made for it is being returned.`,
      }
  }
}

/** VTEX's conversation id shape (`2023-01-23t09-23-08_<hex>`), derived from the event that sent the message. */
const messageId = (event: OrderEvent): string =>
  `${event.currentChange.slice(0, 19).replace(/:/g, '-').toLowerCase()}_${event.id.toString(16).padStart(32, '0')}`

/** One message for each event that entered a status which tells the customer, in the order they happened. */
export function customerMessages(order: Order, events: readonly OrderEvent[]): CustomerMessage[] {
  const told = new Set<string>()
  return events.flatMap((event) => {
    const notice = event.kind === 'transition' ? WORKFLOW[event.state].notifies : undefined
    // Each news once: an order that goes back through a status (a denied cancellation request, a change of
    // seller) does not tell the customer again.
    if (!notice || told.has(notice)) return []
    told.add(notice)
    return [{ ...compose(notice, order), id: messageId(event), date: event.currentChange }]
  })
}

/** The events of each version, in order. */
function versions(events: readonly OrderEvent[]): OrderEvent[][] {
  const byVersion = new Map<number, OrderEvent[]>()
  for (const event of events)
    byVersion.set(event.orderVersion, [...(byVersion.get(event.orderVersion) ?? []), event])
  return [...byVersion.values()]
}

/** Every event with who caused it, and after each version the messages it sent the customer. */
export function timeline(order: Order, events: readonly OrderEvent[]): TimelineEntry[] {
  const sent = customerMessages(order, events)
  return versions(events).flatMap((version) => [
    ...version.map(timelineEntry),
    ...sent
      .filter((m) => version.some((event) => messageId(event) === m.id))
      .map((m) => ({
        type: 'message' as const,
        date: m.date,
        subject: m.subject,
        to: order.client.email,
      })),
  ])
}

function timelineEntry(event: OrderEvent): TimelineEntry {
  const common = { date: event.currentChange, version: event.orderVersion, by: event.origin.key }
  switch (event.kind) {
    case 'transition':
      return {
        type: 'transition',
        ...common,
        domain: event.domain,
        state: event.state,
        lastState: event.lastState,
      }
    case 'payment':
      return { type: 'payment', ...common, ...event.data }
    case 'cancellation-request':
      return { type: 'cancellation-request', ...common, ...event.data }
    case 'interaction':
      return { type: 'interaction', ...common, ...event.data }
    case 'invoice':
      return { type: 'invoice', ...common, ...event.data }
    case 'tracking':
      return { type: 'tracking', ...common, ...event.data }
    case 'change':
      return { type: 'change', ...common, ...event.data }
    case 'seller-change':
      return { type: 'seller-change', ...common, ...event.data }
    case 'modification':
      return { type: 'modification', ...common, ...event.data }
  }
}
