// How the event stream gets its commit order on PostgreSQL, measured: a visibility horizon (what Ordo does)
// against serialising every commit through a lock so that a sequence is commit order. Not part of
// `npm run bench`; run it with `npx tsx bench/stream-ordering.ts [postgres://…/any-database]`.
import pg from 'pg'

const ADMIN_URL = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/test'
const WRITERS = 8
const COMMITS = 3000
const NAME = `ordo_stream_bench_${process.pid}`

const admin = new pg.Client({ connectionString: ADMIN_URL })
await admin.connect()
await admin.query(`create database ${NAME}`)
const url = new URL(ADMIN_URL)
url.pathname = `/${NAME}`
const pool = new pg.Pool({ connectionString: url.toString(), max: WRITERS })
pool.on('error', () => undefined) // the drop below ends the idle connections

async function commitsPerSecond(write: (client: pg.PoolClient) => Promise<unknown>): Promise<number> {
  let started = 0
  const begin = performance.now()
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const client = await pool.connect()
      try {
        while (started++ < COMMITS) {
          await client.query('begin')
          await write(client)
          await client.query('commit')
        }
      } finally {
        client.release()
      }
    }),
  )
  return Math.round(COMMITS / ((performance.now() - begin) / 1000))
}

try {
  await pool.query(`create table events (
    id bigserial primary key,
    tx_id bigint not null default (pg_current_xact_id()::text::bigint),
    seq bigint,
    payload text not null)`)
  await pool.query('create index events_stream_idx on events (tx_id, id)')
  await pool.query('create sequence events_seq')
  for (const round of [1, 2, 3]) {
    const horizon = await commitsPerSecond((c) => c.query(`insert into events (payload) values ('x')`))
    const serialised = await commitsPerSecond(async (c) => {
      await c.query('select pg_advisory_xact_lock(1)')
      await c.query(`insert into events (seq, payload) values (nextval('events_seq'), 'x')`)
    })
    console.log(`round ${round}: horizon ${horizon} commits/s, serialised ${serialised} commits/s`)
  }
  const begin = performance.now()
  for (let i = 0; i < 100; i++) {
    await pool.query(`select id from events
      where (tx_id, id) > (0, 0) and tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
      order by tx_id, id limit 100`)
  }
  console.log(`a stream read of 100 events: ${((performance.now() - begin) / 100).toFixed(2)} ms`)
} finally {
  await pool.end()
  await admin.query(`drop database ${NAME} with (force)`)
  await admin.end()
}
