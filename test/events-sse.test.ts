// GET /api/ordo/pvt/events/stream over a real socket: live events, resuming after Last-Event-ID without loss
// or duplicates, filters, account isolation, refusals, and the end of streams when clients leave or the app
// closes. Also the loop behind it (followEvents), driven directly where the route's timings would be slow.
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { it, type TestContext } from 'node:test'
import { sql } from 'kysely'
import { addInteraction } from '../src/modules/conversation/conversation.service.ts'
import type { StreamedEvent } from '../src/modules/events/event-stream.schemas.ts'
import {
  followEvents,
  openEventStream,
  STREAM_TIMING,
  type StreamTiming,
  type Subscription,
} from '../src/modules/events/event-stream.service.ts'
import { insertEvents, type NewEvents } from '../src/modules/orders/order-event.repository.ts'
import { accountStreamEnd, readScopedEventStream, STREAM_START } from '../src/modules/orders/order.service.ts'
import { AppError } from '../src/platform/errors.ts'
import type { Principal } from '../src/platform/principal.ts'
import { Signal } from '../src/platform/signal.ts'
import { api, errorCode } from './api.ts'
import { interactionEvent, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'
import { INTAKE_STATES } from './workflow-log.ts'

const STREAM = '/api/ordo/pvt/events/stream'
/** On PostgreSQL another process's open transaction holds the stream back (the horizon is the server's). */
const TIMEOUT = { timeout: 120_000 }

interface Message {
  id: string
  event: StreamedEvent
}

/**
 * Reads an event stream as HTML's rules say: `id:` sets the last event id when its block ends, also a block
 * with no data (which dispatches no message); comments are counted, not dispatched.
 */
class StreamReader {
  readonly #unread: Message[] = []
  #wake = () => {}
  #ended = false
  /** What EventSource would send as Last-Event-ID on a reconnect. */
  lastEventId = ''
  retry: number | undefined
  comments: string[] = []
  readonly ended: Promise<void>

  constructor(body: ReadableStream<Uint8Array>) {
    this.ended = this.#pump(body)
  }

  async #pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let buffer = ''
    let data: string[] = []
    let id: string | undefined
    const chunks = body.getReader()
    try {
      for (let read = await chunks.read(); !read.done; read = await chunks.read()) {
        buffer += decoder.decode(read.value, { stream: true })
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).replace(/\r$/, '')
          buffer = buffer.slice(end + 1)
          if (line === '') {
            if (id !== undefined) this.lastEventId = id
            if (data.length > 0) {
              this.#unread.push({ id: this.lastEventId, event: JSON.parse(data.join('\n')) as StreamedEvent })
            }
            data = []
            id = undefined
            this.#wake()
            continue
          }
          if (line.startsWith(':')) {
            this.comments.push(line)
            continue
          }
          const colon = line.indexOf(':')
          const field = colon < 0 ? line : line.slice(0, colon)
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
          if (field === 'data') data.push(value)
          else if (field === 'id') id = value
          else if (field === 'retry') this.retry = Number(value)
          else assert.fail(`unexpected field ${field}`)
        }
      }
    } catch {
      // Aborted by the test.
    } finally {
      this.#ended = true
      this.#wake()
    }
  }

  /** The next message; fails when the stream ends first. */
  async next(): Promise<Message> {
    for (;;) {
      const message = this.#unread.shift()
      if (message) return message
      if (this.#ended) assert.fail('the stream ended')
      await new Promise<void>((resolve) => (this.#wake = resolve))
    }
  }

  async take(count: number): Promise<Message[]> {
    const messages: Message[] = []
    while (messages.length < count) messages.push(await this.next())
    return messages
  }

  /** Resolves once the stream has told its position (the block it opens with). */
  async positioned(): Promise<string> {
    while (this.lastEventId === '') {
      if (this.#ended) assert.fail('the stream ended')
      await new Promise<void>((resolve) => (this.#wake = resolve))
    }
    return this.lastEventId
  }
}

interface OpenStream {
  reader: StreamReader
  headers: Headers
  /** The client goes away. */
  close: () => Promise<void>
}

async function listen(test: TestApp): Promise<string> {
  return test.app.listen({ port: 0, host: '127.0.0.1' })
}

async function openStream(
  t: TestContext,
  base: string,
  headers: Record<string, string>,
  query = '',
): Promise<OpenStream> {
  const controller = new AbortController()
  const res = await fetch(`${base}${STREAM}${query}`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  })
  assert.equal(res.status, 200, await (res.status === 200 ? Promise.resolve('') : res.text()))
  assert.ok(res.body)
  const reader = new StreamReader(res.body)
  const close = async () => {
    controller.abort()
    await reader.ended
  }
  t.after(close)
  await reader.positioned()
  return { reader, headers: res.headers, close }
}

const interactions = (orderId: string) => `/api/oms/pvt/orders/${encodeURIComponent(orderId)}/interactions`

async function interact(test: TestApp, orderId: string, message: string): Promise<void> {
  const res = await api(test).send('POST', interactions(orderId), { source: 'ERP', message })
  assert.equal(res.statusCode, 200, res.body)
}

async function place(test: TestApp, tag: string, headers = test.headers): Promise<string> {
  const placed = await api(test, headers).placeOk(singleOrder(tag))
  const orderId = placed.orders[0]?.orderId
  assert.ok(orderId)
  return orderId
}

const messageOf = (message: Message): string =>
  (message.event.data as { message?: string }).message ?? message.event.state

/** The account's stored event ids after `eventId`, in stream order, straight from the table. */
async function storedAfter(test: TestApp, eventId: string, account = 'acme'): Promise<string[]> {
  const [tx = 0, id = 0] = eventId.split('-').map(Number)
  const rows = await test.deps.db
    .selectFrom('order_events')
    .select(['tx_id', 'id'])
    .where('account', '=', account)
    .where(sql<boolean>`(tx_id, id) > (${tx}, ${id})`)
    .orderBy('tx_id')
    .orderBy('id')
    .execute()
  return rows.map((row) => `${row.tx_id}-${row.id}`)
}

/**
 * Waits until the stream shows every event the account has stored. On PostgreSQL a transaction still open
 * elsewhere on the server (another test process) holds later events behind the horizon for a moment; a stream
 * opened meanwhile starts before them and sends them, as it must: it starts where the stream ends, not after
 * the last event committed.
 */
async function settled(test: TestApp, account = 'acme'): Promise<void> {
  const [last] = (await storedAfter(test, '0-0', account)).slice(-1)
  if (last === undefined) return
  for (;;) {
    const end = await accountStreamEnd(test.deps, account)
    if (`${end.tx}-${end.id}` === last) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const openStreams = async (test: TestApp): Promise<number> =>
  (await test.deps.metrics.eventStreamsOpen.get()).values[0]?.value ?? 0

/** Waits until the server counts `count` open streams: a stream ends on its own once its client has gone. */
async function untilOpenStreams(test: TestApp, count: number): Promise<void> {
  while ((await openStreams(test)) !== count) await new Promise((resolve) => setTimeout(resolve, 5))
}

describeEachDialect('events stream', (dialect) => {
  it('sends the events committed after it opened, live, and none from before', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const base = await listen(test)
    const before = await place(test, 'BEFORE')
    await settled(test)
    const { reader, headers } = await openStream(t, base, test.headers)
    assert.match(String(headers.get('content-type')), /^text\/event-stream/)
    assert.equal(headers.get('cache-control'), 'no-cache, no-transform')
    assert.ok(headers.get('x-request-id'))
    assert.equal(reader.retry, 3000)
    // The stream opens at the account's end: the last event of the order placed before.
    assert.deepEqual(await storedAfter(test, reader.lastEventId), [])

    const orderId = await place(test, 'LIVE')
    const intake = await reader.take(INTAKE_STATES.length)
    assert.deepEqual(
      intake.map((m) => m.event.state),
      INTAKE_STATES,
    )
    const [first] = intake
    assert.ok(first)
    assert.deepEqual(first.event, {
      eventId: first.id,
      orderId,
      orderVersion: 1,
      kind: 'transition',
      domain: first.event.domain,
      state: 'order-created',
      lastState: null,
      lastChange: first.event.lastChange,
      currentChange: '2026-03-02T12:00:00.000Z',
      origin: { account: 'acme', key: test.admin.appKey },
      data: {},
    })
    assert.ok(intake.every((m) => m.event.orderId === orderId && m.id === m.event.eventId))
    assert.notEqual(orderId, before)

    await interact(test, orderId, 'hello')
    const said = await reader.next()
    assert.deepEqual([said.event.kind, said.event.orderVersion, messageOf(said)], ['interaction', 2, 'hello'])
  })

  it(
    'resumes after Last-Event-ID with exactly the 100 events it missed, in order, then live',
    TIMEOUT,
    async (t) => {
      const test = await startTestApp(t, dialect)
      const base = await listen(test)
      const orderId = await place(test, 'RESUME')
      await settled(test)
      const first = await openStream(t, base, test.headers)
      await interact(test, orderId, 'm0')
      const seen = await first.reader.next()
      assert.equal(messageOf(seen), 'm0')
      const lastEventId = first.reader.lastEventId
      assert.equal(lastEventId, seen.id)
      await first.close()

      for (let i = 1; i <= 100; i++) await interact(test, orderId, `m${i}`)
      const missed = await storedAfter(test, lastEventId)
      assert.equal(missed.length, 100)

      const resumed = await openStream(t, base, { ...test.headers, 'last-event-id': lastEventId })
      const replayed = await resumed.reader.take(100)
      assert.deepEqual(
        replayed.map((m) => m.id),
        missed,
      )
      assert.deepEqual(
        replayed.map(messageOf),
        Array.from({ length: 100 }, (_, i) => `m${i + 1}`),
      )
      // Nothing more came between the replay and the live events.
      await interact(test, orderId, 'live')
      assert.equal(messageOf(await resumed.reader.next()), 'live')

      // ?lastEventId= for clients that cannot send the header; the header wins when both are sent (EventSource
      // sends it on a reconnect to the URL it was first given).
      const byQuery = await openStream(t, base, test.headers, `?lastEventId=${lastEventId}`)
      assert.deepEqual((await byQuery.reader.take(101)).map(messageOf), [
        ...Array.from({ length: 100 }, (_, i) => `m${i + 1}`),
        'live',
      ])
      const both = await openStream(
        t,
        base,
        { ...test.headers, 'last-event-id': missed[98] ?? '' },
        '?lastEventId=0-0',
      )
      assert.deepEqual((await both.reader.take(2)).map(messageOf), ['m100', 'live'])
    },
  )

  it('keeps only the statuses asked for, or one order', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const base = await listen(test)
    const other = await place(test, 'OTHER')
    const followed = await place(test, 'FOLLOWED')
    await settled(test)
    const statuses = await openStream(t, base, test.headers, '?status=payment-pending,%20canceled')
    const oneOrder = await openStream(t, base, test.headers, `?orderId=${followed}`)

    const placed = await place(test, 'FILTERED')
    const pending = await statuses.reader.next()
    assert.deepEqual([pending.event.orderId, pending.event.state], [placed, 'payment-pending'])
    const canceled = await api(test).cancel(placed)
    assert.equal(canceled.statusCode, 200, canceled.body)
    const after: Message[] = []
    while (!after.some((m) => m.event.kind === 'transition' && m.event.state === 'canceled')) {
      after.push(await statuses.reader.next())
    }
    assert.ok(after.every((m) => m.event.orderId === placed && m.event.state === 'canceled'))

    await interact(test, other, 'not followed')
    await interact(test, followed, 'followed')
    const only = await oneOrder.reader.next()
    assert.deepEqual([only.event.orderId, messageOf(only)], [followed, 'followed'])
  })

  it("never shows another account's events", TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const base = await listen(test)
    const partner = await test.newKey(['OMS - Full access'], 'partner')
    const acmeStream = await openStream(t, base, test.headers)
    const partnerStream = await openStream(t, base, partner)
    const partnerOrder = await place(test, 'PARTNER', partner)
    const acmeOrder = await place(test, 'ACME')
    const acme = await acmeStream.reader.take(INTAKE_STATES.length)
    assert.ok(acme.every((m) => m.event.orderId === acmeOrder && m.event.origin.account === 'acme'))
    const theirs = await partnerStream.reader.take(INTAKE_STATES.length)
    assert.ok(theirs.every((m) => m.event.orderId === partnerOrder))
    // Not even when resuming from the start of the whole stream.
    const fromStart = await openStream(t, base, partner, '?lastEventId=0-0')
    assert.deepEqual(
      (await fromStart.reader.take(INTAKE_STATES.length)).map((m) => m.event.orderId),
      INTAKE_STATES.map(() => partnerOrder),
    )
    await interact(test, acmeOrder, 'acme only')
    assert.equal(messageOf(await acmeStream.reader.next()), 'acme only')
    await place(test, 'PARTNER-2', partner)
    assert.equal((await fromStart.reader.next()).event.state, 'order-created')
  })

  it('refuses: 401 without credentials, 403 without a read resource, 406 without Accept, 400 for a bad id or status', async (t) => {
    const test = await startTestApp(t, dialect)
    const get = (headers: Record<string, string>, query = '') =>
      test.app.inject({ method: 'GET', url: `${STREAM}${query}`, headers })
    const accept = { accept: 'text/event-stream' }
    const anonymous = await get(accept)
    assert.equal(anonymous.statusCode, 401)
    const callCenter = await get({ ...accept, ...(await test.newKey(['Call center operator'])) })
    assert.equal(callCenter.statusCode, 403)
    assert.equal(errorCode(callCenter), 'OMS002')
    const refusals: Record<string, string>[] = [
      {},
      { accept: 'application/json' },
      { accept: 'text/event-stream;q=0, */*' },
    ]
    for (const refused of refusals) {
      const res = await get({ ...test.headers, ...refused })
      assert.equal(res.statusCode, 406, JSON.stringify(refused))
      assert.deepEqual(res.json(), {
        error: {
          code: 'OMS026',
          message: 'This endpoint sends only text/event-stream: send Accept: text/event-stream.',
          exception: null,
        },
      })
    }
    const cases: [Record<string, string>, string, string][] = [
      [{ 'last-event-id': 'abc' }, '', 'Last-Event-ID must be an event id'],
      [{ 'last-event-id': '1-2-3' }, '', 'Last-Event-ID must be an event id'],
      [{ 'last-event-id': '99999999999999999-1' }, '', 'Last-Event-ID must be an event id'],
      [{}, '?lastEventId=12', 'lastEventId must be an event id'],
      [{}, '?status=handling,shipped', 'status has "shipped", which is not an order status.'],
      [{}, '?status=handling,,invoiced', 'status has "", which is not an order status.'],
      [{}, '?orderId=', 'orderId must not be empty'],
    ]
    for (const [headers, query, message] of cases) {
      const res = await get({ ...test.headers, ...accept, ...headers }, query)
      assert.equal(res.statusCode, 400, `${JSON.stringify(headers)} ${query}`)
      assert.equal(errorCode(res), 'OMS001')
      assert.ok(res.json<{ error: { message: string } }>().error.message.includes(message), res.body)
    }
  })

  it(
    'takes the user token from the VtexIdclientAutCookie cookie, as EventSource sends it',
    TIMEOUT,
    async (t) => {
      const test = await startTestApp(t, dialect)
      const base = await listen(test)
      const login = await test.app.inject({
        method: 'POST',
        url: '/api/vtexid/apptoken/login',
        payload: { appkey: test.admin.appKey, apptoken: test.admin.appToken },
      })
      const { token } = login.json<{ token: string }>()
      const { reader } = await openStream(t, base, { cookie: `VtexIdclientAutCookie=${token}` })
      const orderId = await place(test, 'COOKIE')
      assert.equal((await reader.next()).event.orderId, orderId)
    },
  )

  it('finds events another process commits, which wake nothing here', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const base = await listen(test)
    const orderId = await place(test, 'ELSEWHERE')
    await settled(test)
    const { reader } = await openStream(t, base, test.headers)
    // The same database through use cases that do not share this process's signal.
    const elsewhere = { ...test.deps, eventsCommitted: new Signal() }
    await addInteraction(elsewhere, principal('acme'), orderId, { source: 'CLI', message: 'from elsewhere' })
    assert.equal(messageOf(await reader.next()), 'from elsewhere')
  })

  it('stops following a client that left, and ends open streams when the app closes', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const base = await listen(test)
    const leaving = await openStream(t, base, test.headers)
    await untilOpenStreams(test, 1)
    await leaving.close()
    await untilOpenStreams(test, 0)

    const staying = await openStream(t, base, test.headers)
    const staying2 = await openStream(t, base, test.headers, '?status=invoiced')
    await untilOpenStreams(test, 2)
    await test.app.close()
    await staying.reader.ended
    await staying2.reader.ended
    assert.equal(await openStreams(test), 0)
  })

  it('closes the app also while a client that stopped reading holds its stream back', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const base = await listen(test)
    // About 20 MB of events: more than the socket buffers and the client's hold while it reads nothing.
    const long = 'x'.repeat(2000)
    for (let run = 0; run < 10; run++) {
      await insertEvents(
        test.deps.db,
        Array.from({ length: 1000 }, (_, i) => version(`BULK-${run}-${i}`, long)),
      )
    }
    const sockets: Socket[] = []
    test.app.server.on('connection', (socket: Socket) => sockets.push(socket))
    const controller = new AbortController()
    t.after(() => controller.abort())
    const res = await fetch(`${base}${STREAM}?lastEventId=0-0`, {
      headers: { accept: 'text/event-stream', ...test.headers },
      signal: controller.signal,
    })
    assert.equal(res.status, 200)
    // The body is never read: the server's writes back up until the socket no longer takes them.
    while (!sockets.some((socket) => socket.writableNeedDrain)) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await test.app.close()
    assert.equal(await openStreams(test), 0)
  })

  if (dialect === 'postgres') {
    it('never skips an event whose transaction commits after later ones', TIMEOUT, async (t) => {
      const test = await startTestApp(t, dialect)
      const base = await listen(test)
      const { reader } = await openStream(t, base, test.headers)
      const { db } = test.deps
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      let appended!: () => void
      const lateAppended = new Promise<void>((resolve) => (appended = resolve))
      // Takes its transaction id and event id first, then stays open while later transactions commit.
      const late = db.transaction().execute(async (trx) => {
        await append(trx, 'LATE-01')
        appended()
        await released
      })
      await lateAppended
      await append(db, 'EARLY-01')
      await append(db, 'EARLY-02')
      release()
      await late
      assert.deepEqual(
        (await reader.take(3)).map((m) => m.event.orderId),
        ['LATE-01', 'EARLY-01', 'EARLY-02'],
      )
    })
  }
})

