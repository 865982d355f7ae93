// Unit tests of the workflow table: every edge it holds, no edge it does not, instances, finals, labels, timeouts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  allowsCancellation,
  canTake,
  instanceOf,
  isOrderStatus,
  nextStatus,
  ORDER_STATUSES,
  TRIGGERS,
  WORKFLOW,
  WORKFLOW_INSTANCES,
  type OrderStatus,
  type StatusDefinition,
  type Trigger,
} from './order-status.ts'

/** The workflow of the issue, written out independently of WORKFLOW: [from, trigger, to]. */
const EXPECTED_EDGES: ReadonlyArray<readonly [OrderStatus, Trigger, OrderStatus]> = [
  ['order-created', 'auto', 'on-order-completed'],
  ['on-order-completed', 'auto', 'waiting-for-authorization'],
  ['waiting-for-authorization', 'authorize-order', 'payment-pending'],
  ['waiting-for-authorization', 'deny-payment', 'payment-denied'],
  ['waiting-for-authorization', 'cancel', 'cancel'],
  ['payment-pending', 'approve-payment', 'approve-payment'],
  ['payment-pending', 'deny-payment', 'payment-denied'],
  ['payment-pending', 'cancel', 'cancel'],
  ['approve-payment', 'auto', 'payment-approved'],
  ['payment-denied', 'auto', 'cancel'],
  ['payment-approved', 'auto', 'authorize-fulfillment'],
  ['authorize-fulfillment', 'auto', 'window-to-cancel'],
  ['window-to-cancel', 'end-grace-period', 'ready-for-handling'],
  ['window-to-cancel', 'cancel', 'cancel'],
  ['ready-for-handling', 'start-handling', 'start-handling'],
  ['ready-for-handling', 'cancel', 'cancel'],
  ['ready-for-handling', 'request-cancel', 'request-cancel'],
  ['start-handling', 'auto', 'handling'],
  ['handling', 'invoice', 'invoice'],
  ['handling', 'cancel', 'cancel'],
  ['handling', 'request-cancel', 'request-cancel'],
  ['invoice', 'auto', 'invoiced'],
  ['request-cancel', 'auto', 'cancellation-requested'],
  ['cancellation-requested', 'cancel', 'cancel'],
  ['cancellation-requested', 'resume-ready-for-handling', 'ready-for-handling'],
  ['cancellation-requested', 'resume-handling', 'handling'],
  ['cancel', 'auto', 'canceled'],
]

const expectedTarget = (from: OrderStatus, trigger: Trigger): OrderStatus | undefined =>
  EXPECTED_EDGES.find(([f, t]) => f === from && t === trigger)?.[2]

const targets = (from: OrderStatus): OrderStatus[] =>
  Object.values(WORKFLOW[from].on).filter((to) => to !== undefined)

describe('workflow table', () => {
  for (const [from, trigger, to] of EXPECTED_EDGES) {
    it(`${from} --${trigger}--> ${to}`, () => {
      assert.equal(WORKFLOW[from].on[trigger], to)
      assert.equal(nextStatus(from, trigger), to)
      assert.equal(canTake(from, trigger), true)
    })
  }

  it('holds no edge besides the expected ones, for every status and every trigger', () => {
    let refused = 0
    for (const from of ORDER_STATUSES) {
      for (const trigger of TRIGGERS) {
        if (expectedTarget(from, trigger) !== undefined) continue
        assert.equal(nextStatus(from, trigger), undefined, `${from} --${trigger}-->`)
        assert.equal(canTake(from, trigger), false, `${from} --${trigger}-->`)
        refused += 1
      }
    }
    assert.equal(refused, ORDER_STATUSES.length * TRIGGERS.length - EXPECTED_EDGES.length)
    const tableEdges = ORDER_STATUSES.flatMap((from) =>
      Object.keys(WORKFLOW[from].on).map((t) => `${from}/${t}`),
    )
    assert.equal(tableEdges.length, EXPECTED_EDGES.length)
  })

  it('names only known triggers and statuses', () => {
    assert.deepEqual(Object.keys(WORKFLOW).sort(), [...ORDER_STATUSES].sort())
    for (const from of ORDER_STATUSES) {
      for (const [trigger, to] of Object.entries(WORKFLOW[from].on)) {
        assert.ok((TRIGGERS as readonly string[]).includes(trigger), `${from}: unknown trigger ${trigger}`)
        assert.ok(to !== undefined && isOrderStatus(to), `${from} --${trigger}--> unknown status ${to}`)
      }
    }
  })

  it('gives a transient status its automatic edge and nothing else', () => {
    for (const from of ORDER_STATUSES) {
      if (!canTake(from, 'auto')) continue
      assert.deepEqual(Object.keys(WORKFLOW[from].on), ['auto'], from)
    }
  })

  it('has exactly two final statuses, and they are final', () => {
    assert.deepEqual(
      ORDER_STATUSES.filter((s) => Object.keys(WORKFLOW[s].on).length === 0),
      ['invoiced', 'canceled'],
    )
    for (const trigger of TRIGGERS) {
      assert.equal(canTake('invoiced', trigger), false)
      assert.equal(canTake('canceled', trigger), false)
    }
  })

  it('reaches every status from order-created, and a final status from every status', () => {
    const reachable = new Set<OrderStatus>(['order-created'])
    for (let grew = true; grew;) {
      grew = false
      for (const from of reachable) {
        for (const to of targets(from)) {
          if (!reachable.has(to)) {
            reachable.add(to)
            grew = true
          }
        }
      }
    }
    assert.deepEqual([...reachable].sort(), [...ORDER_STATUSES].sort())
    for (const from of ORDER_STATUSES) {
      const seen = new Set<OrderStatus>([from])
      const queue: OrderStatus[] = [from]
      while (queue.length > 0) {
        const at = queue.shift() as OrderStatus
        for (const to of targets(at)) {
          if (!seen.has(to)) {
            seen.add(to)
            queue.push(to)
          }
        }
      }
      assert.ok(seen.has('invoiced') || seen.has('canceled'), `${from} cannot end`)
    }
  })

  it('lets an order be canceled or its cancellation requested exactly where it rests before invoicing', () => {
    const CANCELABLE = [
      'waiting-for-authorization',
      'payment-pending',
      'window-to-cancel',
      'ready-for-handling',
      'handling',
      'cancellation-requested',
    ]
    assert.deepEqual(
      ORDER_STATUSES.filter((s) => canTake(s, 'cancel')),
      CANCELABLE,
    )
    assert.deepEqual(
      ORDER_STATUSES.filter((s) => canTake(s, 'request-cancel')),
      ['ready-for-handling', 'handling'],
    )
    // VTEX's allowCancellation: either way of canceling is open.
    for (const status of ORDER_STATUSES) {
      assert.equal(allowsCancellation(status), CANCELABLE.includes(status), status)
    }
  })
})

