// Use cases of invoices and tracking: each is one order change through the core's write path.
import type { Deps } from '../../deps.ts'
import { validationFailed } from '../../platform/errors.ts'
import type { Receipt } from '../../platform/http-schemas.ts'
import { lowerHexId } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { refusedByInvoice } from '../cancellation/cancellation.service.ts'
import { ruleOfCaller } from '../sellers/seller.service.ts'
import { decidedAt, type Rule } from '../orders/order-workflow.ts'
import type { Order, Package } from '../orders/order.ts'
import { changeOrder, systemActor, type Actor } from '../orders/order.service.ts'
import { assertOwnInvoice, invoiceOfPackage, notifyInvoice, type InvoiceInput } from './invoice.ts'
import { invoiceCallOf, trackingCallsOf } from './invoice-calls.ts'
import {
  MAX_CENTS,
  type InvoiceBody,
  type TrackingNumberBody,
  type TrackingStatusBody,
} from './invoice.schemas.ts'
import { updateTrackingNumber, updateTrackingStatus } from './tracking.ts'

async function change(
  deps: Deps,
  actor: Actor,
  orderId: string,
  rule: Rule,
  receipt = lowerHexId(),
): Promise<Receipt> {
  const settings = await getSettings(deps, actor.account)
  const decision = await changeOrder(deps, { actor, orderId, settings }, rule)
  // A call that changed nothing was still received now, not when the order last changed.
  const date = decision.changed ? decidedAt(decision) : deps.clock.now().toISOString()
  return { date, orderId: decision.order.orderId, receipt }
}

/**
 * POST …/invoice. The receipt is new on every call, also for an invoice number the order already has. An external
 * seller's own call (its callback key) is the seller's invoice of the marketplace order it fulfils; sent while the
 * marketplace waits for its decision on a cancellation, it refuses the cancellation.
 */
export async function invoiceOrder(
  deps: Deps,
  principal: Principal,
  orderId: string,
  body: InvoiceBody,
): Promise<Receipt> {
  const receipt = lowerHexId()
  const rule = invoiceRule(body, receipt)
  const byCaller = await ruleOfCaller(
    deps,
    principal,
    (draft, ctx) => rule(assertOwnInvoice(draft, ctx), ctx),
    (draft, ctx) => rule(refusedByInvoice(draft, ctx), ctx),
  )
  return change(deps, principal, orderId, byCaller, receipt)
}

/** A change of an invoice's tracking: an external seller's on the orders it fulfils only. */
const onPackages = (deps: Deps, principal: Principal, rule: Rule): Promise<Rule> =>
  ruleOfCaller(deps, principal, rule, rule)

/** What a seller's order sends its marketplace about one of its invoices. */
export type SellerNews = 'invoice' | 'tracking'

/**
 * A seller's invoice (`invoiceNumber` of the seller's order), or its tracking, pushed to its marketplace's order,
 * where the package takes it as the seller's order has it now (a message sent again, or late, changes nothing).
 */
export async function newsFromSeller(
  deps: Deps,
  news: SellerNews,
  marketplace: { account: string; orderId: string },
  sellerOrder: Order,
  invoiceNumber: string,
): Promise<void> {
  const rule = (news === 'invoice' ? sellerInvoiceRule : sellerTrackingRule)(sellerOrder, invoiceNumber)
  await change(deps, systemActor(marketplace.account), marketplace.orderId, rule)
}

/** The invoice rule of newsFromSeller, for a writer of many orders at once (`ordo seed`). */
export function sellerInvoiceRule(sellerOrder: Order, invoiceNumber: string): Rule {
  return notifyInvoice(invoiceOfPackage(sellerOrder, sentPackage(sellerOrder, invoiceNumber)), lowerHexId())
}

function sentPackage(sellerOrder: Order, invoiceNumber: string): Package {
  const pkg = sellerOrder.packages.find((p) => p.invoiceNumber === invoiceNumber)
  if (!pkg) throw new Error(`Order ${sellerOrder.orderId} has no invoice ${invoiceNumber} to send.`)
  return pkg
}

function sellerTrackingRule(sellerOrder: Order, invoiceNumber: string): Rule {
  const pkg = sentPackage(sellerOrder, invoiceNumber)
  const { trackingNumber, trackingUrl, courier, dispatchedDate, tracking } = pkg
  const number = updateTrackingNumber(invoiceNumber, { trackingNumber, trackingUrl, courier, dispatchedDate })
  const status: Rule = tracking
    ? updateTrackingStatus(invoiceNumber, {
        isDelivered: tracking.isDelivered,
        deliveredDate: tracking.deliveredDate,
        events: tracking.events.map(({ receivedAt: _received, ...event }) => event),
      })
    : (draft) => draft
  // An invoice the marketplace's order never got (its message given up on) has no tracking to take there.
  return (draft, ctx) =>
    draft.order.packages.some((p) => p.invoiceNumber === invoiceNumber)
      ? status(number(draft, ctx), ctx)
      : draft
}

