// Bad intake bodies get a 4xx that names the problem, and nothing is created.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import { api, errorCode } from './api.ts'
import { exampleOrder, singleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp } from './harness.ts'

const countOrders = async (test: TestApp) => {
  const row = await test.deps.db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const groups = await test.deps.db
    .selectFrom('order_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n) + Number(groups.n)
}

const example = exampleOrder()

const invalid: [string, unknown, RegExp][] = [
  ['missing items', { ...example, items: undefined }, /items is required/],
  ['empty items', { ...example, items: [] }, /items must have at least 1/],
  [
    'a negative price',
    { ...example, items: [{ ...example.items[0], price: -1 }, example.items[1]] },
    /items\[0\]\.price must be at least 0/,
  ],
  [
    'a fractional quantity',
    { ...example, items: [{ ...example.items[0], quantity: 1.5 }, example.items[1]] },
    /items\[0\]\.quantity must be of type integer/,
  ],
  [
    'a zero quantity',
    { ...example, items: [{ ...example.items[0], quantity: 0 }, example.items[1]] },
    /items\[0\]\.quantity must be at least 1/,
  ],
  [
    'payments that do not add up',
    { ...example, paymentData: { payments: [{ ...example.paymentData.payments[0], value: 13000 }] } },
    /payments add up to 13000 but the order total .* is 13980/,
  ],
  [
    'an unknown itemIndex',
    {
      ...example,
      shippingData: {
        ...example.shippingData,
        logisticsInfo: [
          example.shippingData.logisticsInfo[0],
          { ...example.shippingData.logisticsInfo[1], itemIndex: 7 },
        ],
      },
    },
    /logisticsInfo\[1\]\.itemIndex 7 does not match any item/,
  ],
  [
    'an item without logistics info',
    {
      ...example,
      shippingData: { ...example.shippingData, logisticsInfo: [example.shippingData.logisticsInfo[0]] },
    },
    /items\[1\] has no entry in shippingData\.logisticsInfo/,
  ],
  [
    'two logistics entries for one item',
    {
      ...example,
      shippingData: {
        ...example.shippingData,
        logisticsInfo: [example.shippingData.logisticsInfo[0], example.shippingData.logisticsInfo[0]],
      },
    },
    /more than one entry for itemIndex 0/,
  ],
  [
    'a selling price above the price',
    { ...example, items: [{ ...example.items[0], sellingPrice: 9999 }, example.items[1]] },
    /items\[0\]\.sellingPrice \(9999\) must not exceed/,
  ],
  [
    'a missing customer email',
    { ...example, clientProfileData: { firstName: 'Ana' } },
    /clientProfileData\.email is required/,
  ],
  [
    'an unknown payment group',
    { ...example, paymentData: { payments: [{ ...example.paymentData.payments[0], group: 'cash' }] } },
    /paymentData\.payments\[0\]\.group must be one of/,
  ],
  ['a body that is not an object', [1, 2, 3], /must be of type object/],
]

describeEachDialect('order intake validation', (dialect) => {
  for (const [name, body, message] of invalid) {
    it(`rejects ${name} with 400 and creates nothing`, async (t) => {
      const test = await startTestApp(t, dialect)
      const res = await api(test).place(body as IntakeBody)
      assert.equal(res.statusCode, 400, res.body)
      assert.equal(errorCode(res), 'OMS001')
      assert.match(res.json<{ error: { message: string } }>().error.message, message)
      assert.equal(res.json<{ error: { exception: null } }>().error.exception, null)
      assert.equal(await countOrders(test), 0)
    })
  }

  it('rejects a 5 MB body with 413 and creates nothing', async (t) => {
    const test = await startTestApp(t, dialect)
    const huge = { ...example, openTextField: { value: 'x'.repeat(5 * 1024 * 1024) } }
    const res = await api(test).place(huge)
    assert.equal(res.statusCode, 413)
    assert.equal(errorCode(res), 'OMS013')
    assert.match(res.json<{ error: { message: string } }>().error.message, /too large|larger than/)
    assert.equal(await countOrders(test), 0)
  })

  it('rejects malformed JSON with 400', async (t) => {
    const test = await startTestApp(t, dialect)
    const res = await test.app.inject({
      method: 'POST',
      url: '/api/oms/pvt/orders',
      headers: { ...test.headers, 'content-type': 'application/json' },
      payload: '{"items": [',
    })
    assert.equal(res.statusCode, 400)
    assert.match(res.json<{ error: { message: string } }>().error.message, /not valid JSON/)
    assert.equal(await countOrders(test), 0)
  })

  it('rejects a reused marketplaceOrderId with a different body, and returns the first order for the same body', async (t) => {
    const test = await startTestApp(t, dialect)
    const first = await api(test).placeOk(example)
    const same = await api(test).placeOk(example)
    assert.equal(same.orderGroup, first.orderGroup)
    const changed = await api(test).place({ ...example, salesChannel: '2' })
    assert.equal(changed.statusCode, 422)
    assert.match(
      changed.json<{ error: { message: string } }>().error.message,
      /marketplaceOrderId ERP-TEST-1/,
    )
  })
})

describeEachDialect('order intake retry keys', (dialect) => {
  it('names the key that matched when a new Idempotency-Key comes with a used marketplaceOrderId', async (t) => {
    const test = await startTestApp(t, dialect)
    await api(test).placeOk(example, { 'idempotency-key': 'first' })
    const res = await api(test).place({ ...example, salesChannel: '2' }, { 'idempotency-key': 'second' })
    assert.equal(res.statusCode, 422)
    assert.match(
      res.json<{ error: { message: string } }>().error.message,
      /^marketplaceOrderId ERP-TEST-1 was already used/,
    )
  })
})

describeEachDialect('order intake limits', (dialect) => {
  const rejects: [string, unknown, RegExp][] = [
    [
      'a shipping estimate of more than 4 digits',
      {
        ...example,
        shippingData: {
          ...example.shippingData,
          logisticsInfo: [
            { ...example.shippingData.logisticsInfo[0], shippingEstimate: '3000000000bd' },
            example.shippingData.logisticsInfo[1],
          ],
        },
      },
      /shippingEstimate/,
    ],
    [
      'a fractional unitMultiplier (the reference types it integer)',
      { ...example, items: [{ ...example.items[0], unitMultiplier: 0.5 }, example.items[1]] },
      /items\[0\]\.unitMultiplier must be of type integer/,
    ],
    [
      'an order total beyond 10^13 cents',
      {
        ...example,
        items: [
          { ...example.items[0], price: 99_999_999_999, sellingPrice: 99_999_999_999, quantity: 999_999 },
          example.items[1],
        ],
      },
      /order total must not exceed/,
    ],
    [
      'a NUL character in a text field',
      { ...example, clientProfileData: { ...example.clientProfileData, firstName: 'A\u0000b' } },
      /NUL character/,
    ],
  ]
  for (const [name, body, message] of rejects) {
    it(`rejects ${name} with 400 and creates nothing`, async (t) => {
      const test = await startTestApp(t, dialect)
      const res = await api(test).place(body as IntakeBody)
      assert.equal(res.statusCode, 400, res.body)
      assert.match(res.json<{ error: { message: string } }>().error.message, message)
      assert.equal(await countOrders(test), 0)
    })
  }

  it('stores order values beyond 32 bits and answers 404 for huge sequences', async (t) => {
    const test = await startTestApp(t, dialect)
    const big = singleOrder('BIG', 3_000_000_000)
    const placed = await api(test).placeOk(big)
    assert.equal(placed.orders[0]?.value, 3_000_000_000)
    assert.equal((await api(test).get('seq999999999999999')).statusCode, 404)
    const nul = await api(test).send('GET', '/api/oms/pvt/orders/abc%00')
    assert.equal(nul.statusCode, 400)
    assert.match(nul.json<{ error: { message: string } }>().error.message, /NUL character/)
  })
})