describe('timeouts and stamped dates', () => {
  const TIMEOUTS: { [S in OrderStatus]?: StatusDefinition['timeout'] } = {
    'waiting-for-authorization': {
      trigger: 'cancel',
      after: { days: 30 },
      reason: 'Fulfillment was not authorized within 30 days.',
    },
    'payment-pending': {
      trigger: 'cancel',
      after: { days: 30 },
      reason: 'Fulfillment was not authorized within 30 days.',
    },
    'window-to-cancel': { trigger: 'end-grace-period', after: 'cancellationGracePeriodMinutes' },
  }
  const STAMPS: { [S in OrderStatus]?: StatusDefinition['stamps'] } = {
    'payment-approved': 'authorizedDate',
    invoiced: 'invoicedDate',
  }
  for (const status of ORDER_STATUSES) {
    it(`${status}: timeout ${TIMEOUTS[status]?.trigger ?? 'none'}, stamps ${STAMPS[status] ?? 'nothing'}`, () => {
      assert.deepEqual(WORKFLOW[status].timeout, TIMEOUTS[status])
      assert.equal(WORKFLOW[status].stamps, STAMPS[status])
    })
  }

  it('times out only along an edge of the status, never from a transient one', () => {
    for (const status of ORDER_STATUSES) {
      const { timeout } = WORKFLOW[status]
      if (!timeout) continue
      assert.equal(canTake(status, timeout.trigger), true, status)
      assert.equal(canTake(status, 'auto'), false, status)
    }
  })
})

describe('workflow instances', () => {
  const EXPECTED_INSTANCE: { [S in OrderStatus]: StatusDefinition['instance'] } = {
    'order-created': 'Marketplace',
    'on-order-completed': 'Marketplace',
    'waiting-for-authorization': 'Marketplace',
    'payment-pending': 'Marketplace',
    'approve-payment': 'Marketplace',
    'payment-denied': 'Marketplace',
    'payment-approved': 'Marketplace',
    'authorize-fulfillment': 'Fulfillment',
    'window-to-cancel': 'Fulfillment',
    'ready-for-handling': 'Fulfillment',
    'start-handling': 'Fulfillment',
    handling: 'Fulfillment',
    invoice: 'Fulfillment',
    invoiced: 'Fulfillment',
    'request-cancel': 'Marketplace',
    'cancellation-requested': 'Fulfillment',
    cancel: 'running',
    canceled: 'running',
  }
  for (const status of ORDER_STATUSES) {
    const expected = EXPECTED_INSTANCE[status]
    it(`${status} belongs to ${expected === 'running' ? 'the running instance' : expected}`, () => {
      assert.equal(WORKFLOW[status].instance, expected)
      for (const running of WORKFLOW_INSTANCES) {
        assert.equal(instanceOf(status, running), expected === 'running' ? running : expected)
      }
    })
  }
})

describe('status labels', () => {
  const LABELS: { [S in OrderStatus]: string } = {
    'order-created': 'Pedido Criado',
    'on-order-completed': 'Pedido Completado',
    'waiting-for-authorization': 'Aguardando confirmação do seller',
    'payment-pending': 'Pagamento pendente',
    'approve-payment': 'Aprovar pagamento',
    'payment-denied': 'Pagamento negado',
    'payment-approved': 'Pagamento aprovado',
    'authorize-fulfillment': 'Autorizar despacho',
    'window-to-cancel': 'Janela para cancelamento',
    'ready-for-handling': 'Pronto para o manuseio',
    'start-handling': 'Iniciar manuseio',
    handling: 'Preparando Entrega',
    invoice: 'Verificando nota fiscal',
    invoiced: 'Faturado',
    'request-cancel': 'Cancelamento solicitado',
    'cancellation-requested': 'Cancelamento solicitado',
    cancel: 'Cancelando',
    canceled: 'Cancelado',
  }
  it('gives every status its Portuguese VTEX label', () => {
    assert.deepEqual(Object.fromEntries(ORDER_STATUSES.map((s) => [s, WORKFLOW[s].label])), LABELS)
  })

  it('recognises exactly the eighteen statuses', () => {
    assert.equal(ORDER_STATUSES.length, 18)
    for (const status of ORDER_STATUSES) assert.equal(isOrderStatus(status), true)
    for (const other of ['', 'Handling', 'cancelled', 'invoiced ', 'ready_for_handling', 'payment-approve']) {
      assert.equal(isOrderStatus(other), false, other)
    }
  })
})
