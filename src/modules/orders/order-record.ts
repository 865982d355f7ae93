// Writes everything a Decision says must be recorded with an order, inside the caller's transaction.
import type { Db } from '../../db/database.ts'
import { lowerHexId } from '../../platform/ids.ts'
import { insertTimers } from '../../worker/timer.repository.ts'
import { insertMessages } from './order-log.repository.ts'
import { insertEvents } from './order.repository.ts'
import type { CustomerMessage, Decision, Order } from './order.ts'

export interface ActorRef {
  appKey: string | null
  shopperEmail: string | null
}

/** How events and logs name who acted: the AppKey, the customer of a shopper token, or the system (timers). */
export const actorName = ({ appKey, shopperEmail }: ActorRef): string =>
  appKey ?? (shopperEmail ? `customer:${shopperEmail}` : 'system')

export async function recordDecision(
  trx: Db,
  saved: Order,
  decision: Pick<Decision, 'transitions' | 'timers' | 'messages'>,
  actor: ActorRef,
  now: string,
  extraMessages: readonly CustomerMessage[] = [],
): Promise<void> {
  const { orderId } = saved.document
  const client = saved.document.clientProfileData
  await insertEvents(trx, saved, decision.transitions, actorName(actor), now)
  await insertTimers(trx, saved.account, orderId, decision.timers, now)
  await insertMessages(
    trx,
    saved.account,
    orderId,
    [...extraMessages, ...decision.messages].map((m, index) => ({
      id: conversationId(now, index),
      subject: m.subject,
      body: m.body,
      toEmail: client.email,
      toName: `${client.firstName} ${client.lastName}`.trim(),
      createdAt: now,
    })),
  )
}

/** VTEX's conversation id shape (`2023-01-23t09-23-08_<hex>`); the index keeps one transaction's messages in order. */
const conversationId = (now: string, index: number): string =>
  `${now.slice(0, 19).replace(/:/g, '-').toLowerCase()}_${String(index).padStart(2, '0')}${lowerHexId(15)}`
