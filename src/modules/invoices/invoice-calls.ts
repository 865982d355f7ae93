// An invoice of an order and its tracking as VTEX's Orders API calls carry them: what a seller sends the
// marketplace elsewhere that sold the order. Absent values are left out. Pure.
import type { Order, Package } from '../orders/order.ts'
import { invoiceOfPackage } from './invoice.ts'

/** Fields whose value is null are left out: the calls take absent, not null. */
const present = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as Partial<T>

/** POST …/invoice. */
export function invoiceCallOf(order: Order, pkg: Package): object {
  const { items, embeddedInvoice: _embedded, ...invoice } = invoiceOfPackage(order, pkg)
  return {
    ...present(invoice),
    items: items.map((item) => present(item)),
  }
}

/** PATCH …/invoice/{n} (once it has a tracking number) and PUT …/invoice/{n}/tracking (once the carrier reports). */
export function trackingCallsOf(pkg: Package): { number?: object; status?: object } {
  const { trackingNumber, trackingUrl, courier, dispatchedDate, tracking } = pkg
  return {
    ...(trackingNumber !== null && {
      number: present({ trackingNumber, trackingUrl, courier, dispatchedDate }),
    }),
    ...(tracking !== null && {
      status: {
        isDelivered: tracking.isDelivered,
        ...present({ deliveredDate: tracking.deliveredDate }),
        events: tracking.events.map(({ receivedAt: _received, ...event }) => present(event)),
      },
    }),
  }
}
