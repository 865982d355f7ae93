// The invariants of the invoices issue as the HTTP API shows them, shared by the property tests of invoices and of
// order modifications: what to read after a step, and what must hold of it whatever the step was.
import assert from 'node:assert/strict'
import { api } from './api.ts'
import type { TestApp } from './harness.ts'

/** What Ordo answers for the order, read after every step. */
/** The SKUs of the orders the property tests place, line by line, and one no order has. */
export const ORDER_SKUS = ['1001', '2002', '3003']
export const STRANGER_SKU = '7777'

export interface Snapshot {
  order: string
  transaction: string
  timeline: string
}

export interface OrderView {
  status: string
  value: number
  invoicedDate: string | null
  totals: { id: string; value: number }[]
  items: { id: string; quantity: number }[]
  changesAttachment: { changesData: unknown[] } | null
  packageAttachment: {
    packages: {
      type: string
      invoiceNumber: string
      invoiceValue: number
      items: { itemIndex: number; quantity: number }[]
      trackingNumber: string | null
      trackingUrl: string | null
      courier: string | null
      courierStatus: {
        status: string | null
        finished: boolean
        deliveredDate?: string
        data: { city: string | null; state: string | null; description: string; lastChange: string }[]
      } | null
      restitutions: { Refund?: { value: number } }
    }[]
  }
}

export interface LedgerView {
  events: { type: string; value: number }[]
}

export const ledgerSum = (ledger: LedgerView, type: string): number =>
  ledger.events.filter((e) => e.type === type).reduce((s, e) => s + e.value, 0)

export async function snapshot(test: TestApp, orderId: string): Promise<Snapshot> {
  const client = api(test)
  const [order, transaction, timeline] = await Promise.all([
    client.get(orderId),
    client.paymentTransaction(orderId),
    client.timeline(orderId),
  ])
  for (const res of [order, transaction, timeline]) assert.equal(res.statusCode, 200, res.body)
  return { order: order.body, transaction: transaction.body, timeline: timeline.body }
}

/** Every read of `before` reads the same, byte for byte, in `after`, but those `except` names. */
export function assertUnchanged<S extends Snapshot>(
  before: S,
  after: S,
  what: string,
  except: readonly (keyof S)[] = [],
): void {
  for (const key of Object.keys(before) as (keyof S & string)[])
    if (!except.includes(key)) assert.equal(after[key], before[key], `${what} changed the ${key}`)
}

/** Every number of Get order is a whole number of cents (or a count); only unit multipliers may be fractions. */
function assertWholeNumbers(value: unknown, path: string): void {
  if (typeof value === 'number') assert.ok(Number.isInteger(value), `${path} = ${value} is not an integer`)
  else if (Array.isArray(value)) value.forEach((v, i) => assertWholeNumbers(v, `${path}[${i}]`))
  else if (value !== null && typeof value === 'object')
    for (const [key, v] of Object.entries(value))
      if (key !== 'unitMultiplier') assertWholeNumbers(v, `${path}.${key}`)
}

/** The invariants, read from Get order alone. */
export function assertInvariants(order: OrderView, label: string): void {
  const packages = order.packageAttachment.packages
  const sum = (type: string) =>
    packages.filter((p) => p.type === type).reduce((s, p) => s + p.invoiceValue, 0)
  const outputs = sum('Output')
  const inputs = sum('Input')
  assert.ok(outputs <= order.value, `${label}: Σ Output ${outputs} > value ${order.value}`)
  assert.ok(inputs <= outputs, `${label}: Σ Input ${inputs} > Σ Output ${outputs}`)
  assert.equal(
    order.totals.reduce((s, t) => s + t.value, 0),
    order.value,
    `${label}: totals do not add up to value`,
  )
  if (order.status !== 'canceled') {
    assert.equal(
      order.status === 'invoiced',
      outputs === order.value,
      `${label}: status ${order.status}, Σ Output ${outputs}, value ${order.value}`,
    )
    assert.equal(
      order.invoicedDate !== null,
      order.status === 'invoiced',
      `${label}: invoicedDate ${order.invoicedDate}`,
    )
  }
  const units = (type: string, sku: string) =>
    packages
      .filter((p) => p.type === type)
      .flatMap((p) => p.items)
      .filter((item) => order.items[item.itemIndex]?.id === sku)
      .reduce((s, item) => s + item.quantity, 0)
  for (const sku of new Set(order.items.map((i) => i.id))) {
    const quantity = order.items.filter((i) => i.id === sku).reduce((s, i) => s + i.quantity, 0)
    assert.ok(
      units('Output', sku) <= quantity,
      `${label}: SKU ${sku} invoiced ${units('Output', sku)} of ${quantity}`,
    )
    // An order invoiced in full has every unit invoiced, whether or not its invoices listed items.
    const invoicedUnits = order.status === 'invoiced' ? quantity : units('Output', sku)
    assert.ok(units('Input', sku) <= invoicedUnits, `${label}: SKU ${sku} returned more than invoiced`)
  }
  for (const pkg of packages)
    for (const item of pkg.items)
      assert.ok(order.items[item.itemIndex], `${label}: package item ${item.itemIndex} names no line`)
  assertWholeNumbers(order, label)
}