/**
 * An invoice of the order, and its tracking, as the Orders API calls of a marketplace elsewhere take them: what
 * the seller pushes to it.
 */
export function invoiceNewsOf(
  order: Order,
  invoiceNumber: string,
): { invoice: object; tracking: ReturnType<typeof trackingCallsOf> } {
  const pkg = sentPackage(order, invoiceNumber)
  return { invoice: invoiceCallOf(order, pkg), tracking: trackingCallsOf(pkg) }
}

/** The rule POST …/invoice runs, for a writer of many orders at once (`ordo seed`). */
export const invoiceRule = (body: InvoiceBody, receipt = lowerHexId()): Rule =>
  notifyInvoice(invoiceInput(body), receipt)

/** PATCH …/invoice/{invoiceNumber}: the tracking number, and the carrier's details that are sent. */
export async function updateInvoiceTracking(
  deps: Deps,
  principal: Principal,
  orderId: string,
  invoiceNumber: string,
  body: TrackingNumberBody,
): Promise<Receipt> {
  const dispatchedDate = dispatchedDateOf(body)
  const input = {
    trackingNumber: blankAsNull(body.trackingNumber),
    ...(body.trackingUrl === undefined ? {} : { trackingUrl: blankAsNull(body.trackingUrl) }),
    ...(body.courier === undefined ? {} : { courier: blankAsNull(body.courier) }),
    ...(dispatchedDate === undefined ? {} : { dispatchedDate }),
  }
  return change(
    deps,
    principal,
    orderId,
    await onPackages(deps, principal, updateTrackingNumber(invoiceNumber, input)),
  )
}

/** PUT …/invoice/{invoiceNumber}/tracking: the carrier's events and whether the package arrived. */
export async function updateInvoiceTrackingStatus(
  deps: Deps,
  principal: Principal,
  orderId: string,
  invoiceNumber: string,
  body: TrackingStatusBody,
): Promise<Receipt> {
  const input = {
    isDelivered: body.isDelivered,
    deliveredDate: body.deliveredDate ?? null,
    events: (body.events ?? []).map((event) => ({
      city: event.city ?? null,
      state: event.state ?? null,
      description: event.description,
      date: event.date,
    })),
  }
  return change(
    deps,
    principal,
    orderId,
    await onPackages(deps, principal, updateTrackingStatus(invoiceNumber, input)),
  )
}

/** Either spelling; a date in one wins over null in the other; undefined when neither was sent. */
function dispatchedDateOf(body: {
  dispatchedDate?: string | null | undefined
  dispatchDate?: string | null | undefined
}): string | null | undefined {
  const sent = [body.dispatchedDate, body.dispatchDate]
  return sent.find((date) => typeof date === 'string') ?? (sent.includes(null) ? null : undefined)
}

/** The body as the rules take it: one spelling per field, the value in cents as a number, "" as nothing. */
function invoiceInput(body: InvoiceBody): InvoiceInput {
  return {
    type: body.type ?? 'Output',
    invoiceNumber: body.invoiceNumber,
    invoiceValue: invoiceValueOf(body.invoiceValue),
    issuanceDate: body.issuanceDate,
    invoiceKey: blankAsNull(body.invoiceKey),
    invoiceUrl: blankAsNull(body.invoiceUrl),
    embeddedInvoice: blankAsNull(body.embeddedInvoice),
    courier: blankAsNull(body.courier),
    trackingNumber: blankAsNull(body.trackingNumber),
    trackingUrl: blankAsNull(body.trackingUrl),
    dispatchedDate: dispatchedDateOf(body) ?? null,
    cfop: blankAsNull(body.cfop),
    extraValue: body.extraValue ?? 0,
    volumes: body.volumes ?? 0,
    items: (body.items ?? []).map((item) => ({
      id: item.id,
      price: item.price,
      quantity: item.quantity,
      description: blankAsNull(item.description),
    })),
  }
}

/** VTEX types invoiceValue as a string of cents; clients send it either way. */
function invoiceValueOf(value: number | string): number {
  const cents = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(cents) || cents < 0 || cents > MAX_CENTS) {
    throw validationFailed(
      `Invalid request body: invoiceValue must be a whole number of cents up to ${MAX_CENTS}, as a number or a numeric string (for 24.99 send 2499); got ${JSON.stringify(value)}.`,
    )
  }
  return cents
}

/** VTEX asks for "" in tracking fields an invoice does not carry yet: empty means absent. */
const blankAsNull = (text: string | null | undefined): string | null => (text ? text : null)
