// All SQL for rate-limit counts.
import type { Db } from '../../db/database.ts'

/** Adds `requests` to the key's count in the window, atomically, and returns the new count. */
export async function addRequests(db: Db, key: string, window: number, requests: number): Promise<number> {
  const row = await db
    .insertInto('rate_limit_counts')
    .values({ key, window_number: window, count: requests })
    .onConflict((oc) =>
      oc
        .columns(['key', 'window_number'])
        .doUpdateSet((eb) => ({ count: eb('rate_limit_counts.count', '+', requests) })),
    )
    .returning('count')
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export async function deleteWindowsBefore(db: Db, window: number): Promise<void> {
  await db.deleteFrom('rate_limit_counts').where('window_number', '<', window).execute()
}
