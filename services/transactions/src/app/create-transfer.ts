/**
 * Accepting a transfer: one row per idempotency key, written with TransferRequested in one
 * transaction, then driven through the saga by this call, which answers once the transfer is
 * terminal or TRANSFER_SETTLE_WAIT_MS has passed (it goes on in the background then). A retry with
 * the same key and terms gets the same transfer; the same key with other terms is refused.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import type { GroupCommit } from '@paymesh/platform/db/group-commit';
import { domainFailure, invalidArgument } from '@paymesh/platform/errors/domain-error';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import { TransferRequestedSchema } from '@paymesh/proto/paymesh/transactions/v1/events_pb';
import type * as schema from '../db/schema.js';
import {
  findByIdempotencyKey,
  insertTransfer,
  type TransferDb,
  type TransferRow,
} from '../db/transfer-repo.js';
import { requestFingerprint, type TransferTerms } from '../domain/request-fingerprint.js';
import { isTerminal, parseState } from '../domain/transfer-state.js';
import type { TransferChanges } from './transfer-changes.js';
import type { TransferSaga } from './transfer-saga.js';

export interface CreateTransferInput extends TransferTerms {
  idempotencyKey: string;
}

export interface CreateTransferDeps {
  db: TransferDb;
  commits: GroupCommit<typeof schema>;
  outbox: Outbox;
  saga: TransferSaga;
  changes: TransferChanges;
  leaseMs: number;
  /** How long a retry waits for a transfer another call is driving to settle. */
  settleWaitMs: number;
}

/**
 * `budgetMs` is what is left of the caller's deadline: the answer comes before it runs out, with the
 * transfer as it stands then.
 */
export async function createTransfer(
  deps: CreateTransferDeps,
  input: CreateTransferInput,
  budgetMs?: number,
): Promise<TransferRow> {
  const settleBy =
    Date.now() + Math.min(deps.settleWaitMs, budgetMs === undefined ? Infinity : budgetMs * 0.8);
  if (input.sourceAccountId.toLowerCase() === input.destinationAccountId.toLowerCase()) {
    throw invalidArgument([
      {
        field: 'destination_account_id',
        rule: 'transfer.distinct_accounts',
        description: 'must differ from source_account_id',
      },
    ]);
  }
  const fingerprint = requestFingerprint(input);
  const inserted = await deps.commits.run(async (tx) => {
    const transferId = randomUUID();
    const row = await insertTransfer(
      tx,
      {
        transferId,
        idempotencyKey: input.idempotencyKey,
        requestFingerprint: fingerprint,
        sourceAccountId: input.sourceAccountId.toLowerCase(),
        destinationAccountId: input.destinationAccountId.toLowerCase(),
        amount: input.amount,
        currency: input.currency,
        description: input.description,
        state: 'pending',
      },
      deps.leaseMs,
    );
    if (!row) return undefined;
    await deps.outbox.append(tx, {
      schema: TransferRequestedSchema,
      message: create(TransferRequestedSchema, {
        transferId,
        sourceAccountId: row.sourceAccountId,
        destinationAccountId: row.destinationAccountId,
        amount: row.amount,
        currency: row.currency,
        requestedAt: timestampNow(),
      }),
      aggregateId: transferId,
    });
    return row;
  });
  if (inserted) {
    deps.changes.changed(inserted.transferId);
    return settle(deps, await deps.saga.driveClaimed(inserted), settleBy);
  }

  const existing = await findByIdempotencyKey(deps.db, input.idempotencyKey);
  if (!existing) throw new Error(`transfer of key ${input.idempotencyKey} vanished`);
  if (existing.requestFingerprint !== fingerprint) {
    throw domainFailure(
      Code.FailedPrecondition,
      {
        reason: 'IDEMPOTENCY_KEY_REUSED',
        domain: 'transactions',
        metadata: { transfer_id: existing.transferId },
      },
      'idempotency key already used for a different transfer',
    );
  }
  return settle(deps, existing, settleBy);
}

/**
 * A transfer as it stands once terminal, or when the wait is over: a step waiting out a retry is
 * driven again when due, by this call if nobody else has taken it.
 */
async function settle(
  deps: CreateTransferDeps,
  transfer: TransferRow,
  deadline: number,
): Promise<TransferRow> {
  let current = transfer;
  while (!isTerminal(parseState(current.state)) && Date.now() < deadline) {
    const driven = await deps.saga.drive(current.transferId);
    if (driven) current = driven;
    if (isTerminal(parseState(current.state))) break;
    await deps.changes.next(current.transferId, Math.min(250, Math.max(1, deadline - Date.now())));
  }
  return current;
}
