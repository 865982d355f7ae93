// Tables that features keep from what the order core saves. The core imports no feature, so it knows them only
// by this interface; the composition roots list them (src/assemble.ts).
import type { Db } from '../db/database.ts'

export interface OrderReadModel {
  /**
   * Called inside the transaction that saved `orders` (the core's `Order`s, src/modules/orders/order.ts, as
   * just saved), so that what the read model holds is current the moment the write is answered, and a
   * rolled-back write leaves nothing behind. `created`: the save inserted them, so no read model holds them yet
   * (orders are never deleted), and there is nothing of theirs to read first.
   */
  ordersSaved(db: Db, orders: readonly unknown[], created: boolean): Promise<void>
}
