// Unit tests of invoices (Output) and return invoices (Input), run through decide() as the write path runs them.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorStatus } from '../../platform/http-errors.ts'
import { cancel } from '../cancellation/cancellation.ts'
import type { Order, Package } from '../orders/order.ts'
import { renderDocument } from '../orders/order-document.ts'
import { paymentStatus, shareBalance, transactionStatus } from '../orders/order-payment.ts'
import { ORDER_STATUSES } from '../orders/order-status.ts'
import { decide } from '../orders/order-workflow.ts'
import {
  assertBalanced,
  expectRefusal,
  handlingOf,
  invoicedWith,
  invoiceInput,
  notify,
  richOrder,
  units,
  withPackages,
} from '../../../test/invoice-rules.ts'
import {
  after,
  assertLegalDecision,
  ctxAt,
  edges,
  eventsOf,
  expectError,
  handling,
  lateFor,
  orderAt,
  orderOf,
  paidWith,
  paymentIds,
  T_LATER,
  TWO_PAYMENTS,
  withPackage,
} from '../../../test/rules.ts'
import { MAX_EMBEDDED_INVOICE_CHARACTERS, MAX_PACKAGES, notifyInvoice, type InvoiceInput } from './invoice.ts'

const T_NEXT = after(T_LATER, 60)

/** The package an accepted input stores: what was sent, the items on the order's lines, the refund. */
const stored = (input: InvoiceInput, items: Package['items'], refundedValue = 0): Package => ({
  ...input,
  items,
  embeddedInvoice: input.embeddedInvoice ?? '',
  refundedValue,
  tracking: null,
})

/** The example's store order (1001 ×2 at 4990, shipping 1000: 10980 cents) invoiced in full, listing its items. */
const fullyInvoiced = (order = handling()): Order =>
  invoicedWith(order, invoiceInput('NF-1', 10980, { items: [units('1001', 2, 4990)] }))

