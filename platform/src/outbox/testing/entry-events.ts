/**
 * Events for the outbox's tests and benchmark: fixture EntryRecorded events, numbered per account,
 * appended by one writer per account so each account's commit order is the order of its numbers.
 */
import { create } from '@bufbuild/protobuf';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import type { Database } from '../../db/database.js';
import type { Outbox, OutboxEvent } from '../outbox.js';

/** The `n`th entry of `account`. */
export function entryRecorded(account: string, n: number): OutboxEvent<typeof EntryRecordedSchema> {
  return {
    schema: EntryRecordedSchema,
    message: create(EntryRecordedSchema, {
      entryId: `${account}-${n}`,
      accountId: account,
      amount: BigInt(n),
      currency: 'EUR',
    }),
    aggregateId: account,
  };
}

/**
 * Appends `perAccount` events to each account, one transaction per event, the accounts' writers
 * running side by side; returns each account's event ids in commit order.
 */
export async function appendPerAccount(
  db: Database,
  outbox: Outbox,
  accounts: readonly string[],
  perAccount: number,
): Promise<Map<string, string[]>> {
  const committed = new Map<string, string[]>();
  await Promise.all(
    accounts.map(async (account) => {
      const ids: string[] = [];
      committed.set(account, ids);
      for (let n = 1; n <= perAccount; n++) {
        ids.push(...(await db.transaction((tx) => outbox.append(tx, entryRecorded(account, n)))));
      }
    }),
  );
  return committed;
}
