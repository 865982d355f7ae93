// The yardstick for `npm run bench`: one bare Fastify route that sends stored order documents from memory.
// Usage: node --import tsx bench/bare-server.ts DOCUMENTS.json PORT
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const [file, port] = process.argv.slice(2)
if (!file || !port) throw new Error('Usage: bare-server.ts DOCUMENTS.json PORT')

// Keyed by order id so each request gets the very bytes Ordo sent for that id, with nothing else done.
const documents = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>))

const app = Fastify()

app.get<{ Params: { orderId: string } }>('/api/oms/pvt/orders/:orderId', async (request, reply) => {
  const document = documents.get(request.params.orderId)
  if (document === undefined) return reply.code(404).send()
  return reply.type('application/json; charset=utf-8').send(document)
})

process.once('SIGTERM', () => void app.close())
await app.listen({ port: Number(port), host: '127.0.0.1' })
