/** A stored transfer as the contract shows it. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  StepStatus,
  type Transfer,
  TransferSchema,
  TransferStepSchema,
} from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import type { StepRow, TransferRow } from '../db/transfer-repo.js';
import { contractState, parseState } from '../domain/transfer-state.js';

const stepStatus: Record<string, StepStatus> = {
  succeeded: StepStatus.SUCCEEDED,
  failed: StepStatus.FAILED,
  retrying: StepStatus.RETRYING,
};

export function transferView(row: TransferRow, steps: readonly StepRow[] = []): Transfer {
  return create(TransferSchema, {
    transferId: row.transferId,
    sourceAccountId: row.sourceAccountId,
    destinationAccountId: row.destinationAccountId,
    amount: row.amount,
    currency: row.currency,
    destinationAmount: row.destinationAmount ?? 0n,
    destinationCurrency: row.destinationCurrency ?? '',
    fxRate: row.fxRate ?? '',
    state: contractState(parseState(row.state)),
    failureReason: row.failureReason ?? '',
    failureMessage: row.failureMessage ?? '',
    flaggedForReview: row.flaggedForReview,
    description: row.description,
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
    steps: steps.map((step) =>
      create(TransferStepSchema, {
        name: step.name,
        status: stepStatus[step.status] ?? StepStatus.UNSPECIFIED,
        detail: step.detail,
        attempt: step.attempt,
        at: timestampFromDate(step.at),
      }),
    ),
  });
}
