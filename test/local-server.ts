// Shared by the end-to-end tests and the bench: a current build, a free local port, and the key a first
// `ordo serve` prints.
import { readdirSync, statSync } from 'node:fs'
import type { Server as HttpServer } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')

/**
 * Throws unless dist/ (what bin/ordo.js runs) was built after the last change to src/. `npm test` and
 * `npm run bench` build it first; this stops a test file or the bench run on its own from trying an old build.
 */
export function assertCurrentBuild(): void {
  const built = statSync(join(ROOT, 'dist/ordo.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0
  const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => !file.endsWith('.test.ts'))
    .map((file) => statSync(join(ROOT, 'src', file)).mtimeMs)
  if (Math.max(...sources) > built) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` (npm test does it first).')
  }
}

/** A port that was free a moment ago: the OS picks it for a listener on port 0, which is then closed. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => {
        if (address && typeof address === 'object') done(address.port)
        else fail(new Error('no port'))
      })
    })
  })
}

/** The AppKey/AppToken pair `serve` prints on first start, or undefined when it printed none. */
export function printedKey(stdout: string): { appKey: string; appToken: string } | undefined {
  const appKey = /^\s*X-VTEX-API-AppKey:\s*(\S+)\s*$/m.exec(stdout)?.[1]
  const appToken = /^\s*X-VTEX-API-AppToken:\s*(\S+)\s*$/m.exec(stdout)?.[1]
  return appKey && appToken ? { appKey, appToken } : undefined
}

/** Listens on a free port of 127.0.0.1 until the test ends; resolves to the port. */
export async function listenLocally(t: TestContext, server: HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    // A killed server's keep-alive sockets would otherwise hold the close up.
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return (server.address() as AddressInfo).port
}
