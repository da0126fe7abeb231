/** The TransactionsService handlers: decode, call the use case, map the result. */
import type { ServiceImpl } from '@connectrpc/connect';
import { Code } from '@connectrpc/connect';
import { domainFailure, invalidArgument } from '@paymesh/platform/errors/domain-error';
import type { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { type CreateTransferDeps, createTransfer } from '../app/create-transfer.js';
import { transferView } from '../app/transfer-view.js';
import { findTransfer, listSteps, listTransfersOfAccount } from '../db/transfer-repo.js';
import { decodePageToken, encodePageToken } from '../domain/page-token.js';
import { isTerminal, parseState } from '../domain/transfer-state.js';

export interface HandlerOptions {
  /** How often a watcher re-reads when no change was announced in this process. */
  watchPollMs: number;
}

export function transactionsHandlers(
  deps: CreateTransferDeps,
  options: HandlerOptions,
): ServiceImpl<typeof TransactionsService> {
  const { db, changes } = deps;

  const mustFind = async (transferId: string) => {
    const row = await findTransfer(db, transferId.toLowerCase());
    if (!row) {
      throw domainFailure(
        Code.NotFound,
        { reason: 'TRANSFER_NOT_FOUND', domain: 'transactions', metadata: { transfer_id: transferId } },
        'transfer not found',
      );
    }
    return row;
  };

  return {
    async createTransfer(req, context) {
      const row = await createTransfer(deps, req, context.timeoutMs());
      return { transfer: transferView(row) };
    },

    async getTransfer(req) {
      const row = await mustFind(req.transferId);
      return { transfer: transferView(row, await listSteps(db, row.transferId)) };
    },

    async listTransfers(req) {
      const pageSize = req.pageSize || 50;
      const before = req.pageToken ? decodePageToken(req.pageToken) : undefined;
      if (req.pageToken && !before) {
        throw invalidArgument([
          {
            field: 'page_token',
            rule: 'page_token.valid',
            description: 'is not a token this service issued',
          },
        ]);
      }
      const rows = await listTransfersOfAccount(db, req.accountId.toLowerCase(), pageSize + 1, before);
      const page = rows.slice(0, pageSize);
      const last = page.at(-1);
      return {
        transfers: page.map((row) => transferView(row)),
        nextPageToken: rows.length > pageSize && last ? encodePageToken(last) : '',
      };
    },

    async *watchTransfer(req, context) {
      let row = await mustFind(req.transferId);
      let seen = '';
      for (;;) {
        const version = `${row.state}|${row.updatedAt.getTime()}|${row.attempts}`;
        if (version !== seen) {
          seen = version;
          yield { transfer: transferView(row) };
        }
        if (isTerminal(parseState(row.state)) || context.signal.aborted) return;
        await changes.next(row.transferId, options.watchPollMs, context.signal);
        if (context.signal.aborted) return;
        row = await mustFind(row.transferId);
      }
    },
  };
}
