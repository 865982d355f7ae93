// SQL of the metrics module: the job queue's backlog, counted for operators (the queue itself is src/worker/).
import type { Db } from '../../db/database.ts'

/** The job statuses operators watch: waiting to run (due or not), and given up on. */
export const WATCHED_JOB_STATUSES = ['pending', 'dead'] as const
export type WatchedJobStatus = (typeof WATCHED_JOB_STATUSES)[number]

/** Jobs per kind and watched status; the claim index (status, due_at) serves it, so done jobs cost nothing. */
export async function countJobs(
  db: Db,
): Promise<{ kind: string; status: WatchedJobStatus; count: number }[]> {
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => ['kind', 'status', eb.fn.countAll<number | string>().as('count')])
    .where('status', 'in', [...WATCHED_JOB_STATUSES])
    .groupBy(['kind', 'status'])
    .execute()
  return rows.map((row) => ({
    kind: row.kind,
    status: row.status as WatchedJobStatus,
    count: Number(row.count),
  }))
}
