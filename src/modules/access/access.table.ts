// Row shapes of credentials: application keys and the user tokens minted from them. Secrets only as hashes.
export interface ApiKeyTable {
  app_key: string
  account: string
  token_hash: string
  roles_json: string
  label: string | null
  created_at: string
  revoked_at: string | null
}

export interface UserTokenTable {
  token_hash: string
  account: string
  /** 'key' tokens carry the roles of the key they came from; 'shopper' tokens act for one customer email. */
  kind: string
  app_key: string | null
  email: string | null
  roles_json: string
  expires_at: string
  created_at: string
}
