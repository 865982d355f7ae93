// Changing a marketplace order's seller (VTEX's change seller): while its seller has not been authorized to
// fulfil it, or after that seller canceled it (window-to-change-seller), the marketplace gives the order to
// another registered seller. The seller it leaves has its order canceled; the new one gets a placement. Pure.
import { AppError, validationFailed } from '../../platform/errors.ts'
import { STORE_SELLER, type DeliveryChannel, type Order, type SellerChange } from '../orders/order.ts'
import { canTake } from '../orders/order-status.ts'
import { fire, record, type Rule } from '../orders/order-workflow.ts'

/** A delivery the new seller offers instead (VTEX's shippingData.logisticsInfo of the change). */
export interface LogisticsChoice {
  itemIndex: number
  selectedSla: string
  selectedDeliveryChannel?: DeliveryChannel | undefined
}

export interface NewSeller {
  id: string
  name: string
  /** The account on this server that fulfils for it; null for an external seller. */
  account: string | null
}

export const changeSeller =
  (to: NewSeller, logistics: readonly LogisticsChoice[]): Rule =>
  (draft, ctx) => {
    const { order } = draft
    const { flow } = order.workflow
    // The same change sent again (a client's retry) finds it made: nothing more to do.
    if (order.sellerChanges.at(-1)?.to === to.id && order.seller.id === to.id) return draft
    if (flow !== 'marketplace') {
      throw new AppError(
        'INVALID_TRANSITION',
        `Order ${order.orderId} is not fulfilled by another seller: only a marketplace order changes seller.`,
      )
    }
    if (!canTake(order.status, 'change-seller', flow)) {
      throw new AppError(
        'INVALID_TRANSITION',
        `Order ${order.orderId} is ${order.status}: its seller changes only in window-to-change-seller, payment-pending or waiting-for-authorization.`,
      )
    }
    if (to.id === STORE_SELLER) {
      throw validationFailed(
        `Order ${order.orderId} cannot go to seller 1, the account itself: choose a registered seller.`,
      )
    }
    // An account numbers its order of a marketplace order once: it cannot take the order again, under any id.
    const had = [
      { id: order.seller.id, account: order.sellerAccount },
      ...order.sellerChanges.map((c) => c.from),
    ]
    if (had.some((seller) => seller.id === to.id || (to.account !== null && seller.account === to.account))) {
      throw validationFailed(
        `Order ${order.orderId} has been seller ${to.id}'s already: choose a seller it has not had.`,
      )
    }
    const change: SellerChange = {
      date: ctx.now,
      from: { ...order.seller, account: order.sellerAccount, orderId: order.sellerOrderId },
      to: to.id,
      release: order.status !== 'window-to-change-seller',
    }
    const changed: Order = {
      ...order,
      seller: { id: to.id, name: to.name },
      sellerAccount: to.account,
      sellerOrderId: null,
      sellerChanges: [...order.sellerChanges, change],
      shipping: { ...order.shipping, logistics: withChoices(order, logistics) },
    }
    const data = { previousSellerId: order.seller.id, sellerId: to.id }
    return fire(record(draft, changed, 'seller-change', data, ctx), 'change-seller', ctx)
  }

function withChoices(order: Order, choices: readonly LogisticsChoice[]): Order['shipping']['logistics'] {
  const byItem = new Map(choices.map((choice) => [choice.itemIndex, choice]))
  for (const index of byItem.keys()) {
    if (!order.shipping.logistics.some((line) => line.itemIndex === index)) {
      throw validationFailed(
        `Invalid request body: order ${order.orderId} has no item ${index} (shippingData.logisticsInfo[].itemIndex).`,
      )
    }
  }
  return order.shipping.logistics.map((line) => {
    const choice = byItem.get(line.itemIndex)
    if (!choice) return line
    return {
      ...line,
      selectedSla: choice.selectedSla,
      deliveryChannel: choice.selectedDeliveryChannel ?? line.deliveryChannel,
    }
  })
}