describe('notifyInvoice: Output', () => {
  it('keeps a partially invoiced order handling and records one invoice event', () => {
    const order = handling()
    const input = invoiceInput('NF-1', 4000, {
      items: [units('1001', 1, 4990)],
      courier: 'Correios',
      trackingNumber: 'BR123',
      invoiceKey: 'KEY-1',
    })
    const decision = notify(order, input)
    assertLegalDecision(order, decision, T_LATER)
    assert.deepEqual(eventsOf(decision), [
      {
        kind: 'invoice',
        data: {
          action: 'issued',
          invoiceType: 'Output',
          invoiceNumber: 'NF-1',
          invoiceValue: 4000,
          receipt: 'receipt-NF-1',
          ignored: [],
        },
        domain: 'Fulfillment',
        state: 'handling',
        lastState: 'handling',
        lastChange: order.lastChange,
        currentChange: T_LATER,
      },
    ])
    const after = decision.order
    assert.deepEqual(after.packages, [
      stored(input, [{ itemIndex: 0, quantity: 1, price: 4990, description: null }]),
    ])
    // Nothing but the package: still handling, not invoiced, the same money.
    assert.deepEqual({ ...after, packages: [] }, order)
    assert.equal(after.invoicedDate, null)
    assertBalanced(after)
    // Partially invoiced, the order can no longer be canceled.
    expectError(
      () =>
        decide(
          orderOf(decision),
          ctxAt(T_NEXT),
          cancel({ reason: null, requestedByUser: false, requestId: 'req-store' }),
        ),
      'CANNOT_CANCEL',
    )
  })

  it('walks invoice → invoiced with the last invoice and stamps invoicedDate', () => {
    const partial = invoicedWith(handling(), invoiceInput('NF-1', 4000, { items: [units('1001', 1, 4990)] }))
    const decision = notify(partial, invoiceInput('NF-2', 6980, { items: [units('1001', 1, 4990)] }), T_NEXT)
    assertLegalDecision(partial, decision, T_NEXT)
    assert.deepEqual(
      eventsOf(decision).map((e) => e.kind),
      ['invoice', 'transition', 'transition'],
    )
    assert.deepEqual(edges(decision), [
      ['handling', 'invoice'],
      ['invoice', 'invoiced'],
    ])
    // The invoice event records the order as it was when the invoice came, before the walk.
    assert.equal(eventsOf(decision)[0]?.state, 'handling')
    assert.equal(decision.order.status, 'invoiced')
    assert.equal(decision.order.invoicedDate, T_NEXT)
    assert.deepEqual(
      decision.order.packages.map((p) => p.invoiceNumber),
      ['NF-1', 'NF-2'],
    )
    assertBalanced(decision.order)
    const document = renderDocument(decision.order)
    assert.equal(document.invoicedDate, T_NEXT)
    assert.equal(document.statusDescription, 'Faturado')
  })

  it('invoices in full with one invoice that lists no items', () => {
    const order = handling()
    const decision = notify(order, invoiceInput('NF-1', 10980))
    assertLegalDecision(order, decision, T_LATER)
    assert.equal(decision.order.status, 'invoiced')
    assert.deepEqual(decision.order.packages[0]?.items, [])
  })

  it('refuses a value over what is not yet invoiced with INVALID_INVOICE (400, VTEX OMS016)', () => {
    const order = handling()
    expectRefusal(
      () => notify(order, invoiceInput('NF-1', 10981)),
      'INVALID_INVOICE',
      /of 10981 cents exceeds the 10980 cents of order .* not yet invoiced/,
    )
    const partial = invoicedWith(order, invoiceInput('NF-1', 4000))
    expectRefusal(
      () => notify(partial, invoiceInput('NF-2', 6981)),
      'INVALID_INVOICE',
      /Invoice NF-2 of 6981 cents exceeds the 6980 cents/,
    )
    assert.equal(orderOf(notify(partial, invoiceInput('NF-2', 6980))).status, 'invoiced')
    assert.equal(errorStatus('INVALID_INVOICE'), 400)
  })

  it('refuses an item the order does not have, naming it', () => {
    expectRefusal(
      () => notify(handling(), invoiceInput('NF-1', 1000, { items: [units('1001', 1), units('9999', 1)] })),
      'INVALID_INVOICE',
      /Invoice NF-1 lists item 9999, which is not in the order/,
    )
  })

  it('refuses more units of an item than remain to be invoiced, naming the item and the units left', () => {
    const order = handling()
    expectRefusal(
      () => notify(order, invoiceInput('NF-1', 1000, { items: [units('1001', 3)] })),
      'INVALID_INVOICE',
      /lists 3 of item 1001, but only 2 of it remain to be invoiced/,
    )
    // Two entries of one SKU count together.
    expectRefusal(
      () => notify(order, invoiceInput('NF-1', 1000, { items: [units('1001', 1), units('1001', 2)] })),
      'INVALID_INVOICE',
      /lists 2 of item 1001, but only 1 of it remain/,
    )
    const partial = invoicedWith(order, invoiceInput('NF-1', 4990, { items: [units('1001', 1)] }))
    expectRefusal(
      () => notify(partial, invoiceInput('NF-2', 1000, { items: [units('1001', 2)] })),
      'INVALID_INVOICE',
      /lists 2 of item 1001, but only 1 of it remain to be invoiced/,
    )
  })

  it("spreads a SKU's units over the lines that carry it, first line first", () => {
    const order = handlingOf(richOrder())
    assert.deepEqual(order.totals, { items: 17000, discounts: -1000, shipping: 1000, tax: 700, change: 0 })
    const decision = notify(order, invoiceInput('NF-1', 14000, { items: [units('1001', 3, 4600)] }))
    assertLegalDecision(order, decision, T_LATER)
    assert.deepEqual(decision.order.packages[0]?.items, [
      { itemIndex: 0, quantity: 2, price: 4600, description: null },
      { itemIndex: 2, quantity: 1, price: 4600, description: null },
    ])
    const partial = orderOf(decision)
    expectRefusal(
      () => notify(partial, invoiceInput('NF-2', 100, { items: [units('1001', 1)] })),
      'INVALID_INVOICE',
      /only 0 of it remain/,
    )
    const last = notify(partial, invoiceInput('NF-2', 3700, { items: [units('3003', 1, 2100)] }))
    assert.deepEqual(last.order.packages[1]?.items, [
      { itemIndex: 1, quantity: 1, price: 2100, description: null },
    ])
    assert.equal(last.order.status, 'invoiced')
    assertBalanced(last.order)
  })

  it('refuses every status but handling with INVALID_TRANSITION (409, VTEX OMS012)', () => {
    for (const status of ORDER_STATUSES) {
      // A marketplace order takes its seller's invoices where it waits for the seller.
      if (status === 'handling' || status === 'waiting-seller-handling') continue
      expectError(
        () => notify(orderAt(status), invoiceInput('NF-9', 100), lateFor(status)),
        'INVALID_TRANSITION',
      )
    }
    assert.equal(errorStatus('INVALID_TRANSITION'), 409)
  })

  const MESSAGES: [string, () => Order, RegExp][] = [
    ['canceled', () => orderAt('canceled'), /is canceled and cannot be invoiced/],
    ['invoiced', () => fullyInvoiced(), /is already invoiced in full; send a return invoice \(type Input\)/],
    [
      'cancellation-requested',
      () => orderAt('cancellation-requested'),
      /has a cancellation request waiting; accept it \(cancel\) or deny it before invoicing/,
    ],
    [
      'ready-for-handling',
      () => orderAt('ready-for-handling'),
      /is ready-for-handling; .*start handling first/,
    ],
  ]
  for (const [status, make, message] of MESSAGES) {
    it(`says why an order that is ${status} cannot be invoiced`, () => {
      expectRefusal(() => notify(make(), invoiceInput('NF-9', 100)), 'INVALID_TRANSITION', message)
    })
  }
})

