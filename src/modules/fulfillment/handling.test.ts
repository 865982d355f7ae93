// Unit tests of start handling, run through decide() as the write path runs it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorStatus } from '../../platform/http-errors.ts'
import { renderDocument } from '../orders/order-document.ts'
import { canTake, ORDER_STATUSES } from '../orders/order-status.ts'
import {
  after,
  approved,
  assertLegalDecision,
  ctxAt,
  edges,
  eventsOf,
  expectError,
  orderAt,
  ready,
  T_GRACE_END,
  T_HANDLING,
  T_IN_WINDOW,
} from '../../../test/rules.ts'
import { decide } from '../orders/order-workflow.ts'
import { startHandling } from './handling.ts'

describe('startHandling', () => {
  it('moves ready-for-handling through start-handling to handling, in Fulfillment', () => {
    const order = ready()
    const decision = decide(order, ctxAt(T_HANDLING), startHandling)
    assertLegalDecision(order, decision, T_HANDLING)
    assert.deepEqual(eventsOf(decision), [
      {
        kind: 'transition',
        data: {},
        domain: 'Fulfillment',
        state: 'start-handling',
        lastState: 'ready-for-handling',
        lastChange: T_GRACE_END,
        currentChange: T_HANDLING,
      },
      {
        kind: 'transition',
        data: {},
        domain: 'Fulfillment',
        state: 'handling',
        lastState: 'start-handling',
        lastChange: T_HANDLING,
        currentChange: T_HANDLING,
      },
    ])
    const document = renderDocument(decision.order)
    assert.equal(document.statusDescription, 'Preparando Entrega')
    assert.equal(document.allowCancellation, true)
  })

  it('refuses every other status with NOT_READY_FOR_HANDLING (409, VTEX OMS003)', () => {
    for (const status of ORDER_STATUSES) {
      if (canTake(status, 'start-handling')) continue
      // Inside the grace window: a window-to-cancel order is not ready yet.
      expectError(() => decide(orderAt(status), ctxAt(T_IN_WINDOW), startHandling), 'NOT_READY_FOR_HANDLING')
    }
    assert.deepEqual(
      ORDER_STATUSES.filter((s) => canTake(s, 'start-handling')),
      ['ready-for-handling'],
    )
    assert.equal(errorStatus('NOT_READY_FOR_HANDLING'), 409)
  })

  it('counts a grace period that is over as ended before its timeout job runs: handling starts', () => {
    const order = approved()
    const decision = decide(order, ctxAt(T_GRACE_END), startHandling)
    assert.deepEqual(edges(decision), [
      ['window-to-cancel', 'ready-for-handling'],
      ['ready-for-handling', 'start-handling'],
      ['start-handling', 'handling'],
    ])
    assertLegalDecision(order, decision, T_GRACE_END)
    assert.equal(decision.order.workflow.deadline, null)
    expectError(() => decide(order, ctxAt(after(T_GRACE_END, -1)), startHandling), 'NOT_READY_FOR_HANDLING')
  })
})
