// Unit tests of registered changes (VTEX's v1 Register modifications), run through decide() as the write path runs them.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { AppError, type ErrorCode } from '../../platform/errors.ts'
import { errorStatus } from '../../platform/http-errors.ts'
import { notifyInvoice } from '../invoices/invoice.ts'
import { MAX_TOTAL, orderValue, type Order } from '../orders/order.ts'
import { renderDocument } from '../orders/order-document.ts'
import { isFullyInvoiced, packagedValue } from '../orders/order-packages.ts'
import { shareBalance } from '../orders/order-payment.ts'
import { ORDER_STATUSES } from '../orders/order-status.ts'
import { decide, type Decision, type Rule } from '../orders/order-workflow.ts'
import {
  assertBalanced,
  expectRefusal,
  card,
  changeInput,
  handlingOf,
  invoicedWith,
  invoiceInput,
  richOrder,
  units,
} from '../../../test/invoice-rules.ts'
import {
  after,
  assertLegalDecision,
  ctxAt,
  deepFreeze,
  edges,
  eventsOf,
  handling,
  sellerHandling,
  lateFor,
  orderAt,
  orderOf,
  paymentIds,
  T_LATER,
} from '../../../test/rules.ts'
import { MAX_ITEM_LINES } from './order-lines.ts'
import { MAX_CHANGES, registerChange, type ChangeInput } from './registered-change.ts'

const T1 = after(T_LATER, 60)
const RECEIPT = '0123456789abcdef0123456789abcdef'

const change = (order: Order, input: Partial<ChangeInput>, now = T1, receipt = RECEIPT): Decision =>
  decide(order, ctxAt(now), registerChange(changeInput(input), receipt))

/** The rich order (17700 cents) paid 10000 by the first card and 7700 by the second. */
const richTwoPayments = (): Order => handlingOf(richOrder([card(10000), card(7700)]))

const quantities = (order: Order): number[] => order.items.map((i) => i.quantity)

/** itemsRemoved as the change service hands them over: the body's price is ignored. */
const removing = (...list: [string, number][]): Pick<ChangeInput, 'itemsRemoved'> => ({
  itemsRemoved: list.map(([id, quantity]) => ({ id, price: 0, quantity })),
})

/** The data of the decision's change events, and of its payment events. */
const changeData = (decision: Decision) =>
  eventsOf(decision).flatMap((e) => (e.kind === 'change' ? [e.data] : []))
const paymentData = (decision: Decision) =>
  eventsOf(decision).flatMap((e) => (e.kind === 'payment' ? [e.data] : []))

