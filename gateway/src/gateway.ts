/**
 * The gateway on the kit's bootstrap: configuration, telemetry, the resilient upstream clients, the
 * signing keys, the rate limits, and one public port that serves the public API (every protocol),
 * `/healthz` and the web app. It owns no database and reads no stream.
 */
import { createContextValues } from '@connectrpc/connect';
import type { ConnectNodeAdapterOptions } from '@connectrpc/connect-node';
import { resilienceSnapshot } from '@paymesh/platform/resilience/registry';
import type { RequestHandler } from '@paymesh/platform/server/rpc-listener';
import {
  type ConfigOf,
  type RunningService,
  runService,
  type ServiceOptions,
  startService,
} from '@paymesh/platform/server/run-service';
import type { Logger } from '@paymesh/platform/telemetry/logger';
import { rpcServerTelemetry } from '@paymesh/platform/telemetry/rpc-interceptors';
import { initTelemetry } from '@paymesh/platform/telemetry/tracing';
import { createRpcRequestHandler } from '@paymesh/platform/transport/rpc-request-handler';
import { accessTokenVerifier } from './auth/access-token-verifier.js';
import { signingKeySet } from './auth/signing-key-set.js';
import { ownership } from './authorization/ownership.js';
import { gatewayEnv } from './gateway-env.js';
import { gatewayHealth } from './health/upstream-health.js';
import { corsFor } from './http/cors.js';
import { edgeHandler } from './http/edge-handler.js';
import { publicMethods } from './public-api/public-methods.js';
import { publicRoutes } from './public-api/public-routes.js';
import { clientAddressKey } from './public-api/request-gate.js';
import { createUpstreamClients } from './public-api/upstreams.js';
import { clientAddress } from './rate-limit/client-address.js';
import { createRateLimits } from './rate-limit/rate-limits.js';
import { staticSite } from './static/static-site.js';

export type GatewayConfig = ConfigOf<typeof gatewayEnv>;

/** Largest request message from outside; nothing public needs more. */
export const PUBLIC_READ_MAX_BYTES = 64 * 1024;

export interface GatewayStartOptions {
  /** Variables (tests pass their own instead of process.env). */
  source?: NodeJS.ProcessEnv;
  logger?: Logger;
}

function gatewayOptions(start: GatewayStartOptions): ServiceOptions<typeof gatewayEnv> {
  // The kit builds the RPC server after `setup`, which is where the edge's parts come from.
  let edge: ((options: ConnectNodeAdapterOptions) => RequestHandler) | undefined;
  return {
    env: gatewayEnv,
    source: start.source,
    logger: start.logger,
    server: {
      readMaxBytes: PUBLIC_READ_MAX_BYTES,
      requestHandler(options) {
        if (!edge) throw new Error('the gateway built its server before its setup ran');
        return edge(options);
      },
    },
    async setup({ config, logger, lifecycle, mesh }) {
      const telemetry = initTelemetry({
        service: config.SERVICE_NAME,
        otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
      });
      await lifecycle.use({ name: 'telemetry', stop: () => telemetry.forceFlush() });

      const urls = {
        users: config.USERS_URL,
        accounts: config.ACCOUNTS_URL,
        transactions: config.TRANSACTIONS_URL,
        currency: config.CURRENCY_URL,
      };
      const clients = createUpstreamClients(urls, mesh);
      const keys = await lifecycle.use(
        signingKeySet({
          fetchKeys: async () => {
            const { keys } = await clients.users.getJwks({});
            return { keys: keys.map(({ kid, kty, crv, x, alg, use }) => ({ kid, kty, crv, x, alg, use })) };
          },
          refreshMs: config.JWKS_REFRESH_MS,
          cooldownMs: config.JWKS_REFETCH_COOLDOWN_MS,
          logger,
        }),
      );
      const rateLimits = await lifecycle.use(
        createRateLimits({
          perUser: config.RATE_LIMIT_PER_USER,
          perIp: config.RATE_LIMIT_PER_IP,
          windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
          redisUrl: config.REDIS_URL,
          namespace: config.EVENT_NAMESPACE,
          logger,
        }),
      );

      const routes = publicRoutes(publicMethods(), {
        clients,
        ownership: ownership(clients, { cacheSize: config.ACCOUNT_OWNER_CACHE_SIZE }),
        verifier: accessTokenVerifier(keys),
        rateLimits,
        logger,
      });
      const health = gatewayHealth(urls, mesh);
      const site = staticSite(config.WEB_DIST);
      const cors = corsFor(config.WEB_ORIGIN);
      edge = (options) =>
        edgeHandler({
          rpc: createRpcRequestHandler({
            ...options,
            contextValues: (req) =>
              createContextValues().set(clientAddressKey, clientAddress(req, config.TRUST_PROXY)),
          }),
          cors,
          health,
          site,
          trustProxy: config.TRUST_PROXY,
          logger,
        });
      return {
        routes,
        outerInterceptors: [rpcServerTelemetry()],
        statusProviders: { resilience: resilienceSnapshot },
      };
    },
  };
}

/** Runs the gateway as this process (signals, exit codes). For main.ts. */
export function runGateway(): Promise<void> {
  return runService(gatewayOptions({}));
}

/** Starts the gateway in this process and returns it running. */
export function startGateway(options: GatewayStartOptions = {}): Promise<RunningService<GatewayConfig>> {
  return startService(gatewayOptions(options));
}
