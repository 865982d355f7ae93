// `npm test`: every *.test.ts under src/ and test/ (or the files named as arguments), shared among one process
// per CPU core. Each process loads tsx, Fastify and the rest of Ordo once and runs its share with node:test;
// a process per file loaded them once per file, which took two thirds of the suite's CPU time.
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, relative, resolve } from 'node:path'
import process from 'node:process'
import { Buffer } from 'node:buffer'
import { performance } from 'node:perf_hooks'
import { URL, fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * Every `*.test.ts` under `dir`, as paths relative to the root.
 * @param {string} dir
 */
function testFiles(dir) {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(dir, name))
}

const files = (
  process.argv.length > 2
    ? process.argv.slice(2).map((file) => relative(root, resolve(file)))
    : [...testFiles('src'), ...testFiles('test')]
).sort()

// The biggest files first (size is a fair guess at running time), each to the first process that asks for one,
// so that the processes end close together.
const sizes = new Map(files.map((file) => [file, statSync(join(root, file)).size]))
const queue = [...files].sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0))
const processes = Math.max(
  1,
  Math.min(Number(process.env.ORDO_TEST_PROCESSES) || availableParallelism(), files.length),
)

/** Runs one process; resolves with its exit code once it ended, having printed what it printed. */
function run(index) {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test-reporter=spec', 'scripts/test-share.js'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
      },
    )
    let ran = 0
    let current = { file: '', since: 0 }
    child.on('message', () => {
      // Asking for the next file means the last one ended: a line of progress while the reports wait.
      if (current.file) {
        const seconds = ((performance.now() - current.since) / 1000).toFixed(1)
        process.stdout.write(`  ${current.file} ran in ${seconds} s\n`)
      }
      const file = queue.shift() ?? null
      if (file) ran += 1
      current = { file: file ?? '', since: performance.now() }
      child.send(file)
    })
    // Shown once the process ends, so that the processes' reports do not interleave.
    const output = []
    child.stdout.on('data', (chunk) => output.push(chunk))
    child.stderr.on('data', (chunk) => output.push(chunk))
    child.on('close', (code, signal) => {
      // Ended without asking for another file: whatever it was running stopped short (process.exit in a test).
      const cut = current.file !== ''
      if (cut) output.push(Buffer.from(`\n✖ ${current.file} did not run to its end: its process exited\n`))
      process.stdout.write(`\n── test process ${index + 1} of ${processes}: ${ran} files ──\n`)
      process.stdout.write(Buffer.concat(output))
      done(cut ? 1 : (code ?? (signal ? 1 : 0)))
    })
  })
}

const started = performance.now()
const codes = await Promise.all(Array.from({ length: processes }, (_, index) => run(index)))
// Files no process took, had every process ended early.
if (queue.length > 0) process.stdout.write(`\n✖ ${queue.length} test files never ran: ${queue.join(', ')}\n`)
const passed = codes.every((code) => code === 0) && queue.length === 0
const seconds = ((performance.now() - started) / 1000).toFixed(1)
process.stdout.write(
  `\n${files.length} test files in ${processes} processes, ${seconds} s: ` +
    (passed ? 'all passed\n' : 'FAILED (see above)\n'),
)
process.exitCode = passed ? 0 : 1
