// Unit tests of the VTEX Get order document rendered from built orders: fields derived from the table and the ledger.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BRL_STORE_PREFERENCES, exampleOrder } from '../../../test/fixtures.ts'
import { cancel, canceledBySeller } from '../cancellation/cancellation.ts'
import type { IntakeBody } from '../intake/intake.schemas.ts'
import type { DeliveryChannel, Order } from './order.ts'
import { renderDocument, renderGroupDocument, renderTransaction } from './order-document.ts'
import { isTransactionActive } from './order-payment.ts'
import { allowsCancellation, ORDER_STATUSES, WORKFLOW } from './order-status.ts'
import {
  approved,
  approvedGroup,
  builtGroup,
  canceled,
  ctxAt,
  handling,
  invoiced,
  orderAt,
  orderOf,
  placed,
  placedGroup,
  requested,
  T_APPROVED,
  T_LATER,
} from '../../../test/rules.ts'
import { decide } from './order-workflow.ts'

describe('renderDocument: the workflow', () => {
  it('shows every status with its label, and allowCancellation where the table cancels', () => {
    for (const status of ORDER_STATUSES) {
      const document = renderDocument(orderAt(status))
      assert.equal(document.status, status)
      assert.equal(document.statusDescription, WORKFLOW[status].label)
      assert.equal(document.allowCancellation, allowsCancellation(status), status)
      assert.equal(document.allowEdition, false)
      assert.equal(document.workflowIsInError, false)
    }
  })

  it('shows the dates the workflow stamped', () => {
    const order = invoiced()
    const document = renderDocument(order)
    assert.equal(document.authorizedDate, T_APPROVED)
    assert.equal(document.invoicedDate, T_LATER)
    assert.deepEqual(
      [renderDocument(placed()).authorizedDate, renderDocument(placed()).invoicedDate],
      [null, null],
    )
  })
})

describe('renderDocument: values and sellers', () => {
  /** A line with a discount and tax, so that every total counts. */
  const withDiscountAndTax = (): IntakeBody => {
    const body = exampleOrder()
    return {
      ...body,
      // Two T-shirts 500 off and with 120 tax each: 10980 - 1000 + 240 for seller 1.
      items: body.items.map((item, i) => (i === 0 ? { ...item, sellingPrice: 4490, tax: 120 } : item)),
      paymentData: {
        payments: body.paymentData.payments.map((p) => ({ ...p, value: 13980 - 1000 + 240 })),
      },
    }
  }
  for (const [label, body] of [
    ['the example order', exampleOrder()],
    ['an order with discounts and tax', withDiscountAndTax()],
  ] as const) {
    it(`shows each order's value as the sum of its totals (${label})`, () => {
      for (const order of builtGroup(body)) {
        const document = renderDocument(order)
        const { items, discounts, shipping, tax } = order.totals
        assert.equal(document.value, items + discounts + shipping + tax)
        assert.deepEqual(
          document.totals.map((t) => [t.id, t.value]),
          [
            ['Items', items],
            ['Discounts', discounts],
            ['Shipping', shipping],
            ['Tax', tax],
          ],
        )
      }
    })
  }

  it('values the example orders at 10980 and 3000, less discounts and plus tax', () => {
    assert.deepEqual(
      builtGroup().map((o) => renderDocument(o).value),
      [10980, 3000],
    )
    assert.deepEqual(
      builtGroup(withDiscountAndTax()).map((o) => renderDocument(o).value),
      [10980 - 1000 + 240, 3000],
    )
  })

  it("prefixes sellerOrderId with 00- for the store's own order and SLR- for another seller's", () => {
    assert.deepEqual(
      builtGroup().map((o) => [o.seller.id, renderDocument(o).sellerOrderId]),
      [
        ['1', '00-1234567500001-01'],
        ['partner', 'SLR-1234567500001-02'],
      ],
    )
  })

  it('gives every item its priceDefinition as priceDefinitions, the name newer clients read', () => {
    for (const order of builtGroup()) {
      for (const item of renderDocument(order).items) {
        assert.deepEqual(item.priceDefinition, item.priceDefinitions)
        assert.equal(item.priceDefinitions.total, item.sellingPrice * item.quantity)
      }
    }
  })
})

