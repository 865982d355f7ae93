// Row shape of an account's registered sellers. Exactly one of seller_account and fulfillment_endpoint is set.
export interface SellerTable {
  account: string
  seller_id: string
  name: string
  seller_account: string | null
  fulfillment_endpoint: string | null
  headers_json: string | null
  /** An external seller's key of this account, which its calls back are made with. */
  callback_app_key: string | null
  created_at: string
  updated_at: string
}
