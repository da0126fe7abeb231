import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publicMethods } from './public-methods.js';

describe('the public method table', () => {
  const table = publicMethods();
  const byPath = new Map(table.map((entry) => [entry.path, entry]));

  it('holds exactly the methods the contracts mark public', () => {
    assert.deepEqual([...byPath.keys()].sort(), [
      '/paymesh.accounts.v1.AccountsService/CreditAccount',
      '/paymesh.accounts.v1.AccountsService/FreezeAccount',
      '/paymesh.accounts.v1.AccountsService/GetAccount',
      '/paymesh.accounts.v1.AccountsService/ListAccounts',
      '/paymesh.accounts.v1.AccountsService/OpenAccount',
      '/paymesh.currency.v1.CurrencyService/GetRates',
      '/paymesh.currency.v1.CurrencyService/UpdateRates',
      '/paymesh.transactions.v1.TransactionsService/CreateTransfer',
      '/paymesh.transactions.v1.TransactionsService/GetTransfer',
      '/paymesh.transactions.v1.TransactionsService/ListTransfers',
      '/paymesh.transactions.v1.TransactionsService/WatchTransfer',
      '/paymesh.users.v1.UsersService/GetUser',
      '/paymesh.users.v1.UsersService/GrantRole',
      '/paymesh.users.v1.UsersService/Login',
      '/paymesh.users.v1.UsersService/Register',
    ]);
  });

  it('leaves the saga steps and the key set internal', () => {
    for (const internal of ['HoldFunds', 'CaptureHold', 'ReleaseHold']) {
      assert.equal(byPath.has(`/paymesh.accounts.v1.AccountsService/${internal}`), false);
    }
    assert.equal(byPath.has('/paymesh.users.v1.UsersService/GetJwks'), false);
    assert.equal(byPath.has('/paymesh.currency.v1.CurrencyService/CreateQuote'), false);
  });

  it('reads who may call and what a customer must own', () => {
    const getAccount = byPath.get('/paymesh.accounts.v1.AccountsService/GetAccount');
    assert.equal(getAccount?.upstream, 'accounts');
    assert.equal(getAccount?.access.anonymous, false);
    assert.deepEqual([...(getAccount?.access.roles ?? [])].sort(), ['auditor', 'customer', 'operator']);
    assert.equal(getAccount?.access.owned?.field.localName, 'accountId');
    assert.equal(getAccount?.access.owned?.kind, 'account');

    const login = byPath.get('/paymesh.users.v1.UsersService/Login');
    assert.equal(login?.access.anonymous, true);
    assert.equal(login?.access.owned, undefined);

    const credit = byPath.get('/paymesh.accounts.v1.AccountsService/CreditAccount');
    assert.deepEqual([...(credit?.access.roles ?? [])], ['operator']);

    const create = byPath.get('/paymesh.transactions.v1.TransactionsService/CreateTransfer');
    assert.equal(create?.access.owned?.field.name, 'source_account_id');
  });

  it('forwards WatchTransfer as a server stream', () => {
    const watch = byPath.get('/paymesh.transactions.v1.TransactionsService/WatchTransfer');
    assert.equal(watch?.method.methodKind, 'server_streaming');
    assert.equal(watch?.access.owned?.kind, 'transfer');
  });
});