describe('notifyInvoice: the same invoice number again', () => {
  it('records only a receipt event, whatever the status, and changes nothing else', () => {
    for (const status of ORDER_STATUSES) {
      const order = withPackage(orderAt(status), 'Output')
      const now = lateFor(status)
      const decision = decide(
        order,
        ctxAt(now),
        notifyInvoice(invoiceInput('NF-100', 100, { issuanceDate: '2026-03-02' }), 'receipt-again'),
      )
      assert.ok(decision.changed, status)
      const [event, ...rest] = decision.events.filter((e) => e.kind === 'invoice')
      assert.deepEqual(rest, [], status)
      assert.deepEqual(event?.data, {
        action: 'receipt',
        invoiceType: 'Output',
        invoiceNumber: 'NF-100',
        invoiceValue: 100,
        receipt: 'receipt-again',
        ignored: [],
      })
      assert.deepEqual(decision.order, order, status)
    }
  })

  it('lists what the ignored body differs in, and keeps the stored invoice as it was', () => {
    const first = invoiceInput('NF-1', 4000, { items: [units('1001', 1, 4990)], trackingNumber: 'BR1' })
    const order = invoicedWith(handling(), first)
    const again = invoiceInput('NF-1', 10980, {
      type: 'Input',
      items: [units('1001', 2, 4990)],
      courier: 'Correios',
      trackingNumber: null,
      embeddedInvoice: '<nfe/>',
      volumes: 3,
    })
    const decision = notify(order, again, T_NEXT)
    assertLegalDecision(order, decision, T_NEXT)
    // Get order is identical: the order is the one the rule was given.
    assert.deepEqual(decision.order, order)
    assert.deepEqual(eventsOf(decision), [
      {
        kind: 'invoice',
        data: {
          action: 'receipt',
          invoiceType: 'Output',
          invoiceNumber: 'NF-1',
          invoiceValue: 4000,
          receipt: 'receipt-NF-1',
          ignored: [
            { field: 'type', stored: 'Output', sent: 'Input' },
            { field: 'invoiceValue', stored: 4000, sent: 10980 },
            { field: 'courier', stored: null, sent: 'Correios' },
            { field: 'trackingNumber', stored: 'BR1', sent: null },
            { field: 'volumes', stored: 1, sent: 3 },
            { field: 'embeddedInvoice', stored: '0 characters', sent: '6 characters' },
            { field: 'items', stored: '1001×1@4990', sent: '1001×2@4990' },
          ],
        },
        domain: 'Fulfillment',
        state: 'handling',
        lastState: 'handling',
        lastChange: order.lastChange,
        currentChange: T_NEXT,
      },
    ])
  })

  it('counts the same items split over lines differently as the same items', () => {
    const order = invoicedWith(
      handlingOf(richOrder()),
      invoiceInput('NF-1', 5000, { items: [units('1001', 3, 4600)] }),
    )
    const decision = notify(
      order,
      invoiceInput('NF-1', 5000, { items: [units('1001', 1, 4600), units('1001', 2, 4600)] }),
    )
    const [event] = eventsOf(decision)
    assert.deepEqual(event?.kind === 'invoice' ? event.data.ignored : null, [])
  })

  it('renews the receipt of an invoiced and of a returned order', () => {
    const invoiced = fullyInvoiced()
    const returned = invoicedWith(
      invoiced,
      invoiceInput('RET-1', 4990, { type: 'Input', items: [units('1001', 1)] }),
    )
    for (const [order, number] of [
      [invoiced, 'NF-1'],
      [returned, 'RET-1'],
    ] as const) {
      const decision = notify(order, invoiceInput(number, 1))
      assert.deepEqual(decision.order, order)
      assert.deepEqual(
        eventsOf(decision).map((e) => [e.kind, e.kind === 'invoice' && e.data.action]),
        [['invoice', 'receipt']],
      )
    }
  })
})

