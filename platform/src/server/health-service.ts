/**
 * The standard gRPC health service (grpc.health.v1.Health) answered from the server's readiness:
 * Kubernetes gRPC probes and grpc_health_probe call Check; load balancers may hold a Watch open.
 */
import { Code, ConnectError, type ConnectRouter } from '@connectrpc/connect';
import { Health, HealthCheckResponse_ServingStatus as Wire } from '@paymesh/proto/grpc/health/v1/health_pb';
import type { Readiness, ServingStatus } from './readiness.js';

export interface HealthServiceOptions {
  /** Ends every Watch (after a last NOT_SERVING) when the server stops, so no watcher holds it open. */
  closing: AbortSignal;
  /** How often a Watch re-runs the readiness checks, which change without an event. */
  recheckMs?: number;
}

const wire: Record<ServingStatus, Wire> = {
  SERVING: Wire.SERVING,
  NOT_SERVING: Wire.NOT_SERVING,
  SERVICE_UNKNOWN: Wire.SERVICE_UNKNOWN,
};

export function healthService(readiness: Readiness, options: HealthServiceOptions) {
  const recheckMs = options.recheckMs ?? 5_000;
  return (router: ConnectRouter) =>
    router.service(Health, {
      async check({ service }) {
        const status = await readiness.status(service);
        if (status === 'SERVICE_UNKNOWN') throw new ConnectError(`unknown service ${service}`, Code.NotFound);
        return { status: wire[status] };
      },
      async *watch({ service }, context) {
        const stop = AbortSignal.any([context.signal, options.closing]);
        let last: ServingStatus | undefined;
        while (!stop.aborted) {
          const status = await readiness.status(service);
          if (status !== last) {
            last = status;
            yield { status: wire[status] };
          }
          await nextChange(readiness, recheckMs, stop);
        }
        if (options.closing.aborted && last !== 'NOT_SERVING' && !context.signal.aborted) {
          yield { status: Wire.NOT_SERVING };
        }
      },
    });
}

/** Resolves on the next readiness change, after `ms`, or when `signal` aborts. */
function nextChange(readiness: Readiness, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = readiness.subscribe(done);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}
