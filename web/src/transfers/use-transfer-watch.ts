/**
 * Follows one transfer live through WatchTransfer until it is terminal: every state seen, in
 * order, with when it was seen. A dropped stream is opened again with a growing pause.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import type { Transfer, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { useEffect, useState } from 'react';
import { transactionsClient } from '../api/clients';
import { isTerminal } from './transfer-state';

export interface StateSeen {
  readonly state: TransferState;
  readonly at: Date;
}

export interface TransferWatch {
  readonly transfer: Transfer;
  readonly seen: readonly StateSeen[];
  /** True while the stream is open. */
  readonly live: boolean;
  /** True while waiting to open the stream again after it dropped. */
  readonly reconnecting: boolean;
}

const stopsWatching = (err: unknown) =>
  err instanceof ConnectError &&
  [Code.Unauthenticated, Code.PermissionDenied, Code.NotFound, Code.InvalidArgument].includes(err.code);

export function useTransferWatch(initial: Transfer): TransferWatch {
  const [watch, setWatch] = useState<TransferWatch>(() => ({
    transfer: initial,
    seen: [{ state: initial.state, at: new Date() }],
    live: false,
    reconnecting: false,
  }));

  useEffect(() => {
    if (isTerminal(initial.state)) return;
    const abort = new AbortController();
    const see = (transfer: Transfer) =>
      setWatch((w) => ({
        ...w,
        transfer,
        seen:
          w.seen.at(-1)?.state === transfer.state
            ? w.seen
            : [...w.seen, { state: transfer.state, at: new Date() }],
      }));

    const follow = async () => {
      let pauseMs = 500;
      let state: TransferState = initial.state;
      while (!abort.signal.aborted && !isTerminal(state)) {
        try {
          setWatch((w) => ({ ...w, live: true, reconnecting: false }));
          for await (const { transfer } of transactionsClient.watchTransfer(
            { transferId: initial.transferId },
            { signal: abort.signal },
          )) {
            if (!transfer) continue;
            state = transfer.state;
            pauseMs = 500;
            see(transfer);
          }
        } catch (err) {
          if (abort.signal.aborted || stopsWatching(err)) break;
        }
        if (abort.signal.aborted || isTerminal(state)) break;
        setWatch((w) => ({ ...w, live: false, reconnecting: true }));
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        pauseMs = Math.min(pauseMs * 2, 5_000);
      }
      if (!abort.signal.aborted) setWatch((w) => ({ ...w, live: false, reconnecting: false }));
    };
    void follow();
    return () => abort.abort();
  }, [initial]);

  return watch;
}
