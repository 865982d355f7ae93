// Live updates: the account's order events over Server-Sent Events. EventSource reconnects by itself and sends
// the last event id it saw, so Ordo resumes the stream where it broke and no change is missed.
import { useEffect, useRef, useState } from 'preact/hooks'
import { withQuery } from './api.ts'

export interface OrderEventMessage {
  eventId: string
  orderId: string
  kind: string
  state: string
}

/**
 * Calls `onEvents` with the events that arrived, at most every `settleMs` (a burst of changes is one refresh);
 * returns whether the stream is connected.
 */
export function useOrderEvents(
  filter: { orderId?: string },
  onEvents: (events: OrderEventMessage[]) => void,
  settleMs = 250,
): boolean {
  const [connected, setConnected] = useState(false)
  const handler = useRef(onEvents)
  handler.current = onEvents
  useEffect(() => {
    const source = new EventSource(withQuery('/api/ordo/pvt/events/stream', { orderId: filter.orderId }))
    let pending: OrderEventMessage[] = []
    let timer: ReturnType<typeof setTimeout> | undefined
    source.onopen = () => setConnected(true)
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN)
    source.onmessage = (message: MessageEvent<string>) => {
      pending.push(JSON.parse(message.data) as OrderEventMessage)
      timer ??= setTimeout(() => {
        const events = pending
        pending = []
        timer = undefined
        handler.current(events)
      }, settleMs)
    }
    return () => {
      clearTimeout(timer)
      source.close()
    }
  }, [filter.orderId, settleMs])
  return connected
}