describe('renderDocument: shipping', () => {
  const shippedBy = (channel?: DeliveryChannel): IntakeBody => {
    const body = exampleOrder()
    return {
      ...body,
      shippingData: {
        ...body.shippingData,
        logisticsInfo: body.shippingData.logisticsInfo.map((l) =>
          channel ? { ...l, selectedDeliveryChannel: channel } : l,
        ),
      },
    }
  }
  for (const [label, channel] of [
    ['delivery', 'delivery'],
    ['pickup-in-point', 'pickup-in-point'],
    ['no channel (delivery)', undefined],
  ] as const) {
    it(`repeats the selected channel in deliveryChannel of each logistics entry and SLA: ${label}`, () => {
      const expected = channel ?? 'delivery'
      for (const order of builtGroup(shippedBy(channel))) {
        for (const info of renderDocument(order).shippingData.logisticsInfo) {
          assert.equal(info.selectedDeliveryChannel, expected)
          assert.equal(info.deliveryChannel, info.selectedDeliveryChannel)
          assert.deepEqual(info.deliveryChannels, [{ id: expected, stockBalance: 0 }])
          for (const sla of info.slas) {
            assert.equal(sla.selectedDeliveryChannel, expected)
            assert.equal(sla.deliveryChannel, info.selectedDeliveryChannel)
          }
        }
      }
    })
  }

  it('gives pickupStoreInfo as an object, never null, on each logistics entry and SLA', () => {
    const NO_PICKUP_STORE = {
      additionalInfo: null,
      address: null,
      dockId: null,
      friendlyName: null,
      isPickupStore: false,
    }
    for (const order of builtGroup()) {
      for (const info of renderDocument(order).shippingData.logisticsInfo) {
        assert.deepEqual(info.pickupStoreInfo, NO_PICKUP_STORE)
        for (const sla of info.slas) assert.deepEqual(sla.pickupStoreInfo, NO_PICKUP_STORE)
      }
    }
  })
})

describe('cancellationData', () => {
  const cases: Array<[string, () => Order, boolean, string | null, string | null]> = [
    // [order, requested by the customer, reason, accepted request]
    [
      'canceled by the store with a reason',
      () =>
        orderOf(
          decide(
            handling(),
            ctxAt(T_LATER),
            cancel({ reason: 'Out of stock', requestedByUser: false, requestId: 'req-store' }),
          ),
        ),
      false,
      'Out of stock',
      null,
    ],
    [
      'canceled by the store without a reason',
      () =>
        orderOf(
          decide(
            placed(),
            ctxAt(T_LATER),
            cancel({ reason: null, requestedByUser: false, requestId: 'req-store' }),
          ),
        ),
      false,
      null,
      null,
    ],
    [
      "canceled by accepting the customer's request",
      () =>
        orderOf(
          decide(
            requested('handling'),
            ctxAt(T_LATER),
            cancel({ reason: 'Accepted', requestedByUser: false, requestId: 'req-store' }),
          ),
        ),
      true,
      'Accepted',
      'req-1',
    ],
  ]
  for (const [label, make, byUser, reason, requestId] of cases) {
    it(`is PascalCase in Get order and camelCase in the order group, for an order ${label}`, () => {
      const order = make()
      assert.deepEqual(renderDocument(order).cancellationData, {
        RequestedByUser: byUser,
        RequestedBySystem: false,
        RequestedBySellerNotification: !byUser,
        RequestedByPaymentNotification: false,
        Reason: reason,
        CancellationDate: T_LATER,
      })
      assert.equal(renderDocument(order).cancelReason, reason)
      // The group document leaves out what it has no value for, rather than sending null.
      assert.deepEqual(renderGroupDocument(order).cancellationData, {
        requestedByUser: byUser,
        requestedBySystem: false,
        requestedBySellerNotification: !byUser,
        requestedByPaymentNotification: false,
        ...(reason === null ? {} : { reason }),
        cancellationDate: T_LATER,
        ...(requestId === null ? {} : { cancellationRequestId: requestId }),
      })
    })
  }

  it('is null, in both documents, for an order that is not canceled', () => {
    for (const order of [placed(), handling(), requested('handling')]) {
      assert.equal(renderDocument(order).cancellationData, null)
      assert.equal(renderGroupDocument(order).cancellationData, null)
    }
  })

  it('lists cancellation requests, and null when there are none', () => {
    assert.equal(renderDocument(handling()).cancellationRequests, null)
    const order = requested('handling')
    assert.deepEqual(renderDocument(order).cancellationRequests, order.cancellationRequests)
  })
})

