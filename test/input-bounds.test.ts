// Request bodies are bounded, so what one intake stores and answers stays proportional to what it sent.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { BODY_LIMIT_BYTES } from '../src/app.ts'
import { MAX_ITEMS, MAX_SELLERS } from '../src/modules/intake/intake.ts'
import type { IntakeBody } from '../src/modules/intake/intake.schemas.ts'
import { createAccount } from '../src/modules/accounts/account.service.ts'
import { putSeller } from '../src/modules/sellers/seller.service.ts'
import { api, errorCode, type PlacedGroupBody } from './api.ts'
import { exampleOrder } from './fixtures.ts'
import { describeEachDialect, startTestApp, type TestApp, countOrders } from './harness.ts'

/**
 * Bytes stored and answered for the largest intake Ordo accepts, at most these many times the request's bytes
 * (docs/compatibility.md). Each seller's order is kept twice (the typed order and the rendered document) and is
 * answered once, and the document spells out many fields the request leaves out.
 */
const STORED_FACTOR = 6
const ANSWERED_FACTOR = 4

const text = (length: number, tag = '') => tag + 'x'.repeat(length - tag.length)

/** The attack: 500 items from 500 sellers and a 100 KB openTextField, 177 KB in all. */
function attack(options: { openTextField: boolean }): IntakeBody {
  const example = exampleOrder()
  const count = 500
  return {
    ...example,
    marketplaceOrderId: 'ATTACK-1',
    items: Array.from({ length: count }, (_, i) => ({
      id: `sku-${i}`,
      name: `Item ${i}`,
      seller: `seller-${i}`,
      quantity: 1,
      price: 100,
    })),
    shippingData: {
      ...example.shippingData,
      logisticsInfo: Array.from({ length: count }, (_, i) => ({
        itemIndex: i,
        selectedSla: 'Normal',
        price: 0,
        shippingEstimate: '3bd',
      })),
    },
    paymentData: {
      payments: [{ paymentSystem: '2', paymentSystemName: 'Visa', group: 'creditCard', value: count * 100 }],
    },
    ...(options.openTextField ? { openTextField: { value: text(100 * 1024) } } : {}),
  }
}

/** Every field at its longest, every list at its longest, as many of the longest items as fit in the body limit. */
function largestIntake(): IntakeBody {
  const sellers = Array.from({ length: MAX_SELLERS }, (_, i) => ({
    id: text(128, `seller-${i}-`),
    name: text(200),
  }))
  const item = (i: number) => ({
    id: text(128, `sku-${i}-`),
    productId: text(128),
    name: text(500),
    seller: sellers[i % MAX_SELLERS]?.id ?? '',
    quantity: 1_000_000,
    price: 100,
    listPrice: 100,
    sellingPrice: 100,
    tax: 0,
    refId: text(1000),
    ean: text(1000),
    imageUrl: text(1000),
    detailUrl: text(1000),
    measurementUnit: text(20),
    unitMultiplier: 1,
    isGift: false,
  })
  const logistics = (i: number) => ({
    itemIndex: i,
    selectedSla: text(200),
    price: 0,
    listPrice: 0,
    sellingPrice: 0,
    shippingEstimate: '99bd',
    deliveryCompany: text(1000),
    lockTTL: text(20),
    selectedDeliveryChannel: 'delivery' as const,
  })
  const build = (count: number): IntakeBody => {
    const total = count * 100 * 1_000_000
    const paymentCount = 20
    return {
      marketplaceOrderId: text(128, 'LARGEST-'),
      salesChannel: text(20),
      affiliateId: text(20),
      origin: 'Marketplace',
      followUpEmail: `${text(300)}@${text(19)}`,
      marketplaceServicesEndpoint: text(1000),
      items: Array.from({ length: count }, (_, i) => item(i)),
      sellers,
      clientProfileData: {
        email: `${text(300)}@${text(19)}`,
        firstName: text(200),
        lastName: text(200),
        document: text(50),
        documentType: text(20),
        phone: text(50),
        isCorporate: true,
        corporateName: text(200),
        tradeName: text(200),
        corporateDocument: text(50),
        stateInscription: text(50),
        corporatePhone: text(50),
      },
      shippingData: {
        address: {
          addressType: text(50),
          receiverName: text(200),
          postalCode: text(20),
          city: text(200),
          state: text(100),
          country: 'BRA',
          street: text(300),
          number: text(50),
          neighborhood: text(200),
          complement: text(300),
          reference: text(300),
          geoCoordinates: [-46.6333, -23.5505],
        },
        logisticsInfo: Array.from({ length: count }, (_, i) => logistics(i)),
      },
      paymentData: {
        payments: Array.from({ length: paymentCount }, (_, i) => ({
          paymentSystem: text(50),
          paymentSystemName: text(200),
          group: 'creditCard' as const,
          value: total / paymentCount,
          installments: 100,
          dueDate: text(40),
          tid: text(100, `tid-${i}-`),
        })),
      },
      clientPreferencesData: { locale: 'pt-BR', optinNewsLetter: true },
      storePreferencesData: {
        countryCode: 'BRA',
        currencyCode: 'BRL',
        currencySymbol: text(5),
        timeZone: text(100),
      },
      openTextField: Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [text(100, `key-${i}-`), text(2000)]),
      ),
    }
  }
  const bytes = (count: number) => Buffer.byteLength(JSON.stringify(build(count)))
  const perItem = bytes(2) - bytes(1)
  const count = Math.min(MAX_ITEMS, Math.floor((BODY_LIMIT_BYTES - bytes(0)) / perItem))
  return build(count)
}

