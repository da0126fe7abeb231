/** risk_accounts: projects AccountOpened into opened_accounts, the facts account age is measured on. */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { EventHandlers } from '@paymesh/platform/consumer/handlers';
import { AccountOpenedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import type * as schema from '../db/schema.js';
import { openedAccounts } from '../db/schema.js';
import { requireUuid } from './event-fields.js';

export function accountProjection(): EventHandlers<typeof schema> {
  return new EventHandlers<typeof schema>().on(AccountOpenedSchema, async (event, tx, meta) => {
    requireUuid(event, 'account_id', event.accountId);
    await tx
      .insert(openedAccounts)
      .values({
        accountId: event.accountId,
        openedAt: event.openedAt ? timestampDate(event.openedAt) : meta.occurredAt,
      })
      .onConflictDoNothing();
  });
}