describe('registerChange: refusals', () => {
  const partlyInvoiced = () =>
    invoicedWith(handling(), invoiceInput('NF-1', 6000, { items: [units('1001', 1)] }))
  const chain = () => deepFreeze({ ...handling(), origin: 'Chain' as const })
  const notInvoiced = (asked: number, left: number) =>
    new RegExp(
      `^Invalid quantity to remove from item 1001: ${asked} asked, but order \\S+ has ${left} of it not yet invoiced`,
    )
  const EXCEEDS = /^The value of the modification exceeds the order's price: .* from 10980 to 0 cents/
  const BELOW = /to 5999 cents, below the 6000 cents already invoiced/
  // [order, change, code, message]
  const CASES: [() => Order, Partial<ChangeInput>, ErrorCode, RegExp][] = [
    [handling, {}, 'INVALID_CHANGE', /^Invalid modification for order/],
    [chain, { discountValue: 1 }, 'CHAIN_ORDER_CHANGE', /^It is not allowed to make .* chain orders\.$/],
    [handling, removing(['9999', 1]), 'CHANGE_ITEM_NOT_FOUND', /^Invalid id for item 9999/],
    [handling, removing(['1001', 3]), 'CHANGE_INVALID_QUANTITY', notInvoiced(3, 2)],
    [partlyInvoiced, removing(['1001', 2]), 'CHANGE_INVALID_QUANTITY', notInvoiced(2, 1)],
    // Two removals of one SKU count together.
    [handling, removing(['1001', 1], ['1001', 2]), 'CHANGE_INVALID_QUANTITY', notInvoiced(2, 1)],
    [handling, { discountValue: 10980 }, 'CHANGE_EXCEEDS_VALUE', EXCEEDS],
    [handling, { ...removing(['1001', 2]), discountValue: 1000 }, 'CHANGE_EXCEEDS_VALUE', EXCEEDS],
    [partlyInvoiced, { discountValue: 4981 }, 'CHANGE_BELOW_INVOICED', BELOW],
  ]
  it('refuses a negative discount, increment or price with CHANGE_NEGATIVE_VALUE (400, VTEX CHK0098)', () => {
    const negative: Partial<ChangeInput>[] = [
      { discountValue: -1 },
      { incrementValue: -1, discountValue: 5 },
      { itemsAdded: [{ id: '1001', price: -1, quantity: 1 }] },
    ]
    for (const input of negative) {
      expectRefusal(
        () => change(handling(), input),
        'CHANGE_NEGATIVE_VALUE',
        /^The modification value needs to be greater or equal than zero\.$/,
      )
    }
  })

  it('refuses a change without a reason with VALIDATION_FAILED (400, VTEX OMS001) "Field reason not set"', () => {
    for (const reason of [null, '', ' \t']) {
      expectRefusal(
        () => change(handling(), { reason, discountValue: 1 }),
        'VALIDATION_FAILED',
        /^Field reason not set/,
      )
    }
  })

  for (const [make, input, code, message] of CASES) {
    it(`refuses ${JSON.stringify(input)} on a ${make.name} order with ${code}`, () => {
      expectRefusal(() => change(make(), input), code, message)
    })
  }

  it("answers VTEX's HTTP statuses", () => {
    const codes: ErrorCode[] = [
      'CHANGE_NEGATIVE_VALUE',
      'VALIDATION_FAILED',
      'INVALID_CHANGE',
      'CHAIN_ORDER_CHANGE',
    ]
    codes.push(
      'CHANGE_ITEM_NOT_FOUND',
      'CHANGE_INVALID_QUANTITY',
      'CHANGE_EXCEEDS_VALUE',
      'CHANGE_BELOW_INVOICED',
    )
    assert.deepEqual(codes.map(errorStatus), [400, 400, 400, 400, 404, 400, 400, 400])
  })

  it('refuses every status but handling with CHANGE_NOT_ALLOWED (400, VTEX CHK0124)', () => {
    const invoiced = invoicedWith(handling(), invoiceInput('NF-1', 10980))
    for (const order of [...ORDER_STATUSES.filter((s) => s !== 'handling').map(orderAt), invoiced]) {
      expectRefusal(
        () => change(order, { discountValue: 1 }, lateFor(order.status)),
        'CHANGE_NOT_ALLOWED',
        /^It is only allowed to register an order modification when the order is in handling/,
      )
    }
    assert.equal(errorStatus('CHANGE_NOT_ALLOWED'), 400)
  })

  it("refuses a change of a seller's order that a marketplace on this server sold", () => {
    expectRefusal(
      () => change(sellerHandling(), { discountValue: 1 }, T_LATER),
      'CHANGE_NOT_ALLOWED',
      /was sold by marketplace acme: its modifications are the marketplace's/,
    )
  })

  it(`accepts ${MAX_CHANGES} changes and refuses the next with CHANGE_LIMIT_EXCEEDED`, () => {
    assert.equal(MAX_CHANGES, 50)
    let order = handling()
    for (let i = 0; i < MAX_CHANGES; i++) {
      order = orderOf(change(order, { requestId: `r-${i}`, incrementValue: 1 }, after(T1, i)))
    }
    assert.equal(order.changes.length, MAX_CHANGES)
    assert.equal(orderValue(order), 10980 + MAX_CHANGES)
    assertBalanced(order)
    expectRefusal(
      () => change(order, { requestId: 'r-50', incrementValue: 1 }, T_LATER),
      'CHANGE_LIMIT_EXCEEDED',
      /^Max allowed modifications for order exceeded: 50\.$/,
    )
    // A change the order already has is still answered.
    assert.equal(change(order, { requestId: 'r-7', incrementValue: 1 }).changed, false)
  })
})

