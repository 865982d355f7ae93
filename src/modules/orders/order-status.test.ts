// Unit tests of the workflow table: every edge it holds, no edge it does not, instances, finals, labels, timeouts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  allowsCancellation,
  canTake,
  definitionOf,
  instanceOf,
  ORDER_FLOWS,
  statusesOf,
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
  ['waiting-seller-handling', 'invoice', 'invoice'],
  ['waiting-seller-handling', 'cancel', 'cancel'],
  ['waiting-seller-handling', 'request-cancel', 'request-cancel'],
  ['window-to-change-seller', 'change-seller', 'waiting-for-authorization'],
  ['window-to-change-seller', 'deny-payment', 'payment-denied'],
  ['window-to-change-seller', 'cancel', 'cancel'],
  ['order-accepted', 'auto', 'on-order-completed-ffm'],
  ['on-order-completed-ffm', 'auto', 'waiting-ffmt-authorization'],
  ['waiting-ffmt-authorization', 'authorize-fulfillment', 'authorize-fulfillment'],
  ['waiting-ffmt-authorization', 'cancel', 'cancel'],
  ['waiting-for-seller-decision', 'cancel', 'cancel'],
  ['waiting-for-seller-decision', 'resume-payment-approved', 'payment-approved'],
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

  it('reaches every status in some flow, and a final status from every status of each flow', () => {
    const reachable = new Set(ORDER_FLOWS.flatMap((flow) => statusesOf(flow)))
    assert.deepEqual([...reachable].sort(), [...ORDER_STATUSES].sort())
    for (const flow of ORDER_FLOWS) {
      for (const from of statusesOf(flow)) {
        const seen = new Set<OrderStatus>([from])
        const queue: OrderStatus[] = [from]
        while (queue.length > 0) {
          const at = queue.shift() as OrderStatus
          for (const to of Object.values(definitionOf(at, flow).on)) {
            if (to && !seen.has(to)) {
              seen.add(to)
              queue.push(to)
            }
          }
        }
        assert.ok(seen.has('invoiced') || seen.has('canceled'), `${flow}: ${from} cannot end`)
      }
    }
  })

  it('lets an order be canceled or its cancellation requested exactly where it rests before invoicing', () => {
    const CANCELABLE = [
      'waiting-for-authorization',
      'payment-pending',
      'waiting-seller-handling',
      'window-to-change-seller',
      'waiting-ffmt-authorization',
      'window-to-cancel',
      'ready-for-handling',
      'handling',
      'waiting-for-seller-decision',
      'cancellation-requested',
    ]
    assert.deepEqual(
      ORDER_STATUSES.filter((s) => canTake(s, 'cancel')),
      CANCELABLE,
    )
    assert.deepEqual(
      ORDER_STATUSES.filter((s) => canTake(s, 'request-cancel')),
      ['waiting-seller-handling', 'ready-for-handling', 'handling'],
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
    'waiting-ffmt-authorization': {
      trigger: 'cancel',
      after: { days: 30 },
      reason: 'Fulfillment was not authorized within 30 days.',
    },
    'window-to-cancel': { trigger: 'end-grace-period', after: 'cancellationGracePeriodMinutes' },
    'window-to-change-seller': {
      trigger: 'cancel',
      after: 'windowToChangeSellerDays',
      reason:
        'The seller canceled the order, and no other seller took it within the window to change seller.',
    },
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
    'waiting-seller-handling': 'Marketplace',
    'window-to-change-seller': 'Marketplace',
    'order-accepted': 'Fulfillment',
    'on-order-completed-ffm': 'Fulfillment',
    'waiting-ffmt-authorization': 'Fulfillment',
    'authorize-fulfillment': 'Fulfillment',
    'window-to-cancel': 'Fulfillment',
    'ready-for-handling': 'Fulfillment',
    'start-handling': 'Fulfillment',
    handling: 'Fulfillment',
    invoice: 'Fulfillment',
    invoiced: 'Fulfillment',
    'request-cancel': 'Marketplace',
    'waiting-for-seller-decision': 'Marketplace',
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
    'waiting-seller-handling': 'Aguardando o seller',
    'window-to-change-seller': 'Janela para mudança de seller',
    'order-accepted': 'Pedido aceito',
    'on-order-completed-ffm': 'Pedido completado',
    'waiting-ffmt-authorization': 'Aguardando autorização para despachar',
    'authorize-fulfillment': 'Autorizar despacho',
    'window-to-cancel': 'Janela para cancelamento',
    'ready-for-handling': 'Pronto para o manuseio',
    'start-handling': 'Iniciar manuseio',
    handling: 'Preparando Entrega',
    invoice: 'Verificando nota fiscal',
    invoiced: 'Faturado',
    'request-cancel': 'Cancelamento solicitado',
    'waiting-for-seller-decision': 'Aguardando decisão do seller',
    'cancellation-requested': 'Cancelamento solicitado',
    cancel: 'Cancelando',
    canceled: 'Cancelado',
  }
  it('gives every status its Portuguese VTEX label', () => {
    assert.deepEqual(Object.fromEntries(ORDER_STATUSES.map((s) => [s, WORKFLOW[s].label])), LABELS)
  })

  it('recognises exactly the twenty-four statuses', () => {
    assert.equal(ORDER_STATUSES.length, 24)
    for (const status of ORDER_STATUSES) assert.equal(isOrderStatus(status), true)
    for (const other of ['', 'Handling', 'cancelled', 'invoiced ', 'ready_for_handling', 'payment-approve']) {
      assert.equal(isOrderStatus(other), false, other)
    }
  })
})

