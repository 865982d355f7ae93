// What an order's invoices and returns add up to, in money and per item line. Pure; invoices, returns and
// changes all decide against these sums.
import { orderValue, type Order, type PackageType } from './order.ts'

/** Cents of all packages of a type: Output is what was invoiced, Input what was returned. */
export const packagedValue = (order: Order, type: PackageType): number =>
  order.packages.reduce((sum, p) => (p.type === type ? sum + p.invoiceValue : sum), 0)

/** Units of each item line (by index) in the packages of a type. */
function packagedQuantities(order: Order, type: PackageType): number[] {
  const quantities = order.items.map(() => 0)
  for (const pkg of order.packages) {
    if (pkg.type !== type) continue
    for (const { itemIndex, quantity } of pkg.items)
      quantities[itemIndex] = (quantities[itemIndex] ?? 0) + quantity
  }
  return quantities
}

/** Units of each line (by index) not yet in a package of the type: ordered less packaged. */
export function unitsLeft(order: Order, type: PackageType): (itemIndex: number) => number {
  const packaged = packagedQuantities(order, type)
  return (index) => (order.items[index]?.quantity ?? 0) - (packaged[index] ?? 0)
}

/** Invoices add up to the order's value: the order is invoiced in full. */
export const isFullyInvoiced = (order: Order): boolean => packagedValue(order, 'Output') === orderValue(order)

/**
 * Spreads `quantity` units of a SKU over the lines that carry it, each line taking at most what `room` leaves
 * it, first line first. Undefined when the lines do not have room for all of it.
 */
export function allocate(
  order: Order,
  sku: string,
  quantity: number,
  room: (itemIndex: number) => number,
): { itemIndex: number; quantity: number }[] | undefined {
  const taken: { itemIndex: number; quantity: number }[] = []
  let left = quantity
  order.items.forEach((item, itemIndex) => {
    if (item.id !== sku || left === 0) return
    const take = Math.min(left, Math.max(0, room(itemIndex)))
    if (take > 0) taken.push({ itemIndex, quantity: take })
    left -= take
  })
  return left === 0 ? taken : undefined
}

/** Units of a SKU the lines still have room for. */
export const roomFor = (order: Order, sku: string, room: (itemIndex: number) => number): number =>
  order.items.reduce((sum, item, index) => (item.id === sku ? sum + room(index) : sum), 0)