describe('notifyInvoice: Input (returns)', () => {
  it('refuses a return before the order is invoiced in full with INVALID_INVOICE', () => {
    const ret = invoiceInput('RET-1', 100, { type: 'Input' })
    const partial = invoicedWith(handling(), invoiceInput('NF-1', 4000))
    for (const order of [handling(), partial, orderAt('canceled'), orderAt('ready-for-handling')]) {
      expectRefusal(
        () => notify(order, ret),
        'INVALID_INVOICE',
        new RegExp(
          `is ${order.status}: a return invoice \\(type Input\\) is accepted only once the order is invoiced in full`,
        ),
      )
    }
  })

  it('records the return, refunds it from the first payment first, and stays invoiced', () => {
    // The example's store order paid 5000 by card and 5980 by promissory note.
    const order = fullyInvoiced(handlingOf(paidWith(TWO_PAYMENTS)))
    const [visa, promissory] = paymentIds(order)
    assert.ok(visa && promissory)
    const input = invoiceInput('RET-1', 6000, { type: 'Input', items: [units('1001', 1, 4990)] })
    const decision = notify(order, input, T_NEXT)
    assertLegalDecision(order, decision, T_NEXT)
    assert.deepEqual(
      eventsOf(decision).map((e) => [e.kind, e.data]),
      [
        [
          'invoice',
          {
            action: 'issued',
            invoiceType: 'Input',
            invoiceNumber: 'RET-1',
            invoiceValue: 6000,
            receipt: 'receipt-RET-1',
            ignored: [],
          },
        ],
        ['payment', { paymentId: visa, action: 'refund', value: 5000 }],
        ['payment', { paymentId: promissory, action: 'refund', value: 1000 }],
      ],
    )
    const returned = decision.order
    assert.equal(returned.status, 'invoiced')
    assert.deepEqual(
      returned.packages.at(-1),
      stored(input, [{ itemIndex: 0, quantity: 1, price: 4990, description: null }], 6000),
    )
    assert.deepEqual(returned.payment.entries.slice(order.payment.entries.length), [
      { type: 'refund', paymentId: visa, value: 5000, date: T_NEXT },
      { type: 'refund', paymentId: promissory, value: 1000, date: T_NEXT },
    ])
    assert.deepEqual(
      [paymentStatus(returned, visa), paymentStatus(returned, promissory), transactionStatus(returned)],
      ['refunded', 'approved', 'Approved'],
    )
    assert.deepEqual(
      renderDocument(returned).packageAttachment.packages.at(-1)?.restitutions.Refund?.value,
      6000,
    )
    assertBalanced(returned)

    // The rest comes back: every share is refunded, and so is the transaction.
    const rest = orderOf(
      notify(
        returned,
        invoiceInput('RET-2', 4980, { type: 'Input', items: [units('1001', 1, 4990)] }),
        T_NEXT,
      ),
    )
    assert.deepEqual([shareBalance(rest, visa), shareBalance(rest, promissory)], [0, 0])
    assert.deepEqual(
      [paymentStatus(rest, visa), paymentStatus(rest, promissory), transactionStatus(rest)],
      ['refunded', 'refunded', 'Refunded'],
    )
    assert.equal(rest.status, 'invoiced')
    assertBalanced(rest)
  })

  it('returns units of an order whose invoices listed no items', () => {
    const order = invoicedWith(handling(), invoiceInput('NF-1', 10980))
    const decision = notify(order, invoiceInput('RET-1', 4990, { type: 'Input', items: [units('1001', 2)] }))
    assert.deepEqual(decision.order.packages[1]?.items, [
      { itemIndex: 0, quantity: 2, price: 0, description: null },
    ])
  })

  it('refuses to return more units of an item than were invoiced and not yet returned', () => {
    const order = fullyInvoiced()
    const ret = (n: string, quantity: number, id = '1001') =>
      invoiceInput(n, 100, { type: 'Input', items: [units(id, quantity)] })
    expectRefusal(
      () => notify(order, ret('RET-1', 3)),
      'INVALID_INVOICE',
      /Invoice RET-1 lists 3 of item 1001, but only 2 of it were invoiced and not yet returned/,
    )
    expectRefusal(
      () => notify(order, ret('RET-1', 1, '9999')),
      'INVALID_INVOICE',
      /lists item 9999, which is not in the order/,
    )
    const once = invoicedWith(order, ret('RET-1', 1))
    expectRefusal(
      () => notify(once, ret('RET-2', 2)),
      'INVALID_INVOICE',
      /lists 2 of item 1001, but only 1 of it were invoiced and not yet returned/,
    )
    const all = invoicedWith(once, ret('RET-2', 1))
    expectRefusal(() => notify(all, ret('RET-3', 1)), 'INVALID_INVOICE', /only 0 of it/)
  })

  it('refuses to return more value than was invoiced and not yet returned', () => {
    const order = fullyInvoiced()
    expectRefusal(
      () => notify(order, invoiceInput('RET-1', 10981, { type: 'Input' })),
      'INVALID_INVOICE',
      /Return invoice RET-1 of 10981 cents exceeds the 10980 cents invoiced and not yet returned/,
    )
    const partly = invoicedWith(order, invoiceInput('RET-1', 6000, { type: 'Input' }))
    expectRefusal(
      () => notify(partly, invoiceInput('RET-2', 4981, { type: 'Input' })),
      'INVALID_INVOICE',
      /exceeds the 4980 cents/,
    )
    const all = invoicedWith(partly, invoiceInput('RET-2', 4980, { type: 'Input' }))
    assert.equal(transactionStatus(all), 'Refunded')
    assertBalanced(all)
  })
})

