// Row shape of an account's order modifications settings.
export interface ModificationSettingsTable {
  account: string
  /** The settings as GET …/changes/settings answers them. */
  settings_json: string
  updated_at: string
}
