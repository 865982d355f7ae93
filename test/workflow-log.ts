// Reads orders' event logs from the database and checks each is a legal, chained walk of WORKFLOW.
import assert from 'node:assert/strict'
import type { Db } from '../src/db/database.ts'
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import type { Order } from '../src/modules/orders/order.ts'
import type { OrderEvent } from '../src/modules/orders/order-event.ts'
import { listEvents } from '../src/modules/orders/order-event.repository.ts'
import { paymentStatus } from '../src/modules/orders/order-payment.ts'
import { isOrderStatus, TRIGGERS, WORKFLOW } from '../src/modules/orders/order-status.ts'
import { api } from './api.ts'
import { singleOrder } from './fixtures.ts'
import type { TestApp } from './harness.ts'

export type LoggedEvent = Extract<OrderEvent, { kind: 'transition' }>

/** Every event of an order, of every kind, oldest first. */
export const allEventsOf = (db: Db, orderId: string, account = 'acme'): Promise<OrderEvent[]> =>
  listEvents(db, account, orderId)

/** The status transitions of the given orders, oldest first, grouped by order (every requested order has an entry). */
export async function eventsByOrder(
  db: Db,
  orderIds: readonly string[],
  account = 'acme',
): Promise<Map<string, LoggedEvent[]>> {
  const byOrder = new Map<string, LoggedEvent[]>()
  for (const orderId of orderIds) {
    const events = await allEventsOf(db, orderId, account)
    byOrder.set(
      orderId,
      events.filter((e): e is LoggedEvent => e.kind === 'transition'),
    )
  }
  return byOrder
}

export async function eventsOf(db: Db, orderId: string, account = 'acme'): Promise<LoggedEvent[]> {
  return (await eventsByOrder(db, [orderId], account)).get(orderId) ?? []
}

export interface StoredOrder {
  status: string
  documentStatus: string
  version: number
  /** Each payment's status in Ordo's ledger, in payment order. */
  payments: string[]
}

/** The stored status, version and payment ledger of each order, read from the row the API serves. */
export async function storedOrders(
  db: Db,
  orderIds: readonly string[],
  account = 'acme',
): Promise<Map<string, StoredOrder>> {
  if (orderIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('orders')
    .select(['order_id', 'status', 'document', 'order_json', 'version'])
    .where('account', '=', account)
    .where('order_id', 'in', orderIds)
    .execute()
  return new Map(
    rows.map((row) => [
      row.order_id,
      {
        status: row.status,
        documentStatus: (JSON.parse(row.document) as { status: string }).status,
        version: Number(row.version),
        payments: ((order: Order) => order.payment.payments.map((p) => paymentStatus(order, p.id)))(
          JSON.parse(row.order_json) as Order,
        ),
      },
    ]),
  )
}

export const isEdge = (from: string, to: string): boolean =>
  isOrderStatus(from) && TRIGGERS.some((trigger) => WORKFLOW[from].on[trigger] === to)

/**
 * The log starts with order-created (no last state) and every later event takes an edge of WORKFLOW from
 * where the previous one ended; the order's status is where the log ends.
 */
export function assertLegalLog(events: readonly LoggedEvent[], status: string, label = ''): void {
  const [first, ...rest] = events
  assert.ok(first, `${label}: no events`)
  assert.equal(first.state, 'order-created', label)
  assert.equal(first.lastState, null, label)
  assert.equal(first.lastChange, null, label)
  let previous = first
  for (const event of rest) {
    assert.equal(event.lastState, previous.state, `${label}: event ${event.id} does not chain`)
    assert.equal(event.lastChange, previous.currentChange, `${label}: event ${event.id} lastChange`)
    assert.ok(isEdge(previous.state, event.state), `${label}: ${previous.state} -> ${event.state} is no edge`)
    assert.ok(event.id > previous.id, label)
    assert.ok(event.orderVersion >= previous.orderVersion, `${label}: order_version went back`)
    previous = event
  }
  assert.equal(previous.state, status, `${label}: the log ends at ${previous.state}, the order is ${status}`)
}

export const statesOf = (events: readonly LoggedEvent[]): string[] => events.map((e) => e.state)

/** The order's transitions are `expected`, a legal walk that ends where Get order says the order is. */
export async function assertLog(test: TestApp, orderId: string, expected: string[]): Promise<void> {
  const events = await eventsOf(test.deps.db, orderId)
  assert.deepEqual(statesOf(events), expected)
  const order = await api(test).getOk(orderId)
  assertLegalLog(events, order.status, orderId)
}

export const INTAKE_STATES = [
  'order-created',
  'on-order-completed',
  'waiting-for-authorization',
  'payment-pending',
]
export const APPROVAL_STATES = [
  'approve-payment',
  'payment-approved',
  'authorize-fulfillment',
  'window-to-cancel',
]

/** A one-seller order of 5000 cents paid by two payments (2000 by card, 3000 promissory). */
export function twoPaymentOrder(tag: string): IntakeBody {
  return {
    ...singleOrder(tag),
    paymentData: {
      payments: [
        { paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: 2000 },
        { paymentSystem: '17', paymentSystemName: 'Promissory', group: 'promissory', value: 3000 },
      ],
    },
  }
}
