// The one-head rule of hook deliveries under concurrency: of a hook's open deliveries of one order exactly one
// is the head, even when a redelivery and a sender finishing that order's head run at the same moment.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'
import { finishAttempts, reopenFailed } from '../src/modules/feed/hook.repository.ts'
import { describeEachDialect, migratedDatabase } from './harness.ts'
import { deferred } from './jobs.ts'

const KEY = { account: 'acme', appKey: 'key' }
const NOW = '2026-03-02T12:00:00.000Z'

describeEachDialect('hook delivery heads', (dialect) => {
  it('a redelivery and a sender finishing the same order leave it exactly one head', async (t) => {
    const { handle, close } = await migratedDatabase(dialect)
    t.after(close)
    const delivery = (eventId: number, status: 'failed' | 'delivering', attempts: number) => ({
      account: KEY.account,
      app_key: KEY.appKey,
      event_id: eventId,
      order_id: 'X',
      body_json: '{}',
      status,
      attempts,
      next_attempt_at: NOW,
      lease_until: status === 'delivering' ? NOW : null,
      created_at: NOW,
      finished_at: null,
    })
    await handle.db
      .insertInto('hook_deliveries')
      .values([delivery(1, 'failed', 100), delivery(2, 'delivering', 1)])
      .execute()
    const head = await handle.db
      .selectFrom('hook_deliveries')
      .select('id')
      .where('status', '=', 'delivering')
      .executeTakeFirstOrThrow()

    // The sender records its head as delivered and has not committed yet.
    const recorded = deferred()
    const commit = deferred()
    const finishing = handle.db.transaction().execute(async (trx) => {
      const attempt = { attempted_at: NOW, status: 200, latency_ms: 1, error: null }
      await finishAttempts(
        trx,
        KEY,
        [{ id: head.id, attempts: 1, attempt, next: { status: 'delivered' } }],
        NOW,
      )
      recorded.resolve()
      await commit.promise
    })
    await recorded.promise
    let redelivered = false
    const reopening = handle.db
      .transaction()
      .execute((trx) => reopenFailed({ db: trx, dialect }, KEY, NOW))
      .finally(() => (redelivered = true))
    // On PostgreSQL the redelivery must wait for the sender's rows; a redelivery that went ahead without them
    // would decide on what the sender has not committed. (SQLite runs one transaction at a time.)
    if (dialect === 'postgres') {
      while (!redelivered && !(await waitingForLock(handle.db))) await nextTurn()
    }
    commit.resolve()
    await Promise.all([finishing, reopening])

    const open = await handle.db
      .selectFrom('hook_deliveries')
      .select(['event_id', 'status'])
      .where('status', 'in', ['pending', 'delivering', 'queued'])
      .execute()
    assert.deepEqual(open, [{ event_id: 1, status: 'pending' }])
  })
})

async function waitingForLock(db: Db): Promise<boolean> {
  const { rows } = await sql<{ waiting: number }>`
    select count(*)::int as waiting from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
  return (rows[0]?.waiting ?? 0) > 0
}
