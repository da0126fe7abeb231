/** A customer's whole journey through the gateway, and retries of a transfer with its key. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { TransactionsService, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { Role } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { failure, gatewayClient, signUp } from '../support/gateway-clients.js';
import type { GatewaySystem } from '../support/gateway-system.js';
import { available, fund, openAccount, send, watchedStates } from '../support/money-moves.js';

export function journeySuite(sys: () => GatewaySystem) {
  describe('the journey through the gateway', () => {
    it('registers, logs in, opens two accounts, is funded, transfers and watches it complete', async () => {
      const { url, operator } = sys();
      const dana = await signUp(url, 'dana');
      const { user } = await dana.users.getUser({ userId: dana.userId });
      assert.deepEqual(user?.roles, [Role.CUSTOMER]);

      const savings = await openAccount(dana);
      const spending = await openAccount(dana);
      const { accounts } = await dana.accounts.listAccounts({ ownerId: dana.userId });
      assert.deepEqual(accounts.map((a) => a.accountId).sort(), [savings, spending].sort());

      await fund(operator, savings, 100_00n);
      const transfer = await send(dana, savings, spending, 30_00n);

      // Watched over gRPC-Web, as a browser using that protocol would.
      const transactions = gatewayClient(url, TransactionsService, dana.token, 'grpc-web');
      const states = await watchedStates(transactions.watchTransfer({ transferId: transfer.transferId }));
      assert.equal(states.at(-1), TransferState.COMPLETED);

      const accountsOverGrpcWeb = gatewayClient(url, AccountsService, dana.token, 'grpc-web');
      const { account } = await accountsOverGrpcWeb.getAccount({ accountId: spending });
      assert.equal(account?.availableBalance, 30_00n);
      assert.equal(await available(dana, savings), 70_00n);
    });

    it('answers the same CreateTransfer with the same key with the same transfer, moving money once', async () => {
      const { url, operator } = sys();
      const erin = await signUp(url, 'erin');
      const from = await openAccount(erin);
      const to = await openAccount(erin);
      await fund(operator, from, 10_00n);
      const key = `retry-${randomUUID()}`;

      const first = await send(erin, from, to, 4_00n, key);
      const again = await send(erin, from, to, 4_00n, key);
      assert.equal(again.transferId, first.transferId);
      await watchedStates(erin.transactions.watchTransfer({ transferId: first.transferId }));
      const third = await send(erin, from, to, 4_00n, key);
      assert.equal(third.transferId, first.transferId);
      assert.equal(third.state, TransferState.COMPLETED);
      assert.equal(await available(erin, from), 6_00n);
      assert.equal(await available(erin, to), 4_00n);

      const reused = await failure(send(erin, from, to, 5_00n, key));
      assert.equal(reused.code, Code.FailedPrecondition);
      assert.equal(reasonOf(reused), 'IDEMPOTENCY_KEY_REUSED');
    });
  });
}
