// HTTP surface of the events stream: GET /api/ordo/pvt/events/stream, the account's order events as
// Server-Sent Events, written by hand on the raw response (see docs/architecture.md, The events stream).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { acceptsEventStream } from './event-stream.ts'
import { EventStreamQuerySchema, StreamedEventSchema } from './event-stream.schemas.ts'
import { followEvents, openEventStream } from './event-stream.service.ts'

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to; a buffered stream arrives in lumps, or not at all.
  'x-accel-buffering': 'no',
}

export const eventStreamRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const readEvents = guard({ anyOf: ['View order', 'List Orders', 'OMS Viewer', 'Orders Full Access'] })
  // Streams under way, ended before the server stops listening: an open one would keep app.close() waiting.
  const streams = new Set<{ stop: () => void; ended: Promise<void> }>()
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.stop()
    await Promise.all([...streams].map((stream) => stream.ended))
  })

  app.get(
    '/api/ordo/pvt/events/stream',
    {
      onRequest: readEvents,
      // A HEAD would get the headers of a response that never ends.
      exposeHeadRoute: false,
      schema: {
        summary: "The account's order events, live (Server-Sent Events)",
        description: [
          "Ordo: every event of the caller's account's orders (transitions, payments, invoices, interactions…) as",
          'it is committed, in the order of the event log, as `text/event-stream`; the request must accept it',
          '(`Accept: text/event-stream`, or `*/*`), else 406. Each message has `id:` (the event id) and one',
          '`data:` line of JSON; there is no `event:` line, so EventSource.onmessage receives them. A reconnect',
          'with Last-Event-ID (or `?lastEventId=`) gets every event after that id, then the live ones; without',
          'one the stream starts at its end (new events only). A comment keeps the connection busy every 15 s.',
        ].join(' '),
        tags: ['Ordo'],
        querystring: EventStreamQuerySchema,
        headers: Type.Object({
          'last-event-id': Type.Optional(
            Type.String({ description: 'The last event id the client has: the stream resumes after it.' }),
          ),
        }),
        response: {
          200: {
            description: "The stream: one message per event, each message's data is this object.",
            content: { 'text/event-stream': { schema: StreamedEventSchema } },
          },
          ...errorResponses(400, 406),
        },
      },
    },
    async (request, reply) => {
      if (!acceptsEventStream(request.headers.accept)) {
        throw new AppError(
          'NOT_ACCEPTABLE',
          'This endpoint sends only text/event-stream: send Accept: text/event-stream.',
        )
      }
      // Listed from the start, so that a server closing while the stream starts ends it too.
      const stop = new AbortController()
      let ended = () => {}
      const stream = { stop: () => stop.abort(), ended: new Promise<void>((done) => (ended = done)) }
      streams.add(stream)
      try {
        const subscription = await openEventStream(
          deps,
          principalOf(request),
          request.query,
          request.headers['last-event-id'],
        )
        const res = reply.hijack().raw
        res.writeHead(200, { ...definedHeaders(reply), ...STREAM_HEADERS })
        res.once('close', () => stop.abort())
        if (res.destroyed || request.raw.socket.destroyed) stop.abort()
        try {
          await followEvents(deps, subscription, {
            write: (text) => write(reply, text, stop.signal),
            signal: stop.signal,
            checkAccess: () => recheck(readEvents, request, reply),
          })
        } catch (error) {
          // A key revoked, or the database away: the client reconnects, and is answered 401 or resumes.
          if (!(error instanceof AppError)) request.log.error({ err: error }, 'event stream failed')
        }
        // A client that stopped reading would hold a graceful end (and app.close()) for ever.
        if (res.writableNeedDrain) res.destroy()
        else if (!res.writableEnded) res.end()
      } finally {
        streams.delete(stream)
        ended()
      }
    },
  )
}

/** The headers set on the reply so far (the request id), for the raw response. */
const definedHeaders = (reply: FastifyReply) =>
  Object.fromEntries(Object.entries(reply.getHeaders()).filter(([, value]) => value !== undefined))

/** Writes to the raw response; resolves once it takes more, the client is gone or the stream is stopped. */
function write(reply: FastifyReply, text: string, stopped: AbortSignal): Promise<void> {
  const res = reply.raw
  if (res.destroyed || res.writableEnded) return Promise.resolve()
  if (res.write(text) || stopped.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      stopped.removeEventListener('abort', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
    stopped.addEventListener('abort', done)
  })
}

/** The route's guard again, as at the start: a key revoked since then ends the stream. */
async function recheck(
  guard: ReturnType<RouteDeps['guard']>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    guard.call(request.server, request, reply, (error) => (error ? reject(error) : resolve())),
  )
}
