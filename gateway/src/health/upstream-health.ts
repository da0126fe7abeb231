/**
 * `/healthz` of the public port: each upstream's own grpc.health.v1 Check beside the state of the
 * gateway's calls to it (circuit breaker, bulkhead, counts from the kit's resilience registry).
 * Serving when every upstream serves. Answers are reused for a moment, so polling the public
 * endpoint cannot multiply into calls on the services.
 */
import { type Client, Code, ConnectError } from '@connectrpc/connect';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import type { MeshContext } from '@paymesh/platform/mesh/mesh-context';
import { resilienceSnapshot } from '@paymesh/platform/resilience/registry';
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from '@paymesh/proto/grpc/health/v1/health_pb';
import type { UpstreamName } from '../public-api/upstreams.js';

export type UpstreamHealthStatus = 'SERVING' | 'NOT_SERVING' | 'UNREACHABLE';

export interface UpstreamHealth {
  readonly health: UpstreamHealthStatus;
  /** Why it is not serving, when it is not. */
  readonly detail?: string;
  readonly circuit?: string;
  readonly bulkhead?: unknown;
  readonly counts?: unknown;
}

export interface HealthReport {
  readonly status: 'SERVING' | 'NOT_SERVING';
  readonly upstreams: Readonly<Record<string, UpstreamHealth>>;
}

export interface GatewayHealth {
  report(): Promise<HealthReport>;
}

const checkTimeoutMs = 1_000;
const reuseMs = 500;

export function gatewayHealth(
  urls: Readonly<Record<UpstreamName, string>>,
  mesh?: MeshContext,
): GatewayHealth {
  const checkers = Object.entries(urls).map(([name, baseUrl]): [string, Client<typeof Health>] => [
    name,
    createServiceClient(Health, {
      // Its own resilience state: probing must neither trip nor be stopped by the API calls' breaker.
      upstream: `${name}.health`,
      baseUrl,
      ...(mesh && { nodeOptions: mesh.clientOptions(name, baseUrl) }),
      policy: { timeoutMs: checkTimeoutMs, maxRetries: 0, breakerWindow: 1_000, breakerMinimumCalls: 1_000 },
    }),
  ]);

  const check = async (client: Client<typeof Health>): Promise<Pick<UpstreamHealth, 'health' | 'detail'>> => {
    try {
      const { status } = await client.check({ service: '' });
      return status === ServingStatus.SERVING
        ? { health: 'SERVING' }
        : { health: 'NOT_SERVING', detail: ServingStatus[status] };
    } catch (err) {
      // The code only: the message may name internal addresses, and this endpoint is public.
      return { health: 'UNREACHABLE', detail: Code[ConnectError.from(err).code] };
    }
  };

  const measure = async (): Promise<HealthReport> => {
    const resilience = resilienceSnapshot();
    const upstreams = Object.fromEntries(
      await Promise.all(
        checkers.map(async ([name, client]): Promise<[string, UpstreamHealth]> => {
          const calls = resilience[name];
          const state = calls && { circuit: calls.circuit, bulkhead: calls.bulkhead, counts: calls.counts };
          return [name, { ...(await check(client)), ...state }];
        }),
      ),
    );
    const serving = Object.values(upstreams).every((u) => u.health === 'SERVING');
    return { status: serving ? 'SERVING' : 'NOT_SERVING', upstreams };
  };

  let last: { at: number; report: Promise<HealthReport> } | undefined;
  return {
    report() {
      if (!last || Date.now() - last.at > reuseMs) last = { at: Date.now(), report: measure() };
      return last.report;
    },
  };
}
