// Every failure a client can see, as a typed value. Only http-errors.ts decides how it looks on the wire.
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ORDER_NOT_FOUND'
  | 'PAYMENT_NOT_FOUND'
  | 'NOT_READY_FOR_HANDLING'
  | 'INVALID_TRANSITION'
  | 'CANNOT_CANCEL'
  | 'PAYMENT_NOT_PENDING'
  | 'CANCELLATION_REQUEST_NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_ACCEPTABLE'
  | 'TOO_MANY_REQUESTS'
  | 'INVALID_INVOICE'
  | 'INVOICE_NOT_FOUND'
  | 'CHANGE_NOT_ALLOWED'
  | 'CHAIN_ORDER_CHANGE'
  | 'CHANGE_ITEM_NOT_FOUND'
  | 'CHANGE_INVALID_QUANTITY'
  | 'CHANGE_EXCEEDS_VALUE'
  | 'CHANGE_NEGATIVE_VALUE'
  | 'CHANGE_LIMIT_EXCEEDED'
  | 'INVALID_CHANGE'
  | 'CHANGE_BELOW_INVOICED'
  | 'CHANGE_PAYMENT_METHOD'
  | 'CHANGE_IN_PROGRESS'
  | 'CHANGE_VERSIONS_MIXED'
  | 'CHANGE_CANNOT_RETRY'
  | 'CHANGE_CANNOT_CANCEL'
  | 'CHANGE_ORDER_CANCELED'
  | 'CHANGE_REQUEST_NOT_FOUND'
  | 'CHANGE_REMOVE_ITEM'
  | 'CHANGE_REMOVE_QUANTITY'
  | 'CHANGE_ITEM_AMBIGUOUS'
  | 'CHANGE_LOGISTICS_AMBIGUOUS'
  | 'CHANGE_LOGISTICS_NOT_FOUND'
  | 'CHANGE_ADDRESS_INVALID'
  | 'CHANGE_ITEM_INVOICED'
  | 'CHANGE_PRICE_UNKNOWN'
  | 'CHANGE_RETRIES_EXHAUSTED'
  | 'MODIFICATIONS_DISABLED'
  | 'FILTER_CONFLICT'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL'

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const validationFailed = (message: string) => new AppError('VALIDATION_FAILED', message)
export const orderNotFound = (orderId: string) =>
  new AppError('ORDER_NOT_FOUND', `Order ${orderId} was not found.`)
