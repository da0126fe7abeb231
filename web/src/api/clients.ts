/** The public services of the gateway, as typed clients over the app's one transport. */
import { type Client, createClient } from '@connectrpc/connect';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { transport } from './transport';

export const usersClient: Client<typeof UsersService> = createClient(UsersService, transport);
export const accountsClient: Client<typeof AccountsService> = createClient(AccountsService, transport);
export const transactionsClient: Client<typeof TransactionsService> = createClient(
  TransactionsService,
  transport,
);
export const currencyClient: Client<typeof CurrencyService> = createClient(CurrencyService, transport);
