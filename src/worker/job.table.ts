// Row shape of the job queue: work that runs after the change that asked for it, at least once, with retries.
export type JobStatus = 'pending' | 'done' | 'dead'

export interface JobTable {
  id: string
  kind: string
  payload_json: string
  status: JobStatus
  /** Business time (the app's Clock): not run before it. */
  due_at: string
  /** Claims so far, including the one running now. */
  attempts: number
  max_attempts: number
  /** Wall time, shared by every process: while it is ahead, `leased_by` owns the job. */
  lease_until: string | null
  leased_by: string | null
  last_error: string | null
  /** Jobs sharing a key run at most so many at once per worker (WorkerOptions.perKeyConcurrency). */
  concurrency_key: string | null
  /** Wall time, for operators: when the job was written and when it ended. */
  created_at: string
  finished_at: string | null
}