describe('registerChange: effects', () => {
  it('answers a request id the order already has with no change at all, whatever the body and status', () => {
    const order = orderOf(change(handling(), { requestId: 'req-1', discountValue: 980 }))
    for (const input of [
      { requestId: 'req-1', discountValue: 980 },
      { requestId: 'req-1', incrementValue: 5, ...removing(['1001', 1]) },
    ]) {
      const decision = change(order, input, after(T1, 5), 'another-receipt')
      assert.equal(decision.changed, false)
      assert.equal(decision.order, order)
    }
    // Also once the order is invoiced and takes no more changes.
    const invoiced = invoicedWith(order, invoiceInput('NF-1', 10000))
    assert.equal(change(invoiced, { requestId: 'req-1', discountValue: 980 }).changed, false)
  })

  // A repeated requestId returns the first result's receipt and changes nothing, whatever its body.
  it('answers a repeated request id even when the repeat lacks a reason or changes nothing', () => {
    const order = orderOf(change(handling(), { requestId: 'req-1', discountValue: 980 }))
    for (const input of [
      { requestId: 'req-1', reason: null },
      { requestId: 'req-1' },
      { requestId: 'req-1', discountValue: -1 },
    ]) {
      assert.equal(change(order, input).changed, false)
    }
  })

  it('takes a discount off the value through the Change total and refunds it', () => {
    const order = handling()
    const decision = change(order, { discountValue: 980, reason: 'Late delivery' })
    assertLegalDecision(order, decision, T1)
    const changed = decision.order
    assert.deepEqual(changed.totals, { ...order.totals, change: -980 })
    assert.deepEqual(changeData(decision), [
      {
        requestId: 'change-1',
        receipt: RECEIPT,
        reason: 'Late delivery',
        discountValue: 980,
        incrementValue: 0,
        itemsAdded: [],
        itemsRemoved: [],
        valueChange: -980,
      },
    ])
    const [payment] = paymentIds(order)
    assert.deepEqual(paymentData(decision), [{ paymentId: payment, action: 'refund', value: 980 }])
    assert.deepEqual(changed.payment.entries.at(-1), {
      type: 'refund',
      paymentId: payment,
      value: 980,
      date: T1,
    })
    assert.deepEqual(changed.changes, [
      {
        requestId: 'change-1',
        reason: 'Late delivery',
        discountValue: 980,
        incrementValue: 0,
        itemsAdded: [],
        itemsRemoved: [],
        receipt: RECEIPT,
        date: T1,
      },
    ])
    // Nothing else of the order moved.
    assert.deepEqual({ ...changed, totals: order.totals, changes: [], payment: order.payment }, order)
    const document = renderDocument(changed)
    assert.equal(document.value, 10000)
    assert.deepEqual(document.totals.at(-1), {
      id: 'Change',
      name: 'Total das mudanças',
      value: -980,
      alternativeTotals: null,
    })
    assert.deepEqual(document.changesAttachment?.changesData[0]?.receipt, {
      date: T1,
      orderId: order.orderId,
      receipt: RECEIPT,
    })
    assertBalanced(changed)
  })

  it('charges an increment on the first approved payment', () => {
    const order = richTwoPayments()
    const [first, second] = paymentIds(order)
    assert.ok(first && second)
    const decision = change(order, { incrementValue: 500 })
    assertLegalDecision(order, decision, T1)
    assert.equal(decision.order.totals.change, 500)
    assert.equal(orderValue(decision.order), 18200)
    assert.deepEqual(paymentData(decision), [{ paymentId: first, action: 'charge', value: 500 }])
    assert.deepEqual(
      [shareBalance(decision.order, first), shareBalance(decision.order, second)],
      [10500, 7700],
    )
    assertBalanced(decision.order)
  })

  it("removes units from their SKU's lines at the lines' own prices and tax, and refunds over both payments", () => {
    const order = richTwoPayments()
    const [first, second] = paymentIds(order)
    const decision = change(order, removing(['1001', 3]))
    assertLegalDecision(order, decision, T1)
    const changed = decision.order
    assert.deepEqual(quantities(changed), [0, 1, 0])
    // Line 0: 2 × (price 5000, discount −500, tax 300); line 2: 1 × 5000.
    assert.deepEqual(changed.totals, { items: 2000, discounts: 0, shipping: 1000, tax: 100, change: 0 })
    assert.equal(orderValue(changed), 17700 - 2 * (4500 + 300) - 5000)
    const removed = { id: '1001', name: 'Blue T-shirt M', unitMultiplier: 1 }
    assert.deepEqual(changed.changes[0]?.itemsRemoved, [
      { ...removed, quantity: 2, price: 4500 },
      { ...removed, quantity: 1, price: 5000 },
    ])
    assert.deepEqual(changeData(decision)[0]?.valueChange, -14600)
    assert.deepEqual(paymentData(decision), [
      { paymentId: first, action: 'refund', value: 10000 },
      { paymentId: second, action: 'refund', value: 4600 },
    ])
    assertBalanced(changed)
  })

  it('removes units not yet invoiced from whichever line still has them', () => {
    const order = invoicedWith(
      richTwoPayments(),
      invoiceInput('NF-1', 9000, { items: [units('1001', 2, 4500)] }),
    )
    const decision = change(order, removing(['1001', 1]))
    assert.deepEqual(quantities(decision.order), [2, 1, 0])
    assert.equal(orderValue(decision.order), 12700)
    assertBalanced(decision.order)
  })

  it('adds units to the line of their SKU sold at the same price', () => {
    const order = richTwoPayments()
    const [first] = paymentIds(order)
    const decision = change(order, { itemsAdded: [{ id: '1001', price: 4500, quantity: 1 }] })
    assertLegalDecision(order, decision, T1)
    const changed = decision.order
    assert.deepEqual(quantities(changed), [3, 1, 1])
    assert.deepEqual(changed.totals, { items: 22000, discounts: -1500, shipping: 1000, tax: 1000, change: 0 })
    assert.deepEqual(changed.shipping, order.shipping)
    assert.deepEqual(changed.changes[0]?.itemsAdded, [
      { id: '1001', name: 'Blue T-shirt M', quantity: 1, price: 4500, unitMultiplier: 1 },
    ])
    assert.deepEqual(paymentData(decision), [{ paymentId: first, action: 'charge', value: 4800 }])
    assertBalanced(changed)
  })

  it('adds units at a new price as a new line, with a logistics entry of its own', () => {
    const order = richTwoPayments()
    const decision = change(order, { itemsAdded: [{ id: '3003', price: 1800, quantity: 2 }] })
    assertLegalDecision(order, decision, T1)
    const changed = decision.order
    const template = order.items[1]
    assert.ok(template)
    assert.deepEqual(changed.items.slice(0, 3), order.items)
    assert.deepEqual(changed.items[3], {
      ...template,
      uniqueId: `${RECEIPT.slice(0, 28)}0000`.toUpperCase(),
      quantity: 2,
      price: 1800,
      listPrice: 1800,
      sellingPrice: 1800,
      tax: 0,
      isGift: false,
    })
    assert.deepEqual(changed.shipping.logistics.slice(0, 3), order.shipping.logistics)
    assert.deepEqual(changed.shipping.logistics[3], {
      ...order.shipping.logistics[1],
      itemIndex: 3,
      price: 0,
      listPrice: 0,
      sellingPrice: 0,
    })
    assert.deepEqual(changed.totals, { ...order.totals, items: 17000 + 3600 })
    assert.equal(changeData(decision)[0]?.valueChange, 3600)
    assertBalanced(changed)
    // The document renders one logistics entry per item.
    assert.equal(renderDocument(changed).shippingData.logisticsInfo.length, 4)
  })

  it('adds a SKU the order does not have as a new line of its own', () => {
    const order = handling()
    const decision = change(order, {
      itemsAdded: [
        { id: '7777', price: 1500, quantity: 2 },
        { id: '8888', price: 0, quantity: 1 },
      ],
    })
    assertLegalDecision(order, decision, T1)
    const [, first, second] = decision.order.items
    assert.deepEqual(
      [first?.id, first?.name, first?.quantity, first?.sellingPrice, first?.productId],
      ['7777', 'SKU 7777', 2, 1500, ''],
    )
    // Each new line's unique id derives from the receipt and its place in the change.
    assert.deepEqual(
      [first?.uniqueId, second?.uniqueId],
      [`${RECEIPT.slice(0, 28)}0000`.toUpperCase(), `${RECEIPT.slice(0, 28)}0001`.toUpperCase()],
    )
    assert.equal(decision.order.shipping.logistics.length, 3)
    assert.equal(orderValue(decision.order), 10980 + 3000)
    assertBalanced(decision.order)
  })

  it('moves no money when what is removed and added cancel out', () => {
    const order = richTwoPayments()
    const decision = change(order, {
      ...removing(['1001', 1]),
      itemsAdded: [{ id: '1001', price: 4500, quantity: 1 }],
    })
    assertLegalDecision(order, decision, T1)
    assert.deepEqual(
      eventsOf(decision).map((e) => e.kind),
      ['change'],
    )
    assert.deepEqual(decision.order.items, order.items)
    assert.deepEqual(decision.order.totals, order.totals)
  })

  it('invoices a partially invoiced order whose value comes down to what is invoiced', () => {
    const order = invoicedWith(handling(), invoiceInput('NF-1', 5990, { items: [units('1001', 1)] }))
    const decision = change(order, removing(['1001', 1]))
    assertLegalDecision(order, decision, T1)
    assert.deepEqual(
      eventsOf(decision).map((e) => e.kind),
      ['change', 'payment', 'transition', 'transition'],
    )
    assert.deepEqual(edges(decision), [
      ['handling', 'invoice'],
      ['invoice', 'invoiced'],
    ])
    assert.equal(decision.order.invoicedDate, T1)
    assert.equal(orderValue(decision.order), 5990)
    assertBalanced(decision.order)

    // The same by a discount; a change that stays above the invoiced sum keeps it handling.
    const partly = invoicedWith(handling(), invoiceInput('NF-1', 6000))
    assert.equal(change(partly, { discountValue: 4980 }).order.status, 'invoiced')
    assert.equal(change(partly, { discountValue: 4979 }).order.status, 'handling')
  })
})

