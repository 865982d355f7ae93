// Unit tests of order modifications (v2): the plan of a request, its life run through decide() as the write path
// and the worker run it, and the wire format's reading of requests and rendering of answers. No database.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { AppError, type ErrorCode } from '../../platform/errors.ts'
import { cancel } from '../cancellation/cancellation.ts'
import { notifyInvoice } from '../invoices/invoice.ts'
import { orderValue, type ModificationSettings, type Order, type Totals } from '../orders/order.ts'
import { modificationInProgress, modificationJobs } from '../orders/order-modification.ts'
import { isFullyInvoiced, packagedValue } from '../orders/order-packages.ts'
import { ORDER_STATUSES } from '../orders/order-status.ts'
import { decide, type Decision, type Rule } from '../orders/order-workflow.ts'
import {
  assertBalanced,
  card,
  changeInput,
  expectRefusal,
  handlingOf,
  invoicedWith,
  invoiceInput,
  richOrder,
  units,
} from '../../../test/invoice-rules.ts'
import {
  after,
  assertLegalDecision,
  canceled,
  ctxAt,
  deepFreeze,
  edges,
  eventsOf,
  handling,
  lateFor,
  only,
  orderAt,
  orderOf,
  paidWith,
  paymentIds,
  sellerHandling,
  T_LATER,
} from '../../../test/rules.ts'
import { exampleOrder } from '../../../test/fixtures.ts'
import {
  abandonModification,
  advanceModification,
  cancelModification,
  MAX_MODIFICATIONS,
  plan,
  requestModification,
  retryModification,
  type ModificationAsk,
} from './modification.ts'
import type { ChangeBody } from './modification.schemas.ts'
import {
  DEFAULT_SETTINGS,
  modificationSettings,
  renderDetail,
  renderSummary,
  requestOf,
  savedSettings,
  withSettings,
} from './modification-wire.ts'
import { registerChange } from './registered-change.ts'

const T1 = after(T_LATER, 60)
const REQUEST_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
/** The uniqueId of the `place`th line REQUEST_ID adds: its first 28 hex digits, then the place, in 4. */
const newLineId = (place: number) => `0F1E2D3C4B5A69788796A5B4C3D2${String(place).padStart(4, '0')}`
const SETTINGS = modificationSettings(DEFAULT_SETTINGS)

type Body = Omit<ChangeBody, 'reason'>
const requestFor = (body: Body) => requestOf({ reason: 'The customer asked for it', ...body })

const planOf = (order: Order, body: Body, settings: ModificationSettings = SETTINGS) =>
  plan(order, requestFor(body), settings, REQUEST_ID)

/** How the request ships the item at `itemIndex` of its items: by Express, to the order's address unless told. */
const shippedAt = (
  order: Order,
  price: number,
  itemIndex = 0,
  addressId = order.shipping.address.addressId,
) => ({
  itemIndex,
  selectedSla: 'Express',
  selectedDeliveryChannel: 'delivery' as const,
  addressId,
  price,
})

/** The rich order (17700 cents) paid 10000 by the first card and 7700 by the second. */
const richTwoPayments = (): Order => handlingOf(richOrder([card(10000), card(7700)]))

/** The example order, paid by a bank invoice (payment system 6): nothing can be charged on it. */
const boletoHandling = (): Order =>
  handlingOf(
    paidWith([{ paymentSystem: '6', paymentSystemName: 'Boleto', group: 'bankInvoice', value: 13980 }]),
  )

const quantities = (order: Order): number[] => order.items.map((i) => i.quantity)
const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0)
const totalsMoved = (before: Totals, after: Totals) => ({
  items: after.items - before.items,
  discounts: after.discounts - before.discounts,
  shipping: after.shipping - before.shipping,
  tax: after.tax - before.tax,
  manual: after.change - before.change,
})

interface Asking {
  requestId?: string
  settings?: ModificationSettings
  now?: string
}

const askFor = (
  body: Body,
  { requestId = REQUEST_ID, settings = SETTINGS }: Asking = {},
): ModificationAsk => ({
  requestId,
  workflowId: `workflow-${requestId}`,
  reason: 'The customer asked for it',
  request: requestFor(body),
  settings,
})

/** PATCH …/changes as the write path runs it. */
const requestOn = (order: Order, body: Body, asking: Asking = {}): Decision =>
  decide(order, ctxAt(asking.now ?? T1), requestModification(askFor(body, asking)))

/** The worker's job as it runs for the order's request in progress. */
const advance = (order: Order, now = T1): Decision =>
  decide(order, ctxAt(now), advanceModification(modificationInProgress(order)?.requestId ?? 'none'))

/** The order once the request is done: asked for, acknowledged and applied, a minute apart. */
function modified(order: Order, body: Body, asking: Asking = {}): Order {
  const now = asking.now ?? T1
  const asked = orderOf(requestOn(order, body, asking))
  return orderOf(advance(orderOf(advance(asked, after(now, 1))), after(now, 2)))
}

const modificationData = (decision: Decision) =>
  eventsOf(decision).flatMap((e) => (e.kind === 'modification' ? [e.data] : []))
const paymentData = (decision: Decision) =>
  eventsOf(decision).flatMap((e) => (e.kind === 'payment' ? [e.data] : []))

/** The one element of a list that must have exactly one. */
function single<T>(list: readonly T[]): T {
  assert.equal(list.length, 1)
  return only(list)
}