const principal = (account: string): Principal => ({
  account,
  appKey: null,
  roles: [],
  resources: new Set(),
  shopperEmail: null,
})

/** An order version of one interaction event, written straight to the log. */
const version = (orderId: string, message = orderId): NewEvents => ({
  account: 'acme',
  orderId,
  orderVersion: 1,
  origin: { account: 'acme', key: 'test' },
  createdAt: '2026-03-02T12:00:00.000Z',
  events: [interactionEvent(message)],
})

const append = (db: TestApp['deps']['db'], orderId: string) => insertEvents(db, [version(orderId)])

/** followEvents as the route runs it, writing into an array. */
function follow(
  t: TestContext,
  test: TestApp,
  subscription: Subscription,
  timing: StreamTiming,
  checkAccess = async () => {},
) {
  const written: string[] = []
  let wake = () => {}
  const stop = new AbortController()
  const done = followEvents(
    test.deps,
    subscription,
    {
      write: async (text) => {
        written.push(text)
        wake()
      },
      signal: stop.signal,
      checkAccess,
    },
    timing,
  )
  // Settled or not, `done` is awaited by the test; a failing test stops the loop all the same.
  done.catch(() => {})
  t.after(() => stop.abort())
  const until = async (found: (text: string) => boolean): Promise<string> => {
    for (;;) {
      const text = written.find(found)
      if (text !== undefined) return text
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), done])
    }
  }
  return { written, stop: () => stop.abort(), done, until }
}

