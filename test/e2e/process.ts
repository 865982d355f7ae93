// Runs the real `ordo` command (bin/ordo.js), or a test's own script, as child processes on a throwaway database,
// and cleans up after.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import type { TestContext } from 'node:test'
import { openDatabase, type DbHandle, type Dialect } from '../../src/db/database.ts'
import { freshDatabase } from '../harness.ts'
import { assertCurrentBuild, freePort } from '../local-server.ts'

const ORDO = resolve(import.meta.dirname, '../../bin/ordo.js')
const ROOT = resolve(import.meta.dirname, '../..')

assertCurrentBuild()

/**
 * Every wait on a child (a command to finish, a server to listen or to stop, a request to be answered) follows the
 * child and ends as soon as it does. This cap only keeps a hung child from hanging the run: no machine, however
 * loaded, takes this long, so the child is then killed and the test fails.
 */
const HUNG_AFTER_MS = 120_000
/** Starts tried when the free port was taken before the server could bind it. */
const SERVE_ATTEMPTS = 3

// Variables that would point a child at another database, port or clock than the test chose.
const INHERITED_BUT_IGNORED = [
  'PORT',
  'ORDO_PORT',
  'HOST',
  'DATABASE_URL',
  'ORDO_DB',
  'LOG_LEVEL',
  'ORDO_TIMER_INTERVAL_MS',
  'ORDO_CLOCK_FILE',
  'NODE_TEST_CONTEXT', // set by node --test; a child that inherits it reports to the runner instead of stdout
]

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // eslint-disable-next-line no-restricted-properties -- the children get the test's environment minus Ordo's
  const env = { ...process.env }
  for (const name of INHERITED_BUT_IGNORED) delete env[name]
  return { ...env, ...extra }
}

export interface CommandResult extends Exit {
  stdout: string
  stderr: string
}

export interface Child {
  /** Everything the process has written to stdout so far. */
  stdout: () => string
  stderr: () => string
  /** Resolves when the process has exited and its output is complete. */
  closed: Promise<Exit>
  /** Sends `signal` (SIGKILL by default) and waits for the process to exit. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>
}

/** `ordo serve`; its stdout holds the bootstrap key, then pino's JSON lines. */
export interface Server extends Child {
  port: number
  /** `http://127.0.0.1:PORT` */
  url: string
  request: (method: string, path: string, options?: RequestOptions) => Promise<HttpResult>
}

export interface RequestOptions {
  headers?: Record<string, string>
  body?: unknown
}

export interface HttpResult {
  status: number
  body: unknown
  text: string
}

export interface Sandbox {
  dir: string
  /** `--db FILE` or `--database-url URL`: the same database for every command of this sandbox. */
  dbArgs: string[]
  /** Runs `ordo ...args` to completion. */
  ordo: (args: string[], env?: Record<string, string>) => Promise<CommandResult>
  /** Runs `ordo ...args` to completion in `dir`, without the database flags: the test gives its own, or none. */
  bareOrdo: (args: string[], env?: Record<string, string>) => Promise<CommandResult>
  /**
   * Starts `ordo serve` on a free port and resolves once it logs that it listens on 127.0.0.1 there: `--host
   * 127.0.0.1` unless `hostArgs` says otherwise (`[]` tries the default).
   */
  serve: (env?: Record<string, string>, hostArgs?: string[]) => Promise<Server>
  /** Runs a bash script to completion in the repository, with ORDO_DB or DATABASE_URL naming the database. */
  bash: (script: string, env?: Record<string, string>) => Promise<CommandResult>
  /** Starts `node --import tsx SCRIPT ...args`, followed by the same database flags as `ordo`. */
  start: (script: string, args: string[]) => Child
  /** A connection for the test itself; closed before the database is dropped. */
  open: () => DbHandle
  /** Writes the file a server started with `clockEnv` reads as "now". */
  setClock: (iso: string) => void
  /** ORDO_CLOCK_FILE pointing at this sandbox's clock file. */
  clockEnv: Record<string, string>
}

/**
 * A temp directory and a fresh database (a SQLite file there, or a new PostgreSQL database), plus helpers that
 * run `ordo` against it. One t.after hook kills every process it started, then drops the database, then removes
 * the directory, in that order.
 */
export async function sandbox(t: TestContext, dialect: Dialect): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-e2e-'))
  const database = await freshDatabase(dialect)
  const running = new Set<Proc>()
  const opened: DbHandle[] = []
  t.after(async () => {
    for (const proc of running) await killAndWait(proc, 'SIGKILL')
    for (const handle of opened) await handle.db.destroy()
    await database.drop()
    rmSync(dir, { recursive: true, force: true })
  })
  const sqlitePath = join(dir, 'ordo.db')
  const dbArgs = database.url ? ['--database-url', database.url] : ['--db', sqlitePath]
  const clockFile = join(dir, 'clock')

  const dbEnv: Record<string, string> = database.url
    ? { DATABASE_URL: database.url }
    : { ORDO_DB: sqlitePath }