describe('plan: removals', () => {
  it('takes units from the one line of their SKU, or from the line their uniqueId names', () => {
    const order = handling()
    const bySku = planOf(order, { remove: { items: [{ id: '1001', quantity: 1 }] } })
    assert.deepEqual(quantities(bySku.order), [1])
    assert.equal(bySku.outcome.value, -4990)
    assert.deepEqual(bySku.outcome.operations, [
      {
        kind: 'remove',
        from: [{ ...order.items[0], quantity: 1, itemIndex: 0, logistics: null }],
        to: [],
      },
    ])

    const rich = richTwoPayments()
    const last = rich.items[2]?.uniqueId
    const byId = planOf(rich, { remove: { items: [{ id: '1001', uniqueId: last, quantity: 1 }] } })
    assert.deepEqual(quantities(byId.order), [2, 1, 0])
    assert.equal(byId.outcome.value, -5000)
    // A line whose units all left stays, as invoices name lines by index.
    assert.equal(byId.order.items.length, 3)
  })

  it('refuses a SKU on several lines without a uniqueId with CHANGE_ITEM_AMBIGUOUS, naming the lines', () => {
    const rich = richTwoPayments()
    const [first, , last] = rich.items.map((i) => i.uniqueId)
    expectRefusal(
      () => planOf(rich, { remove: { items: [{ id: '1001', quantity: 1 }] } }),
      'CHANGE_ITEM_AMBIGUOUS',
      new RegExp(`has 2 lines of that SKU; name one by its uniqueId \\(${first}, ${last}\\)`),
    )
    // A line the request already emptied no longer counts.
    const emptied = planOf(rich, {
      remove: {
        items: [
          { id: '1001', uniqueId: first, quantity: 2 },
          { id: '1001', quantity: 1 },
        ],
      },
    })
    assert.deepEqual(quantities(emptied.order), [0, 1, 0])
  })

  it('refuses units of a SKU or line the order does not have with CHANGE_REMOVE_ITEM', () => {
    const order = handling()
    const cases = [
      { id: '9999', quantity: 1 },
      { id: '1001', uniqueId: 'NO-SUCH-LINE', quantity: 1 },
      // The line exists, but holds another SKU.
      { id: '2002', uniqueId: order.items[0]?.uniqueId, quantity: 1 },
    ]
    for (const item of cases) {
      expectRefusal(
        () => planOf(order, { remove: { items: [item] } }),
        'CHANGE_REMOVE_ITEM',
        /^Invalid item to remove: order \S+ has no/,
      )
    }
    // Units the request already took count as gone.
    expectRefusal(
      () =>
        planOf(order, {
          remove: {
            items: [
              { id: '1001', quantity: 2 },
              { id: '1001', quantity: 1 },
            ],
          },
        }),
      'CHANGE_REMOVE_ITEM',
      /has no units of SKU 1001/,
    )
  })

  it('refuses more units than the line has with CHANGE_REMOVE_QUANTITY', () => {
    const rich = richTwoPayments()
    expectRefusal(
      () => planOf(handling(), { remove: { items: [{ id: '1001', quantity: 3 }] } }),
      'CHANGE_REMOVE_QUANTITY',
      /^Invalid quantity to remove from item 1001: 3 asked, but its line \S+ in order \S+ has 2\.$/,
    )
    // The other line of the SKU does not make up for it.
    expectRefusal(
      () =>
        planOf(rich, { remove: { items: [{ id: '1001', uniqueId: rich.items[2]?.uniqueId, quantity: 2 }] } }),
      'CHANGE_REMOVE_QUANTITY',
      /2 asked, .* has 1\.$/,
    )
  })

  it('refuses to take invoiced units with CHANGE_ITEM_INVOICED, and takes those not invoiced', () => {
    const order = invoicedWith(handling(), invoiceInput('NF-1', 4990, { items: [units('1001', 1)] }))
    expectRefusal(
      () => planOf(order, { remove: { items: [{ id: '1001', quantity: 2 }] } }),
      'CHANGE_ITEM_INVOICED',
      /^Not allowed after the item invoice has been issued: 1 of the 2 units .* at most 1 can leave\.$/,
    )
    assert.deepEqual(
      quantities(planOf(order, { remove: { items: [{ id: '1001', quantity: 1 }] } }).order),
      [1],
    )
  })
})

describe('plan: additions and replacements', () => {
  it('adds units to the line of their SKU at the same price, at its price when the request gives none', () => {
    const order = handling()
    for (const price of [undefined, 4990]) {
      const added = planOf(order, { add: { items: [{ id: '1001', quantity: 1, price }] } })
      assert.deepEqual(quantities(added.order), [3])
      assert.deepEqual(added.order.shipping, order.shipping)
      assert.equal(added.outcome.value, 4990)
      assert.deepEqual(added.outcome.operations, [
        {
          kind: 'add',
          from: [],
          to: [{ ...order.items[0], quantity: 1, itemIndex: 0, logistics: null }],
        },
      ])
    }
  })

  it("adds units at another price as a new line named after the request, with its SKU's details, shipped free", () => {
    const order = handling()
    const line = order.items[0]
    const logistics = order.shipping.logistics[0]
    assert.ok(line && logistics)
    const added = planOf(order, {
      add: {
        items: [
          { id: '1001', quantity: 1, price: 3990 },
          { id: '7777', quantity: 2, price: 1500 },
        ],
      },
    })
    const prices = { price: 3990, listPrice: 3990, sellingPrice: 3990, tax: 0 }
    assert.deepEqual(added.order.items, [
      line,
      { ...line, uniqueId: newLineId(0), quantity: 1, ...prices, isGift: false },
      {
        uniqueId: newLineId(1),
        id: '7777',
        productId: '',
        name: 'SKU 7777',
        quantity: 2,
        price: 1500,
        listPrice: 1500,
        sellingPrice: 1500,
        tax: 0,
        refId: '',
        ean: null,
        imageUrl: '',
        detailUrl: '',
        measurementUnit: 'un',
        unitMultiplier: 1,
        isGift: false,
      },
    ])
    const free = { price: 0, listPrice: 0, sellingPrice: 0 }
    assert.deepEqual(added.order.shipping.logistics, [
      logistics,
      { ...logistics, itemIndex: 1, ...free },
      { ...logistics, itemIndex: 2, ...free },
    ])
    assert.deepEqual(added.order.totals, { ...order.totals, items: order.totals.items + 3990 + 3000 })
    assert.equal(added.outcome.value, 6990)
  })

  it('refuses a SKU the order does not have, sent without a price, with CHANGE_PRICE_UNKNOWN', () => {
    expectRefusal(
      () => planOf(handling(), { add: { items: [{ id: '7777', quantity: 1 }] } }),
      'CHANGE_PRICE_UNKNOWN',
      /^The price of item 7777 is unknown, as order \S+ does not have it/,
    )
  })

  it('refuses units named to join a line of another SKU with CHANGE_ITEM_NOT_FOUND', () => {
    const order = handling()
    expectRefusal(
      () =>
        planOf(order, { add: { items: [{ id: '7777', uniqueId: order.items[0]?.uniqueId, quantity: 1 }] } }),
      'CHANGE_ITEM_NOT_FOUND',
      /^Invalid id for item 7777: order \S+ has no line \S+ of SKU 7777\.$/,
    )
  })

  it('replaces a SKU by another', () => {
    const order = handling()
    const replaced = planOf(order, {
      replace: [
        {
          from: { items: [{ id: '1001', quantity: 1 }] },
          to: { items: [{ id: '7777', quantity: 2, price: 1500 }] },
        },
      ],
    })
    assert.deepEqual(
      replaced.order.items.map((i) => [i.id, i.quantity, i.sellingPrice]),
      [
        ['1001', 1, 4990],
        ['7777', 2, 1500],
      ],
    )
    assert.equal(replaced.outcome.value, -4990 + 3000)
    const [operation] = replaced.outcome.operations
    assert.equal(operation?.kind, 'replace')
    assert.deepEqual(
      [operation?.from.map((l) => [l.id, l.quantity]), operation?.to.map((l) => [l.id, l.quantity])],
      [[['1001', 1]], [['7777', 2]]],
    )
  })

  it("changes a SKU's quantity on its line, and its price on a new line", () => {
    const order = handling()
    const replace = (quantity: number, price?: number) =>
      planOf(order, {
        replace: [
          {
            from: { items: [{ id: '1001', quantity: 2 }] },
            to: { items: [{ id: '1001', quantity, price }] },
          },
        ],
      })
    const more = replace(3)
    assert.deepEqual(quantities(more.order), [3])
    assert.equal(more.outcome.value, 4990)

    const cheaper = replace(2, 3990)
    assert.deepEqual(
      cheaper.order.items.map((i) => [i.uniqueId, i.quantity, i.sellingPrice]),
      [
        [order.items[0]?.uniqueId, 0, 4990],
        [newLineId(0), 2, 3990],
      ],
    )
    assert.equal(cheaper.outcome.value, -2000)
  })

  it('puts units replaced by the same SKU at the same price back on their line: nothing moves', () => {
    const rich = richTwoPayments()
    const same = planOf(rich, {
      replace: [
        {
          from: { items: [{ id: '1001', uniqueId: rich.items[0]?.uniqueId, quantity: 2 }] },
          to: { items: [{ id: '1001', quantity: 2, price: 4500 }] },
        },
      ],
    })
    assert.deepEqual(same.order.items, rich.items)
    assert.deepEqual(same.order.totals, rich.totals)
    assert.equal(same.outcome.value, 0)
  })

  it("merges the customer's data the request changes into the order's", () => {
    const order = handling()
    const changed = planOf(order, {
      add: { items: [], clientProfileData: [{ firstName: 'Ana Maria', phone: '+5521988887777' }] },
    })
    assert.deepEqual(changed.order.client, {
      ...order.client,
      firstName: 'Ana Maria',
      phone: '+5521988887777',
    })
    assert.equal(changed.outcome.value, 0)
    assert.deepEqual(changed.order.items, order.items)
  })

  it('refuses a request that changes nothing with INVALID_CHANGE', () => {
    for (const body of [{}, { add: { items: [] } }, { remove: { items: [] }, replace: [] }]) {
      expectRefusal(() => planOf(handling(), body), 'INVALID_CHANGE', /adds, removes and replaces no item/)
    }
  })
})

