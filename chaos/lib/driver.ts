/**
 * The bank's clients: `concurrency` of them send the planned transfers to transactions over gRPC
 * (the kit client), each with its idempotency key. A call that fails on the way (transport error,
 * UNAVAILABLE, a deadline, an internal error while a dependency is down) is sent again with the
 * SAME key after a backoff, for up to `retryBudgetMs`; a business answer is final. What each client
 * saw is kept for the checks: the transfer the key was acknowledged with, and how it stood then.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';
import type { RunningSystem } from '@paymesh/platform/testing/system';
import {
  TransactionsService,
  type Transfer,
  type TransferState,
} from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import type { Pace } from './pace.js';
import type { PlannedTransfer } from './workload.js';

/** What the client knows about one planned transfer when the driving is over. */
export interface ClientView {
  readonly planned: PlannedTransfer;
  /** The transfer the key was acknowledged with; absent when no answer came. */
  transferId?: string;
  /** Its state in the (first) answer. */
  answeredState?: TransferState;
  /** Calls made, retries included (both requests of a doubled transfer). */
  calls: number;
  /** A final error: a business refusal, or the retry budget spent. */
  error?: string;
  /** For a doubled transfer: the two answers named different transfers. */
  conflictingIds?: [string, string];
}

export interface DriveOptions {
  concurrency: number;
  retryBudgetMs: number;
  /** Called after each planned transfer is answered (or given up). */
  onSettled?: (answered: number) => void;
}

/** Codes that say the call may not have reached, or been finished by, the service. */
const RETRIED = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Unknown,
  Code.Internal,
  Code.ResourceExhausted,
  Code.Aborted,
]);

export async function driveTransfers(
  system: RunningSystem,
  plan: readonly PlannedTransfer[],
  pace: Pace,
  options: DriveOptions,
): Promise<ClientView[]> {
  const transactions = system.client('transactions', TransactionsService);
  const views: ClientView[] = plan.map((planned) => ({ planned, calls: 0 }));
  let next = 0;
  let settled = 0;

  const send = async (view: ClientView): Promise<Transfer | undefined> => {
    const { planned } = view;
    const giveUpAt = Date.now() + options.retryBudgetMs;
    for (let attempt = 0; ; attempt++) {
      view.calls++;
      try {
        const { transfer } = await transactions.createTransfer({
          idempotencyKey: planned.idempotencyKey,
          sourceAccountId: planned.source.accountId,
          destinationAccountId: planned.destination.accountId,
          amount: planned.amount,
          currency: planned.source.currency,
          description: `chaos ${planned.intent}`,
        });
        if (!transfer) throw new Error('CreateTransfer answered no transfer');
        return transfer;
      } catch (err) {
        const failure = ConnectError.from(err);
        if (!RETRIED.has(failure.code) || Date.now() > giveUpAt) {
          view.error ??= `${Code[failure.code]}: ${failure.rawMessage}`;
          return undefined;
        }
        await sleep(Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  };

  const drive = async (view: ClientView) => {
    const answers = await Promise.all(view.planned.doubled ? [send(view), send(view)] : [send(view)]);
    const [first, second] = answers;
    if (first) {
      view.transferId = first.transferId;
      view.answeredState = first.state;
    } else if (second) {
      view.transferId = second.transferId;
      view.answeredState = second.state;
    }
    if (first && second && first.transferId !== second.transferId) {
      view.conflictingIds = [first.transferId, second.transferId];
    }
    if (view.transferId) view.error = undefined;
  };

  const worker = async () => {
    for (let i = next++; i < views.length; i = next++) {
      await pace.beforeDispatch(i);
      await drive(views[i] as ClientView);
      options.onSettled?.(++settled);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    pace.drivingDone();
  }
  return views;
}
