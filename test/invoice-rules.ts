// Shared by the unit tests of invoices, tracking and registered changes: orders in handling reached through the
// rules, invoice and change inputs as their services build them, and the sums every step must keep. Test code only.
import assert from 'node:assert/strict'
import { exampleOrder, invoicePackage } from './fixtures.ts'
import {
  approvedGroup,
  ctxAt,
  deepFreeze,
  only,
  orderOf,
  T_GRACE_END,
  T_HANDLING,
  T_LATER,
  timeoutJob,
} from './rules.ts'
import { AppError, type ErrorCode } from '../src/platform/errors.ts'
import type { ChangeInput } from '../src/modules/changes/registered-change.ts'
import { startHandling } from '../src/modules/fulfillment/handling.ts'
import type { IntakeBody, IntakePayment } from '../src/modules/intake/intake.schemas.ts'
import { notifyInvoice, type InvoiceInput, type InvoiceItem } from '../src/modules/invoices/invoice.ts'
import { orderValue, type Order } from '../src/modules/orders/order.ts'
import { renderDocument } from '../src/modules/orders/order-document.ts'
import { shareBalance } from '../src/modules/orders/order-payment.ts'
import { decide, type Decision } from '../src/modules/orders/order-workflow.ts'

/** The store's order of an intake body (the example's by default) once handling has started. */
export function handlingOf(body?: IntakeBody): Order {
  const approved = only(approvedGroup(30, body))
  const ready = orderOf(decide(approved, ctxAt(T_GRACE_END), timeoutJob))
  return orderOf(decide(ready, ctxAt(T_HANDLING), startHandling))
}

/**
 * One seller, 17700 cents, with a discount, tax and SKU 1001 on two lines at different prices:
 * line 0 is 1001 ×2 (price 5000, selling 4500, tax 300), line 1 is 3003 ×1 (2000, tax 100), line 2 is 1001 ×1
 * (5000); shipping 1000. Totals: items 17000, discounts −1000, shipping 1000, tax 700.
 */
export function richOrder(payments: IntakePayment[] = [card(17700)]): IntakeBody {
  const base = exampleOrder()
  const logistics = (itemIndex: number, price: number) => ({
    itemIndex,
    selectedSla: 'Normal',
    price,
    shippingEstimate: '4bd',
  })
  return exampleOrder({
    items: [
      { id: '1001', name: 'Blue T-shirt M', quantity: 2, price: 5000, sellingPrice: 4500, tax: 300 },
      { id: '3003', name: 'Cap', quantity: 1, price: 2000, tax: 100 },
      { id: '1001', name: 'Blue T-shirt M', quantity: 1, price: 5000 },
    ],
    shippingData: {
      ...base.shippingData,
      logisticsInfo: [logistics(0, 1000), logistics(1, 0), logistics(2, 0)],
    },
    paymentData: { payments },
  })
}

export const card = (value: number): IntakePayment => ({
  paymentSystem: '2',
  paymentSystemName: 'Visa',
  group: 'creditCard',
  value,
  installments: 1,
})

/** An invoice as the invoice service hands it to the rule: absent fields are null, counts 0. */
export const invoiceInput = (
  invoiceNumber: string,
  invoiceValue: number,
  overrides: Partial<InvoiceInput> = {},
): InvoiceInput => ({
  type: 'Output',
  invoiceNumber,
  invoiceValue,
  issuanceDate: '2026-03-05',
  invoiceKey: null,
  invoiceUrl: null,
  embeddedInvoice: null,
  courier: null,
  trackingNumber: null,
  trackingUrl: null,
  dispatchedDate: null,
  cfop: null,
  extraValue: 0,
  volumes: 1,
  items: [],
  ...overrides,
})

export const units = (id: string, quantity: number, price = 0): InvoiceItem => ({
  id,
  quantity,
  price,
  description: null,
})

/** POST …/invoice as the write path runs it; the receipt is named after the invoice. */
export const notify = (order: Order, input: InvoiceInput, now = T_LATER): Decision =>
  decide(order, ctxAt(now), notifyInvoice(input, `receipt-${input.invoiceNumber}`))

/** The order after each invoice in turn, every one accepted. */
export const invoicedWith = (order: Order, ...inputs: InvoiceInput[]): Order =>
  inputs.reduce((current, input) => orderOf(notify(current, input)), order)

/** The order with `count` Output invoices of 1 cent each (NF-0, NF-1, …) in place of its packages. */
export const withPackages = (order: Order, count: number): Order =>
  deepFreeze({
    ...order,
    packages: Array.from({ length: count }, (_, i) => ({
      ...invoicePackage('Output', 1),
      invoiceNumber: `NF-${i}`,
    })),
  })

/** A change as the change service hands it to the rule. */
export const changeInput = (overrides: Partial<ChangeInput> = {}): ChangeInput => ({
  requestId: 'change-1',
  reason: 'The customer asked for it',
  discountValue: 0,
  incrementValue: 0,
  itemsAdded: [],
  itemsRemoved: [],
  ...overrides,
})

/**
 * What every step keeps: the document's value is the sum of its totals, every money field is whole cents, the
 * approved shares hold exactly the value, and no line has more units invoiced or returned than it has.
 */
export function assertBalanced(order: Order): void {
  const document = renderDocument(order)
  assert.equal(
    document.value,
    document.totals.reduce((sum, total) => sum + total.value, 0),
  )
  const { items, discounts, shipping, tax, change } = order.totals
  for (const value of [
    ...[items, discounts, shipping, tax, change],
    ...order.items.flatMap((i) => [i.price, i.sellingPrice, i.tax, i.quantity]),
    ...order.packages.map((p) => p.invoiceValue),
    ...order.payment.entries.map((e) => e.value),
  ]) {
    assert.ok(Number.isSafeInteger(value), `${value} is not whole cents`)
  }
  const held = order.payment.payments.reduce((sum, p) => sum + shareBalance(order, p.id), 0)
  const returned = order.packages.reduce((sum, p) => (p.type === 'Input' ? sum + p.refundedValue : sum), 0)
  assert.equal(held, orderValue(order) - returned, 'the approved shares hold the value less the returns')
  for (const [index, item] of order.items.entries()) {
    assert.ok(item.quantity >= 0, `line ${index} has ${item.quantity} units`)
    for (const type of ['Output', 'Input'] as const) {
      const packaged = order.packages
        .filter((p) => p.type === type)
        .flatMap((p) => p.items)
        .filter((i) => i.itemIndex === index)
        .reduce((sum, i) => sum + i.quantity, 0)
      assert.ok(packaged <= item.quantity, `line ${index}: ${packaged} units in ${type} packages`)
    }
  }
}

/** The rule refuses with `code` and a message that matches (expectError, and the message too). */
export function expectRefusal(run: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error))
    assert.equal(error.code, code)
    assert.match(error.message, message)
    return true
  })
}
