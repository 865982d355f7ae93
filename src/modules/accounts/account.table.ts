// Row shape of accounts, as the database stores it.
export interface AccountTable {
  name: string
  settings_json: string
  created_at: string
}