/** What the database keeps of one order group: both forms of each order, and the order events. */
async function storedBytes(test: TestApp, orderGroup: string): Promise<number> {
  const orders = await test.deps.db
    .selectFrom('orders')
    .select(['order_id', 'document', 'order_json'])
    .where('order_group', '=', orderGroup)
    .execute()
  const events = await test.deps.db
    .selectFrom('order_events')
    .selectAll()
    .where(
      'order_id',
      'in',
      orders.map((o) => o.order_id),
    )
    .execute()
  return (
    orders.reduce((sum, o) => sum + Buffer.byteLength(o.document) + Buffer.byteLength(o.order_json), 0) +
    events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0)
  )
}

async function place(test: TestApp, body: IntakeBody) {
  // Intake takes orders for registered sellers only: each an account of its own on this server.
  for (const [index, seller] of (body.sellers ?? []).entries()) {
    const account = `bounds-seller-${index}`
    await createAccount(test.deps, account)
    await putSeller(test.deps, 'acme', seller.id, { name: seller.name, account }, { operator: true })
  }
  const res = await api(test).place(body)
  assert.equal(res.statusCode, 201, res.body.slice(0, 500))
  const placed = res.json<PlacedGroupBody>()
  assert.equal(placed.orders.length, MAX_SELLERS)
  return { stored: await storedBytes(test, placed.orderGroup), answered: res.rawPayload.length }
}

describeEachDialect('input bounds', (dialect) => {
  it("refuses the issue's amplification attack with a 400 naming the limit, and stores nothing", async (t) => {
    const test = await startTestApp(t, dialect)
    const res = await api(test).place(attack({ openTextField: true }))
    assert.equal(res.statusCode, 400, res.body)
    assert.equal(errorCode(res), 'OMS001')
    assert.match(
      res.json<{ error: { message: string } }>().error.message,
      /openTextField\.value must be at most 2000 characters long/,
    )
    for (const [openTextField, expected] of [
      [{ [text(101)]: 'note' }, /openTextField keys must be at most 100 characters long/],
      // A key with a line break once escaped the value check (the record's key pattern was `^.*$`).
      [{ 'a\n': text(900_000) }, /must be at most 2000 characters long/],
      [
        Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'note'])),
        /openTextField must NOT have more than 10 properties/,
      ],
    ] as const) {
      const res = await api(test).place({ ...exampleOrder(), openTextField })
      assert.equal(res.statusCode, 400, res.body)
      assert.match(res.json<{ error: { message: string } }>().error.message, expected)
    }
    assert.equal(await countOrders(test), 0)
  })

  it('refuses an order group with more sellers than the limit', async (t) => {
    const test = await startTestApp(t, dialect)
    const res = await api(test).place(attack({ openTextField: false }))
    assert.equal(res.statusCode, 400, res.body)
    assert.match(
      res.json<{ error: { message: string } }>().error.message,
      new RegExp(`500 sellers; an order group has at most ${MAX_SELLERS} sellers`),
    )
    const listed = await api(test).place({
      ...exampleOrder(),
      sellers: Array.from({ length: MAX_SELLERS + 1 }, (_, i) => ({ id: `s${i}`, name: `Seller ${i}` })),
    })
    assert.equal(listed.statusCode, 400, listed.body)
    assert.match(listed.body, new RegExp(`sellers must have at most ${MAX_SELLERS} elements`))
    assert.equal(await countOrders(test), 0)
  })

  it(`stores at most ${STORED_FACTOR} and answers at most ${ANSWERED_FACTOR} times the bytes of the largest intake it accepts`, async (t) => {
    const test = await startTestApp(t, dialect)
    const body = largestIntake()
    const requestBytes = Buffer.byteLength(JSON.stringify(body))
    assert.ok(requestBytes > 0.95 * BODY_LIMIT_BYTES && requestBytes <= BODY_LIMIT_BYTES, `${requestBytes}`)
    const { stored, answered } = await place(test, body)
    assert.ok(stored <= STORED_FACTOR * requestBytes, `stored ${stored} bytes for ${requestBytes}`)
    assert.ok(answered <= ANSWERED_FACTOR * requestBytes, `answered ${answered} bytes for ${requestBytes}`)
  })

  it("keeps a small intake that fills every per-seller copy within the largest intake's ceiling", async (t) => {
    const test = await startTestApp(t, dialect)
    const largest = largestIntake()
    const items = (largest.sellers ?? []).map((seller, i) => ({
      id: `sku-${i}`,
      name: `Item ${i}`,
      seller: seller.id,
      quantity: 1,
      price: 2000,
    }))
    const body: IntakeBody = {
      ...largest,
      items,
      shippingData: {
        ...largest.shippingData,
        logisticsInfo: items.map((_, i) => ({
          itemIndex: i,
          selectedSla: 'Normal',
          price: 0,
          shippingEstimate: '3bd',
        })),
      },
      paymentData: {
        payments: largest.paymentData.payments.map((p) => ({ ...p, value: (items.length * 2000) / 20 })),
      },
    }
    const { stored, answered } = await place(test, body)
    assert.ok(stored <= STORED_FACTOR * BODY_LIMIT_BYTES, `stored ${stored} bytes`)
    assert.ok(answered <= ANSWERED_FACTOR * BODY_LIMIT_BYTES, `answered ${answered} bytes`)
  })
})