  const spawnChild = (file: string, args: string[], env: Record<string, string>, cwd = ROOT): Proc => {
    const child = spawn(file, args, {
      cwd,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    // 'close' comes after 'exit' once the output pipes are drained, so the output is complete by then.
    const closed = new Promise<Exit>((done) =>
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => done({ code, signal })),
    )
    const proc: Proc = { child, closed, stdout: () => stdout, stderr: () => stderr }
    running.add(proc)
    void closed.then(() => running.delete(proc))
    return proc
  }
  const spawnNode = (args: string[], env: Record<string, string>): Proc =>
    spawnChild(process.execPath, [...args, ...dbArgs], env)
  const finish = async (proc: Proc): Promise<CommandResult> => {
    const { code, signal } = await killIfHung(proc)
    return { code, signal, stdout: proc.stdout(), stderr: proc.stderr() }
  }

  return {
    dir,
    dbArgs,
    clockEnv: { ORDO_CLOCK_FILE: clockFile },
    setClock(iso) {
      // Written aside and renamed, so a server never reads a half-written timestamp.
      writeFileSync(`${clockFile}.tmp`, `${iso}\n`)
      renameSync(`${clockFile}.tmp`, clockFile)
    },
    ordo: (args, env = {}) => finish(spawnNode([ORDO, ...args], env)),
    bareOrdo: (args, env = {}) => finish(spawnChild(process.execPath, [ORDO, ...args], env, dir)),
    bash: (script, env = {}) =>
      finish(spawnChild('bash', ['-euo', 'pipefail', '-c', script], { ...dbEnv, ...env })),
    async serve(env = {}, hostArgs = ['--host', '127.0.0.1']) {
      // Another process may take the free port between our check and the server's bind: try a new port then.
      let failure = ''
      for (let attempt = 1; attempt <= SERVE_ATTEMPTS; attempt++) {
        const port = await freePort()
        const proc = spawnNode([ORDO, 'serve', ...hostArgs, '--port', String(port)], env)
        const server = await untilListening(proc, port)
        if (server) return server
        const { code, signal } = await proc.closed
        failure =
          `ordo serve did not start listening on port ${port} (exit ${String(code ?? signal)})\n` +
          `stdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`
        if (!proc.stderr().includes('EADDRINUSE')) break
      }
      throw new Error(failure)
    },
    start: (script, args) => childOf(spawnNode(['--import', 'tsx', script, ...args], {})),
    open() {
      const handle = openDatabase({ databaseUrl: database.url, sqlitePath })
      opened.push(handle)
      return handle
    },
  }
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

interface Proc {
  child: ChildProcessByStdio<null, Readable, Readable>
  closed: Promise<Exit>
  stdout: () => string
  stderr: () => string
}

const hasExited = ({ child }: Proc) => child.exitCode !== null || child.signalCode !== null

const childOf = (proc: Proc): Child => ({
  stdout: proc.stdout,
  stderr: proc.stderr,
  closed: proc.closed,
  stop: (signal = 'SIGKILL') => killAndWait(proc, signal),
})

/** Waits for the process to close; SIGKILL once it has taken HUNG_AFTER_MS. */
async function killIfHung(proc: Proc): Promise<Exit> {
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), HUNG_AFTER_MS)
  try {
    return await proc.closed
  } finally {
    clearTimeout(timer)
  }
}

/** Sends `signal` unless the process is gone, and waits for it to close. */
async function killAndWait(proc: Proc, signal: NodeJS.Signals): Promise<Exit> {
  if (!hasExited(proc)) proc.child.kill(signal)
  return killIfHung(proc)
}

/**
 * Resolves once the server logs that it listens on its port (at the default log level: LOG_LEVEL is not
 * inherited), or with undefined once it has closed without doing so (it failed to start, or hung and was
 * killed). Its own line, not /healthz: another test's server may hold the port this one failed to bind.
 */
async function untilListening(proc: Proc, port: number): Promise<Server | undefined> {
  const url = `http://127.0.0.1:${port}`
  const line = `listening at ${url}`
  let onData = () => {}
  const listening = new Promise<boolean>((done) => {
    // Runs after spawnNode's own listener has appended the chunk, so stdout() holds it; a line cut in two
    // chunks is found once the second arrives.
    onData = () => {
      if (proc.stdout().includes(line)) done(true)
    }
    proc.child.stdout.on('data', onData)
  })
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), HUNG_AFTER_MS)
  try {
    const ready = await Promise.race([listening, proc.closed.then(() => false)])
    return ready
      ? {
          ...childOf(proc),
          port,
          url,
          request: (method, path, options) => request(url, method, path, options),
        }
      : undefined
  } finally {
    clearTimeout(timer)
    proc.child.stdout.off('data', onData)
  }
}

async function request(
  base: string,
  method: string,
  path: string,
  { headers = {}, body }: RequestOptions = {},
): Promise<HttpResult> {
  const res = await fetch(`${base}${path}`, {
    method,
    signal: AbortSignal.timeout(HUNG_AFTER_MS),
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown = undefined
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  return { status: res.status, body: parsed, text }
}