const atEnd = (test: TestApp, status?: string) =>
  openEventStream(test.deps, principal('acme'), { status }, undefined)

/** The text of the interactions among what was written, in the order written. */
const saidIn = (written: readonly string[]): string[] =>
  written.flatMap((text) => /"message":"([^"]*)"/.exec(text)?.[1] ?? [])

const HOUR_MS = 3_600_000

describeEachDialect('events stream loop', (dialect) => {
  it('is woken when this process commits order events, not at its next look', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    let notices = 0
    test.deps.eventsCommitted.subscribe(() => notices++)
    // It would look again only in an hour: what it sends, a notice made it read.
    const stream = follow(t, test, await atEnd(test), {
      ...STREAM_TIMING,
      pollMs: HOUR_MS,
      keepAliveMs: HOUR_MS,
    })
    await stream.until((text) => text.startsWith('retry: '))
    const orderId = await place(test, 'WAKE')
    assert.equal(notices, 1, 'intake commits, then notifies')
    if (dialect === 'postgres') {
      // A transaction elsewhere on the server may have held the events behind the horizon when the notice
      // came; once a read shows them, a notice must bring them.
      while (
        !(await readScopedEventStream(test.deps, { account: 'acme', orderId }, STREAM_START, 1)).events[0]
      ) {
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      test.deps.eventsCommitted.notify()
      notices--
    }
    const message = await stream.until((text) => text.includes(orderId))
    assert.match(message, /^id: \d+-\d+\ndata: \{"eventId":"\d+-\d+","orderId"/)
    await interact(test, orderId, 'changed')
    assert.equal(notices, 2, 'a change commits, then notifies')
    const refused = await api(test).startHandling(orderId)
    assert.equal(refused.statusCode, 409, refused.body)
    assert.equal(notices, 2, 'nothing committed, nobody woken')
    stream.stop()
    await stream.done
    assert.equal(await openStreams(test), 0)
  })

  it('sends a backlog a batch at a time, in order, each event once', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const orderId = await place(test, 'BACKLOG')
    const start = await atEnd(test)
    const said = Array.from({ length: 30 }, (_, i) => `b${i}`)
    for (const message of said) await interact(test, orderId, message)
    const stream = follow(t, test, start, { pollMs: 5, keepAliveMs: HOUR_MS, batch: 7 })
    await stream.until((text) => text.includes('"b29"'))
    await interact(test, orderId, 'after')
    await stream.until((text) => text.includes('"after"'))
    stream.stop()
    await stream.done
    assert.deepEqual(saidIn(stream.written), [...said, 'after'])
  })

  it('ends a busy stream when access ends, though it never goes quiet', TIMEOUT, async (t) => {
    const test = await startTestApp(t, dialect)
    const stream = follow(
      t,
      test,
      await atEnd(test),
      { pollMs: 5, keepAliveMs: 50, batch: 500 },
      async () => {
        throw new AppError('UNAUTHORIZED', 'The key was revoked.')
      },
    )
    // An event each time the last one was sent, so that the stream is never quiet for 50 ms, until it ends.
    await assert.rejects(async () => {
      for (let n = 0; ; n++) {
        await append(test.deps.db, `BUSY-${n}`)
        test.deps.eventsCommitted.notify()
        await stream.until((text) => text.includes(`"BUSY-${n}"`))
      }
    })
    await assert.rejects(stream.done, { code: 'UNAUTHORIZED' })
    assert.equal(await openStreams(test), 0)
  })

  it(
    'keeps quiet streams alive, tells the position past skipped events, and ends when access ends',
    TIMEOUT,
    async (t) => {
      const test = await startTestApp(t, dialect)
      let allowed = true
      const stream = follow(
        t,
        test,
        await atEnd(test, 'invoiced'),
        { pollMs: 5, keepAliveMs: 0, batch: 500 },
        async () => {
          if (!allowed) throw new AppError('UNAUTHORIZED', 'The key was revoked.')
        },
      )
      await stream.until((text) => text === ': keep-alive\n\n')
      await place(test, 'SKIPPED')
      const [last] = (await storedAfter(test, '0-0')).slice(-1)
      await stream.until((text) => text === `: keep-alive\n\nid: ${last}\n\n`)
      assert.ok(!stream.written.some((text) => text.includes('data: ')), 'no event was invoiced')
      allowed = false
      await assert.rejects(stream.done, { code: 'UNAUTHORIZED' })
      assert.equal(await openStreams(test), 0)
    },
  )
})
