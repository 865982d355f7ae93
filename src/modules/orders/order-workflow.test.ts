// Unit tests of the workflow engine: every edge through fire, start, timeouts, stamps, instances, record, conclude.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { denyCancellation, marketplaceAsks } from '../cancellation/cancellation.ts'
import type { Order } from './order.ts'
import type { EventData, OrderEventDraft } from './order-event.ts'
import {
  canTake,
  definitionOf,
  instanceOf,
  ORDER_FLOWS,
  statusesOf,
  type OrderFlow,
  ORDER_STATUSES,
  TRIGGERS,
  WORKFLOW,
  type OrderStatus,
  type Trigger,
} from './order-status.ts'
import {
  after,
  approved,
  assertLegalDecision,
  builtGroup,
  canceled,
  ctxAt,
  deepFreeze,
  edges,
  expectError,
  handling,
  orderAt,
  orderIn,
  orderOf,
  placed,
  ready,
  requested,
  sellerHandling,
  T0,
  T_APPROVED,
  T_GRACE_END,
  T_HANDLING,
  T_IN_WINDOW,
  T_LATER,
  TABLE_EDGES,
  timeoutJob,
} from '../../../test/rules.ts'
import {
  conclude,
  decidedAt,
  decide,
  draftOf,
  fire,
  fireTo,
  record,
  settle,
  start,
  type Draft,
} from './order-workflow.ts'

/** The order an edge is taken from: a cancellation request remembers which status it interrupted. */
function orderFor(flow: OrderFlow, from: OrderStatus, trigger: Trigger): Order {
  if (from !== 'cancellation-requested' || trigger !== 'resume-handling') return orderIn(flow, from)
  if (flow === 'complete') return requested('handling')
  return orderOf(decide(sellerHandling(), ctxAt(T_HANDLING), marketplaceAsks('req-mkt', null, false)))
}

const DATES = ['authorizedDate', 'invoicedDate'] as const

describe('fire: every edge of every flow', () => {
  for (const { flow, from, trigger, to } of TABLE_EDGES) {
    it(`${flow}: ${from} --${trigger}--> ${to}`, () => {
      const order = orderFor(flow, from, trigger)
      assert.equal(order.workflow.flow, flow)
      const ctx = ctxAt(T_LATER)
      const draft = fire(draftOf(order), trigger, ctx)
      assert.equal(draft.before, order)
      assert.deepEqual(draft.events[0], {
        kind: 'transition',
        data: {},
        domain: instanceOf(to, order.workflow.domain, flow),
        state: to,
        lastState: from,
        lastChange: order.workflow.lastTransitionAt,
        currentChange: T_LATER,
      })
      assertLegalDecision(order, conclude(draft), T_LATER)
      // Entering a status that stamps a date sets it to now, if it is not set yet; no other date moves.
      const entered = draft.events.map((e) => e.state)
      for (const date of DATES) {
        const stamped = entered.some((s) => definitionOf(s, flow).stamps === date) && order[date] === null
        assert.equal(draft.order[date], stamped ? T_LATER : order[date], date)
      }
    })
  }
})

describe('fire: no other edge', () => {
  it('refuses every (status, trigger) pair a flow does not hold with INVALID_TRANSITION', () => {
    let refused = 0
    let held = 0
    for (const flow of ORDER_FLOWS) {
      for (const from of statusesOf(flow)) {
        const order = orderIn(flow, from)
        for (const trigger of TRIGGERS) {
          if (canTake(from, trigger, flow)) {
            held += 1
            continue
          }
          expectError(() => fire(draftOf(order), trigger, ctxAt(T_LATER)), 'INVALID_TRANSITION')
          refused += 1
        }
      }
    }
    assert.equal(held, TABLE_EDGES.length)
    assert.ok(refused > 0)
  })
})

describe('fireTo', () => {
  // Where a status has one edge to the target, fireTo takes exactly that edge.
  for (const { flow, from, trigger, to } of TABLE_EDGES) {
    it(`${flow}: goes from ${from} to ${to} as --${trigger}-->`, () => {
      const order = orderFor(flow, from, trigger)
      const ctx = ctxAt(T_LATER)
      assert.deepEqual(fireTo(draftOf(order), to, ctx), fire(draftOf(order), trigger, ctx))
    })
  }

  it('refuses a target no edge of the current status leads to, with INVALID_TRANSITION', () => {
    for (const flow of ORDER_FLOWS) {
      for (const from of statusesOf(flow)) {
        const order = orderIn(flow, from)
        const targets = new Set(Object.values(definitionOf(from, flow).on))
        for (const to of ORDER_STATUSES.filter((s) => !targets.has(s))) {
          expectError(() => fireTo(draftOf(order), to, ctxAt(T_LATER)), 'INVALID_TRANSITION')
        }
      }
    }
  })
})

