// What an order's log tells the customer and the merchant: the transactional messages Ordo composes for the
// customer, and the timeline of every event. Both are derived from the event log, so they never disagree with
// it. Pure.
import { customerName, type Order } from '../orders/order.ts'
import type { OrderEvent } from '../orders/order-event.ts'
import type { TimelineEntry } from './conversation.schemas.ts'

export interface CustomerMessage {
  id: string
  subject: string
  body: string
  date: string
}

/** The message a version of the order sends, if any: the order placed, its payment approved, its cancellation. */
function messageOf(
  order: Order,
  version: readonly OrderEvent[],
): Omit<CustomerMessage, 'id' | 'date'> | undefined {
  const id = order.orderId
  const hello = `Hello ${customerName(order)},`
  const entered = (state: string) => version.some((e) => e.kind === 'transition' && e.state === state)
  if (version[0]?.kind === 'transition' && version[0].lastState === null) {
    return {
      subject: `We received your order ${id}.`,
      body: `${hello} we received order ${id} and are waiting for its payment to be approved.`,
    }
  }
  if (entered('canceled')) {
    return {
      subject: `Your order ${id} has been canceled.`,
      body: `${hello} order ${id} was canceled. Any payment made for it is being returned.`,
    }
  }
  if (entered('payment-approved')) {
    return {
      subject: `Your payment for order ${id} has been approved.`,
      body: `${hello} the payment for order ${id} was approved and the store is preparing it.`,
    }
  }
  return undefined
}

/** The events of each version, in order. */
function versions(events: readonly OrderEvent[]): OrderEvent[][] {
  const byVersion = new Map<number, OrderEvent[]>()
  for (const event of events)
    byVersion.set(event.orderVersion, [...(byVersion.get(event.orderVersion) ?? []), event])
  return [...byVersion.values()]
}

/** VTEX's conversation id shape (`2023-01-23t09-23-08_<hex>`), derived from the event that sent the message. */
const messageId = (event: OrderEvent): string =>
  `${event.currentChange.slice(0, 19).replace(/:/g, '-').toLowerCase()}_${event.id.toString(16).padStart(32, '0')}`

export function customerMessages(order: Order, events: readonly OrderEvent[]): CustomerMessage[] {
  return versions(events).flatMap((version) => {
    const message = messageOf(order, version)
    const last = version.at(-1)
    return message && last ? [{ ...message, id: messageId(last), date: last.currentChange }] : []
  })
}

/** Every event with who caused it, and after each version the message it sent the customer. */
export function timeline(order: Order, events: readonly OrderEvent[]): TimelineEntry[] {
  return versions(events).flatMap((version) => {
    const message = customerMessages(order, version)[0]
    const entries = version.map(timelineEntry)
    return message
      ? [
          ...entries,
          { type: 'message' as const, date: message.date, subject: message.subject, to: order.client.email },
        ]
      : entries
  })
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
  }
}
