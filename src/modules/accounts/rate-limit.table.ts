// Row shape of rate_limit_counts: requests counted per key (account and group of routes) and window.
export interface RateLimitCountTable {
  key: string
  /** The window's number: its start in ms since the epoch divided by its length. */
  window_number: number
  count: number
}
