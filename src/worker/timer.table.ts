// Row shape of durable timers: work that must happen at a time, even after a restart.
export interface TimerTable {
  id: string
  account: string
  order_id: string
  kind: string
  due_at: string
  fired_at: string | null
  created_at: string
}
