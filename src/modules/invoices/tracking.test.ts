// Unit tests of an invoice's tracking: the carrier and tracking number (PATCH), the carrier's events (PUT).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../platform/errors.ts'
import { errorStatus } from '../../platform/http-errors.ts'
import type { Order, Package } from '../orders/order.ts'
import { renderDocument } from '../orders/order-document.ts'
import { decide, type Decision } from '../orders/order-workflow.ts'
import { invoicedWith, invoiceInput } from '../../../test/invoice-rules.ts'
import {
  after,
  assertLegalDecision,
  ctxAt,
  eventsOf,
  expectError,
  handling,
  orderOf,
  T_LATER,
} from '../../../test/rules.ts'
import {
  MAX_TRACKING_EVENTS,
  updateTrackingNumber,
  updateTrackingStatus,
  type TrackingNumberInput,
  type TrackingStatusInput,
} from './tracking.ts'

const T1 = after(T_LATER, 60)
const T2 = after(T_LATER, 120)

/** A partially invoiced order with two invoices; NF-1 travels with Correios. */
const twoInvoices = (): Order =>
  invoicedWith(
    handling(),
    invoiceInput('NF-1', 4000, {
      courier: 'Correios',
      trackingNumber: 'BR1',
      trackingUrl: 'https://track.example/BR1',
      dispatchedDate: '2026-03-05T10:00:00Z',
    }),
    invoiceInput('NF-2', 2000),
  )

const patch = (order: Order, input: TrackingNumberInput, now = T1, invoiceNumber = 'NF-1'): Decision =>
  decide(order, ctxAt(now), updateTrackingNumber(invoiceNumber, input))

const put = (order: Order, input: TrackingStatusInput, now = T1, invoiceNumber = 'NF-1'): Decision =>
  decide(order, ctxAt(now), updateTrackingStatus(invoiceNumber, input))

const packageOf = (order: Order, invoiceNumber = 'NF-1'): Package => {
  const pkg = order.packages.find((p) => p.invoiceNumber === invoiceNumber)
  assert.ok(pkg, `no package ${invoiceNumber}`)
  return pkg
}

/** The decision changed one package only, and recorded one tracking event. */
function assertOnlyPackageChanged(before: Order, decision: Decision, now: string, invoiceNumber = 'NF-1') {
  assertLegalDecision(before, decision, now)
  assert.deepEqual(
    eventsOf(decision).map((e) => e.kind),
    ['tracking'],
  )
  const packages = decision.order.packages.map((p) =>
    p.invoiceNumber === invoiceNumber ? packageOf(before, invoiceNumber) : p,
  )
  assert.deepEqual({ ...decision.order, packages }, before)
}

/** The data of the decision's tracking events. */
const trackingData = (decision: Decision) =>
  eventsOf(decision).flatMap((e) => (e.kind === 'tracking' ? [e.data] : []))

const event = (description: string, date: string, city: string | null = 'São Paulo') => ({
  city,
  state: city && 'SP',
  description,
  date,
})

describe('updateTrackingNumber', () => {
  it('sets the tracking number and keeps the fields left out', () => {
    const order = twoInvoices()
    const decision = patch(order, { trackingNumber: 'BR2' })
    assertOnlyPackageChanged(order, decision, T1)
    assert.deepEqual(packageOf(decision.order), { ...packageOf(order), trackingNumber: 'BR2' })
    assert.deepEqual(trackingData(decision), [
      {
        action: 'tracking-number',
        invoiceNumber: 'NF-1',
        courier: 'Correios',
        trackingNumber: 'BR2',
        isDelivered: false,
        newEvents: 0,
      },
    ])
  })

  it('overwrites the fields sent and clears those sent as null', () => {
    const order = twoInvoices()
    const decision = patch(order, {
      trackingNumber: 'BR1',
      courier: 'Jadlog',
      trackingUrl: null,
      dispatchedDate: null,
    })
    assertOnlyPackageChanged(order, decision, T1)
    assert.deepEqual(packageOf(decision.order), {
      ...packageOf(order),
      courier: 'Jadlog',
      trackingUrl: null,
      dispatchedDate: null,
    })
    // The other invoice is untouched, and sets its fields on its own.
    const second = patch(orderOf(decision), { trackingNumber: 'JD9', courier: 'Jadlog' }, T2, 'NF-2')
    assertOnlyPackageChanged(orderOf(decision), second, T2, 'NF-2')
    assert.deepEqual(
      second.order.packages.map((p) => [p.invoiceNumber, p.courier, p.trackingNumber]),
      [
        ['NF-1', 'Jadlog', 'BR1'],
        ['NF-2', 'Jadlog', 'JD9'],
      ],
    )
  })

  it('changes nothing and records nothing when the update is what the invoice already says', () => {
    const order = twoInvoices()
    for (const input of [
      { trackingNumber: 'BR1' },
      {
        trackingNumber: 'BR1',
        courier: 'Correios',
        trackingUrl: 'https://track.example/BR1',
        dispatchedDate: '2026-03-05T10:00:00Z',
      },
    ]) {
      const decision = patch(order, input)
      assert.equal(decision.changed, false)
      assert.equal(decision.order, order)
    }
  })

  it('refuses an invoice the order does not have with INVOICE_NOT_FOUND (404, VTEX OMS017)', () => {
    for (const run of [
      () => patch(twoInvoices(), { trackingNumber: 'X' }, T1, 'NF-3'),
      () => put(twoInvoices(), { isDelivered: false, deliveredDate: null, events: [] }, T1, 'NF-3'),
      () => patch(handling(), { trackingNumber: 'X' }),
    ]) {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof AppError, String(error))
        assert.equal(error.code, 'INVOICE_NOT_FOUND')
        assert.match(error.message, /Invoice not found/)
        return true
      })
    }
    assert.equal(errorStatus('INVOICE_NOT_FOUND'), 404)
  })
})

