// Reading and adding to what is recorded about an order: payment transaction, interactions, conversation, timeline.
import type { Deps } from '../../deps.ts'
import { lowerHexId } from '../../platform/ids.ts'
import type { Principal } from '../access/roles.ts'
import * as log from './order-log.repository.ts'
import { actorName } from './order-record.ts'
import * as orders from './order.repository.ts'
import { loadOrder, type Receipt } from './order.service.ts'
import type { Order, PaymentRecord } from './order.ts'

export type TransactionStatus = 'Authorizing' | 'Approved' | 'Cancelled' | 'Refunded'

export interface PaymentEvent {
  type: 'approval' | 'void' | 'refund'
  paymentId: string
  value: number
  date: string
}

function transactionStatus(payments: readonly PaymentRecord[]): TransactionStatus {
  if (payments.length > 0 && payments.every((p) => p.status === 'voided' || p.status === 'refunded')) {
    return payments.some((p) => p.status === 'refunded') ? 'Refunded' : 'Cancelled'
  }
  return payments.every((p) => p.status === 'approved') ? 'Approved' : 'Authorizing'
}

function paymentEvents(payments: readonly PaymentRecord[]): PaymentEvent[] {
  const events = payments.flatMap((p): PaymentEvent[] => [
    ...(p.approvedAt
      ? [{ type: 'approval' as const, paymentId: p.paymentId, value: p.value, date: p.approvedAt }]
      : []),
    ...(p.closedAt
      ? [
          {
            type: p.status === 'refunded' ? ('refund' as const) : ('void' as const),
            paymentId: p.paymentId,
            value: p.value,
            date: p.closedAt,
          },
        ]
      : []),
  ])
  // Within one instant an approval comes before the void or refund that undoes it.
  const rank = (e: PaymentEvent) => (e.type === 'approval' ? 0 : 1)
  return events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : rank(a) - rank(b)))
}

/** GET …/payment-transaction: the reference shape, plus each payment's status and the transaction's events. */
export async function getPaymentTransaction(deps: Deps, principal: Principal, orderId: string) {
  const order = await loadOrder(deps.db, principal, orderId)
  const transaction = order.document.paymentData.transactions[0]
  const status = transactionStatus(order.state.payments)
  return {
    status,
    isActive: status === 'Authorizing' || status === 'Approved',
    transactionId: transaction?.transactionId ?? '',
    merchantName: transaction?.merchantName ?? '',
    payments: (transaction?.payments ?? []).map((p) => ({
      ...p,
      firstDigits: p.firstDigits ?? '',
      lastDigits: p.lastDigits ?? '',
      connectorResponses: { Tid: p.tid, ReturnCode: null, Message: null, authId: '' },
      status: order.state.payments.find((r) => r.paymentId === p.id)?.status ?? 'pending',
    })),
    events: paymentEvents(order.state.payments),
  }
}

export async function addInteraction(
  deps: Deps,
  principal: Principal,
  orderId: string,
  entry: { source: string; message: string },
): Promise<Receipt> {
  return deps.db.transaction().execute(async (trx) => {
    const order = await loadOrder(trx, principal, orderId)
    const date = deps.clock.now().toISOString()
    await log.insertInteraction(trx, principal.account, order.document.orderId, {
      id: lowerHexId(),
      source: entry.source,
      message: entry.message,
      actor: actorName(principal),
      createdAt: date,
    })
    return { date, orderId: order.document.orderId, receipt: lowerHexId() }
  })
}

/** GET …/conversation-message: the messages Ordo composed for the customer, in the reference shape. */
export async function getConversation(deps: Deps, principal: Principal, orderId: string) {
  const order = await loadOrder(deps.db, principal, orderId)
  const messages = await log.listMessages(deps.db, principal.account, order.document.orderId)
  const participant = {
    conversationRelatedTo: order.document.orderId,
    conversationSubject: 'oms',
    aliasMaskType: 0,
  }
  const storeEmail = order.document.followUpEmail || `noreply@${principal.account}.ordo`
  return messages.map((m) => ({
    id: m.id,
    from: { ...participant, emailAlias: storeEmail, email: storeEmail, name: principal.account, role: null },
    to: [{ ...participant, emailAlias: m.toEmail, email: m.toEmail, name: m.toName, role: 'Customer' }],
    subject: m.subject,
    firstWords: m.body.length > 60 ? `${m.body.slice(0, 57)}...` : m.body,
    body: m.body,
    hasAttachment: false,
    attachmentNames: [],
    date: m.createdAt,
  }))
}

export type TimelineEntry =
  | {
      type: 'transition'
      date: string
      domain: string
      state: string
      lastState: string | null
      by: string | null
    }
  | { type: 'interaction'; date: string; source: string; message: string; by: string | null }
  | { type: 'message'; date: string; subject: string; to: string }

/** Ordo's own: every transition, interaction and customer message of an order, oldest first, with who did it. */
export async function getTimeline(deps: Deps, principal: Principal, orderId: string) {
  const order: Order = await loadOrder(deps.db, principal, orderId)
  const id = order.document.orderId
  const [events, interactions, messages] = await Promise.all([
    orders.listEvents(deps.db, principal.account, id),
    log.listInteractions(deps.db, principal.account, id),
    log.listMessages(deps.db, principal.account, id),
  ])
  const entries: TimelineEntry[] = [
    ...events.map((e) => ({
      type: 'transition' as const,
      date: e.currentChange,
      domain: e.domain,
      state: e.state,
      lastState: e.lastState,
      by: e.originKey,
    })),
    ...interactions.map((i) => ({
      type: 'interaction' as const,
      date: i.createdAt,
      source: i.source,
      message: i.message,
      by: i.actor,
    })),
    ...messages.map((m) => ({
      type: 'message' as const,
      date: m.createdAt,
      subject: m.subject,
      to: m.toEmail,
    })),
  ]
  // A stable sort keeps the order each source recorded within the same instant.
  entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  return { orderId: id, status: order.document.status, entries }
}
