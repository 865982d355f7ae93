// postJson on a thread of its own, for the calls that come in streams: a hook takes one POST per order event, and
// building, writing and reading each on the main thread cost about a third of a delivery's CPU there, time the
// API's requests would wait for (BENCHMARKS.md, transitions). The thread makes the call exactly as postJson does
// (outbound-http.ts: the guarded lookup, no redirects, the deadline); only the place changes. Requests made in one
// turn of the event loop cross in one message, and so do the answers.
import { Worker } from 'node:worker_threads'
import type { PostOptions, PostResult } from './outbound-http.ts'

export interface OutboundRequest {
  id: number
  url: string
  headers: Record<string, string>
  body: string
  options: PostOptions
}

export interface OutboundAnswer {
  id: number
  result: PostResult
}

/**
 * From the build, this is bundled into dist/chunks/ and the worker is an entry of its own in dist/. From the
 * sources (tests, `npm run dev`) the worker is the .ts beside this, and a thread does not inherit the loader
 * tsx registered in the process: it registers it again before loading the worker.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('../outbound-worker.js', import.meta.url))
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  const worker = JSON.stringify(new URL('./outbound-worker.ts', import.meta.url).href)
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${worker}) })`, {
    eval: true,
  })
}

/** One worker and the calls it has not answered yet. */
class OutboundWorker {
  private readonly worker = startWorker()
  private readonly waiting = new Map<number, (result: PostResult) => void>()
  private batch: OutboundRequest[] = []
  private lastId = 0
  ended = false

  constructor() {
    // Held only while a call waits for it: an idle thread keeps no process (a test, a CLI command) alive.
    this.worker.unref()
    this.worker.on('message', (answers: OutboundAnswer[]) => {
      for (const { id, result } of answers) this.settle(id, result)
    })
    this.worker.on('error', (error) => this.end(error.message))
    this.worker.on('exit', (code) => this.end(`it exited with code ${code}`))
  }

  post(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
    const id = ++this.lastId
    if (this.waiting.size === 0) this.worker.ref()
    this.batch.push({ id, url: url.href, headers, body, options })
    if (this.batch.length === 1) queueMicrotask(() => this.flush())
    return new Promise((resolve) => this.waiting.set(id, resolve))
  }

  private flush(): void {
    const batch = this.batch
    this.batch = []
    this.worker.postMessage(batch)
  }

  private settle(id: number, result: PostResult): void {
    const resolve = this.waiting.get(id)
    if (!resolve) return
    this.waiting.delete(id)
    if (this.waiting.size === 0) this.worker.unref()
    resolve(result)
  }

  async stop(): Promise<void> {
    this.end('it was stopped')
    await this.worker.terminate()
  }

  /** The thread is gone: what it had not answered fails as a call without an answer does, to be retried. */
  private end(reason: string): void {
    this.ended = true
    for (const id of [...this.waiting.keys()]) {
      this.settle(id, { status: null, latencyMs: 0, error: `the outbound thread stopped: ${reason}` })
    }
  }
}

let current: OutboundWorker | undefined

/** postJson (outbound-http.ts), made on the outbound thread; started at the first call, again after a crash. */
export function postJsonOffThread(
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostResult> {
  try {
    if (!current || current.ended) current = new OutboundWorker()
  } catch (error) {
    // As a call that got no answer: the caller retries it, as it would after a refused connection.
    return Promise.resolve({
      status: null,
      latencyMs: 0,
      error: `the outbound thread did not start: ${(error as Error).message}`,
    })
  }
  return current.post(url, headers, body, options)
}

/** Ends the outbound thread, if one runs; a call it had not answered ends without a status. */
export async function stopOutboundThread(): Promise<void> {
  await current?.stop()
}