describe('plan: gifts', () => {
  /** SKU 1001 on two lines, a gift unit first (selling price 0), then two paid units: 10980 in all. */
  const withGift = (): Order => {
    const example = exampleOrder()
    return handlingOf(
      exampleOrder({
        items: [
          {
            id: '1001',
            name: 'Blue T-shirt M',
            seller: '1',
            quantity: 1,
            price: 4990,
            sellingPrice: 0,
            isGift: true,
          },
          { id: '1001', name: 'Blue T-shirt M', seller: '1', quantity: 2, price: 4990 },
        ],
        shippingData: {
          ...example.shippingData,
          logisticsInfo: [
            { itemIndex: 0, selectedSla: 'Normal', price: 0, shippingEstimate: '4bd' },
            { itemIndex: 1, selectedSla: 'Normal', price: 1000, shippingEstimate: '4bd' },
          ],
        },
        paymentData: { payments: [card(10980)] },
      }),
    )
  }

  it("adds units of a SKU sent without a price at its paid line's price, not at its gift's", () => {
    const order = withGift()
    const added = planOf(order, { add: { items: [{ id: '1001', quantity: 1 }] } })
    assert.deepEqual(quantities(added.order), [1, 3])
    assert.equal(added.outcome.value, 4990)
  })
})

describe('plan: shipping', () => {
  it('ships a new line as its logisticsInfo entry says, and adds its price to the shipping total', () => {
    const order = handling()
    const added = planOf(order, {
      add: {
        items: [{ id: '7777', quantity: 1, price: 1500 }],
        shippingData: { logisticsInfo: [shippedAt(order, 700)] },
      },
    })
    const shipped = added.order.shipping.logistics[1]
    assert.deepEqual(
      [
        shipped?.itemIndex,
        shipped?.selectedSla,
        shipped?.deliveryChannel,
        shipped?.price,
        shipped?.sellingPrice,
      ],
      [1, 'Express', 'delivery', 700, 700],
    )
    assert.equal(added.order.totals.shipping, order.totals.shipping + 700)
    assert.deepEqual(added.outcome.totals, { items: 1500, discounts: 0, shipping: 700, tax: 0, manual: 0 })
  })

  it('ships units joining a line as their entry says, the line at its price plus theirs', () => {
    const order = handling()
    const joined = planOf(order, {
      add: {
        items: [{ id: '1001', quantity: 1 }],
        shippingData: { logisticsInfo: [shippedAt(order, 700)] },
      },
    })
    const shipped = joined.order.shipping.logistics[0]
    assert.deepEqual([shipped?.selectedSla, shipped?.price], ['Express', 1700])
    assert.equal(joined.outcome.totals.shipping, 700)
    assert.equal(joined.outcome.value, 4990 + 700)
  })

  it('keeps the shipping total with compensateShippingChanges, the new line shipped as asked for free', () => {
    const order = handling()
    const added = planOf(
      order,
      {
        add: {
          items: [{ id: '7777', quantity: 1, price: 1500 }],
          shippingData: { logisticsInfo: [shippedAt(order, 700)] },
        },
      },
      { ...SETTINGS, compensateShippingChanges: true },
    )
    const shipped = added.order.shipping.logistics[1]
    assert.deepEqual([shipped?.selectedSla, shipped?.price], ['Express', 0])
    assert.equal(added.order.totals.shipping, order.totals.shipping)
    assert.equal(added.outcome.value, 1500)
  })

  it('refuses an address other than the order’s with CHANGE_ADDRESS_INVALID', () => {
    const order = handling()
    expectRefusal(
      () =>
        planOf(order, {
          add: {
            items: [{ id: '7777', quantity: 1, price: 1500 }],
            shippingData: { logisticsInfo: [shippedAt(order, 700, 0, 'elsewhere')] },
          },
        }),
      'CHANGE_ADDRESS_INVALID',
      new RegExp(`ships to address ${order.shipping.address.addressId}, not elsewhere\\.$`),
    )
  })

  it('refuses an entry for no item (CHANGE_LOGISTICS_NOT_FOUND), or two for one (CHANGE_LOGISTICS_AMBIGUOUS)', () => {
    const order = handling()
    const shipping =
      (...logisticsInfo: ReturnType<typeof shippedAt>[]) =>
      () =>
        planOf(order, {
          add: { items: [{ id: '7777', quantity: 1, price: 1500 }], shippingData: { logisticsInfo } },
        })
    expectRefusal(
      shipping(shippedAt(order, 700, 1)),
      'CHANGE_LOGISTICS_NOT_FOUND',
      /names itemIndex 1, but the request's items for order \S+ end at 0\.$/,
    )
    expectRefusal(
      shipping(shippedAt(order, 700), shippedAt(order, 300)),
      'CHANGE_LOGISTICS_AMBIGUOUS',
      /^Logistics info is ambiguous: shippingData.logisticsInfo has 2 entries for itemIndex 0\.$/,
    )
  })
})

