// SQL for what is said about an order: interaction logs and the messages addressed to the customer.
import type { Db } from '../../db/database.ts'

export interface Interaction {
  id: string
  source: string
  message: string
  actor: string | null
  createdAt: string
}

export interface CustomerMessageRecord {
  id: string
  subject: string
  body: string
  toEmail: string
  toName: string
  createdAt: string
}

export async function insertInteraction(
  db: Db,
  account: string,
  orderId: string,
  entry: Interaction,
): Promise<void> {
  await db
    .insertInto('order_interactions')
    .values({
      id: entry.id,
      account,
      order_id: orderId,
      source: entry.source,
      message: entry.message,
      actor: entry.actor,
      created_at: entry.createdAt,
    })
    .execute()
}

export async function listInteractions(db: Db, account: string, orderId: string): Promise<Interaction[]> {
  const rows = await db
    .selectFrom('order_interactions')
    .selectAll()
    .where('account', '=', account)
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    message: r.message,
    actor: r.actor,
    createdAt: r.created_at,
  }))
}

export async function insertMessages(
  db: Db,
  account: string,
  orderId: string,
  messages: readonly CustomerMessageRecord[],
): Promise<void> {
  if (messages.length === 0) return
  await db
    .insertInto('order_messages')
    .values(
      messages.map((m) => ({
        id: m.id,
        account,
        order_id: orderId,
        subject: m.subject,
        body: m.body,
        to_email: m.toEmail,
        to_name: m.toName,
        created_at: m.createdAt,
      })),
    )
    .execute()
}

export async function listMessages(
  db: Db,
  account: string,
  orderId: string,
): Promise<CustomerMessageRecord[]> {
  const rows = await db
    .selectFrom('order_messages')
    .selectAll()
    .where('account', '=', account)
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    subject: r.subject,
    body: r.body,
    toEmail: r.to_email,
    toName: r.to_name,
    createdAt: r.created_at,
  }))
}