describe('start', () => {
  it('walks order-created -> on-order-completed -> waiting-for-authorization, one transition each, in Marketplace', () => {
    // Seller 1's order is the store's own; seller partner's the store sold for its seller.
    for (const [order, flow] of builtGroup().map(
      (o, i) => [o, i === 0 ? 'complete' : 'marketplace'] as const,
    )) {
      assert.equal(order.status, 'order-created')
      assert.deepEqual(order.workflow, {
        flow,
        domain: 'Marketplace',
        instances: {},
        lastTransitionAt: null,
        deadline: null,
      })
      const draft = start(order, ctxAt(T0))
      assert.equal(draft.before, order)
      const transition = (state: OrderStatus, lastState: OrderStatus | null, lastChange: string | null) => ({
        kind: 'transition',
        data: {},
        domain: 'Marketplace',
        state,
        lastState,
        lastChange,
        currentChange: T0,
      })
      assert.deepEqual(draft.events, [
        transition('order-created', null, null),
        transition('on-order-completed', 'order-created', T0),
        transition('waiting-for-authorization', 'on-order-completed', T0),
      ])
      assert.equal(draft.order.status, 'waiting-for-authorization')
      assert.deepEqual(draft.order.workflow, {
        flow,
        domain: 'Marketplace',
        instances: { Marketplace: 'waiting-for-authorization' },
        lastTransitionAt: T0,
        deadline: { trigger: 'cancel', dueAt: after(T0, 30 * 24 * 60) },
      })
      // Only the workflow moved: the version is the write path's, the payments the notification's.
      assert.deepEqual({ ...draft.order, status: order.status, workflow: order.workflow }, order)
      const decision = conclude(draft)
      assert.equal(decision.changed, true)
      assert.equal(decision.order.lastChange, T0)
    }
  })
})

describe('timeouts', () => {
  const toWindow = (minutes: number): Draft =>
    fire(draftOf(placed()), 'approve-payment', ctxAt(T_APPROVED, minutes))

  for (const minutes of [1, 30, 43_200]) {
    it(`sets the deadline on entering window-to-cancel ${minutes} minutes ahead`, () => {
      const { order } = toWindow(minutes)
      assert.equal(order.status, 'window-to-cancel')
      assert.deepEqual(order.workflow.deadline, {
        trigger: 'end-grace-period',
        dueAt: after(T_APPROVED, minutes),
      })
    })
  }

  it('leaves a timeout that is not due yet alone, even one millisecond before', () => {
    const order = approved()
    const justBefore = new Date(Date.parse(T_GRACE_END) - 1).toISOString()
    const draft = draftOf(order)
    assert.equal(settle(draft, ctxAt(justBefore)), draft)
    assert.deepEqual(decide(order, ctxAt(justBefore), timeoutJob), { changed: false, order })
  })

  for (const [label, now] of [
    ['exactly when it is due', T_GRACE_END],
    ['after it is due', after(T_GRACE_END, 90)],
  ] as const) {
    it(`takes window-to-cancel to ready-for-handling ${label}`, () => {
      const order = approved()
      const draft = settle(draftOf(order), ctxAt(now))
      assert.deepEqual(draft.events, [
        {
          kind: 'transition',
          data: {},
          domain: 'Fulfillment',
          state: 'ready-for-handling',
          lastState: 'window-to-cancel',
          lastChange: T_APPROVED,
          currentChange: now,
        },
      ])
      assert.equal(draft.order.workflow.deadline, null)
      assertLegalDecision(order, conclude(draft), now)
    })
  }

  it('takes a due timeout only where the status has one, and leaves every other order alone', () => {
    for (const status of ORDER_STATUSES) {
      const draft = draftOf(orderAt(status))
      const settled = settle(draft, ctxAt(T_LATER))
      // Three days on, only the grace period is over: the 30 days to authorize fulfilment are not.
      if (status === 'window-to-cancel') {
        assert.deepEqual(edges(conclude(settled)), [['window-to-cancel', 'ready-for-handling']])
      } else assert.equal(settled, draft, status)
    }
  })

  it('cancels an order unpaid for 30 days as the system, voiding its shares, and not a moment before', () => {
    const order = placed()
    const due = after(T0, 30 * 24 * 60)
    assert.deepEqual(order.workflow.deadline, { trigger: 'cancel', dueAt: due })
    const justBefore = new Date(Date.parse(due) - 1).toISOString()
    assert.deepEqual(decide(order, ctxAt(justBefore), timeoutJob), { changed: false, order })
    const decision = decide(order, ctxAt(due), timeoutJob)
    assertLegalDecision(order, decision, due)
    assert.deepEqual(edges(decision), [
      ['payment-pending', 'cancel'],
      ['cancel', 'canceled'],
    ])
    assert.deepEqual(decision.order.cancellation, {
      reason: 'Fulfillment was not authorized within 30 days.',
      requestedByUser: false,
      requestedBySystem: true,
      requestedBySellerNotification: false,
      requestedByPaymentNotification: false,
      date: due,
      requestId: null,
    })
    const shares = order.payment.payments.filter((p) => p.share > 0)
    assert.ok(shares.length > 0)
    assert.deepEqual(
      decision.order.payment.entries.map((e) => [e.type, e.paymentId, e.value]),
      shares.map((p) => ['void', p.id, p.share]),
    )
  })

  it('gives an order waiting for its seller the same 30 days', () => {
    const [order] = builtGroup()
    assert.ok(order)
    const waiting = start(order, ctxAt(T0)).order
    assert.equal(waiting.status, 'waiting-for-authorization')
    const due = after(T0, 30 * 24 * 60)
    assert.deepEqual(waiting.workflow.deadline, { trigger: 'cancel', dueAt: due })
    const decision = decide(deepFreeze(waiting), ctxAt(due), timeoutJob)
    assert.equal(decision.order.status, 'canceled')
    assert.equal(decision.order.cancellation?.requestedBySystem, true)
  })

  it('changes nothing when the timeout job runs again after the grace period ended', () => {
    const order = ready()
    assert.deepEqual(decide(order, ctxAt(T_LATER), timeoutJob), { changed: false, order })
  })

  it('keeps the deadline it set when the setting changes later', () => {
    const order = approved(30)
    assert.deepEqual(decide(order, ctxAt(T_IN_WINDOW, 0), timeoutJob), { changed: false, order })
  })

  it('passes a 0-minute timeout at once and leaves no deadline', () => {
    const { order, events } = toWindow(0)
    assert.deepEqual(
      events.map((e) => [e.lastState, e.state]),
      [
        ['payment-pending', 'approve-payment'],
        ['approve-payment', 'payment-approved'],
        ['payment-approved', 'authorize-fulfillment'],
        ['authorize-fulfillment', 'window-to-cancel'],
        ['window-to-cancel', 'ready-for-handling'],
      ],
    )
    assert.equal(order.status, 'ready-for-handling')
    assert.equal(order.workflow.deadline, null)
  })

  for (const trigger of ['end-grace-period', 'cancel'] as const) {
    it(`clears the deadline when the order leaves window-to-cancel by ${trigger}`, () => {
      const { order } = fire(draftOf(approved()), trigger, ctxAt(T_IN_WINDOW))
      assert.equal(order.workflow.deadline, null)
    })
  }
})