describe('storePreferencesData', () => {
  const cases: Array<[string, string, object]> = [
    ['BRL', 'pt-BR', BRL_STORE_PREFERENCES],
    [
      'USD',
      'en-US',
      {
        countryCode: 'BRA',
        currencyCode: 'USD',
        currencyFormatInfo: {
          CurrencyDecimalDigits: 2,
          CurrencyDecimalSeparator: '.',
          CurrencyGroupSeparator: ',',
          CurrencyGroupSize: 3,
          StartsWithCurrencySymbol: true,
        },
        currencyLocale: 1033,
        currencySymbol: '$',
        timeZone: 'E. South America Standard Time',
      },
    ],
  ]
  for (const [currencyCode, locale, expected] of cases) {
    it(`lays out ${currencyCode} for ${locale} as VTEX does`, () => {
      const body = exampleOrder({ storePreferencesData: { currencyCode }, clientPreferencesData: { locale } })
      for (const order of builtGroup(body))
        assert.deepEqual(renderDocument(order).storePreferencesData, expected)
    })
  }

  it("shows the store's own currency symbol over the locale's", () => {
    const body = exampleOrder({
      storePreferencesData: { currencyCode: 'USD', currencySymbol: 'US$' },
      clientPreferencesData: { locale: 'en-US' },
    })
    for (const order of builtGroup(body))
      assert.equal(renderDocument(order).storePreferencesData.currencySymbol, 'US$')
  })
})

describe('paymentData', () => {
  const cases: Array<[string, () => Order, boolean]> = [
    ['placed', placed, true],
    ['approved', () => approved(), true],
    ['canceled before approval', canceled, false],
    [
      'canceled after approval',
      () =>
        orderOf(
          decide(
            approved(),
            ctxAt(T_LATER),
            cancel({ reason: null, requestedByUser: false, requestId: 'req-store' }),
          ),
        ),
      false,
    ],
  ]
  for (const [label, make, active] of cases) {
    it(`shows the transaction ${active ? 'active' : 'inactive'} for an order ${label}, as isTransactionActive`, () => {
      const order = make()
      const [transaction] = renderDocument(order).paymentData.transactions
      assert.equal(transaction?.isActive, isTransactionActive(order))
      assert.equal(transaction?.isActive, active)
      assert.deepEqual(transaction, renderTransaction(order))
    })
  }

  it("shows each order of a group its own view: a canceled sibling's is inactive, the other's active", () => {
    const [store, partner] = approvedGroup()
    assert.ok(store && partner)
    // The marketplace's order, canceled by its seller (the marketplace keeps no window to change seller).
    const gone = orderOf(decide(partner, ctxAt(T_LATER, 30, 0), canceledBySeller()))
    assert.deepEqual(
      [store, gone].map((o) => renderDocument(o).paymentData.transactions[0]?.isActive),
      [true, false],
    )
  })

  it('shows the same transaction, with the whole payment, on every order of the group', () => {
    const [first, second] = placedGroup().map((o) => renderDocument(o).paymentData.transactions[0])
    assert.ok(first && second)
    assert.equal(first.transactionId, second.transactionId)
    assert.deepEqual(
      [first, second].map((t) => t.payments.map((p) => [p.id, p.value, p.referenceValue])),
      [first.payments.map((p) => [p.id, 13980, 13980]), first.payments.map((p) => [p.id, 13980, 13980])],
    )
  })
})