describe('registerChange: bounds', () => {
  it(`adds no line past ${MAX_ITEM_LINES}, but still adds units to a line the order has`, () => {
    const order = handling()
    const line = order.items[0]
    const logistics = order.shipping.logistics[0]
    assert.ok(line && logistics)
    const full = deepFreeze({
      ...order,
      items: Array.from({ length: MAX_ITEM_LINES }, (_, i) => ({
        ...line,
        uniqueId: `U${i}`,
        quantity: i === 0 ? 2 : 0,
      })),
      shipping: {
        ...order.shipping,
        logistics: Array.from({ length: MAX_ITEM_LINES }, (_, itemIndex) => ({ ...logistics, itemIndex })),
      },
    })
    expectRefusal(
      () => change(full, { itemsAdded: [{ id: '1001', price: 1, quantity: 1 }] }),
      'INVALID_CHANGE',
      new RegExp(`already has ${MAX_ITEM_LINES} item lines`),
    )
    assert.equal(
      change(full, { itemsAdded: [{ id: '1001', price: 4990, quantity: 1 }] }).order.items[0]?.quantity,
      3,
    )
  })

  // The schema lets each added unit cost up to 10^11 cents and come 10^6 at a time, 100 items per change: the
  // value would leave the range where cents are exact, so it is bounded as intake bounds it (MAX_TOTAL = 10^13).
  it('refuses a change that would take the value past the largest order total', () => {
    const order = handling()
    const huge = { itemsAdded: [{ id: '1001', price: 100_000_000_000, quantity: 100_000 }] }
    expectRefusal(() => change(order, huge), 'INVALID_CHANGE', /beyond 10000000000000 cents/)
    assert.ok(MAX_TOTAL < 100_000_000_000 * 100_000)
  })
})

