// The order workflow as data: every status, who owns it, its label, and every edge an order may take.
export const ORDER_STATUSES = [
  'order-created',
  'on-order-completed',
  'payment-pending',
  'approve-payment',
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
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const TRIGGERS = [
  /** The platform moves on by itself: the status is transient. */
  'auto',
  'approve-payment',
  'end-grace-period',
  'start-handling',
  'invoice',
  'cancel',
  'request-cancel',
  'resume-ready-for-handling',
  'resume-handling',
] as const
export type Trigger = (typeof TRIGGERS)[number]

export type WorkflowDomain = 'Marketplace' | 'Fulfillment'

/**
 * Every legal move. A status without an `auto` edge is where an order rests until someone acts;
 * a status with no edge at all is final. Nothing else can happen to an order.
 */
export const WORKFLOW: { readonly [S in OrderStatus]: { readonly [T in Trigger]?: OrderStatus } } = {
  'order-created': { auto: 'on-order-completed' },
  'on-order-completed': { auto: 'payment-pending' },
  'payment-pending': { 'approve-payment': 'approve-payment', cancel: 'cancel' },
  'approve-payment': { auto: 'payment-approved' },
  'payment-approved': { auto: 'authorize-fulfillment' },
  'authorize-fulfillment': { auto: 'window-to-cancel' },
  'window-to-cancel': { 'end-grace-period': 'ready-for-handling', cancel: 'cancel' },
  'ready-for-handling': {
    'start-handling': 'start-handling',
    cancel: 'cancel',
    'request-cancel': 'request-cancel',
  },
  'start-handling': { auto: 'handling' },
  handling: { invoice: 'invoice', cancel: 'cancel', 'request-cancel': 'request-cancel' },
  invoice: { auto: 'invoiced' },
  invoiced: {},
  'request-cancel': { auto: 'cancellation-requested' },
  'cancellation-requested': {
    cancel: 'cancel',
    'resume-ready-for-handling': 'ready-for-handling',
    'resume-handling': 'handling',
  },
  cancel: { auto: 'canceled' },
  canceled: {},
}

/** The workflow instance a status belongs to; `cancel`/`canceled` belong to whichever instance is running. */
const DOMAIN: { readonly [S in OrderStatus]: WorkflowDomain | null } = {
  'order-created': 'Marketplace',
  'on-order-completed': 'Marketplace',
  'payment-pending': 'Marketplace',
  'approve-payment': 'Marketplace',
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
  cancel: null,
  canceled: null,
}

/** VTEX's hard-coded Portuguese labels (statusDescription). */
export const STATUS_DESCRIPTION: { readonly [S in OrderStatus]: string } = {
  'order-created': 'Pedido Criado',
  'on-order-completed': 'Pedido Completado',
  'payment-pending': 'Pagamento Pendente',
  'approve-payment': 'Aprovar Pagamento',
  'payment-approved': 'Pagamento Aprovado',
  'authorize-fulfillment': 'Autorizar Despacho',
  'window-to-cancel': 'Carência para Cancelamento',
  'ready-for-handling': 'Pronto para o manuseio',
  'start-handling': 'Iniciar Manuseio',
  handling: 'Preparando Entrega',
  invoice: 'Verificando Fatura',
  invoiced: 'Faturado',
  'request-cancel': 'Cancelamento Solicitado',
  'cancellation-requested': 'Cancelamento Solicitado',
  cancel: 'Cancelando',
  canceled: 'Cancelado',
}

export const isOrderStatus = (value: string): value is OrderStatus =>
  (ORDER_STATUSES as readonly string[]).includes(value)

export const nextStatus = (from: OrderStatus, trigger: Trigger): OrderStatus | undefined =>
  WORKFLOW[from][trigger]

export const isFinal = (status: OrderStatus): boolean => Object.keys(WORKFLOW[status]).length === 0

export const canTake = (status: OrderStatus, trigger: Trigger): boolean =>
  WORKFLOW[status][trigger] !== undefined

export const domainOf = (status: OrderStatus, running: WorkflowDomain): WorkflowDomain =>
  DOMAIN[status] ?? running
