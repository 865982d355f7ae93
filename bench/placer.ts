// The mixed rounds' placing client, a child process of the bench: an ERP placing orders is a client of its own,
// and on the bench's event loop each placement's client work (about 1.5 ms of CPU: building, sending and
// reading it) delayed the autocannon requests it shares that loop with, so the ratio counted the client's cost
// as the server's. Placements are paced as in `paced`, one-seller orders with a marketplaceOrderId of their own.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { postJson } from '../src/platform/outbound-http.ts'
import { singleOrder } from '../test/fixtures.ts'
import { paced } from './paced.ts'

export interface PlacingRun {
  base: string
  headers: Record<string, string>
  perSecond: number
  seconds: number
  maxInFlight: number
}

export interface Placed {
  /** Orders answered 201. */
  orders: number
  skipped: number
  seconds: number
  /** CPU seconds the placing process used over the round. */
  loadCpuSeconds: number
}

type Reply = { placed: Placed } | { failure: string }

/** A process that places orders when asked; `close` ends it. */
export function startPlacer(): { place: (run: PlacingRun) => Promise<Placed>; close: () => Promise<void> } {
  // It runs this TypeScript file itself, as the bare server's process does.
  const child = fork(fileURLToPath(import.meta.url), { execArgv: ['--import', 'tsx'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    place: (run) =>
      new Promise((resolve, reject) => {
        const died = () => reject(new Error('The placing process exited during a round.'))
        void exited.then(died)
        child.once('message', (reply: Reply) => {
          if ('failure' in reply) reject(new Error(reply.failure))
          else resolve(reply.placed)
        })
        child.send(run)
      }),
    close: async () => {
      child.disconnect()
      await exited
    },
  }
}

let placements = 0

/** Any answer but 201 fails the round. */
async function placeOne({ base, headers }: PlacingRun): Promise<void> {
  const answer = await postJson(
    new URL(`${base}/api/oms/pvt/orders`),
    headers,
    JSON.stringify(singleOrder(`BENCH-MIXED-${placements++}`)),
    { timeoutMs: 10_000, readBody: true },
  )
  if (answer.status !== 201) {
    throw new Error(`Placing an order answered ${answer.status ?? answer.error}: ${answer.body ?? ''}`)
  }
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const send = process.send.bind(process)
  process.on('message', (run: PlacingRun) => {
    const cpu = process.cpuUsage()
    paced(run.perSecond, run.seconds, run.maxInFlight, () => placeOne(run)).then(
      ({ results, skipped, seconds }) => {
        const { user, system } = process.cpuUsage(cpu)
        const placed: Placed = {
          orders: results.length,
          skipped,
          seconds,
          loadCpuSeconds: (user + system) / 1e6,
        }
        send({ placed })
      },
      (error: unknown) => send({ failure: error instanceof Error ? error.message : String(error) }),
    )
  })
  // The bench ends it by closing the channel; kept-alive sockets must not keep it running.
  process.on('disconnect', () => process.exit(0))
}
