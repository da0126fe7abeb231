/**
 * What a customer may touch: their own user, accounts and transfers. Anything else is answered
 * exactly like a missing resource (code, message, reason, metadata), so probing learns nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { answerOf, failure, type Member, postJson, signUp } from '../support/gateway-clients.js';
import type { GatewaySystem } from '../support/gateway-system.js';
import { available, fund, openAccount, send } from '../support/money-moves.js';

export function ownershipSuite(sys: () => GatewaySystem) {
  describe('ownership', () => {
    let alice: Member;
    let bob: Member;
    let alicesAccount: string;
    let bobsAccount: string;
    let bobsTransfer: string;
    const missingAccount = randomUUID();
    const missingTransfer = randomUUID();

    before(async () => {
      const { url, operator } = sys();
      [alice, bob] = await Promise.all([signUp(url, 'alice'), signUp(url, 'bob')]);
      alicesAccount = await openAccount(alice);
      bobsAccount = await openAccount(bob);
      const bobsOther = await openAccount(bob);
      await fund(operator, bobsAccount, 50_00n);
      bobsTransfer = (await send(bob, bobsAccount, bobsOther, 5_00n)).transferId;
    });

    /** Someone else's resource and a missing one get the same answer, the id aside. */
    const sameAsMissing = async (
      others: () => Promise<unknown> | AsyncIterable<unknown>,
      othersId: string,
      missing: () => Promise<unknown> | AsyncIterable<unknown>,
      missingId: string,
      reason: string,
    ) => {
      const refused = answerOf(await failure(others()), othersId);
      const absent = answerOf(await failure(missing()), missingId);
      assert.deepEqual(refused, absent);
      assert.equal(refused.code, Code.NotFound);
      assert.equal(refused.reason, reason);
    };

    it("answers GetAccount and ListTransfers of someone else's account as for a missing account", async () => {
      await sameAsMissing(
        () => alice.accounts.getAccount({ accountId: bobsAccount }),
        bobsAccount,
        () => alice.accounts.getAccount({ accountId: missingAccount }),
        missingAccount,
        'ACCOUNT_NOT_FOUND',
      );
      await sameAsMissing(
        () => alice.transactions.listTransfers({ accountId: bobsAccount }),
        bobsAccount,
        () => alice.transactions.listTransfers({ accountId: missingAccount }),
        missingAccount,
        'ACCOUNT_NOT_FOUND',
      );
    });

    it("answers CreateTransfer from someone else's account as from a missing one, and moves nothing", async () => {
      await sameAsMissing(
        () => send(alice, bobsAccount, alicesAccount, 1_00n),
        bobsAccount,
        () => send(alice, missingAccount, alicesAccount, 1_00n),
        missingAccount,
        'ACCOUNT_NOT_FOUND',
      );
      assert.equal(await available(bob, bobsAccount), 45_00n);
    });

    it("answers GetTransfer and WatchTransfer of someone else's transfer as for a missing one", async () => {
      await sameAsMissing(
        () => alice.transactions.getTransfer({ transferId: bobsTransfer }),
        bobsTransfer,
        () => alice.transactions.getTransfer({ transferId: missingTransfer }),
        missingTransfer,
        'TRANSFER_NOT_FOUND',
      );
      await sameAsMissing(
        () => alice.transactions.watchTransfer({ transferId: bobsTransfer }),
        bobsTransfer,
        () => alice.transactions.watchTransfer({ transferId: missingTransfer }),
        missingTransfer,
        'TRANSFER_NOT_FOUND',
      );
    });

    it('answers calls naming another user as users answers an unknown user', async () => {
      const unknownUser = randomUUID();
      // An operator is not held to ownership: this is users' own answer for an id it does not know.
      const usersAnswer = answerOf(
        await failure(sys().operator.users.getUser({ userId: unknownUser })),
        unknownUser,
      );
      assert.equal(usersAnswer.reason, 'USER_NOT_FOUND');
      const calls = [
        () => alice.users.getUser({ userId: bob.userId }),
        () => alice.accounts.listAccounts({ ownerId: bob.userId }),
        () => alice.accounts.openAccount({ requestId: randomUUID(), ownerId: bob.userId, currency: 'EUR' }),
      ];
      for (const call of calls) assert.deepEqual(answerOf(await failure(call()), bob.userId), usersAnswer);
      const { accounts } = await bob.accounts.listAccounts({ ownerId: bob.userId });
      assert.equal(accounts.length, 2);
    });

    it('lets the owner of the destination read a transfer into their account', async () => {
      const { transferId } = await send(bob, bobsAccount, alicesAccount, 2_00n);
      const { transfer } = await alice.transactions.getTransfer({ transferId });
      assert.equal(transfer?.destinationAccountId, alicesAccount);
      const { transfers } = await alice.transactions.listTransfers({ accountId: alicesAccount });
      assert.ok(transfers.some((t) => t.transferId === transferId));
    });

    it('ignores identity headers a client sends itself', async () => {
      const res = await postJson(
        sys().url,
        '/paymesh.accounts.v1.AccountsService/GetAccount',
        JSON.stringify({ accountId: bobsAccount }),
        {
          authorization: `Bearer ${alice.token}`,
          'x-paymesh-user-id': bob.userId,
          'x-paymesh-roles': 'operator',
        },
      );
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { code: string }).code, 'not_found');
    });

    it("lets operators read any customer's accounts and transfers", async () => {
      const { operator } = sys();
      assert.equal(
        (await operator.accounts.getAccount({ accountId: bobsAccount })).account?.ownerId,
        bob.userId,
      );
      assert.equal(
        (await operator.transactions.getTransfer({ transferId: bobsTransfer })).transfer?.transferId,
        bobsTransfer,
      );
      assert.equal((await operator.accounts.listAccounts({ ownerId: bob.userId })).accounts.length, 2);
    });
  });
}
