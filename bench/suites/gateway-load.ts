/**
 * The whole money path through the public door: users, accounts, risk, currency, transactions and
 * the gateway as real processes, customers signed up and funded through the gateway, and a load
 * generator making transfers there as the browser app does (Login tokens, owned accounts,
 * CreateTransfer with an idempotency key, WatchTransfer until terminal when the answer is not yet).
 *
 * Throughput: closed loop, CONCURRENCY transfers in flight for SAMPLE_MS after a warm-up, in
 * completed transfers/s, beside the raw ledger write (bench/baselines/pg-transfer-leg.ts, 8 clients
 * straight through pg); goal ≥ 0.2 of it. Then an open loop at half the measured rate for the
 * completion latency percentiles (goal p99 ≤ 100 ms). Beside them, the events the services' relays
 * publish meanwhile against raw JetStream batched publishing (the broker's headroom, no goal). And
 * the system's cost: startSystem's wall time, each service's restart time and idle RSS.
 *
 * Limits widened for the benchmark: the gateway's rate limits (every call comes from one address)
 * and risk's velocity count (the load repeats the same accounts far more than 50 times an hour);
 * the amount rules stay as deployed. BENCH_GATEWAY_PROTOCOL=grpc drives gRPC instead of Connect JSON.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bus, connectBus } from '@paymesh/platform/nats/connection';
import { createTestDatabase } from '@paymesh/platform/testing/postgres';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { type JetStreamPublishBaseline, prepareJetStreamPublish } from '../baselines/jetstream-publish.js';
import { prepareTransferLeg, type TransferLeg } from '../baselines/pg-transfer-leg.js';
import { figureOf, fmt, median, type ProcessFacts, quantile, type Suite } from '../lib.js';
import { type GatewayProtocol, gatewayTransfers, seedCustomers } from '../load/gateway-customers.js';
import {
  clientEffort,
  closedLoop,
  completedPerSecond,
  completedRate,
  completionLatencies,
  openLoop,
  outcomeCounts,
  type PhaseRecord,
  type TransferDriver,
} from '../load/load-phases.js';
import { cpuMs, pidOf, rssMiB } from '../process-stats.js';
import { latencyHistogram } from '../report/histogram.js';

const SERVICES = ['users', 'accounts', 'risk', 'currency', 'transactions', 'gateway'] as const;
const OPERATOR_EMAIL = 'bench-operator@paymesh.local';
const CUSTOMERS = 32;
const ACCOUNTS_EACH = 4;
const CONCURRENCY = 32;
const WARMUP_MS = 3_000;
const SAMPLE_MS = 8_000;
const HALF_LOAD_MS = 15_000;
const BASELINE_MS = 3_000;
const JETSTREAM = { count: 10_000, batchSize: 1_000 };
/** Time for start-up work (first relay polls, consumers attaching) to die down before RSS is read. */
const SETTLE_MS = 3_000;
/** Per service on the money path; users only serves sign-ups here. */
const POOL = 8;
const RATIO_GOAL = 0.2;
const P99_GOAL_MS = 100;

const quiet = { LOG_LEVEL: 'error' };
const env = {
  users: { ...quiet, OPERATOR_EMAILS: OPERATOR_EMAIL, DATABASE_POOL_MAX: '2' },
  accounts: quiet,
  currency: quiet,
  transactions: quiet,
  risk: { ...quiet, RISK_VELOCITY_MAX_COUNT: '1000000000' },
  gateway: { ...quiet, RATE_LIMIT_PER_USER: '1000000000', RATE_LIMIT_PER_IP: '1000000000' },
};

interface Sample {
  phase: PhaseRecord;
  eventsPerSecond: number;
  /** CPU ms each process spent in the phase, the load generator (this process) included. */
  cpuMs: Record<string, number>;
}

/** The system under load and the baselines beside it. */
interface Bench {
  system: RunningSystem;
  startupMs: number;
  leg: TransferLeg;
  jetstream: JetStreamPublishBaseline;
  /** Reads the system's stream counts. */
  bus: Bus;
  dispose(): Promise<void>;
}

/** Everything one run of the load measured. */
interface LoadRun {
  warmup: PhaseRecord;
  samples: Sample[];
  legRates: number[];
  publishRates: number[];
  half: PhaseRecord;
  halfRate: number;
}

export const suite: Suite = {
  name: 'gateway-load',
  async run({ runs, log }) {
    const protocol = gatewayProtocol();
    const bench = await setUp();
    try {
      const { system } = bench;
      log(`  system up in ${fmt(bench.startupMs)} ms; idle RSS and restarts`);
      await sleep(SETTLE_MS);
      const idle = Object.fromEntries(SERVICES.map((s) => [s, rssMiB(pidOf(system, s))]));
      const restartMs = await restartEach(system);
      const transfer = gatewayTransfers(await seed(system, protocol, log));
      const load = await drive(bench, transfer, runs, log);
      await sleep(SETTLE_MS);
      const processes: ProcessFacts[] = SERVICES.map((s) => ({
        service: s,
        idleRssMiB: round(idle[s] as number),
        rssAfterLoadMiB: round(rssMiB(pidOf(system, s))),
        restartMs: Math.round(restartMs[s] as number),
      }));
      return {
        figures: figures(load, protocol),
        system: { services: [...SERVICES], startupMs: Math.round(bench.startupMs), processes },
      };
    } finally {
      await bench.dispose();
    }
  },
};

