// A page that reads again on every change (a filter, a live event) can have two reads in flight; the older may
// answer last. Each read takes a ticket, and only the newest ticket's answer is shown.
import { useMemo, useRef } from 'preact/hooks'

export interface Ticket {
  isLatest: () => boolean
}

export function useLatest(): { next: () => Ticket } {
  const counter = useRef(0)
  return useMemo(
    () => ({
      next: () => {
        const mine = ++counter.current
        return { isLatest: () => mine === counter.current }
      },
    }),
    [],
  )
}