describe('plan: value', () => {
  it("takes a manual discount off, and adds a manual increment to, the order's Change total", () => {
    const order = handling()
    const manual = planOf(order, { manualDiscountValue: 980, manualIncrementValue: 300 })
    assert.deepEqual(manual.order.totals, { ...order.totals, change: -680 })
    assert.deepEqual(manual.outcome.totals, { items: 0, discounts: 0, shipping: 0, tax: 0, manual: -680 })
    assert.equal(manual.outcome.value, -680)
  })

  it("moves each total by what the order's moved, and the value by their sum", () => {
    const rich = richTwoPayments()
    const planned = planOf(rich, {
      remove: { items: [{ id: '3003', quantity: 1 }] },
      replace: [
        {
          from: { items: [{ id: '1001', uniqueId: rich.items[0]?.uniqueId, quantity: 1 }] },
          to: { items: [{ id: '1001', quantity: 1, price: 4000 }] },
        },
      ],
      add: {
        items: [{ id: '7777', quantity: 1, price: 1500 }],
        shippingData: { logisticsInfo: [shippedAt(rich, 700)] },
      },
      manualDiscountValue: 250,
      manualIncrementValue: 50,
    })
    const { totals, value } = planned.outcome
    assert.deepEqual(totals, totalsMoved(rich.totals, planned.order.totals))
    // Line 1 (2000 + 100 tax) and a unit of line 0 (5000 − 500 + 300 tax) leave; 4000, 1500 and 700 come in.
    assert.deepEqual(totals, { items: -7000 + 5500, discounts: 500, shipping: 700, tax: -400, manual: -200 })
    assert.equal(value, sum(Object.values(totals)))
    assert.equal(value, orderValue(planned.order) - orderValue(rich))
  })

  it('refuses to take the value to 0 or below with CHANGE_EXCEEDS_VALUE', () => {
    const order = handling()
    const EXCEEDS =
      /^The value of the modification exceeds the order's price: .* from 10980 to (0|-\d+) cents\.$/
    for (const body of [
      { manualDiscountValue: 10980 },
      { manualDiscountValue: 20000 },
      { remove: { items: [{ id: '1001', quantity: 2 }] }, manualDiscountValue: 1000 },
    ]) {
      expectRefusal(() => planOf(order, body), 'CHANGE_EXCEEDS_VALUE', EXCEEDS)
    }
    // The shipping left is a value.
    assert.equal(planOf(order, { remove: { items: [{ id: '1001', quantity: 2 }] } }).outcome.value, -9980)
  })

  it('refuses to take the value below what is invoiced with CHANGE_ITEM_INVOICED', () => {
    const partly = invoicedWith(handling(), invoiceInput('NF-1', 6000, { items: [units('1001', 1)] }))
    expectRefusal(
      () => planOf(partly, { manualDiscountValue: 4981 }),
      'CHANGE_ITEM_INVOICED',
      /would take order \S+ to 5999 cents, below the 6000 cents already invoiced\.$/,
    )
    assert.equal(planOf(partly, { manualDiscountValue: 4980 }).outcome.value, -4980)
  })

  it('refuses an increase no payment can be charged for with CHANGE_PAYMENT_METHOD, unless its system is allowed', () => {
    const order = boletoHandling()
    expectRefusal(
      () => planOf(order, { manualIncrementValue: 1 }),
      'CHANGE_PAYMENT_METHOD',
      /^Cannot increase the value for this payment method: .* to charge the 1 cents/,
    )
    const allowed = { ...SETTINGS, customPaymentSystemsAllowed: ['6'] }
    assert.equal(planOf(order, { manualIncrementValue: 1 }, allowed).outcome.value, 1)
    // A decrease is refunded, whatever the payment.
    assert.equal(planOf(order, { manualDiscountValue: 1 }).outcome.value, -1)
  })
})

