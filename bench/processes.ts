// Child processes of the bench: start a server, wait until it answers, read its CPU time, stop it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Server {
  readonly name: string
  readonly process: ChildProcess
  /** Everything the server printed so far, stdout and stderr together. */
  output: () => string
  /** User plus system CPU seconds the server has used, where /proc tells it. */
  cpuSeconds: () => number | undefined
  stop: () => Promise<void>
}

const live = new Set<Server>()

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

/** Polls `url` until it answers 200, the server exits, or `timeoutMs` passes. */
export async function waitUntilAnswering(server: Server, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.process.exitCode !== null) {
      throw new Error(`${server.name} exited with code ${server.process.exitCode}:\n${server.output()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await sleep(100)
  }
  throw new Error(`${server.name} did not answer ${url} within ${timeoutMs} ms:\n${server.output()}`)
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
