// Child processes of the bench: start a server, wait until it answers, read its CPU time, stop it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Waits on a server end as soon as it answers, prints what was awaited, or exits. This cap only keeps a hung
 * server from hanging the bench: no machine, however loaded, takes this long to start one.
 */
const HUNG_AFTER_MS = 120_000
/** Between polls of a server that is starting. */
const POLL_MS = 20

export interface Server {
  readonly name: string
  readonly process: ChildProcess
  /** Settles when the process has exited. */
  readonly exited: Promise<void>
  /** Everything the server printed so far, stdout and stderr together. */
  output: () => string
  /** User plus system CPU seconds the server has used, where /proc tells it. */
  cpuSeconds: () => number | undefined
  stop: () => Promise<void>
}

/** A running `ordo serve` and the admin key it printed. */
export interface Ordo {
  server: Server
  base: string
  headers: Record<string, string>
  /** A key of the account partner, its consent to be the example order's second seller. */
  partnerKey: { appKey: string; appToken: string }
}

const live = new Set<Server>()

/** The arguments of `ordo serve` on 127.0.0.1:`port` and the SQLite file `dbFile`. */
export const serveArgs = (port: number, dbFile: string, logLevel: string): string[] => [
  'bin/ordo.js',
  'serve',
  ...['--host', '127.0.0.1', '--port', String(port), '--db', dbFile],
  ...['--log-level', logLevel],
]

/** Starts `node ARGS…` in the project root; the child dies with the bench (see stopAll). */
export function startServer(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Server {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  // Bounded: a chatty server must not grow the bench's memory without end.
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const server: Server = {
    name,
    process: child,
    exited,
    output: () => output,
    cpuSeconds: () => (child.pid === undefined ? undefined : cpuSecondsOf(child.pid)),
    stop: async () => {
      live.delete(server)
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
      if (!stopped) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
  live.add(server)
  return server
}

/** Stops every server still running; used on the way out, also after a failure. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((server) => server.stop()))
}

/** Polls `url` until it answers 200; fails as soon as the server exits, or once it has hung for HUNG_AFTER_MS. */
export async function waitUntilAnswering(server: Server, url: string): Promise<void> {
  let exited = false
  void server.exited.then(() => (exited = true))
  const deadline = performance.now() + HUNG_AFTER_MS
  while (!exited && performance.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(HUNG_AFTER_MS) })
      await response.arrayBuffer()
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await Promise.race([sleep(POLL_MS), server.exited])
  }
  throw new Error(
    exited
      ? `${server.name} exited with code ${server.process.exitCode}:\n${server.output()}`
      : `${server.name} did not answer ${url} within ${HUNG_AFTER_MS} ms:\n${server.output()}`,
  )
}

/** What `find` returns once it finds something in the server's output; fails if the server exits or hangs first. */
export async function untilPrinted<T>(server: Server, find: (output: string) => T | undefined): Promise<T> {
  let onData = () => {}
  const found = new Promise<T>((done) => {
    onData = () => {
      const value = find(server.output())
      if (value !== undefined) done(value)
    }
    server.process.stdout?.on('data', onData)
    server.process.stderr?.on('data', onData)
    onData()
  })
  let timer: NodeJS.Timeout | undefined
  const failed = new Promise<never>((_, fail) => {
    const failure = (what: string) => () => fail(new Error(`${server.name} ${what}:\n${server.output()}`))
    void server.exited.then(failure('exited before printing what was awaited'))
    timer = setTimeout(failure(`printed nothing awaited within ${HUNG_AFTER_MS} ms`), HUNG_AFTER_MS)
  })
  try {
    return await Promise.race([found, failed])
  } finally {
    clearTimeout(timer)
    server.process.stdout?.off('data', onData)
    server.process.stderr?.off('data', onData)
  }
}

let ticksPerSecond: number | undefined

function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces; the numeric fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    return (utime + stime) / ticksPerSecond
  } catch {
    return undefined
  }
}