describe('requestModification', () => {
  const DISCOUNT = { manualDiscountValue: 100 }

  it('records the request, planned, with one modification event, and leaves the order as it is', () => {
    const order = handling()
    const decision = requestOn(order, { remove: { items: [{ id: '1001', quantity: 1 }] } })
    assertLegalDecision(order, decision, T1)
    assert.deepEqual(modificationData(decision), [
      {
        requestId: REQUEST_ID,
        action: 'requested',
        status: 'waiting-acknowledgement',
        valueChange: null,
        message: null,
      },
    ])
    assert.equal(eventsOf(decision).length, 1)
    const asked = single(decision.order.modifications)
    assert.deepEqual(
      [asked.requestId, asked.workflowId, asked.status, asked.date, asked.outcome?.value, asked.cancellation],
      [REQUEST_ID, `workflow-${REQUEST_ID}`, 'waiting-acknowledgement', T1, -4990, null],
    )
    assert.deepEqual(asked.log, [{ date: T1, status: 'waiting-acknowledgement', message: 'Requested.' }])
    assert.deepEqual({ ...decision.order, modifications: [] }, order)
    // The worker is asked to process it.
    assert.ok(decision.changed)
    assert.equal(modificationJobs(decision).length, 1)
  })

  it('refuses what the plan refuses, at once', () => {
    expectRefusal(
      () => requestOn(handling(), { remove: { items: [{ id: '9999', quantity: 1 }] } }),
      'CHANGE_REMOVE_ITEM',
      /has no units of SKU 9999/,
    )
  })

  it('refuses a canceled order with CHANGE_ORDER_CANCELED', () => {
    const order = canceled()
    expectRefusal(
      () => requestOn(order, DISCOUNT, { now: lateFor(order.status) }),
      'CHANGE_ORDER_CANCELED',
      /^Cannot Change Cancelled Order: order \S+ is canceled\.$/,
    )
  })

  it('refuses every status but handling with CHANGE_NOT_ALLOWED', () => {
    const invoiced = invoicedWith(handling(), invoiceInput('NF-1', 10980))
    const statuses = ORDER_STATUSES.filter((s) => s !== 'handling' && s !== 'canceled')
    for (const order of [...statuses.map(orderAt), invoiced]) {
      expectRefusal(
        () => requestOn(order, DISCOUNT, { now: lateFor(order.status) }),
        'CHANGE_NOT_ALLOWED',
        new RegExp(`is ${order.status}; orders are modified only while handling\\.$`),
      )
    }
  })

  it("refuses a seller's order a marketplace sold, and a chain order", () => {
    expectRefusal(
      () => requestOn(sellerHandling(), DISCOUNT, { now: T_LATER }),
      'CHANGE_NOT_ALLOWED',
      /was sold by marketplace acme/,
    )
    expectRefusal(
      () => requestOn(deepFreeze({ ...handling(), origin: 'Chain' as const }), DISCOUNT),
      'CHAIN_ORDER_CHANGE',
      /chain orders/,
    )
  })

  it('refuses an order with register modifications (v1) with CHANGE_VERSIONS_MIXED, and v1 refuses one with v2', () => {
    const v1 = orderOf(
      decide(handling(), ctxAt(T1), registerChange(changeInput({ discountValue: 100 }), 'r')),
    )
    expectRefusal(
      () => requestOn(v1, DISCOUNT, { now: after(T1, 1) }),
      'CHANGE_VERSIONS_MIXED',
      /cannot be mixed on one order/,
    )
    const v2 = orderOf(requestOn(handling(), DISCOUNT))
    expectRefusal(
      () => decide(v2, ctxAt(after(T1, 1)), registerChange(changeInput({ discountValue: 100 }), 'r')),
      'CHANGE_VERSIONS_MIXED',
      /cannot be mixed on one order/,
    )
  })

  it('refuses a second request while one is in progress with CHANGE_IN_PROGRESS, and takes it once that one is done', () => {
    let order = orderOf(requestOn(handling(), DISCOUNT))
    const second = { requestId: 'second', now: after(T1, 1) }
    expectRefusal(
      () => requestOn(order, DISCOUNT, second),
      'CHANGE_IN_PROGRESS',
      new RegExp(`^Change In Progress: modification ${REQUEST_ID} of order \\S+ is waiting-acknowledgement;`),
    )
    order = orderOf(advance(order, after(T1, 1)))
    expectRefusal(() => requestOn(order, DISCOUNT, second), 'CHANGE_IN_PROGRESS', /is waiting-confirmation;/)
    order = orderOf(advance(order, after(T1, 2)))
    assert.equal(requestOn(order, DISCOUNT, { ...second, now: after(T1, 3) }).order.modifications.length, 2)
  })

  it(`keeps ${MAX_MODIFICATIONS} requests, canceled ones too, and refuses the next with INVALID_CHANGE`, () => {
    let order = handling()
    for (let i = 0; i < MAX_MODIFICATIONS; i++) {
      const now = after(T1, 2 * i)
      order = orderOf(requestOn(order, DISCOUNT, { requestId: `r-${i}`, now }))
      order = orderOf(decide(order, ctxAt(after(now, 1)), cancelModification(`r-${i}`, 'Not now')))
    }
    assert.equal(order.modifications.length, MAX_MODIFICATIONS)
    expectRefusal(
      () => requestOn(order, DISCOUNT, { requestId: 'one-more', now: after(T1, 2 * MAX_MODIFICATIONS) }),
      'INVALID_CHANGE',
      new RegExp(`already has ${MAX_MODIFICATIONS} modification requests`),
    )
  })
})

describe('advanceModification', () => {
  const T2 = after(T1, 1)
  const T3 = after(T1, 2)

  it('acknowledges first, then applies the request and refunds what it took off', () => {
    const order = handling()
    const body = { remove: { items: [{ id: '1001', quantity: 1 }] }, manualDiscountValue: 100 }
    const asked = orderOf(requestOn(order, body))

    const acknowledging = advance(asked, T2)
    assertLegalDecision(asked, acknowledging, T2)
    const acknowledged = orderOf(acknowledging)
    assert.deepEqual(modificationData(acknowledging), [
      {
        requestId: REQUEST_ID,
        action: 'acknowledged',
        status: 'waiting-confirmation',
        valueChange: null,
        message: null,
      },
    ])
    assert.deepEqual({ ...acknowledged, modifications: [] }, { ...order, modifications: [] })
    assert.deepEqual(single(acknowledged.modifications).log.at(-1), {
      date: T2,
      status: 'waiting-confirmation',
      message: 'Acknowledged.',
    })
    // Acknowledging asks for no new job: the one running goes on.
    assert.ok(acknowledging.changed)
    assert.deepEqual(modificationJobs(acknowledging), [])

    const applying = advance(acknowledged, T3)
    assertLegalDecision(acknowledged, applying, T3)
    const done = orderOf(applying)
    const [payment] = paymentIds(order)
    assert.deepEqual(
      eventsOf(applying).map((e) => e.kind),
      ['modification', 'payment'],
    )
    assert.deepEqual(modificationData(applying), [
      { requestId: REQUEST_ID, action: 'done', status: 'done', valueChange: -5090, message: null },
    ])
    assert.deepEqual(paymentData(applying), [{ paymentId: payment, action: 'refund', value: 5090 }])
    assert.deepEqual(quantities(done), [1])
    assert.equal(orderValue(done), 10980 - 5090)
    assert.equal(done.status, 'handling')
    const m = single(done.modifications)
    assert.deepEqual(
      m.log.map((l) => [l.status, l.message]),
      [
        ['waiting-acknowledgement', 'Requested.'],
        ['waiting-confirmation', 'Acknowledged.'],
        ['done', 'Done.'],
      ],
    )
    assertBalanced(done)
    // Nothing left to do.
    assert.equal(advance(done, after(T3, 1)).changed, false)
  })

  it('charges an increase on the first chargeable payment', () => {
    const rich = richTwoPayments()
    const [first] = paymentIds(rich)
    const asked = orderOf(requestOn(rich, { add: { items: [{ id: '7777', quantity: 2, price: 1500 }] } }))
    const applying = advance(orderOf(advance(asked, T2)), T3)
    assert.deepEqual(paymentData(applying), [{ paymentId: first, action: 'charge', value: 3000 }])
    assertBalanced(applying.order)
  })

  it('charges an increase on a payment system the request allowed', () => {
    const order = boletoHandling()
    const settings = { ...SETTINGS, customPaymentSystemsAllowed: ['6'] }
    const done = modified(order, { manualIncrementValue: 500 }, { settings })
    assert.deepEqual(done.payment.entries.at(-1), {
      type: 'charge',
      paymentId: paymentIds(order)[0],
      value: 500,
      date: T3,
    })
    assertBalanced(done)
  })

  it('invoices a partly invoiced order the modification brings down to what is invoiced', () => {
    const order = invoicedWith(handling(), invoiceInput('NF-1', 5990, { items: [units('1001', 1)] }))
    const asked = orderOf(requestOn(order, { remove: { items: [{ id: '1001', quantity: 1 }] } }))
    const acknowledged = orderOf(advance(asked, T2))
    const applying = advance(acknowledged, T3)
    assertLegalDecision(acknowledged, applying, T3)
    assert.deepEqual(
      eventsOf(applying).map((e) => e.kind),
      ['modification', 'payment', 'transition', 'transition'],
    )
    assert.deepEqual(edges(applying), [
      ['handling', 'invoice'],
      ['invoice', 'invoiced'],
    ])
    assert.equal(applying.order.invoicedDate, T3)
    assertBalanced(applying.order)

    // One that stays above what is invoiced leaves it handling.
    const above = modified(order, { manualDiscountValue: 4989 })
    assert.equal(above.status, 'handling')
  })

  it('cancels the request of an order canceled meanwhile, with the refusal as its cancellation data', () => {
    const asked = orderOf(requestOn(handling(), { manualDiscountValue: 100 }))
    const storeCancel = cancel({ reason: 'Out of stock', requestedByUser: false, requestId: 'req-store' })
    const canceledOrder = orderOf(decide(asked, ctxAt(T2), storeCancel))
    const advancing = advance(canceledOrder, T3)
    assertLegalDecision(canceledOrder, advancing, T3)
    const m = single(advancing.order.modifications)
    assert.equal(m.status, 'canceled')
    assert.ok(m.cancellation)
    const { reason, ...cause } = m.cancellation
    assert.deepEqual(cause, { date: T3, code: 'CHANGE_ORDER_CANCELED', byUser: false })
    assert.match(reason, /^Cannot Change Cancelled Order/)
    const [data] = modificationData(advancing)
    assert.deepEqual(
      [data?.action, data?.status, data?.valueChange, data?.message],
      ['canceled', 'canceled', null, reason],
    )
    assert.equal(eventsOf(advancing).length, 1)
    assert.deepEqual({ ...advancing.order, modifications: [] }, { ...canceledOrder, modifications: [] })
  })

  it('records nothing when no request is in progress', () => {
    const order = handling()
    const decision = advance(order)
    assert.equal(decision.changed, false)
    assert.equal(decision.order, order)
  })
})

