// Units leaving and joining an order's item lines, with its totals following: what register modifications (v1)
// and order modifications (v2) both do to an order, and the orders neither may change. Lines are never taken out, as invoices name them by index;
// a line whose units all left stays with quantity 0. Pure.
import { AppError } from '../../platform/errors.ts'
import type { Logistics, Order, OrderItem } from '../orders/order.ts'

/**
 * Orders whose value is not the account's to change: chain orders, and a seller's order a marketplace on this
 * server sold (a change here would not reach the marketplace's order, whose value its invoices add up to).
 */
export function assertOwnSale(order: Order): void {
  if (order.origin === 'Chain') {
    throw new AppError('CHAIN_ORDER_CHANGE', 'It is not allowed to make modifications to chain orders.')
  }
  if (order.workflow.flow === 'seller' && order.marketplaceAccount !== null) {
    throw new AppError(
      'CHANGE_NOT_ALLOWED',
      `Order ${order.orderId} was sold by marketplace ${order.marketplaceAccount}: its modifications are the marketplace's, which Ordo does not pass to its sellers yet.`,
    )
  }
}

/** As many lines as an order can be placed with. */
export const MAX_ITEM_LINES = 500

/** Takes `quantity` units out of line `itemIndex`, its price, discount and tax with them. */
export function takeFromLine(order: Order, itemIndex: number, quantity: number): Order {
  return moveUnits(order, itemIndex, -quantity)
}

/** Puts `quantity` more units on line `itemIndex`, at its own price, discount and tax. */
export function addToLine(order: Order, itemIndex: number, quantity: number): Order {
  return moveUnits(order, itemIndex, quantity)
}

function moveUnits(order: Order, itemIndex: number, quantity: number): Order {
  const line = order.items[itemIndex]
  if (!line) throw new Error(`Order ${order.orderId} has no item line ${itemIndex}.`)
  const totals = { ...order.totals }
  totals.items += line.price * quantity
  totals.discounts += (line.sellingPrice - line.price) * quantity
  totals.tax += line.tax * quantity
  const items = order.items.map((item, index) =>
    index === itemIndex ? { ...item, quantity: item.quantity + quantity } : item,
  )
  return { ...order, items, totals }
}

/** A new last line; its units cost their selling price, and it ships as `logistics` says (its price too). */
export function appendLine(order: Order, line: OrderItem, logistics: Logistics): Order {
  if (order.items.length >= MAX_ITEM_LINES) {
    throw new AppError(
      'INVALID_CHANGE',
      `Invalid modification for order: order ${order.orderId} already has ${MAX_ITEM_LINES} item lines, the most an order can have.`,
    )
  }
  const totals = { ...order.totals }
  totals.items += line.sellingPrice * line.quantity
  totals.shipping += logistics.price
  return {
    ...order,
    items: [...order.items, line],
    shipping: {
      ...order.shipping,
      logistics: [...order.shipping.logistics, { ...logistics, itemIndex: order.items.length }],
    },
    totals,
  }
}

export interface NewUnits {
  id: string
  quantity: number
  /** Unit price in cents. */
  price: number
  measurementUnit?: string
  unitMultiplier?: number
}

/**
 * A line for units the order did not have at this price: the SKU's details from `template` when it is a line of
 * the same SKU; the SKU id alone otherwise, as Ordo has no catalogue to name it from.
 */
export function newLine(template: OrderItem | undefined, units: NewUnits, uniqueId: string): OrderItem {
  const prices = {
    quantity: units.quantity,
    price: units.price,
    listPrice: units.price,
    sellingPrice: units.price,
    tax: 0,
  }
  const measure = {
    ...(units.measurementUnit !== undefined ? { measurementUnit: units.measurementUnit } : {}),
    ...(units.unitMultiplier !== undefined ? { unitMultiplier: units.unitMultiplier } : {}),
  }
  if (template?.id === units.id) return { ...template, uniqueId, ...prices, isGift: false, ...measure }
  return {
    uniqueId,
    id: units.id,
    productId: '',
    name: `SKU ${units.id}`,
    ...prices,
    refId: '',
    ean: null,
    imageUrl: '',
    detailUrl: '',
    measurementUnit: 'un',
    unitMultiplier: 1,
    isGift: false,
    ...measure,
  }
}

/** The shipping of a new line: as the line it copies ships (the order's first when none), free. */
export function freeShippingLike(order: Order, templateIndex: number): Logistics {
  const logistics = order.shipping.logistics[templateIndex] ?? order.shipping.logistics[0]
  if (!logistics) throw new Error(`Order ${order.orderId} has no shipping data to add an item to.`)
  return { ...logistics, price: 0, listPrice: 0, sellingPrice: 0 }
}

/** A new line's unique id: 32 hex digits like VTEX's, from its change's id and the line's place in it. */
export const lineUniqueId = (changeId: string, place: number): string =>
  `${changeId.replace(/-/g, '').slice(0, 28)}${place.toString(16).padStart(4, '0')}`.toUpperCase()