describe('updateTrackingStatus', () => {
  const posted = event('Posted', '2026-03-05T10:00:00Z')
  const inTransit = event('In transit', '2026-03-06T08:00:00Z', null)
  const first = [posted, inTransit]

  it("records the carrier's events in the order sent, stamped with when they came", () => {
    const order = twoInvoices()
    const decision = put(order, { isDelivered: false, deliveredDate: null, events: first })
    assertOnlyPackageChanged(order, decision, T1)
    assert.deepEqual(packageOf(decision.order).tracking, {
      isDelivered: false,
      deliveredDate: null,
      events: first.map((e) => ({ ...e, receivedAt: T1 })),
    })
    assert.deepEqual(trackingData(decision), [
      {
        action: 'status',
        invoiceNumber: 'NF-1',
        courier: 'Correios',
        trackingNumber: 'BR1',
        isDelivered: false,
        newEvents: 2,
      },
    ])
    const courierStatus = renderDocument(decision.order).packageAttachment.packages[0]?.courierStatus
    assert.equal(courierStatus?.finished, false)
    assert.deepEqual(
      courierStatus?.data.map((d) => [d.lastChange, d.description]),
      first.map((e) => [e.date, e.description]),
    )
  })

  it('appends new events after the stored ones and stores an event sent again once', () => {
    const order = orderOf(put(twoInvoices(), { isDelivered: false, deliveredDate: null, events: first }))
    const third = event('Out for delivery', '2026-03-07T07:00:00Z')
    // The second event again, the third twice in one call, and the first again.
    const decision = put(
      order,
      {
        isDelivered: false,
        deliveredDate: null,
        events: [inTransit, third, third, posted],
      },
      T2,
    )
    assertOnlyPackageChanged(order, decision, T2)
    assert.deepEqual(packageOf(decision.order).tracking?.events, [
      ...first.map((e) => ({ ...e, receivedAt: T1 })),
      { ...third, receivedAt: T2 },
    ])
    assert.deepEqual(
      trackingData(decision).map((d) => d.newEvents),
      [1],
    )
  })

  it('tells events apart by city, state, description and date', () => {
    const order = twoInvoices()
    const posted = event('Posted', '2026-03-05T10:00:00Z')
    const variants = [
      posted,
      { ...posted, city: 'Campinas' },
      { ...posted, state: null },
      { ...posted, description: 'Posted again' },
      { ...posted, date: '2026-03-05T10:00:01Z' },
    ]
    const decision = put(order, { isDelivered: false, deliveredDate: null, events: variants })
    assert.equal(packageOf(decision.order).tracking?.events.length, variants.length)
  })

  it('records delivery, and a status that says nothing new changes nothing', () => {
    const order = orderOf(put(twoInvoices(), { isDelivered: false, deliveredDate: null, events: first }))
    const same = put(order, { isDelivered: false, deliveredDate: null, events: first }, T2)
    assert.equal(same.changed, false)
    assert.equal(same.order, order)

    const delivered = { isDelivered: true, deliveredDate: '2026-03-07T15:00:00Z', events: [] }
    const decision = put(order, delivered, T2)
    assertOnlyPackageChanged(order, decision, T2)
    assert.deepEqual(packageOf(decision.order).tracking, {
      isDelivered: true,
      deliveredDate: '2026-03-07T15:00:00Z',
      events: packageOf(order).tracking?.events,
    })
    assert.deepEqual(
      trackingData(decision).map((d) => [d.isDelivered, d.newEvents]),
      [[true, 0]],
    )
    const courierStatus = renderDocument(decision.order).packageAttachment.packages[0]?.courierStatus
    assert.deepEqual([courierStatus?.finished, courierStatus?.deliveredDate], [true, '2026-03-07T15:00:00Z'])
    assert.equal(put(orderOf(decision), delivered, after(T2, 1)).changed, false)
    // A new delivered date is news.
    assert.equal(
      put(orderOf(decision), { ...delivered, deliveredDate: '2026-03-08' }, after(T2, 1)).changed,
      true,
    )
  })

  it('records the first report even when it carries no events', () => {
    const order = twoInvoices()
    const decision = put(order, { isDelivered: false, deliveredDate: null, events: [] })
    assertOnlyPackageChanged(order, decision, T1)
    assert.deepEqual(packageOf(decision.order).tracking, {
      isDelivered: false,
      deliveredDate: null,
      events: [],
    })
  })

  it(`keeps at most ${MAX_TRACKING_EVENTS} events per order`, () => {
    const many = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => event(`Scan ${from + i}`, '2026-03-06T08:00:00Z'))
    const status = (events: TrackingStatusInput['events']) => ({
      isDelivered: false,
      deliveredDate: null,
      events,
    })
    expectError(() => put(twoInvoices(), status(many(0, MAX_TRACKING_EVENTS + 1))), 'VALIDATION_FAILED')
    const full = orderOf(put(twoInvoices(), status(many(0, MAX_TRACKING_EVENTS))))
    assert.equal(packageOf(full).tracking?.events.length, MAX_TRACKING_EVENTS)
    expectError(() => put(full, status(many(MAX_TRACKING_EVENTS, 1)), T2), 'VALIDATION_FAILED')
    // Events it already has are not new: sending them again stays within the bound.
    assert.equal(put(full, status(many(0, 10)), T2).changed, false)
    // The bound is the order's: another package shares it.
    expectError(() => put(full, status(many(0, 1)), T2, 'NF-2'), 'VALIDATION_FAILED')
  })
})