describe('retry, cancel and abandon', () => {
  const T2 = after(T1, 1)
  const asked = () => orderOf(requestOn(handling(), { manualDiscountValue: 100 }))
  const run = (order: Order, rule: Rule, now = T2) => decide(order, ctxAt(now), rule)

  it('retries a request in progress: logged, and its job asked for again', () => {
    for (const order of [asked(), orderOf(advance(asked(), T2))]) {
      const now = after(T2, 1)
      const retrying = run(order, retryModification(REQUEST_ID), now)
      assertLegalDecision(order, retrying, now)
      const m = single(retrying.order.modifications)
      assert.equal(m.status, single(order.modifications).status)
      assert.deepEqual(m.log.at(-1), { date: now, status: m.status, message: 'Retried.' })
      assert.deepEqual(
        modificationData(retrying).map((d) => d.action),
        ['retried'],
      )
      assert.ok(retrying.changed)
      assert.equal(modificationJobs(retrying)[0]?.dueAt, now)
    }
  })

  it('refuses to retry a finished request with CHANGE_CANNOT_RETRY, and an unknown one with CHANGE_REQUEST_NOT_FOUND', () => {
    const done = modified(handling(), { manualDiscountValue: 100 })
    const stopped = orderOf(run(asked(), cancelModification(REQUEST_ID, 'No')))
    expectRefusal(
      () => run(done, retryModification(REQUEST_ID), T_LATER),
      'CHANGE_CANNOT_RETRY',
      /is done\.$/,
    )
    expectRefusal(() => run(stopped, retryModification(REQUEST_ID)), 'CHANGE_CANNOT_RETRY', /is canceled\.$/)
    expectRefusal(
      () => run(asked(), retryModification('unknown')),
      'CHANGE_REQUEST_NOT_FOUND',
      /has no modification unknown\.$/,
    )
  })

  it("cancels a request in progress at the store's word, and frees the order for the next", () => {
    for (const order of [asked(), orderOf(advance(asked(), T2))]) {
      const now = after(T2, 1)
      const canceling = run(order, cancelModification(REQUEST_ID, 'Typed the wrong SKU'), now)
      assertLegalDecision(order, canceling, now)
      const m = single(canceling.order.modifications)
      assert.equal(m.status, 'canceled')
      assert.deepEqual(m.cancellation, { date: now, reason: 'Typed the wrong SKU', code: null, byUser: true })
      assert.deepEqual(modificationData(canceling), [
        {
          requestId: REQUEST_ID,
          action: 'canceled',
          status: 'canceled',
          valueChange: null,
          message: 'Typed the wrong SKU',
        },
      ])
      assert.deepEqual({ ...canceling.order, modifications: [] }, { ...order, modifications: [] })
      const next = requestOn(
        orderOf(canceling),
        { manualDiscountValue: 5 },
        { requestId: 'next', now: after(now, 1) },
      )
      assert.equal(next.order.modifications.length, 2)
    }
  })

  it('refuses to cancel a finished request with CHANGE_CANNOT_CANCEL', () => {
    const done = modified(handling(), { manualDiscountValue: 100 })
    expectRefusal(
      () => run(done, cancelModification(REQUEST_ID, 'Oops'), T_LATER),
      'CHANGE_CANNOT_CANCEL',
      /is done: a processed modification cannot be canceled; send a new modification to revert it\.$/,
    )
    const stopped = orderOf(run(asked(), cancelModification(REQUEST_ID, 'No')))
    expectRefusal(
      () => run(stopped, cancelModification(REQUEST_ID, 'Again'), after(T2, 1)),
      'CHANGE_CANNOT_CANCEL',
      /is already canceled\.$/,
    )
  })

  it('abandons the request in progress once its attempts ran out, and nothing when none is', () => {
    const abandoning = run(asked(), abandonModification(REQUEST_ID, 8))
    const m = single(abandoning.order.modifications)
    assert.equal(m.status, 'canceled')
    assert.equal(m.cancellation?.code, 'CHANGE_RETRIES_EXHAUSTED')
    assert.equal(m.cancellation?.byUser, false)
    assert.match(m.cancellation?.reason ?? '', /after 8 failed attempts/)
    const done = modified(handling(), { manualDiscountValue: 100 })
    assert.equal(run(done, abandonModification(REQUEST_ID, 8), T_LATER).changed, false)
  })
})

