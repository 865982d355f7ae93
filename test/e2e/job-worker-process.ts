// A job worker process for the end-to-end queue test. It says `ready` once it polls, records each successful run of
// a `record` job in `job_runs`, and on the first attempt of the job marked `block` says so and never finishes.
// Usage: node --import tsx job-worker-process.ts --name NAME --lease-ms MS (--db FILE | --database-url URL)
import { parseArgs } from 'node:util'
import { loadConfig } from '../../src/config.ts'
import { openDatabase } from '../../src/db/database.ts'
import { systemClock } from '../../src/platform/clock.ts'
import { createJobQueue } from '../../src/worker/job-queue.ts'
import { startWorker } from '../../src/worker/worker.ts'

/** Created by the test; the primary key catches a second successful run of a job. */
export interface JobRunTable {
  job_id: string
  worker: string
  attempt: number
}

export interface RecordPayload {
  n: number
  block: boolean
}

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    'lease-ms': { type: 'string' },
    db: { type: 'string' },
    'database-url': { type: 'string' },
  },
})
const name = values.name
const leaseMs = Number(values['lease-ms'])
if (!name || !(leaseMs > 0))
  throw new Error('Usage: --name NAME --lease-ms MS (--db FILE | --database-url URL)')

const handle = openDatabase(loadConfig({ db: values.db, 'database-url': values['database-url'] }, {}))
const db = handle.db.withTables<{ job_runs: JobRunTable }>()

const isRecordPayload = (payload: unknown): payload is RecordPayload =>
  typeof payload === 'object' &&
  payload !== null &&
  typeof (payload as RecordPayload).n === 'number' &&
  typeof (payload as RecordPayload).block === 'boolean'

const worker = startWorker({
  queue: createJobQueue(handle),
  clock: systemClock,
  workerId: name,
  leaseMs,
  pollIntervalMs: 50,
  // One job at a time: when the test kills this process, the blocked job is the only one it has in flight, so
  // no other job can have recorded its run without being marked done.
  concurrency: 1,
  handlers: {
    record: async (payload, job) => {
      if (!isRecordPayload(payload)) throw new Error(`Not a record payload: ${JSON.stringify(payload)}`)
      if (payload.block && job.attempt === 1) {
        process.stdout.write(`blocked ${job.id}\n`)
        // Never settles: the heartbeat keeps the lease until the process is killed.
        return new Promise<never>(() => {})
      }
      await db.insertInto('job_runs').values({ job_id: job.id, worker: name, attempt: job.attempt }).execute()
    },
  },
  onError: (error, job) => {
    process.stderr.write(`${JSON.stringify({ job: job?.id, attempt: job?.attempt, error: String(error) })}\n`)
  },
})

process.stdout.write('ready\n')
process.once('SIGTERM', () => {
  void worker.stop().then(() => handle.db.destroy())
})
