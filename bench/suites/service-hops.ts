/**
 * One RPC hop to each service process of a running system (east-west over the mesh's mTLS, the
 * gateway on its plaintext public port): grpc.health.v1 Check, the trivial unary every kit service
 * serves (it runs the service's readiness checks: a `select 1` and the NATS connection's state,
 * where the service has them), through the kit client (deadline, retries, breaker, bulkhead), 32 in
 * flight over one HTTP/2 connection, beside the raw `node:http2` echo of an Echo call's bytes in this
 * process (bench/baselines/http2-echo.ts); goal ≥ 0.36 of it on every service. `extra` has the CPU
 * per call of the client (this process) and of the service process.
 */
import { startSystem } from '@paymesh/platform/testing/system';
import { Health } from '@paymesh/proto/grpc/health/v1/health_pb';
import { closedLoop, type LoadOptions, type LoadResult } from '../baselines/http2-echo.js';
import { compare, type Figure, median, type Suite } from '../lib.js';
import { cpuMs, pidOf } from '../process-stats.js';
import { openRawHop } from './rpc-hop.js';

const SERVICES = ['users', 'accounts', 'risk', 'currency', 'transactions', 'gateway'] as const;
const GOAL_RATIO = 0.36;
const LOAD: LoadOptions = { concurrency: 32, warmupMs: 500, durationMs: 2_000 };
const WARMUP: LoadOptions = { ...LOAD, warmupMs: 1_500, durationMs: 500 };

const quiet = { LOG_LEVEL: 'error' };
const env = {
  ...Object.fromEntries(SERVICES.map((s) => [s, quiet])),
  // Every call comes from one address.
  gateway: { ...quiet, RATE_LIMIT_PER_USER: '1000000000', RATE_LIMIT_PER_IP: '1000000000' },
};

export const suite: Suite = {
  name: 'service-hops',
  async run({ runs, log }) {
    const system = await startSystem({ services: SERVICES, databasePoolMax: 2, env });
    const raw = await openRawHop();
    try {
      const checks = SERVICES.map((service) => {
        const health = system.client(service, Health);
        return { service, call: () => health.check({}) };
      });
      log('  warming up every hop');
      for (const hop of [{ call: raw.call }, ...checks]) await closedLoop(hop.call, WARMUP);
      const figures: Figure[] = [];
      for (const { service, call } of checks) {
        const cpu = { client: [] as number[], server: [] as number[], baseline: [] as number[] };
        const pid = pidOf(system, service);
        const figure = await compare({
          name: `service-hop/${service}`,
          unit: 'req/s',
          runs,
          system: async () => {
            const before = cpuMs(pid);
            const result = await closedLoop(call, LOAD);
            const calls = (result.rate * (LOAD.warmupMs + LOAD.durationMs)) / 1_000;
            cpu.server.push(((cpuMs(pid) - before) * 1_000) / calls);
            return record(result, cpu.client);
          },
          baseline: {
            name: 'raw http2 echo',
            measure: async () => record(await closedLoop(raw.call, LOAD), cpu.baseline),
          },
          goalRatio: GOAL_RATIO,
          log,
        });
        const channel =
          service === 'gateway' ? 'its plaintext public port' : 'mTLS, as a caller the topology allows';
        figure.about = `grpc.health.v1 Check on the ${service} process through the kit client over ${channel}, 32 in flight, beside a raw node:http2 echo (plaintext, client and server in this process).`;
        figure.extra = {
          'client cpu µs/call': Math.round(median(cpu.client)),
          [`${service} process cpu µs/call (≈, warm-up included)`]: Math.round(median(cpu.server)),
          'baseline cpu µs/call (client and server)': Math.round(median(cpu.baseline)),
        };
        figures.push(figure);
      }
      return figures;
    } finally {
      await raw.close();
      await system.dispose();
    }
  },
};

function record(result: LoadResult, cpuPerCall: number[]): number {
  cpuPerCall.push(result.cpuPerCallUs);
  return result.rate;
}
