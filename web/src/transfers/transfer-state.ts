/** How a transfer's state reads for a person, and which states are final. */
import { TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';

export interface StateLook {
  /** Stable name for tests and data attributes, as the contract spells it without prefix. */
  readonly name: string;
  readonly label: string;
  /** A sentence for the status panel. */
  readonly detail: string;
  readonly color: string;
  readonly terminal: boolean;
}

const looks: Readonly<Record<TransferState, StateLook>> = {
  [TransferState.UNSPECIFIED]: {
    name: 'UNSPECIFIED',
    label: 'Unknown',
    detail: 'The state of this transfer is not known yet.',
    color: 'gray',
    terminal: false,
  },
  [TransferState.PENDING]: {
    name: 'PENDING',
    label: 'Pending',
    detail: 'Accepted. Checking the transfer and the accounts.',
    color: 'gray',
    terminal: false,
  },
  [TransferState.FUNDS_HELD]: {
    name: 'FUNDS_HELD',
    label: 'Funds reserved',
    detail: 'The amount is reserved on your account and is being paid in.',
    color: 'blue',
    terminal: false,
  },
  [TransferState.COMPENSATING]: {
    name: 'COMPENSATING',
    label: 'Reversing',
    detail: 'A step failed. The reserved amount is being given back to your account.',
    color: 'orange',
    terminal: false,
  },
  [TransferState.COMPLETED]: {
    name: 'COMPLETED',
    label: 'Completed',
    detail: 'The money has arrived in the receiving account.',
    color: 'teal',
    terminal: true,
  },
  [TransferState.FAILED]: {
    name: 'FAILED',
    label: 'Failed',
    detail: 'The transfer could not be carried out. No money moved.',
    color: 'red',
    terminal: true,
  },
  [TransferState.REJECTED]: {
    name: 'REJECTED',
    label: 'Rejected',
    detail: 'The transfer was declined. No money moved.',
    color: 'red',
    terminal: true,
  },
};

export function stateLook(state: TransferState): StateLook {
  return looks[state] ?? looks[TransferState.UNSPECIFIED];
}

export function isTerminal(state: TransferState): boolean {
  return stateLook(state).terminal;
}
