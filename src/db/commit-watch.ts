// What this process hears of other processes' commits, so that what it keeps in memory of the database (Get order's
// documents) can be dropped when someone else changes it, within a bound, at no cost per read.
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import pg from 'pg'
import type { Db } from './database.ts'

export interface CommitWatch {
  /**
   * How long another process's commit may go unheard: a read that starts this long after such a commit was
   * acknowledged is answered from memory only if the commit's keys have been forgotten.
   */
  readonly boundMs: number
  /**
   * Whether everything other processes committed more than `boundMs` ago has been heard (and its listeners
   * called, which may happen during this call). False while that cannot be told: memory must not answer then.
   */
  caughtUp(): boolean
  /** Inside a transaction: once it commits, the other processes hear that `keys` changed. */
  announce(trx: Db, keys: readonly string[]): Promise<void>
  /** Calls `listener` with the keys another process changed, or with undefined when anything may have changed. */
  subscribe(listener: (keys: readonly string[] | undefined) => void): () => void
  close(): Promise<void>
}

/** An announcement as both databases carry it: the announcing connection's id, then the keys, a line each. */
const payloadOf = (sender: string, keys: readonly string[]): string => [sender, ...keys].join('\n')

/** The keys of an announcement, none when `self` made it: a connection forgets its own changes as it makes them. */
function keysOf(payload: string, self: string): string[] {
  const [sender, ...keys] = payload.split('\n')
  return sender === self ? [] : keys
}

class Listeners {
  readonly #listeners = new Set<(keys: readonly string[] | undefined) => void>()

  subscribe(listener: (keys: readonly string[] | undefined) => void): () => void {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }

