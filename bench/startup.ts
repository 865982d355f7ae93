// Start-up time of the built `ordo` command: `ordo --help` to its exit, and `ordo serve` from spawn to the first
// 200 on /healthz, on an empty SQLite database (migrations and the bootstrap key) and again on the same one.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from '../test/local-server.ts'
import { serveArgs, startServer, untilPrinted, waitUntilAnswering } from './processes.ts'

export interface StartupFigures {
  /** Milliseconds per run, in the order measured. */
  helpMs: number[]
  firstStartMs: number[]
  restartMs: number[]
}

async function timeHelp(root: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, ['bin/ordo.js', '--help'], { cwd: root, env, stdio: 'ignore' })
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  if (code !== 0) throw new Error(`ordo --help exited with code ${String(code)}`)
  return performance.now() - started
}

async function timeServe(root: string, env: NodeJS.ProcessEnv, dbFile: string): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  // At the default log level, info, whatever the environment says: the start-up lines are part of the
  // measure, and the one saying it listens is awaited below.
  const server = startServer('ordo serve', serveArgs(port, dbFile, 'info'), root, env)
  try {
    // Asked once the server says it listens: polls from the start would take CPU from the start they time.
    await untilPrinted(server, (output) => output.includes('Server listening at') || undefined)
    await waitUntilAnswering(server, `http://127.0.0.1:${port}/healthz`)
    return performance.now() - started
  } finally {
    await server.stop()
  }
}

/** `runs` of each, one after another on an otherwise idle bench; each start gets its own database file. */
export async function measureStartup(
  root: string,
  workDir: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): Promise<StartupFigures> {
  const figures: StartupFigures = { helpMs: [], firstStartMs: [], restartMs: [] }
  for (let run = 0; run < runs; run++) figures.helpMs.push(await timeHelp(root, env))
  for (let run = 0; run < runs; run++) {
    const dbFile = join(workDir, `startup-${run}.db`)
    figures.firstStartMs.push(await timeServe(root, env, dbFile))
    figures.restartMs.push(await timeServe(root, env, dbFile))
  }
  return figures
}
