// Row shape of an account's affiliates: the marketplaces elsewhere it sells for.
export interface AffiliateTable {
  account: string
  affiliate_id: string
  name: string
  services_endpoint: string | null
  headers_json: string
  created_at: string
  updated_at: string
}
