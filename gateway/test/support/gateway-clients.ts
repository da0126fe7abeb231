/**
 * Clients of a gateway as the outside world has them: Connect JSON over HTTP/1.1 (a browser),
 * Connect binary, gRPC-Web and gRPC, each optionally carrying a bearer token; and the helpers
 * the tests use to read a refusal.
 */
import { randomUUID } from 'node:crypto';
import type { DescService } from '@bufbuild/protobuf';
import {
  type Client,
  ConnectError,
  createClient,
  type Interceptor,
  type Transport,
} from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { errorInfoOf } from '@paymesh/platform/errors/domain-error';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';

export type Protocol = 'connect-json' | 'connect-binary' | 'grpc-web' | 'grpc';

const bearer =
  (token: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set('authorization', `Bearer ${token}`);
    return next(req);
  };

export function gatewayTransport(
  baseUrl: string,
  token?: string,
  protocol: Protocol = 'connect-json',
): Transport {
  const interceptors = token ? [bearer(token)] : [];
  switch (protocol) {
    case 'connect-json':
      return createConnectTransport({ baseUrl, httpVersion: '1.1', interceptors });
    case 'connect-binary':
      return createConnectTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: true, interceptors });
    case 'grpc-web':
      return createGrpcWebTransport({ baseUrl, httpVersion: '1.1', interceptors });
    case 'grpc':
      return createGrpcTransport({ baseUrl, interceptors });
  }
}

export function gatewayClient<T extends DescService>(
  baseUrl: string,
  service: T,
  token?: string,
  protocol: Protocol = 'connect-json',
): Client<T> {
  return createClient(service, gatewayTransport(baseUrl, token, protocol));
}

/** A signed-in user, with clients of every public service carrying their token. */
export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly token: string;
  readonly users: Client<typeof UsersService>;
  readonly accounts: Client<typeof AccountsService>;
  readonly transactions: Client<typeof TransactionsService>;
  readonly currency: Client<typeof CurrencyService>;
}

export const PASSWORD = 'correct horse battery staple';

/** Registers and logs in through the gateway, anonymously, as a browser does. */
export async function signUp(
  baseUrl: string,
  name: string,
  email?: string,
  protocol: Protocol = 'connect-json',
): Promise<Member> {
  const users = gatewayClient(baseUrl, UsersService, undefined, protocol);
  const address = email ?? `${name}-${randomUUID().slice(0, 8)}@example.com`;
  await users.register({ email: address, password: PASSWORD, displayName: name });
  return logIn(baseUrl, address, protocol);
}

export async function logIn(
  baseUrl: string,
  email: string,
  protocol: Protocol = 'connect-json',
): Promise<Member> {
  const { accessToken, user } = await gatewayClient(baseUrl, UsersService, undefined, protocol).login({
    email,
    password: PASSWORD,
  });
  if (!user) throw new Error('login answered no user');
  return member(baseUrl, user.userId, email, accessToken, protocol);
}

/** A member's clients, in `protocol` (Connect JSON, as the browser app, by default). */
export function member(
  baseUrl: string,
  userId: string,
  email: string,
  token: string,
  protocol: Protocol = 'connect-json',
): Member {
  return {
    userId,
    email,
    token,
    users: gatewayClient(baseUrl, UsersService, token, protocol),
    accounts: gatewayClient(baseUrl, AccountsService, token, protocol),
    transactions: gatewayClient(baseUrl, TransactionsService, token, protocol),
    currency: gatewayClient(baseUrl, CurrencyService, token, protocol),
  };
}

/** The error a call (or the whole of a stream) ends with; fails the test when it succeeds. */
export async function failure(call: Promise<unknown> | AsyncIterable<unknown>): Promise<ConnectError> {
  try {
    if (Symbol.asyncIterator in call) for await (const _ of call);
    else await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('expected the call to fail');
}

/** What a caller learns from a refusal, with one resource id replaced so two answers compare. */
export function answerOf(err: ConnectError, id?: string) {
  const hide = (text: string) => (id ? text.split(id).join('<id>') : text);
  const info = errorInfoOf(err);
  return {
    code: err.code,
    message: hide(err.rawMessage),
    reason: info?.reason,
    domain: info?.domain,
    metadata: Object.fromEntries(Object.entries(info?.metadata ?? {}).map(([k, v]) => [k, hide(v)])),
  };
}

/** A raw Connect JSON call, for tests about headers, status codes and bodies no client would send. */
export function postJson(
  baseUrl: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'connect-protocol-version': '1', ...headers },
    body,
  });
}
