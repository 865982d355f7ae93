// Unit tests of the customer's messages derived from an order's event log, on logs the real rules wrote.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cancel, denyCancellation, requestCancellation } from '../cancellation/cancellation.ts'
import { startHandling } from '../fulfillment/handling.ts'
import { exampleOrder } from '../../../test/fixtures.ts'
import { sellerAccepts } from '../intake/intake.ts'
import type { Order } from '../orders/order.ts'
import type { OrderEvent } from '../orders/order-event.ts'
import {
  after,
  builtGroup,
  ctxAt,
  eventsOf,
  only,
  orderOf,
  paidWith,
  paymentIds,
  T0,
  T_APPROVED,
  T_HANDLING,
  T_LATER,
  TWO_PAYMENTS,
} from '../../../test/rules.ts'
import { conclude, decide, start, type Decision, type Rule, decideGroup } from '../orders/order-workflow.ts'
import { approvePayment } from '../payments/payment.ts'
import { customerMessages } from './conversation.ts'

type Step = { at: string; rule: Rule } | { at: string; approve: number }

/** The first order of the two-payment example through `steps`, with its log as the write path stores it. */
function history(steps: Step[]): { order: Order; events: OrderEvent[] } {
  let group = builtGroup(paidWith(TWO_PAYMENTS))
  const started = group.map((o) => conclude(sellerAccepts(start(o, ctxAt(T0)), ctxAt(T0))))
  const versions: Decision[] = [only(started)]
  group = started.map(orderOf)
  for (const step of steps) {
    const decisions =
      'approve' in step
        ? decideGroup(
            group,
            only(group),
            ctxAt(step.at),
            approvePayment(only(paymentIds(only(group)), step.approve)),
          )
        : [
            decide(only(group), ctxAt(step.at), step.rule),
            ...group.slice(1).map((order) => ({ changed: false as const, order })),
          ]
    if (only(decisions).changed) versions.push(only(decisions))
    group = decisions.map(orderOf)
  }
  let id = 0
  const events = versions.flatMap((decision, v) =>
    eventsOf(decision).map((event) => ({
      ...event,
      id: ++id,
      account: 'acme',
      orderId: only(group).orderId,
      orderVersion: v + 1,
      origin: { account: 'acme', key: 'system' },
    })),
  )
  return { order: only(group), events }
}

const RECEIVED = /^We received your order /
const APPROVED = /^Your payment for order .* has been approved\.$/
const CANCELED = /^Your order .* has been canceled\.$/

describe('customerMessages', () => {
  const storeCancel: Rule = cancel({ reason: null, requestedByUser: false, requestId: 'req-store' })
  const cases: Array<[string, Step[], RegExp[]]> = [
    ['placed', [], [RECEIVED]],
    // The first of two payments approves nothing the customer can see.
    ['with one of two payments approved', [{ at: T_APPROVED, approve: 0 }], [RECEIVED]],
    [
      'paid',
      [
        { at: T_APPROVED, approve: 0 },
        { at: after(T_APPROVED, 1), approve: 1 },
      ],
      [RECEIVED, APPROVED],
    ],
    ['canceled before payment', [{ at: T_APPROVED, rule: storeCancel }], [RECEIVED, CANCELED]],
    [
      'paid, handled, requested, denied, then canceled',
      [
        { at: T_APPROVED, approve: 0 },
        { at: T_APPROVED, approve: 1 },
        { at: T_HANDLING, rule: startHandling },
        { at: after(T_HANDLING, 1), rule: requestCancellation('req-1', null) },
        { at: after(T_HANDLING, 2), rule: denyCancellation('req-1', null) },
        { at: T_LATER, rule: storeCancel },
      ],
      [RECEIVED, APPROVED, CANCELED],
    ],
  ]
  for (const [label, steps, expected] of cases) {
    it(`sends ${expected.length} message(s) for an order ${label}`, () => {
      const { order, events } = history(steps)
      const messages = customerMessages(order, events)
      assert.equal(messages.length, expected.length, messages.map((m) => m.subject).join(' | '))
      messages.forEach((message, i) => assert.match(message.subject, expected[i] ?? /^$/))
    })
  }

  it('sends both the received and the approved message for an order with nothing to pay', () => {
    const body = exampleOrder({
      items: [{ id: '1001', name: 'Gift', seller: '1', quantity: 1, price: 0 }],
      shippingData: {
        ...exampleOrder().shippingData,
        logisticsInfo: [{ itemIndex: 0, selectedSla: 'Normal', price: 0, shippingEstimate: '1d' }],
      },
      paymentData: { payments: [] },
    })
    const order = only(builtGroup(body))
    const placed = conclude(sellerAccepts(start(order, ctxAt(T0)), ctxAt(T0)))
    const events = eventsOf(placed).map((event, i) => ({
      ...event,
      id: i + 1,
      account: 'acme',
      orderId: order.orderId,
      orderVersion: 1,
      origin: { account: 'acme', key: 'acme-key' },
    }))
    const messages = customerMessages(orderOf(placed), events)
    assert.equal(messages.length, 2)
    assert.match(messages[0]?.subject ?? '', RECEIVED)
    assert.match(messages[1]?.subject ?? '', APPROVED)
    assert.notEqual(messages[0]?.id, messages[1]?.id)
  })
})