/** Starts the system (timed) and prepares the baselines; on failure, releases what it took. */
async function setUp(): Promise<Bench> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const dispose = async () => {
    for (const release of cleanup.reverse()) await release();
  };
  try {
    const upAt = performance.now();
    const system = await startSystem({ services: SERVICES, databasePoolMax: POOL, env });
    const startupMs = performance.now() - upAt;
    cleanup.push(() => system.dispose());
    const baselineDb = await createTestDatabase('bench_leg');
    cleanup.push(() => baselineDb.drop());
    const leg = await prepareTransferLeg({ url: baselineDb.url, clients: 8 });
    cleanup.push(() => leg.close());
    const jetstream = await prepareJetStreamPublish(JETSTREAM);
    cleanup.push(() => jetstream.close());
    const bus = await connectBus(system.natsUrl, `${system.namespace}-bench-counts`);
    cleanup.push(() => bus.close());
    return { system, startupMs, leg, jetstream, bus, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function seed(system: RunningSystem, protocol: GatewayProtocol, log: (line: string) => void) {
  const seededAt = performance.now();
  const customers = await seedCustomers(system.url('gateway'), {
    protocol,
    count: CUSTOMERS,
    accountsEach: ACCOUNTS_EACH,
    amount: 10n ** 12n,
    operatorEmail: OPERATOR_EMAIL,
  });
  log(
    `  ${CUSTOMERS} customers, ${CUSTOMERS * ACCOUNTS_EACH} funded accounts in ${fmt(performance.now() - seededAt)} ms`,
  );
  return customers;
}

/**
 * Warm-up, then `runs` closed-loop samples each between a ledger-write and a JetStream sample (so
 * drift in the machine's load hits all alike), then the open loop at half the median rate.
 */
async function drive(
  bench: Bench,
  transfer: TransferDriver,
  runs: number,
  log: (line: string) => void,
): Promise<LoadRun> {
  const warmup = await closedLoop(transfer, {
    label: 'warm-up',
    concurrency: CONCURRENCY,
    durationMs: WARMUP_MS,
  });
  await bench.leg.measure(BASELINE_MS / 3);
  await bench.jetstream.measure();
  const samples: Sample[] = [];
  const legRates: number[] = [];
  const publishRates: number[] = [];
  for (let i = 1; i <= runs; i++) {
    legRates.push(await bench.leg.measure(BASELINE_MS));
    const last = await sample(bench, transfer, `max load ${i}/${runs}`);
    samples.push(last);
    publishRates.push(await bench.jetstream.measure());
    log(
      `  run ${i}/${runs}: ${fmt(completedRate(last.phase))} transfers/s vs pg-transfer-leg ${fmt(legRates.at(-1))}; ` +
        `${fmt(last.eventsPerSecond)} events/s vs jetstream-publish ${fmt(publishRates.at(-1))}`,
    );
  }
  const halfRate = Math.max(1, median(samples.map((s) => completedRate(s.phase))) / 2);
  log(`  half load: ${fmt(halfRate)} transfers/s for ${HALF_LOAD_MS / 1000} s (open loop)`);
  const half = await openLoop(transfer, {
    label: 'half load',
    ratePerSecond: halfRate,
    durationMs: HALF_LOAD_MS,
  });
  return { warmup, samples, legRates, publishRates, half, halfRate };
}

function gatewayProtocol(): GatewayProtocol {
  const protocol = process.env.BENCH_GATEWAY_PROTOCOL ?? 'connect-json';
  if (protocol !== 'connect-json' && protocol !== 'grpc') {
    throw new Error(`BENCH_GATEWAY_PROTOCOL must be connect-json or grpc, not ${protocol}`);
  }
  return protocol;
}

/** Each service stopped gracefully and started again: ms from the start until /readyz answers. */
async function restartEach(system: RunningSystem): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const service of SERVICES) {
    await system.stop(service);
    const at = performance.now();
    await system.start(service);
    times[service] = performance.now() - at;
  }
  return times;
}

/** One closed-loop phase, with the events published and the CPU each process spent meanwhile. */
async function sample(bench: Bench, transfer: TransferDriver, label: string): Promise<Sample> {
  const { system, bus } = bench;
  const cpu = (): Record<string, number> => {
    const own = process.cpuUsage();
    return {
      ...Object.fromEntries(SERVICES.map((s) => [s, cpuMs(pidOf(system, s))])),
      'load generator': (own.user + own.system) / 1000,
    };
  };
  const eventsBefore = await publishedEvents(system, bus);
  const cpuBefore = cpu();
  const phase = await closedLoop(transfer, { label, concurrency: CONCURRENCY, durationMs: SAMPLE_MS });
  const cpuAfter = cpu();
  const events = (await publishedEvents(system, bus)) - eventsBefore;
  return {
    phase,
    eventsPerSecond: events / (phase.elapsedMs / 1000),
    cpuMs: Object.fromEntries(Object.entries(cpuAfter).map(([k, v]) => [k, v - (cpuBefore[k] ?? 0)])),
  };
}