describe('stamps', () => {
  it('stamps authorizedDate on entering payment-approved, and keeps it afterwards', () => {
    const order = placed()
    assert.equal(order.authorizedDate, null)
    const { order: approvedOrder } = fire(draftOf(order), 'approve-payment', ctxAt(T_APPROVED))
    assert.equal(approvedOrder.authorizedDate, T_APPROVED)
    const later = settle(draftOf(deepFreeze(approvedOrder)), ctxAt(T_LATER)).order
    assert.equal(later.status, 'ready-for-handling')
    assert.equal(later.authorizedDate, T_APPROVED)
  })

  it('stamps invoicedDate on entering invoiced', () => {
    const order = handling()
    assert.equal(order.invoicedDate, null)
    assert.equal(fire(draftOf(order), 'invoice', ctxAt(T_LATER)).order.invoicedDate, T_LATER)
  })
})

describe('workflow instances', () => {
  const cases: Array<[string, () => Order, Order['workflow']['instances'], Order['workflow']['domain']]> = [
    ['started', placed, { Marketplace: 'payment-pending' }, 'Marketplace'],
    [
      'approved',
      () => approved(),
      { Marketplace: 'payment-approved', Fulfillment: 'window-to-cancel' },
      'Fulfillment',
    ],
    [
      'with a request from handling',
      () => requested('handling'),
      { Marketplace: 'request-cancel', Fulfillment: 'cancellation-requested' },
      'Fulfillment',
    ],
    [
      'whose request from handling was denied',
      () => orderOf(decide(requested('handling'), ctxAt(T_LATER), denyCancellation('req-1', null))),
      { Marketplace: 'payment-approved', Fulfillment: 'handling' },
      'Fulfillment',
    ],
    ['canceled while payment-pending', canceled, { Marketplace: 'canceled' }, 'Marketplace'],
    [
      'canceled while handling',
      () => orderOf(conclude(fire(draftOf(handling()), 'cancel', ctxAt(T_LATER)))),
      { Marketplace: 'canceled', Fulfillment: 'canceled' },
      'Fulfillment',
    ],
  ]
  for (const [label, make, instances, domain] of cases) {
    it(`records where each instance stands for an order ${label}`, () => {
      const order = make()
      assert.deepEqual(order.workflow.instances, instances)
      assert.equal(order.workflow.domain, domain)
    })
  }

  // cancel and canceled belong to whichever instance runs when the order is canceled.
  for (const [label, make, running] of [
    ['payment-pending', placed, 'Marketplace'],
    ['ready-for-handling', ready, 'Fulfillment'],
    ['cancellation-requested', () => requested('handling'), 'Fulfillment'],
  ] as const) {
    it(`records cancel and canceled in the running ${running} instance from ${label}`, () => {
      const draft = fire(draftOf(make()), 'cancel', ctxAt(T_LATER))
      assert.deepEqual(
        draft.events.map((e) => [e.state, e.domain]),
        [
          ['cancel', running],
          ['canceled', running],
        ],
      )
    })
  }

  it('names the instance of each status as the domain of its event, whatever runs', () => {
    for (const status of ORDER_STATUSES) {
      const { instance } = WORKFLOW[status]
      for (const running of ['Marketplace', 'Fulfillment'] as const) {
        assert.equal(instanceOf(status, running), instance === 'running' ? running : instance)
      }
    }
  })
})