describe('a run of modifications and invoices', () => {
  /** Units of the line at a place in the order (a SKU it lacks past its last), named by uniqueId or by SKU. */
  type Leaving = [place: number, quantity: number, byUniqueId: boolean]
  /** Units of a SKU, at a price (the order's when null), shipped at a price of their own or not. */
  type Joining = [sku: string, quantity: number, price: number | null, shipping: number | null]
  type Step =
    | {
        kind: 'modification'
        remove: Leaving[]
        add: Joining[]
        replace: { from: Leaving; to: Joining }[]
        discount: number
        increment: number
      }
    | { kind: 'invoice'; value: number | 'rest'; items: [string, number][] }
  const sku = fc.constantFrom('1001', '3003', '7777')
  const quantity = fc.integer({ min: 1, max: 2 })
  const leaving: fc.Arbitrary<Leaving> = fc.tuple(fc.nat(3), quantity, fc.boolean())
  const joining: fc.Arbitrary<Joining> = fc.tuple(
    sku,
    quantity,
    fc.constantFrom(null, 1800, 4500, 5000),
    fc.constantFrom(null, 0, 700),
  )
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('modification' as const),
        remove: fc.array(leaving, { maxLength: 1 }),
        add: fc.array(joining, { maxLength: 2 }),
        replace: fc.array(fc.record({ from: leaving, to: joining }), { maxLength: 1 }),
        discount: fc.oneof(fc.constant(0), fc.nat(20000)),
        increment: fc.oneof(fc.constant(0), fc.nat(5000)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('invoice' as const),
        value: fc.oneof(
          { weight: 1, arbitrary: fc.constant('rest' as const) },
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 8000 }) },
        ),
        items: fc.array(fc.tuple(sku, quantity), { maxLength: 1 }),
      }),
    },
  )
  const REFUSALS: ErrorCode[] = [
    // Invoices': over what is left to invoice, or of the 0 cents left of an invoiced order.
    'VALIDATION_FAILED',
    'INVALID_INVOICE',
    'INVALID_TRANSITION',
    // Requests': for units or lines the order lacks, below what is invoiced, or once it is invoiced.
    'INVALID_CHANGE',
    'CHANGE_NOT_ALLOWED',
    'CHANGE_REMOVE_ITEM',
    'CHANGE_REMOVE_QUANTITY',
    'CHANGE_ITEM_AMBIGUOUS',
    'CHANGE_ITEM_INVOICED',
    'CHANGE_EXCEEDS_VALUE',
    'CHANGE_PRICE_UNKNOWN',
  ]

  function bodyOf(order: Order, s: Extract<Step, { kind: 'modification' }>): Body {
    const from = ([place, count, byUniqueId]: Leaving) => {
      const line = order.items[place]
      return {
        id: line?.id ?? '9999',
        quantity: count,
        ...(byUniqueId && line ? { uniqueId: line.uniqueId } : {}),
      }
    }
    const to = (joins: Joining[]) => ({
      items: joins.map(([id, count, price]) => ({
        id,
        quantity: count,
        ...(price === null ? {} : { price }),
      })),
      shippingData: {
        logisticsInfo: joins.flatMap(([, , , shipping], itemIndex) =>
          shipping === null ? [] : [shippedAt(order, shipping, itemIndex)],
        ),
      },
    })
    return {
      remove: { items: s.remove.map(from) },
      add: to(s.add),
      replace: s.replace.map((r) => ({ from: { items: [from(r.from)] }, to: to([r.to]) })),
      manualDiscountValue: s.discount,
      manualIncrementValue: s.increment,
    }
  }

  /** The decision, or undefined when the rule refuses as a rule may refuse these steps. */
  function attempt(run: () => Decision): Decision | undefined {
    try {
      return run()
    } catch (error) {
      if (error instanceof AppError && REFUSALS.includes(error.code)) return undefined
      throw error
    }
  }

  it('ends every accepted request done as planned, the value moved by its outcome, the ledger with the value', () => {
    const placed = richTwoPayments()
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        let order = placed
        steps.forEach((s, index) => {
          const now = after(T1, 3 * index)
          const before = order
          if (s.kind === 'invoice') {
            const value = s.value === 'rest' ? orderValue(order) - packagedValue(order, 'Output') : s.value
            const input = invoiceInput(`NF-${index}`, value, {
              items: s.items.map(([id, count]) => units(id, count)),
            })
            const invoicing = attempt(() =>
              decide(order, ctxAt(now), notifyInvoice(input, `receipt-${index}`)),
            )
            if (!invoicing) return
            order = orderOf(invoicing)
          } else {
            const asked = attempt(() =>
              requestOn(order, bodyOf(order, s), { requestId: `req-${index}`, now }),
            )
            if (!asked) return
            assertLegalDecision(order, asked, now)
            const planned = asked.order.modifications.at(-1)?.outcome
            order = orderOf(asked)
            for (const minutes of [1, 2]) {
              const advancing = advance(order, after(now, minutes))
              assertLegalDecision(order, advancing, after(now, minutes))
              order = orderOf(advancing)
            }
            const done = order.modifications.at(-1)
            assert.equal(done?.status, 'done', JSON.stringify(done?.cancellation))
            assert.ok(done.outcome)
            assert.deepEqual(done.outcome, planned)
            assert.equal(done.outcome.value, orderValue(order) - orderValue(before))
            assert.deepEqual(done.outcome.totals, totalsMoved(before.totals, order.totals))
          }
          assertBalanced(order)
          assert.ok(packagedValue(order, 'Output') <= orderValue(order))
          assert.equal(order.status === 'invoiced', isFullyInvoiced(order))
          // The summary finds the order as placed whatever was done to it since.
          const summary = renderSummary(order)
          assert.deepEqual(
            summary.original.map((l) => [l.itemIndex, l.uniqueId, l.quantity]),
            placed.items.map((l, itemIndex) => [itemIndex, l.uniqueId, l.quantity]),
          )
          assert.equal(summary.totalChangeValueAggregated, orderValue(order) - orderValue(placed))
        })
      }),
      { numRuns: 60 },
    )
  })
})