/** Messages in the system's streams so far (every context's, dead letters included). */
async function publishedEvents(system: RunningSystem, bus: Bus): Promise<number> {
  const prefix = `${system.namespace.toUpperCase()}_`;
  let total = 0;
  for await (const info of (await bus.jsm()).streams.list()) {
    if (info.config.name.startsWith(prefix)) total += info.state.messages;
  }
  return total;
}

function figures(run: LoadRun, protocol: GatewayProtocol) {
  const phases = run.samples.map((s) => s.phase);
  const atMax = phases.flatMap(completionLatencies);
  const atHalf = completionLatencies(run.half);
  const p99 = quantile(atHalf, 0.99);
  const completed = phases.reduce((n, p) => n + completionLatencies(p).length, 0);
  const effort = clientEffort([...phases, run.half]);
  const throughput = figureOf({
    name: 'gateway-load',
    unit: 'transfers/s',
    samples: phases.map(completedRate),
    baseline: { name: 'pg-transfer-leg', samples: run.legRates },
    goalRatio: RATIO_GOAL,
  });
  throughput.about =
    'Transfers completed per second through the gateway (the whole saga: risk, hold, capture, every commit durable), ' +
    `${CONCURRENCY} in flight, beside 8 clients writing ledger legs straight through pg.`;
  throughput.bounds = [
    { name: 'p99 at half load', value: round(p99), unit: 'ms', atMost: P99_GOAL_MS, met: p99 <= P99_GOAL_MS },
  ];
  throughput.extra = {
    protocol: protocol === 'grpc' ? 'gRPC (HTTP/2)' : 'Connect JSON over HTTP/1.1, as the browser app',
    'transfers in flight (closed loop)': CONCURRENCY,
    'customers × accounts': `${CUSTOMERS} × ${ACCOUNTS_EACH}`,
    'p50 ms at max load': round(quantile(atMax, 0.5)),
    'p95 ms at max load': round(quantile(atMax, 0.95)),
    'p99 ms at max load': round(quantile(atMax, 0.99)),
    'half load, transfers/s offered': round(run.halfRate),
    'half load, transfers/s completed': round(completedRate(run.half)),
    'p50 ms at half load': round(quantile(atHalf, 0.5)),
    'p95 ms at half load': round(quantile(atHalf, 0.95)),
    'p99 ms at half load': round(p99),
    ...Object.fromEntries(
      Object.entries(outcomeCounts([...phases, run.half])).map(([k, v]) => [`transfers ended ${k}`, v]),
    ),
    'transfers watched to the end (CreateTransfer answered before terminal)': effort.watched,
    'transfers the client retried (same key)': effort.retried,
    ...cpuPerTransfer(run.samples, completed),
  };
  throughput.charts = {
    histograms: [
      latencyHistogram(`half load (${fmt(run.halfRate)} transfers/s offered, open loop)`, atHalf, {
        goalMs: P99_GOAL_MS,
      }),
      latencyHistogram(`max load (${CONCURRENCY} in flight, closed loop, every run)`, atMax),
    ],
    timelines: [
      {
        label: 'completed transfers per second, every phase in order',
        unit: 'transfers/s',
        segments: [run.warmup, ...phases, run.half].map((p) => ({
          label: p.label,
          perSecond: completedPerSecond(p),
          rate: completedRate(p),
        })),
      },
    ],
  };
  const events = figureOf({
    name: 'gateway-load/events',
    unit: 'events/s',
    samples: run.samples.map((s) => s.eventsPerSecond),
    baseline: { name: 'jetstream-publish', samples: run.publishRates },
  });
  events.about =
    "Events the services' outbox relays published to JetStream per second during the same samples, " +
    'beside batched publishing straight from memory: how much of the broker the money path uses.';
  events.extra = {
    'events per completed transfer': round(
      run.samples.reduce((n, s) => n + s.eventsPerSecond * (s.phase.elapsedMs / 1000), 0) /
        Math.max(1, completed),
    ),
    'jetstream baseline': `${JETSTREAM.count} messages in batches of ${JETSTREAM.batchSize}, Nats-Msg-Id set`,
  };
  return [throughput, events];
}

function cpuPerTransfer(samples: readonly Sample[], completed: number): Record<string, number> {
  const total: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.cpuMs)) total[k] = (total[k] ?? 0) + v;
  return Object.fromEntries(
    Object.entries(total).map(([k, v]) => [
      `cpu ms per transfer: ${k}`,
      round(v / Math.max(1, completed), 2),
    ]),
  );
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
