/**
 * The services behind the gateway and one resilient kit client of each (deadline, safe retries,
 * circuit breaker, bulkhead), traced as the gateway's outgoing calls.
 */
import type { Client } from '@connectrpc/connect';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import type { MeshContext } from '@paymesh/platform/mesh/mesh-context';
import type { ServiceManifest } from '@paymesh/platform/mesh/service-manifest';
import { rpcClientTelemetry } from '@paymesh/platform/telemetry/rpc-interceptors';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';

/** Each upstream by its name in mesh/topology.yaml, with the contract whose public methods it serves. */
export const upstreamServices = {
  users: UsersService,
  accounts: AccountsService,
  transactions: TransactionsService,
  currency: CurrencyService,
} as const;

export type UpstreamName = keyof typeof upstreamServices;

export const upstreamNames = Object.keys(upstreamServices) as UpstreamName[];

/** The gateway's place in the mesh: it calls its upstreams and reads no stream. */
export const gatewayManifest: ServiceManifest = { upstreams: upstreamNames, consumes: [] };

export type UpstreamClients = { readonly [K in UpstreamName]: Client<(typeof upstreamServices)[K]> };

/** With `mesh`, every upstream is called over mTLS as the gateway's workload identity. */
export function createUpstreamClients(
  urls: Readonly<Record<UpstreamName, string>>,
  mesh?: MeshContext,
): UpstreamClients {
  mesh?.assertManifest(gatewayManifest);
  const client = <K extends UpstreamName>(name: K) =>
    createServiceClient(upstreamServices[name], {
      upstream: name,
      baseUrl: urls[name],
      interceptors: [rpcClientTelemetry({ upstream: name })],
      ...(mesh && { nodeOptions: mesh.clientOptions(name, urls[name]) }),
    });
  return {
    users: client('users'),
    accounts: client('accounts'),
    transactions: client('transactions'),
    currency: client('currency'),
  };
}
