/** risk_transfers: projects TransferCompleted into completed_transfers, the facts velocity is measured on. */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { EventHandlers } from '@paymesh/platform/consumer/handlers';
import { TransferCompletedSchema } from '@paymesh/proto/paymesh/transactions/v1/events_pb';
import type * as schema from '../db/schema.js';
import { completedTransfers } from '../db/schema.js';
import { requirePositive, requireUuid } from './event-fields.js';

export function transferProjection(): EventHandlers<typeof schema> {
  return new EventHandlers<typeof schema>().on(TransferCompletedSchema, async (event, tx, meta) => {
    requireUuid(event, 'transfer_id', event.transferId);
    requireUuid(event, 'source_account_id', event.sourceAccountId);
    requirePositive(event, 'amount', event.amount);
    await tx
      .insert(completedTransfers)
      .values({
        transferId: event.transferId,
        sourceAccountId: event.sourceAccountId,
        amount: event.amount,
        currency: event.currency,
        completedAt: event.completedAt ? timestampDate(event.completedAt) : meta.occurredAt,
      })
      .onConflictDoNothing();
  });
}
