/** The states of a transfer, which are terminal, and how they read in the contract. */
import { TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';

export const TransferStates = [
  'pending',
  'funds_held',
  'compensating',
  'completed',
  'failed',
  'rejected',
] as const;

export type TransferStateName = (typeof TransferStates)[number];

export const activeStates: readonly TransferStateName[] = ['pending', 'funds_held', 'compensating'];

export function isTerminal(state: TransferStateName): boolean {
  return state === 'completed' || state === 'failed' || state === 'rejected';
}

const toContract: Record<TransferStateName, TransferState> = {
  pending: TransferState.PENDING,
  funds_held: TransferState.FUNDS_HELD,
  compensating: TransferState.COMPENSATING,
  completed: TransferState.COMPLETED,
  failed: TransferState.FAILED,
  rejected: TransferState.REJECTED,
};

export function contractState(state: TransferStateName): TransferState {
  return toContract[state];
}

export function parseState(value: string): TransferStateName {
  if (!(TransferStates as readonly string[]).includes(value))
    throw new Error(`unknown transfer state ${value}`);
  return value as TransferStateName;
}