describe('the flows', () => {
  it('reach each its own statuses from where it starts', () => {
    assert.deepEqual(statusesOf('complete'), [
      'order-created',
      'on-order-completed',
      'waiting-for-authorization',
      'payment-pending',
      'approve-payment',
      'payment-denied',
      'payment-approved',
      'authorize-fulfillment',
      'window-to-cancel',
      'ready-for-handling',
      'start-handling',
      'handling',
      'invoice',
      'invoiced',
      'request-cancel',
      'cancellation-requested',
      'cancel',
      'canceled',
    ])
    assert.deepEqual(statusesOf('marketplace'), [
      'order-created',
      'on-order-completed',
      'waiting-for-authorization',
      'payment-pending',
      'approve-payment',
      'payment-denied',
      'payment-approved',
      'waiting-seller-handling',
      'window-to-change-seller',
      'invoice',
      'invoiced',
      'request-cancel',
      'waiting-for-seller-decision',
      'cancel',
      'canceled',
    ])
    assert.deepEqual(statusesOf('seller'), [
      'order-accepted',
      'on-order-completed-ffm',
      'waiting-ffmt-authorization',
      'authorize-fulfillment',
      'window-to-cancel',
      'ready-for-handling',
      'start-handling',
      'handling',
      'invoice',
      'invoiced',
      'cancellation-requested',
      'cancel',
      'canceled',
    ])
  })

  it('differ from the complete flow where a seller of another account fulfils the order', () => {
    // The marketplace waits for its seller, asks it to cancel, and is invoiced by it.
    assert.equal(nextStatus('payment-approved', 'auto', 'marketplace'), 'waiting-seller-handling')
    assert.equal(nextStatus('request-cancel', 'auto', 'marketplace'), 'waiting-for-seller-decision')
    assert.equal(instanceOf('invoice', 'Fulfillment', 'marketplace'), 'Marketplace')
    assert.equal(instanceOf('invoiced', 'Fulfillment', 'marketplace'), 'Marketplace')
    // The seller takes the marketplace's request to cancellation-requested, and is authorized by it.
    assert.equal(nextStatus('ready-for-handling', 'request-cancel', 'seller'), 'cancellation-requested')
    assert.equal(nextStatus('handling', 'request-cancel', 'seller'), 'cancellation-requested')
    assert.equal(definitionOf('authorize-fulfillment', 'seller').stamps, 'authorizedDate')
    for (const flow of ORDER_FLOWS) {
      for (const status of ORDER_STATUSES)
        assert.equal(definitionOf(status, flow).label, WORKFLOW[status].label)
    }
  })
})
