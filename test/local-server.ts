// Shared by the end-to-end tests and the bench: a free local port, and the key a first `ordo serve` prints.
import { createServer } from 'node:net'

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