  notify(keys: readonly string[] | undefined): void {
    for (const listener of this.#listeners) listener(keys)
  }
}

/**
 * On SQLite `pragma data_version` moves on a connection when any other connection commits, but says nothing of
 * what changed; so each transaction that changes keys also writes them to `commit_log`, behind its writer's id as
 * on PostgreSQL. Once data_version moves, the log's rows after the last one read name the keys the other writers
 * (the CLI, a second server) changed, and only those are forgotten. Asking data_version costs two file-lock
 * system calls, a tenth of a Get order if done for each, so it is asked at most once per bound, by the read that
 * finds it due. The log is read on the read-only connection: it sees committed rows only, never those of a
 * transaction still open on the writer, which could roll back and leave its number to another writer's row.
 */
export const SQLITE_BOUND_MS = 10
/** The log keeps its newest rows: a watch that has not looked for this many commits forgets everything. */
const LOG_KEPT = 10_000
const PRUNE_EVERY = 1_000

interface LogRow {
  seq: number
  payload: string
}

/** `reader`: the file's read-only connection; an in-memory database has none, and no other connection either. */
export function sqliteCommitWatch(writer: SQLite.Database, reader: SQLite.Database | undefined): CommitWatch {
  const listeners = new Listeners()
  if (!reader) {
    return {
      boundMs: SQLITE_BOUND_MS,
      caughtUp: () => true,
      announce: () => Promise.resolve(),
      subscribe: (listener) => listeners.subscribe(listener),
      close: () => Promise.resolve(),
    }
  }
  const self = randomUUID()
  const dataVersion = writer.prepare('pragma data_version').pluck()
  let seen = dataVersion.get()
  let askedAt = performance.now()
  // Prepared at the first look, after the migrations that make the table have run.
  let log: { last: SQLite.Statement<[], number>; after: SQLite.Statement<[number], LogRow> } | undefined
  const openLog = () =>
    (log ??= {
      last: reader.prepare<[], number>('select coalesce(max(seq), 0) from commit_log').pluck(),
      after: reader.prepare<[number], LogRow>(
        'select seq, payload from commit_log where seq > ? order by seq',
      ),
    })
  /** The last row read: taken at the first look, before anything is kept, so nothing before it concerns us. */
  let readUpTo: number | undefined

  const hear = (from: number) => {
    const rows = openLog().after.all(from)
    const last = rows.at(-1)
    if (!last) return
    readUpTo = last.seq
    if (rows[0]?.seq !== from + 1) return listeners.notify(undefined)
    const keys = rows.flatMap(({ payload }) => keysOf(payload, self))
    if (keys.length > 0) listeners.notify(keys)
  }

  return {
    boundMs: SQLITE_BOUND_MS,
    caughtUp: () => {
      readUpTo ??= openLog().last.get() ?? 0
      const now = performance.now()
      if (now - askedAt >= SQLITE_BOUND_MS) {
        askedAt = now
        const version = dataVersion.get()
        if (version !== seen) {
          seen = version
          hear(readUpTo)
        }
      }
      return true
    },
    announce: async (trx, keys) => {
      const { rows } = await sql<{ seq: number }>`insert into commit_log (payload)
        values (${payloadOf(self, keys)}) returning seq`.execute(trx)
      const seq = rows[0]?.seq ?? 0
      if (seq % PRUNE_EVERY === 0)
        await sql`delete from commit_log where seq <= ${seq - LOG_KEPT}`.execute(trx)
    },
    subscribe: (listener) => listeners.subscribe(listener),
    close: () => Promise.resolve(),
  }
}

/**
 * On PostgreSQL each transaction that changes keys NOTIFYs them, and PostgreSQL delivers a notification only once
 * its transaction commits. A listening connection hears them; every SYNC_MS it also sends a query, and since the
 * server sends a listener every notification committed before a query ahead of that query's answer, once the
 * answer arrives everything committed before the query was sent has been heard.
 */
export const POSTGRES_BOUND_MS = 200
const SYNC_MS = 50
const RECONNECT_MS = 1000
const CHANNEL = 'ordo_changes'
/** The listening connection's application_name, as operators see it in pg_stat_activity. */
export const COMMIT_WATCH_NAME = 'ordo commit watch'
/** NOTIFY takes at most 8000 bytes of payload. */
const PAYLOAD_BYTES = 7000

export function postgresCommitWatch(connectionString: string): CommitWatch {
  const listeners = new Listeners()
  // Notifications carry the process that sent them: it forgets its own changes itself, as each transaction ends.
  const self = randomUUID()
  /** performance.now() when the latest answered query was sent: everything committed before it is heard. */
  let heardUpTo = Number.NEGATIVE_INFINITY
  let client: pg.Client | undefined
  let syncing = false
  let started = false
  let closed = false
  let syncTimer: NodeJS.Timeout | undefined
  let reconnectTimer: NodeJS.Timeout | undefined

  const onNotification = ({ channel, payload }: pg.Notification) => {
    if (channel !== CHANNEL || payload === undefined) return
    const keys = keysOf(payload, self)
    if (keys.length > 0) listeners.notify(keys)
  }

  const drop = (lost: pg.Client) => {
    if (client !== lost) return
    client = undefined
    clearInterval(syncTimer)
    lost.removeAllListeners('notification')
    void lost.end().catch(() => undefined)
    if (!closed) reconnectTimer = setTimeout(() => void connect(), RECONNECT_MS).unref()
  }

  const sync = async () => {
    const listening = client
    if (!listening || syncing) return
    syncing = true
    const sentAt = performance.now()
    try {
      await listening.query('select 1')
      if (listening === client) heardUpTo = sentAt
    } catch {
      drop(listening)
    } finally {
      syncing = false
    }
  }

  const connect = async () => {
    const connecting = new pg.Client({ connectionString, application_name: COMMIT_WATCH_NAME })
    connecting.on('error', () => drop(connecting))
    connecting.on('end', () => drop(connecting))
    connecting.on('notification', onNotification)
    client = connecting
    try {
      await connecting.connect()
      const sentAt = performance.now()
      await connecting.query(`listen ${CHANNEL}`)
      if (client !== connecting) return
      // What was committed while nobody listened is unknown: everything may have changed.
      listeners.notify(undefined)
      heardUpTo = sentAt
      syncTimer = setInterval(() => void sync(), SYNC_MS).unref()
    } catch {
      drop(connecting)
    }
  }

  return {
    boundMs: POSTGRES_BOUND_MS,
    caughtUp: () => {
      if (!started) {
        // Only a process that reads through a cache listens: the CLI's one-off commands never open it.
        started = true
        void connect()
      }
      return performance.now() - heardUpTo <= POSTGRES_BOUND_MS
    },
    announce: async (trx, keys) => {
      for (const payload of payloads(self, keys))
        await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(trx)
    },
    subscribe: (listener) => listeners.subscribe(listener),
    close: async () => {
      closed = true
      clearTimeout(reconnectTimer)
      clearInterval(syncTimer)
      const open = client
      client = undefined
      await open?.end().catch(() => undefined)
    },
  }
}

function* payloads(sender: string, keys: readonly string[]): Generator<string> {
  let batch: string[] = []
  let bytes = 0
  for (const key of keys) {
    const size = Buffer.byteLength(key) + 1
    if (batch.length > 0 && bytes + size > PAYLOAD_BYTES) {
      yield payloadOf(sender, batch)
      batch = []
      bytes = 0
    }
    batch.push(key)
    bytes += size
  }
  if (batch.length > 0) yield payloadOf(sender, batch)
}