describe('modification-wire: requests and settings', () => {
  it("sums the items' manual discounts and increments into the request's", () => {
    const request = requestFor({
      manualDiscountValue: 100,
      manualIncrementValue: 1,
      add: { items: [{ id: '1001', quantity: 1, manualDiscountValue: 50 }] },
      replace: [
        {
          from: { items: [{ id: '1001', quantity: 1 }] },
          to: { items: [{ id: '7777', quantity: 1, manualDiscountValue: 25, manualIncrementValue: 10 }] },
        },
      ],
    })
    assert.deepEqual([request.manualDiscountValue, request.manualIncrementValue], [175, 11])
  })

  it('refuses customData anywhere with VALIDATION_FAILED', () => {
    const items = [{ id: '1001', quantity: 1 }]
    const bodies: Body[] = [
      { add: { items, customData: {} } },
      { remove: { items, customData: null } },
      { replace: [{ from: { items }, to: { items, customData: { a: 1 } } }] },
      { replace: [{ from: { items, customData: 'x' }, to: { items } }] },
    ]
    for (const body of bodies) {
      expectRefusal(() => requestFor(body), 'VALIDATION_FAILED', /customData cannot be modified/)
    }
  })

  it('takes the fields a request sends over the settings, and keeps whether they are the defaults', () => {
    const overridden = withSettings(DEFAULT_SETTINGS, {
      pipelineConfiguration: { compensateShippingChanges: true },
      paymentConfiguration: { customPaymentSystemsAllowed: ['6'] },
    })
    assert.deepEqual(overridden, {
      ...DEFAULT_SETTINGS,
      paymentConfiguration: { customPaymentSystemsAllowed: ['6'] },
      pipelineConfiguration: { ...DEFAULT_SETTINGS.pipelineConfiguration, compensateShippingChanges: true },
    })
    assert.deepEqual(modificationSettings(overridden), {
      customPaymentSystemsAllowed: ['6'],
      enableTaxHubRecalculation: false,
      compensateShippingChanges: true,
      enablePromotionRecalculation: false,
      enableNativeTaxRecalculation: false,
    })
    assert.equal(withSettings(DEFAULT_SETTINGS, undefined), DEFAULT_SETTINGS)

    const saved = savedSettings({
      rolloutConfiguration: { enableMyOrders: { enabledWorkspaces: ['master'] } },
    })
    assert.deepEqual(saved, {
      ...DEFAULT_SETTINGS,
      rolloutConfiguration: {
        ...DEFAULT_SETTINGS.rolloutConfiguration,
        usingDefaultBehavior: false,
        enableMyOrders: { enabledWorkspaces: ['master'] },
      },
    })
    // A request's overrides of saved settings are still not the defaults; a workspace list left out is kept.
    const again = withSettings(saved, { rolloutConfiguration: { enableApi: false, enableMyOrders: {} } })
    assert.deepEqual(again.rolloutConfiguration, { ...saved.rolloutConfiguration, enableApi: false })
  })
})

describe('modification-wire: answers', () => {
  it('reconstructs the order as placed from its done modifications, and sums what they did', () => {
    const order = handling()
    const first = modified(
      order,
      {
        remove: { items: [{ id: '1001', quantity: 1 }] },
        add: { items: [{ id: '7777', quantity: 2, price: 1500 }] },
      },
      { requestId: 'first' },
    )
    const second = modified(
      first,
      {
        replace: [
          {
            from: { items: [{ id: '7777', quantity: 1 }] },
            to: { items: [{ id: '7777', quantity: 1, price: 1200 }] },
          },
        ],
        add: { items: [{ id: '1001', quantity: 2 }] },
        manualDiscountValue: 100,
      },
      { requestId: 'second', now: after(T1, 10) },
    )
    // A canceled request did nothing.
    const asked = orderOf(
      requestOn(second, { manualIncrementValue: 500 }, { requestId: 'third', now: after(T1, 20) }),
    )
    const final = orderOf(decide(asked, ctxAt(after(T1, 21)), cancelModification('third', 'No')))
    assert.deepEqual(
      final.items.map((i) => [i.id, i.quantity, i.sellingPrice]),
      [
        ['1001', 3, 4990],
        ['7777', 1, 1500],
        ['7777', 1, 1200],
      ],
    )

    const summary = renderSummary(final)
    assert.deepEqual(
      summary.original.map((l) => [l.id, l.uniqueId, l.quantity, l.totalQuantity, l.itemIndex]),
      [['1001', order.items[0]?.uniqueId, 2, 2, 0]],
    )
    const brief = (lines: { id: string; quantity: number; sellingPrice: number }[]) =>
      lines.map((l) => [l.id, l.quantity, l.sellingPrice])
    assert.deepEqual(brief(summary.added), [
      ['7777', 2, 1500],
      ['1001', 2, 4990],
    ])
    assert.deepEqual(brief(summary.removed), [['1001', 1, 4990]])
    assert.deepEqual(
      summary.replaced.map((r) => [r.replaceType, brief(r.from.items), brief(r.to.items)]),
      [['PriceChange', [['7777', 1, 1500]], [['7777', 1, 1200]]]],
    )
    assert.equal(summary.manualDiscountValueAggregated, 100)
    assert.equal(summary.manualIncrementValueAggregated, 0)
    assert.equal(summary.totalChangeValueAggregated, orderValue(final) - orderValue(order))
  })

  it('names each replacement by what it changed', () => {
    const replacing = (to: NonNullable<Body['replace']>[number]['to']['items'][number]) => ({
      replace: [{ from: { items: [{ id: '1001', quantity: 1 }] }, to: { items: [to] } }],
    })
    const bodies: Body[] = [
      replacing({ id: '1001', quantity: 2 }),
      replacing({ id: '1001', quantity: 1, price: 3990 }),
      replacing({ id: '1001', quantity: 1, measurementUnit: 'kg' }),
      replacing({ id: '7777', quantity: 1, price: 1500 }),
    ]
    const types = bodies.map((body) => {
      const done = modified(handling(), body)
      return single(renderSummary(done).replaced).replaceType
    })
    assert.deepEqual(types, ['QuantityChange', 'PriceChange', 'WeightChange', 'ItemReplacement'])
  })

  it("renders a request's progress, and its cancellation's code through the function given", () => {
    const wire = (code: string) => `wire:${code}`
    const asked = orderOf(requestOn(handling(), { manualDiscountValue: 100 }))
    const waiting = renderDetail(asked, single(asked.modifications), wire)
    assert.deepEqual([waiting.inProgress, waiting.finished, waiting.cancellationData], [true, false, null])

    const storeCancel = cancel({ reason: 'Out of stock', requestedByUser: false, requestId: 'req-store' })
    const gone = orderOf(advance(orderOf(decide(asked, ctxAt(after(T1, 1)), storeCancel)), after(T1, 2)))
    const detail = renderDetail(gone, single(gone.modifications), wire)
    assert.deepEqual([detail.inProgress, detail.finished, detail.status], [false, true, 'canceled'])
    assert.ok(detail.cancellationData)
    const { reason, ...rest } = detail.cancellationData
    assert.deepEqual(rest, { code: 'wire:CHANGE_ORDER_CANCELED', date: after(T1, 2), requestedByUser: false })
    assert.equal(reason, single(gone.modifications).cancellation?.reason)

    const byStore = orderOf(decide(asked, ctxAt(after(T1, 1)), cancelModification(REQUEST_ID, 'No')))
    assert.equal(renderDetail(byStore, single(byStore.modifications), wire).cancellationData?.code, null)
  })
})
