/**
 * Everything the checks read once the system is quiet, straight from where it is kept: each
 * service's database (transfers, the ledger, risk's projection and inbox, every outbox), each
 * context's stream, and the dead letters.
 */
import { type DeadLetter, listDeadLetters } from '@paymesh/platform/consumer/dead-letters';
import { EventHeader } from '@paymesh/platform/events/envelope';
import { eventNames } from '@paymesh/platform/events/naming';
import type { Bus } from '@paymesh/platform/nats/connection';
import { readStream } from '@paymesh/platform/outbox/testing/stream-reader';
import { BANK_SERVICES, type BankService } from './bank-system.js';
import type { ServiceDatabases } from './service-databases.js';

export interface StoredTransfer {
  transferId: string;
  idempotencyKey: string;
  sourceAccountId: string;
  destinationAccountId: string;
  amount: bigint;
  currency: string;
  state: string;
  destinationAmount: bigint | null;
  failureReason: string | null;
}

export interface StoredAccount {
  accountId: string;
  kind: string;
  currency: string;
  posted: bigint;
  held: bigint;
  /** The sum of its postings. */
  journal: bigint;
}

export interface Snapshot {
  transfers: StoredTransfer[];
  accounts: StoredAccount[];
  /** Journal entries whose lines do not sum to zero in a currency. */
  unbalancedEntries: string[];
  /** Capture entries per transfer id. */
  capturesByTransfer: Map<string, number>;
  /** Hold status per transfer id. */
  holds: Map<string, string>;
  /** Risk's projection of completed transfers. */
  riskCompleted: { transferId: string; sourceAccountId: string; amount: bigint }[];
  /** Risk's inbox event ids per consumer. */
  riskInbox: Map<string, string[]>;
  /** Per service: its outbox's event ids by payload schema. */
  outboxes: Map<BankService, Map<string, string[]>>;
  /** Per context: how many times each event id is in its stream. */
  streams: Map<BankService, Map<string, number>>;
  deadLetters: DeadLetter[];
}

export async function readSnapshot(
  databases: ServiceDatabases,
  bus: Bus,
  namespace: string,
): Promise<Snapshot> {
  const transfers = await databases.query<StoredTransfer>(
    'transactions',
    `select transfer_id as "transferId", idempotency_key as "idempotencyKey",
            source_account_id as "sourceAccountId", destination_account_id as "destinationAccountId",
            amount, currency, state, destination_amount as "destinationAmount", failure_reason as "failureReason"
     from transfers`,
  );
  const accounts = await databases.query<StoredAccount>(
    'accounts',
    `select a.account_id as "accountId", a.kind, a.currency, a.posted_balance as posted,
            a.held_balance as held, coalesce(p.total, 0) as journal
     from accounts a left join (select account_id, sum(amount) as total from postings group by account_id) p
       on p.account_id = a.account_id`,
  );
  const unbalanced = await databases.query<{ entryId: string }>(
    'accounts',
    'select distinct entry_id as "entryId" from postings group by entry_id, currency having sum(amount) <> 0',
  );
  const captures = await databases.query<{ transferId: string; n: number }>(
    'accounts',
    `select transfer_id as "transferId", count(*)::int as n from journal_entries
     where transfer_id is not null group by transfer_id`,
  );
  const holds = await databases.query<{ transferId: string; status: string }>(
    'accounts',
    'select transfer_id as "transferId", status from holds',
  );
  const riskCompleted = await databases.query<Snapshot['riskCompleted'][number]>(
    'risk',
    'select transfer_id as "transferId", source_account_id as "sourceAccountId", amount from completed_transfers',
  );
  const inbox = await databases.query<{ consumer: string; eventId: string }>(
    'risk',
    'select consumer, event_id as "eventId" from inbox',
  );
  const outboxes = new Map<BankService, Map<string, string[]>>();
  const streams = new Map<BankService, Map<string, number>>();
  const names = eventNames(namespace);
  for (const service of BANK_SERVICES) {
    const rows = await databases.query<{ id: string; schema: string }>(
      service,
      'select id, schema from outbox',
    );
    outboxes.set(
      service,
      groupBy(
        rows,
        (r) => r.schema,
        (r) => r.id,
      ),
    );
    const counts = new Map<string, number>();
    for (const message of await readStream(bus, names.stream(service))) {
      const id = message.headers[EventHeader.eventId] ?? `(no event id: seq ${message.seq})`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    streams.set(service, counts);
  }
  return {
    transfers: transfers.map((t) => ({
      ...t,
      amount: BigInt(t.amount),
      destinationAmount: t.destinationAmount === null ? null : BigInt(t.destinationAmount),
    })),
    accounts: accounts.map((a) => ({
      ...a,
      posted: BigInt(a.posted),
      held: BigInt(a.held),
      journal: BigInt(a.journal),
    })),
    unbalancedEntries: unbalanced.map((r) => r.entryId),
    capturesByTransfer: new Map(captures.map((c) => [c.transferId, c.n])),
    holds: new Map(holds.map((h) => [h.transferId, h.status])),
    riskCompleted: riskCompleted.map((r) => ({ ...r, amount: BigInt(r.amount) })),
    riskInbox: groupBy(
      inbox,
      (r) => r.consumer,
      (r) => r.eventId,
    ),
    outboxes,
    streams,
    deadLetters: await listDeadLetters(bus, namespace),
  };
}

/** Per-currency sum of every account's posted balance, system accounts included. */
export async function ledgerSums(databases: ServiceDatabases): Promise<Map<string, bigint>> {
  const rows = await databases.query<{ currency: string; total: string }>(
    'accounts',
    'select currency, sum(posted_balance)::text as total from accounts group by currency',
  );
  return new Map(rows.map((r) => [r.currency, BigInt(r.total)]));
}

function groupBy<R>(
  rows: readonly R[],
  key: (row: R) => string,
  value: (row: R) => string,
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(value(row));
    else groups.set(k, [value(row)]);
  }
  return groups;
}
