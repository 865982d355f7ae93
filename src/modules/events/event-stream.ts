// The events stream's rules: positions as event ids, the query's filters, whether a request accepts the stream,
// and the Server-Sent Events text of each message. Pure: the service reads and waits, the route writes.
import type { OrderEvent } from '../orders/order-event.ts'
import { isOrderStatus, type OrderStatus } from '../orders/order-status.ts'
import type { StreamedEvent } from './event-stream.schemas.ts'

/** A place in the order event stream (the core's StreamPosition): tx is 0 on SQLite. */
export interface Position {
  tx: number
  id: number
}

/** How long a client waits before it reconnects, sent as the stream's `retry:`. */
export const RECONNECT_MS = 3000

/** A comment line: proxies that close quiet connections see traffic, clients see no message. */
export const KEEP_ALIVE = ': keep-alive\n\n'

/** The event id of a position: "<tx>-<id>". */
const eventIdOf = ({ tx, id }: Position): string => `${tx}-${id}`

/** The position an event id names, or undefined when it is not one ("<tx>-<id>", both whole numbers). */
export function positionOf(eventId: string): Position | undefined {
  const match = /^(\d{1,16})-(\d{1,16})$/.exec(eventId.trim())
  if (!match) return undefined
  const tx = Number(match[1])
  const id = Number(match[2])
  return Number.isSafeInteger(tx) && Number.isSafeInteger(id) ? { tx, id } : undefined
}

/** `status=a,b`: the statuses listed; throws `invalid(message)` naming the first that is not an order status. */
export function statusesOf(list: string, invalid: (message: string) => Error): Set<OrderStatus> {
  const statuses = new Set<OrderStatus>()
  for (const status of list.split(',').map((each) => each.trim())) {
    if (!isOrderStatus(status)) throw invalid(`status has "${status}", which is not an order status.`)
    statuses.add(status)
  }
  return statuses
}

/** Whether a client that asked for `statuses` (undefined: every one) is sent the event. */
export const wanted = (event: OrderEvent, statuses: ReadonlySet<OrderStatus> | undefined): boolean =>
  statuses === undefined || statuses.has(event.state)

export const samePosition = (a: Position, b: Position): boolean => a.tx === b.tx && a.id === b.id

/**
 * Whether an Accept header admits `text/event-stream`: the most specific of `text/event-stream`, `text/*` and
 * `*\/*` that it lists decides, refused by `q=0` (RFC 9110 §12.5.1). EventSource sends `text/event-stream`,
 * curl and fetch `*\/*`. A request without the header gets no stream: nothing that reads one sends none, and a
 * probe is answered at once instead of with a response that never ends.
 */
export function acceptsEventStream(accept: string | undefined): boolean {
  if (accept === undefined) return false
  let best: { specificity: number; refused: boolean } | undefined
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase())
    const specificity = ['*/*', 'text/*', 'text/event-stream'].indexOf(type)
    if (specificity < 0 || (best && best.specificity > specificity)) continue
    const refused = params.some((param) => /^q=0(?:\.0{0,3})?$/.test(param))
    // Of two ranges as specific, one that admits wins.
    if (!best || best.specificity < specificity || best.refused) best = { specificity, refused }
  }
  return best !== undefined && !best.refused
}

/** What a message's `data:` line carries. */
const streamedEvent = (event: OrderEvent, position: Position): StreamedEvent => ({
  eventId: eventIdOf(position),
  orderId: event.orderId,
  orderVersion: event.orderVersion,
  kind: event.kind,
  domain: event.domain,
  state: event.state,
  lastState: event.lastState,
  lastChange: event.lastChange,
  currentChange: event.currentChange,
  origin: event.origin,
  data: event.data,
})

/**
 * One message: its id is the event's position, so a client that reconnects sends it back as Last-Event-ID. No
 * `event:` line, so EventSource's onmessage receives it. JSON has no raw line breaks, so one `data:` line.
 */
export const messageOf = (event: OrderEvent, position: Position): string =>
  `id: ${eventIdOf(position)}\ndata: ${JSON.stringify(streamedEvent(event, position))}\n\n`

/**
 * A block with an id and no data: a client takes the id as its last event id and dispatches no message
 * (HTML's event stream rules). Sent when the stream opens, so a client that reconnects before its first
 * message misses nothing, and when the events a filter skipped took the position past the last message.
 */
export const positionBlock = (position: Position, retryMs?: number): string =>
  `${retryMs === undefined ? '' : `retry: ${retryMs}\n`}id: ${eventIdOf(position)}\n\n`
