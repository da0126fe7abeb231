/** The AccountsService handlers: decode the request, call the use case, map the result. */
import type { ServiceImpl } from '@connectrpc/connect';
import type { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { captureHold } from '../app/capture-hold.js';
import { creditAccount } from '../app/credit-account.js';
import { freezeAccount } from '../app/freeze-account.js';
import { holdFunds } from '../app/hold-funds.js';
import type { Ledger } from '../app/ledger.js';
import { openAccount } from '../app/open-account.js';
import { getAccount, listAccounts } from '../app/read-accounts.js';
import { releaseHold } from '../app/release-hold.js';
import { accountMessage, holdMessage, postingMessages } from '../contract-messages.js';

/** The database spells UUIDs in lower case; ids are compared as strings, so they are spelled so here too. */
const id = (value: string) => value.toLowerCase();

export function accountsHandlers(ledger: Ledger): ServiceImpl<typeof AccountsService> {
  return {
    async openAccount(req) {
      const account = await openAccount(ledger, {
        requestId: id(req.requestId),
        ownerId: id(req.ownerId),
        currency: req.currency,
      });
      return { account: accountMessage(account) };
    },
    async getAccount(req) {
      return { account: accountMessage(await getAccount(ledger.db, id(req.accountId))) };
    },
    async listAccounts(req) {
      const page = await listAccounts(ledger.db, {
        ownerId: id(req.ownerId),
        pageSize: req.pageSize,
        pageToken: req.pageToken,
      });
      return { accounts: page.accounts.map(accountMessage), nextPageToken: page.nextPageToken };
    },
    async freezeAccount(req) {
      const account = await freezeAccount(ledger, { accountId: id(req.accountId), reason: req.reason });
      return { account: accountMessage(account) };
    },
    async holdFunds(req) {
      const hold = await holdFunds(ledger, {
        transferId: id(req.transferId),
        accountId: id(req.accountId),
        amount: req.amount,
        currency: req.currency,
      });
      return { hold: holdMessage(hold) };
    },
    async captureHold(req) {
      const capture = await captureHold(ledger, {
        transferId: id(req.transferId),
        destinationAccountId: id(req.destinationAccountId),
        destinationAmount: req.destinationAmount,
        destinationCurrency: req.destinationCurrency,
      });
      return { hold: holdMessage(capture.hold), postings: postingMessages(capture.lines) };
    },
    async releaseHold(req) {
      return {
        hold: holdMessage(await releaseHold(ledger, { transferId: id(req.transferId), reason: req.reason })),
      };
    },
    async creditAccount(req) {
      const credit = await creditAccount(ledger, {
        creditId: id(req.creditId),
        accountId: id(req.accountId),
        amount: req.amount,
        currency: req.currency,
        reference: req.reference,
      });
      return { account: accountMessage(credit.account), postings: postingMessages(credit.lines) };
    },
  };
}
