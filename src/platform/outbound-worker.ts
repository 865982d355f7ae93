// The thread of outbound-thread.ts: it makes the requests the main thread hands it with postJson and hands the
// outcomes back, those that come in the same turn of its event loop in one message.
import { parentPort } from 'node:worker_threads'
import { postJson } from './outbound-http.ts'
import type { OutboundAnswer, OutboundRequest } from './outbound-thread.ts'

const port = parentPort
if (!port) throw new Error('outbound-worker.ts runs as a worker thread (outbound-thread.ts starts it)')

let answers: OutboundAnswer[] = []
const flush = () => {
  port.postMessage(answers)
  answers = []
}

port.on('message', (requests: OutboundRequest[]) => {
  for (const { id, url, headers, body, options } of requests) {
    void postJson(new URL(url), headers, body, options).then((result) => {
      answers.push({ id, result })
      if (answers.length === 1) setImmediate(flush)
    })
  }
})