describe('notifyInvoice: at most MAX_PACKAGES packages', () => {
  it(`accepts the ${MAX_PACKAGES}th invoice and refuses the next, but still renews a receipt`, () => {
    assert.equal(MAX_PACKAGES, 100)
    const almost = withPackages(handling(), MAX_PACKAGES - 1)
    const full = orderOf(notify(almost, invoiceInput('NF-last', 1)))
    assert.equal(full.packages.length, MAX_PACKAGES)
    expectRefusal(
      () => notify(full, invoiceInput('NF-more', 1)),
      'INVALID_INVOICE',
      new RegExp(`already has ${MAX_PACKAGES} invoices, the most one order can have`),
    )
    assert.deepEqual(notify(full, invoiceInput('NF-7', 1)).order, full)
  })

  it('bounds returns too', () => {
    const order = withPackages(fullyInvoiced(), MAX_PACKAGES)
    expectError(() => notify(order, invoiceInput('RET-1', 1, { type: 'Input' })), 'INVALID_INVOICE')
  })
})

describe('notifyInvoice: the invoice XML an order keeps', () => {
  it(`refuses an invoice that takes it past ${MAX_EMBEDDED_INVOICE_CHARACTERS} characters`, () => {
    const xml = (characters: number) => ({ embeddedInvoice: 'x'.repeat(characters) })
    const half = MAX_EMBEDDED_INVOICE_CHARACTERS / 2
    const first = orderOf(notify(handling(), invoiceInput('NF-1', 1, xml(half))))
    const second = orderOf(notify(first, invoiceInput('NF-2', 1, xml(half))))
    expectRefusal(
      () => notify(second, invoiceInput('NF-3', 1, xml(1))),
      'INVALID_INVOICE',
      /past 1048576 characters/,
    )
    assert.equal(notify(second, invoiceInput('NF-3', 1)).changed, true)
  })
})

describe('notifyInvoice: an order worth nothing', () => {
  it('takes an invoice of 0 and is invoiced; any other order refuses 0', () => {
    const order = handling()
    const free: Order = { ...order, totals: { ...order.totals, items: 0, discounts: 0, shipping: 0, tax: 0 } }
    const invoiced = orderOf(notify(free, invoiceInput('NF-0', 0)))
    assert.equal(invoiced.status, 'invoiced')
    expectError(() => notify(order, invoiceInput('NF-0', 0)), 'VALIDATION_FAILED')
    expectError(
      () => notify(fullyInvoiced(), invoiceInput('RET-0', 0, { type: 'Input' })),
      'VALIDATION_FAILED',
    )
  })
})
