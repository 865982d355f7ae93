// The order workflow as data: every status, the workflow instance it belongs to, its label, its edges, its
// timeout and the date it stamps, and how the marketplace and seller flows differ from the complete flow. The
// engine (order-workflow.ts) reads these tables and knows no status by name.
export const ORDER_STATUSES = [
  'order-created',
  'on-order-completed',
  'waiting-for-authorization',
  'payment-pending',
  'approve-payment',
  'payment-denied',
  'payment-approved',
  'waiting-seller-handling',
  'window-to-change-seller',
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
  'request-cancel',
  'waiting-for-seller-decision',
  'cancellation-requested',
  'cancel',
  'canceled',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const TRIGGERS = [
  /** The platform moves on by itself: the status is transient. */
  'auto',
  /** The seller accepts the order (seller `1`, the store itself, at once). */
  'authorize-order',
  'approve-payment',
  'deny-payment',
  /** The marketplace authorizes its seller to fulfil the order. */
  'authorize-fulfillment',
  'end-grace-period',
  'start-handling',
  'invoice',
  'cancel',
  'request-cancel',
  'resume-ready-for-handling',
  'resume-handling',
  /** The seller denied the marketplace's cancellation request. */
  'resume-payment-approved',
  /** The seller canceled a marketplace order, which waits for another seller. */
  'seller-cancel',
  /** The marketplace gave the order to another seller. */
  'change-seller',
] as const
export type Trigger = (typeof TRIGGERS)[number]

/**
 * Who the account is to the order: `complete` it sells and fulfils it (seller `1`); `marketplace` it sold it and
 * a registered seller fulfils it; `seller` it fulfils an order another account's marketplace sold.
 */
export const ORDER_FLOWS = ['complete', 'marketplace', 'seller'] as const
export type OrderFlow = (typeof ORDER_FLOWS)[number]

/** VTEX runs two workflow instances per order; feed and hook events name theirs as `domain`. */
export const WORKFLOW_INSTANCES = ['Marketplace', 'Fulfillment'] as const
export type WorkflowInstance = (typeof WORKFLOW_INSTANCES)[number]

/** The account settings a status's timeout can depend on; the use case passes them in. */
export interface WorkflowSettings {
  /** Minutes after payment approval in which the customer cancels without the store's approval. */
  cancellationGracePeriodMinutes: number
  /** Days a marketplace order its seller canceled waits for another seller; 0: it is canceled at once. */
  windowToChangeSellerDays: number
}

/** The unit of each setting a timeout takes its length from, in ms. */
export const SETTING_UNIT_MS: { readonly [S in keyof WorkflowSettings]: number } = {
  cancellationGracePeriodMinutes: 60_000,
  windowToChangeSellerDays: 86_400_000,
}

/** Dates of the order that entering a status sets. */
export type StampedDate = 'authorizedDate' | 'invoicedDate'

/** The transactional messages a customer gets (composed by the conversation module). */
export const CUSTOMER_NOTICES = ['order-received', 'payment-approved', 'order-canceled'] as const
export type CustomerNotice = (typeof CUSTOMER_NOTICES)[number]

/** A setting's length (SETTING_UNIT_MS), or a fixed number of days. */
export type TimeoutLength = keyof WorkflowSettings | { readonly days: number }

export interface StatusDefinition {
  /** `running`: the status belongs to whichever instance the order is in (cancellation ends both). */
  readonly instance: WorkflowInstance | 'running'
  /**
   * VTEX's hard-coded Portuguese label (`statusDescription`): the reference's own where its examples show one,
   * the Admin's Portuguese name otherwise (docs/compatibility.md).
   */
  readonly label: string
  /** Every edge out of the status. None at all: the status is final. */
  readonly on: { readonly [T in Trigger]?: OrderStatus }
  /**
   * The order takes `trigger` by itself once it has been in the status for the setting's number of minutes, or a
   * fixed number of days. A timeout that cancels says why (`cancellationData.Reason`, requested by the system).
   */
  readonly timeout?: {
    readonly trigger: Trigger
    readonly after: TimeoutLength
    readonly reason?: string
  }
  readonly stamps?: StampedDate
  /** Entering the status tells the customer. */
  readonly notifies?: CustomerNotice
}

/**
 * VTEX cancels an order whose fulfilment the marketplace has not authorized within 30 days. In the complete
 * flow fulfilment is authorized as the payment is approved, so an order that waits 30 days for its seller's
 * acceptance or for its payment is canceled.
 */
export const UNAUTHORIZED_FULFILLMENT_DAYS = 30
const UNAUTHORIZED_FULFILLMENT: StatusDefinition['timeout'] = {
  trigger: 'cancel',
  after: { days: UNAUTHORIZED_FULFILLMENT_DAYS },
  reason: `Fulfillment was not authorized within ${UNAUTHORIZED_FULFILLMENT_DAYS} days.`,
}

/** Every legal move. A status with an `auto` edge is passed through at once; nothing else can happen to an order. */
export const WORKFLOW: { readonly [S in OrderStatus]: StatusDefinition } = {
  'order-created': {
    instance: 'Marketplace',
    label: 'Pedido Criado',
    on: { auto: 'on-order-completed' },
    notifies: 'order-received',
  },
  'on-order-completed': {
    instance: 'Marketplace',
    label: 'Pedido Completado',
    on: { auto: 'waiting-for-authorization' },
  },
  'waiting-for-authorization': {
    instance: 'Marketplace',
    label: 'Aguardando confirmação do seller',
    on: { 'authorize-order': 'payment-pending', 'deny-payment': 'payment-denied', cancel: 'cancel' },
    timeout: UNAUTHORIZED_FULFILLMENT,
  },
  'payment-pending': {
    instance: 'Marketplace',
    label: 'Pagamento pendente',
    on: { 'approve-payment': 'approve-payment', 'deny-payment': 'payment-denied', cancel: 'cancel' },
    timeout: UNAUTHORIZED_FULFILLMENT,
  },
  'approve-payment': {
    instance: 'Marketplace',
    label: 'Aprovar pagamento',
    on: { auto: 'payment-approved' },
  },
  'payment-denied': {
    instance: 'Marketplace',
    label: 'Pagamento negado',
    on: { auto: 'cancel' },
  },
  'payment-approved': {
    instance: 'Marketplace',
    label: 'Pagamento aprovado',
    on: { auto: 'authorize-fulfillment' },
    stamps: 'authorizedDate',
    notifies: 'payment-approved',
  },
  'waiting-seller-handling': {
    instance: 'Marketplace',
    label: 'Aguardando o seller',
    // The seller's invoices, or its own cancellation; the marketplace's cancel is a request to the seller.
    on: { invoice: 'invoice', cancel: 'cancel', 'request-cancel': 'request-cancel' },
  },
  'window-to-change-seller': {
    instance: 'Marketplace',
    label: 'Janela para mudança de seller',
    // A payment denied meanwhile cancels the whole group, this order with it.
    on: { 'change-seller': 'waiting-for-authorization', 'deny-payment': 'payment-denied', cancel: 'cancel' },
    timeout: {
      trigger: 'cancel',
      after: 'windowToChangeSellerDays',
      reason:
        'The seller canceled the order, and no other seller took it within the window to change seller.',
    },
  },
  'order-accepted': {
    instance: 'Fulfillment',
    label: 'Pedido aceito',
    on: { auto: 'on-order-completed-ffm' },
  },
  'on-order-completed-ffm': {
    instance: 'Fulfillment',
    label: 'Pedido completado',
    on: { auto: 'waiting-ffmt-authorization' },
  },
  'waiting-ffmt-authorization': {
    instance: 'Fulfillment',
    label: 'Aguardando autorização para despachar',
    on: { 'authorize-fulfillment': 'authorize-fulfillment', cancel: 'cancel' },
    timeout: UNAUTHORIZED_FULFILLMENT,
  },
  'authorize-fulfillment': {
    instance: 'Fulfillment',
    label: 'Autorizar despacho',
    on: { auto: 'window-to-cancel' },
  },
  'window-to-cancel': {
    instance: 'Fulfillment',
    label: 'Janela para cancelamento',
    on: { 'end-grace-period': 'ready-for-handling', cancel: 'cancel' },
    timeout: { trigger: 'end-grace-period', after: 'cancellationGracePeriodMinutes' },
  },
  'ready-for-handling': {
    instance: 'Fulfillment',
    label: 'Pronto para o manuseio',
    on: { 'start-handling': 'start-handling', cancel: 'cancel', 'request-cancel': 'request-cancel' },
  },
  'start-handling': { instance: 'Fulfillment', label: 'Iniciar manuseio', on: { auto: 'handling' } },
  handling: {
    instance: 'Fulfillment',
    label: 'Preparando Entrega',
    on: { invoice: 'invoice', cancel: 'cancel', 'request-cancel': 'request-cancel' },
  },
  invoice: { instance: 'Fulfillment', label: 'Verificando nota fiscal', on: { auto: 'invoiced' } },
  invoiced: { instance: 'Fulfillment', label: 'Faturado', on: {}, stamps: 'invoicedDate' },
  'request-cancel': {
    instance: 'Marketplace',
    label: 'Cancelamento solicitado',
    on: { auto: 'cancellation-requested' },
  },
  'waiting-for-seller-decision': {
    instance: 'Marketplace',
    label: 'Aguardando decisão do seller',
    on: { cancel: 'cancel', 'resume-payment-approved': 'payment-approved' },
  },
  'cancellation-requested': {
    instance: 'Fulfillment',
    label: 'Cancelamento solicitado',
    on: {
      cancel: 'cancel',
      'resume-ready-for-handling': 'ready-for-handling',
      'resume-handling': 'handling',
    },
  },
  cancel: { instance: 'running', label: 'Cancelando', on: { auto: 'canceled' } },
  canceled: { instance: 'running', label: 'Cancelado', on: {}, notifies: 'order-canceled' },
}

export const isOrderStatus = (value: string): value is OrderStatus =>
  (ORDER_STATUSES as readonly string[]).includes(value)

/**
 * How the marketplace and seller flows differ from the complete flow of WORKFLOW. A marketplace order waits for
 * its seller where a complete one goes on to fulfilment, and is invoiced by its seller's invoices; a seller's
 * order starts when it accepts the marketplace's placement (`order-accepted`), is authorized by the marketplace,
 * and takes the marketplace's cancellation request straight to `cancellation-requested`.
 */
const FLOW_CHANGES: {
  readonly [F in OrderFlow]: { readonly [S in OrderStatus]?: Partial<StatusDefinition> }
} = {
  complete: {},
  marketplace: {
    // The seller may cancel until it invoices (then the order waits for another seller); the marketplace may
    // give the order to another seller until its seller is authorized.
    'waiting-for-authorization': {
      on: {
        'authorize-order': 'payment-pending',
        'deny-payment': 'payment-denied',
        cancel: 'cancel',
        'seller-cancel': 'window-to-change-seller',
        'change-seller': 'waiting-for-authorization',
      },
    },
    'payment-pending': {
      on: {
        'approve-payment': 'approve-payment',
        'deny-payment': 'payment-denied',
        cancel: 'cancel',
        'seller-cancel': 'window-to-change-seller',
        'change-seller': 'waiting-for-authorization',
      },
    },
    'payment-approved': { on: { auto: 'waiting-seller-handling' } },
    'waiting-seller-handling': {
      on: {
        invoice: 'invoice',
        cancel: 'cancel',
        'request-cancel': 'request-cancel',
        'seller-cancel': 'window-to-change-seller',
      },
    },
    'request-cancel': { on: { auto: 'waiting-for-seller-decision' } },
    invoice: { instance: 'Marketplace' },
    invoiced: { instance: 'Marketplace' },
  },
  seller: {
    'authorize-fulfillment': { stamps: 'authorizedDate' },
    'ready-for-handling': {
      on: {
        'start-handling': 'start-handling',
        cancel: 'cancel',
        'request-cancel': 'cancellation-requested',
      },
    },
    handling: { on: { invoice: 'invoice', cancel: 'cancel', 'request-cancel': 'cancellation-requested' } },
  },
}

/** Each flow's whole table: WORKFLOW with the flow's changes. */
const TABLES = Object.fromEntries(
  ORDER_FLOWS.map((flow) => [
    flow,
    Object.fromEntries(
      ORDER_STATUSES.map((status) => [status, { ...WORKFLOW[status], ...FLOW_CHANGES[flow][status] }]),
    ),
  ]),
) as { readonly [F in OrderFlow]: { readonly [S in OrderStatus]: StatusDefinition } }

export const definitionOf = (status: OrderStatus, flow: OrderFlow = 'complete'): StatusDefinition =>
  TABLES[flow][status]

export const nextStatus = (
  from: OrderStatus,
  trigger: Trigger,
  flow: OrderFlow = 'complete',
): OrderStatus | undefined => definitionOf(from, flow).on[trigger]

export const canTake = (status: OrderStatus, trigger: Trigger, flow: OrderFlow = 'complete'): boolean =>
  nextStatus(status, trigger, flow) !== undefined

/** Whether the customer or the store may still ask to cancel: VTEX's `allowCancellation`. */
export const allowsCancellation = (status: OrderStatus, flow: OrderFlow = 'complete'): boolean =>
  canTake(status, 'cancel', flow) || canTake(status, 'request-cancel', flow)

export const instanceOf = (
  status: OrderStatus,
  running: WorkflowInstance,
  flow: OrderFlow = 'complete',
): WorkflowInstance => {
  const { instance } = definitionOf(status, flow)
  return instance === 'running' ? running : instance
}

/** Where each flow's orders start: a seller's order starts when it accepts the placement. */
export const FLOW_START: { readonly [F in OrderFlow]: OrderStatus } = {
  complete: 'order-created',
  marketplace: 'order-created',
  seller: 'order-accepted',
}

/** The statuses an order of the flow can be in: those its edges reach from its start. */
export const statusesOf = (flow: OrderFlow): readonly OrderStatus[] => FLOW_STATUSES[flow]

function reachableIn(flow: OrderFlow): readonly OrderStatus[] {
  const reached = new Set<OrderStatus>([FLOW_START[flow]])
  for (const status of reached) {
    for (const to of Object.values(definitionOf(status, flow).on)) if (to) reached.add(to)
  }
  return ORDER_STATUSES.filter((status) => reached.has(status))
}

const FLOW_STATUSES: { readonly [F in OrderFlow]: readonly OrderStatus[] } = {
  complete: reachableIn('complete'),
  marketplace: reachableIn('marketplace'),
  seller: reachableIn('seller'),
}