describe('record', () => {
  const data: { [K in Exclude<keyof EventData, 'transition'>]: EventData[K] } = {
    payment: { paymentId: 'P1', action: 'approval', value: 100 },
    'cancellation-request': { requestId: 'req-1', action: 'requested', reason: null },
    interaction: { source: 'ERP', message: 'Imported' },
    invoice: {
      action: 'issued',
      invoiceType: 'Output',
      invoiceNumber: 'NF-1',
      invoiceValue: 100,
      receipt: 'r-1',
      ignored: [],
    },
    tracking: {
      action: 'tracking-number',
      invoiceNumber: 'NF-1',
      courier: 'Carrier',
      trackingNumber: 'TR-1',
      isDelivered: false,
      newEvents: 0,
    },
    change: {
      requestId: 'change-1',
      receipt: 'r-2',
      reason: 'Stock shortage',
      discountValue: 100,
      incrementValue: 0,
      itemsAdded: [],
      itemsRemoved: [],
      valueChange: -100,
    },
    'seller-change': { previousSellerId: 'partner', sellerId: 'other' },
    modification: {
      requestId: 'm-1',
      action: 'requested',
      status: 'waiting-acknowledgement',
      valueChange: null,
      message: null,
    },
  }
  for (const kind of Object.keys(data) as (keyof typeof data)[]) {
    it(`records a ${kind} event with the order where it stands and its previous change`, () => {
      const order = handling()
      const changed = deepFreeze({ ...order, followUpEmail: 'x@example.com' })
      const draft = draftOf(order)
      const recorded = record(draft, changed, kind, data[kind], ctxAt(T_LATER))
      assert.equal(recorded.before, order)
      assert.equal(recorded.order, changed)
      assert.deepEqual(recorded.events, [
        {
          kind,
          data: data[kind],
          domain: 'Fulfillment',
          state: 'handling',
          lastState: 'handling',
          lastChange: order.lastChange,
          currentChange: T_LATER,
        } as OrderEventDraft,
      ])
      assert.deepEqual(draft.events, [])
    })
  }
})

describe('conclude', () => {
  it('leaves an order without events unchanged: the very object it was given', () => {
    for (const status of ORDER_STATUSES) {
      const order = orderAt(status)
      const decision = conclude(draftOf(order))
      assert.equal(decision.changed, false)
      assert.equal(decision.order, order)
    }
  })

  it('turns a draft with events into a change, dated by its events', () => {
    const order = ready()
    const draft = fire(draftOf(order), 'start-handling', ctxAt(T_HANDLING))
    const decision = conclude(draft)
    assert.ok(decision.changed)
    assert.deepEqual(decision.events, draft.events)
    // lastChange is Get order's: the write path moves it when the rendered document moves.
    assert.deepEqual(decision.order, draft.order)
    assert.equal(decidedAt(decision), T_HANDLING)
    assert.equal(decidedAt(conclude(draftOf(order))), order.lastChange)
  })

  it('refuses a draft whose order changed without an event', () => {
    const order = placed()
    const draft: Draft = { before: order, order: { ...order, followUpEmail: 'x@example.com' }, events: [] }
    assert.throws(() => conclude(draft), /without recording an event/)
  })
})

describe('decide', () => {
  it('runs the rule on the order with its due timeouts taken, then concludes', () => {
    const order = approved()
    let seen: Draft | undefined
    const decision = decide(order, ctxAt(T_LATER), (draft) => {
      seen = draft
      return draft
    })
    assert.equal(seen?.before, order)
    assert.equal(seen?.order.status, 'ready-for-handling')
    assert.deepEqual(edges(decision), [['window-to-cancel', 'ready-for-handling']])
    assertLegalDecision(order, decision, T_LATER)
  })
})
