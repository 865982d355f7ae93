// Writes everything a Decision says must be recorded with an order, inside the caller's transaction.
import type { Db } from '../../db/database.ts'
import { lowerHexId } from '../../platform/ids.ts'
import { insertTimers } from '../../worker/timer.repository.ts'
import { insertMessages } from './order-log.repository.ts'
import { insertEvents, type EventOrigin } from './order.repository.ts'
import type { CustomerMessage, Decision, Order } from './order.ts'

export async function recordDecision(
  trx: Db,
  saved: Order,
  decision: Pick<Decision, 'transitions' | 'timers' | 'messages'>,
  origin: EventOrigin,
  now: string,
  extraMessages: readonly CustomerMessage[] = [],
): Promise<void> {
  const { orderId } = saved.document
  const client = saved.document.clientProfileData
  await insertEvents(trx, saved, decision.transitions, origin, now)
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