describe('registerChange: a run of changes, invoices and returns', () => {
  type Step =
    | {
        kind: 'change'
        discount: number
        increment: number
        removed: [string, number][]
        added: [string, number, number][]
      }
    // `rest`: exactly what is left to invoice (or to return), so that runs reach invoiced and returns.
    | { kind: 'invoice' | 'return'; value: number | 'rest'; items: [string, number][] }
  const sku = fc.constantFrom('1001', '3003', '7777')
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('change' as const),
        discount: fc.oneof(fc.constant(0), fc.nat(20000)),
        increment: fc.oneof(fc.constant(0), fc.nat(5000)),
        removed: fc.array(fc.tuple(sku, fc.integer({ min: 1, max: 3 })), { maxLength: 2 }),
        added: fc.array(fc.tuple(sku, fc.constantFrom(0, 1800, 4500, 5000), fc.integer({ min: 1, max: 2 })), {
          maxLength: 2,
        }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constantFrom('invoice' as const, 'return' as const),
        value: fc.oneof(fc.constant('rest' as const), fc.integer({ min: 1, max: 8000 })),
        items: fc.array(fc.tuple(sku, fc.integer({ min: 1, max: 2 })), { maxLength: 1 }),
      }),
    },
  )
  const REFUSALS: ErrorCode[] = [
    // An invoice of the 0 cents left of a return or of an invoiced order.
    'VALIDATION_FAILED',
    'INVALID_INVOICE',
    'INVALID_TRANSITION',
    'CHANGE_NOT_ALLOWED',
    'CHANGE_ITEM_NOT_FOUND',
    'CHANGE_INVALID_QUANTITY',
    'CHANGE_EXCEEDS_VALUE',
    'CHANGE_BELOW_INVOICED',
    'INVALID_CHANGE',
  ]

  const rest = (order: Order, kind: 'invoice' | 'return'): number =>
    kind === 'invoice'
      ? orderValue(order) - packagedValue(order, 'Output')
      : packagedValue(order, 'Output') - packagedValue(order, 'Input')

  it('keeps the value the sum of the totals, the ledger with the value, and invoiced ⇔ invoiced in full', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let order = richTwoPayments()
        steps.forEach((s, index) => {
          const now = after(T1, index)
          const rule: Rule =
            s.kind === 'change'
              ? registerChange(
                  changeInput({
                    requestId: `req-${index}`,
                    discountValue: s.discount,
                    incrementValue: s.increment,
                    itemsRemoved: s.removed.map(([id, quantity]) => ({ id, price: 0, quantity })),
                    itemsAdded: s.added.map(([id, price, quantity]) => ({ id, price, quantity })),
                  }),
                  `receipt-${index}`,
                )
              : notifyInvoice(
                  invoiceInput(`NF-${index}`, s.value === 'rest' ? rest(order, s.kind) : s.value, {
                    type: s.kind === 'invoice' ? 'Output' : 'Input',
                    items: s.items.map(([id, quantity]) => units(id, quantity)),
                  }),
                  `receipt-${index}`,
                )
          let decision: Decision
          try {
            decision = decide(order, ctxAt(now), rule)
          } catch (error) {
            assert.ok(error instanceof AppError && REFUSALS.includes(error.code), String(error))
            return
          }
          assertLegalDecision(order, decision, now)
          order = orderOf(decision)
          assertBalanced(order)
          assert.ok(packagedValue(order, 'Output') <= orderValue(order))
          assert.ok(packagedValue(order, 'Input') <= packagedValue(order, 'Output'))
          assert.equal(order.status === 'invoiced', isFullyInvoiced(order))
        })
      }),
    )
  })
})
