// Random sequences of what a marketplace (account acme) and its seller (account partner) do to one sale, each
// through its own Orders API, with every message between them delivered after each step as the server's worker
// would. After every step the two orders must be a pair the flows allow, their invoices must agree, and no call
// may get a 5xx.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import type { OrderDocument } from '../src/modules/orders/order.schemas.ts'
import { api } from './api.ts'
import { exampleOrder, PARTNER } from './fixtures.ts'
import { describeEachDialect, startTestApp } from './harness.ts'

/** Where the marketplace's order may rest, and where its seller's order may be, once every message is delivered. */
const PAIRS: Record<string, readonly string[]> = {
  'payment-pending': ['waiting-ffmt-authorization'],
  'waiting-seller-handling': ['window-to-cancel', 'ready-for-handling', 'handling'],
  'waiting-for-seller-decision': ['cancellation-requested'],
  // The seller canceled its order: the marketplace's waits for another seller (test/change-seller.test.ts).
  'window-to-change-seller': ['canceled'],
  invoiced: ['invoiced'],
  canceled: ['canceled'],
}

type Step =
  | { kind: 'approve' }
  | { kind: 'wait'; minutes: number }
  | { kind: 'marketplace-cancel' }
  | { kind: 'seller-start' }
  | { kind: 'seller-invoice'; whole: boolean }
  | { kind: 'seller-cancel' }
  | { kind: 'seller-deny' }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'approve' as const }),
  fc.record({ kind: fc.constant('wait' as const), minutes: fc.constantFrom(1, 10, 40) }),
  fc.constant({ kind: 'marketplace-cancel' as const }),
  fc.constant({ kind: 'seller-start' as const }),
  fc.record({ kind: fc.constant('seller-invoice' as const), whole: fc.boolean() }),
  fc.constant({ kind: 'seller-cancel' as const }),
  fc.constant({ kind: 'seller-deny' as const }),
)

const outputs = (order: OrderDocument) =>
  order.packageAttachment.packages
    .filter((p) => p.type === 'Output')
    .map((p) => [p.invoiceNumber, p.invoiceValue])

describeEachDialect('a marketplace sale under random steps of both sides', (dialect) => {
  it('keeps the two orders a pair the flows allow, their invoices equal, and never answers 5xx', async (t) => {
    const test = await startTestApp(t, dialect)
    const store = api(test)
    const seller = api(test, await test.newKey(['OMS - Full access'], PARTNER.account))
    let sale = 0
    const answered = (res: LightMyRequestResponse, what: string): LightMyRequestResponse => {
      assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body}`)
      return res
    }
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const placed = await store.placeOk(exampleOrder({ marketplaceOrderId: `PROP-${++sale}` }))
        const [own, sold] = placed.orders
        assert.ok(own && sold)
        const paymentId = own.paymentData.transactions[0]?.payments[0]?.id ?? ''
        const sellerOrderId = `SLR-${sold.orderId}`
        await test.runDueJobs()
        let invoices = 0
        for (const s of steps) {
          const copy = await seller.getOk(sellerOrderId)
          switch (s.kind) {
            case 'approve':
              answered(await store.notifyPayment(own.orderId, paymentId), 'approve')
              break
            case 'wait':
              test.clock.advanceMinutes(s.minutes)
              break
            case 'marketplace-cancel':
              answered(await store.cancel(sold.orderId, { reason: 'Customer asked' }), 'marketplace cancel')
              break
            case 'seller-start':
              answered(await seller.startHandling(sellerOrderId), 'start handling')
              break
            case 'seller-invoice': {
              const open = copy.value - outputs(copy).reduce((sum, [, value]) => sum + Number(value), 0)
              const value = s.whole || open < 2 ? open : Math.floor(open / 2)
              const body = {
                type: 'Output',
                invoiceNumber: `NF-${sale}-${++invoices}`,
                invoiceValue: value,
                issuanceDate: test.clock.now().toISOString(),
              }
              answered(await seller.invoice(sellerOrderId, body), 'seller invoice')
              break
            }
            case 'seller-cancel':
              answered(await seller.cancel(sellerOrderId, { reason: 'Out of stock' }), 'seller cancel')
              break
            case 'seller-deny': {
              const pending = copy.cancellationRequests?.find((r) => !r.deniedBySeller)?.id ?? 'none'
              answered(await seller.deny(sellerOrderId, { cancellationRequestId: pending }), 'seller deny')
              break
            }
          }
          await test.runDueJobs()
          const marketplace = await store.getOk(sold.orderId)
          const fulfilled = await seller.getOk(sellerOrderId)
          const allowed = PAIRS[marketplace.status]
          assert.ok(
            allowed?.includes(fulfilled.status),
            `after ${s.kind}: marketplace ${marketplace.status}, seller ${fulfilled.status}`,
          )
          assert.deepEqual(
            outputs(marketplace),
            outputs(fulfilled),
            `after ${s.kind}: the same invoices on both`,
          )
        }
      }),
      { numRuns: 25 },
    )
    assert.equal(await test.runDueJobs(), 0, 'nothing left to deliver')
  })
})
