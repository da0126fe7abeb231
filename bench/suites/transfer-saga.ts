/**
 * The full transfer saga: accounts, risk, currency and transactions as real processes (every commit
 * durable), driven by CreateTransfer over gRPC straight to transactions. Throughput: closed loop at
 * CONCURRENCY transfers in flight, in completed transfers/s, beside the raw "transfer leg" (two
 * balance updates + an outbox row per transaction, 8 clients straight through pg); goal ≥ 0.2 of it.
 * Then, once, an open loop at half the measured rate for the completion latency percentiles (goal
 * p99 ≤ 100 ms), and the commits each transfer costs across the four databases (k; the ceiling of
 * the ratio is about 1/k).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';
import { createTestDatabase } from '@paymesh/platform/testing/postgres';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { TransactionsService, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import pg from 'pg';
import { prepareTransferLeg } from '../baselines/pg-transfer-leg.js';
import { fundedAccounts } from '../funded-accounts.js';
import { compare, quantile, type Suite } from '../lib.js';

const SERVICES = ['accounts', 'risk', 'currency', 'transactions'] as const;
const ACCOUNTS = 200;
const CONCURRENCY = 32;
const SAMPLE_MS = 5_000;
const BASELINE_MS = 3_000;
const LATENCY_MS = 5_000;

export const suite: Suite = {
  name: 'transfer-saga',
  async run({ runs, log }) {
    const system = await startSystem({
      services: SERVICES,
      // The services' own default, as in production: nothing else runs beside a benchmark.
      databasePoolMax: 16,
      env: {
        transactions: { LOG_LEVEL: 'error' },
        accounts: { LOG_LEVEL: 'error' },
        // The benchmark moves money between the same accounts all the time: no velocity limits.
        risk: {
          LOG_LEVEL: 'error',
          RISK_VELOCITY_MAX_COUNT: '1000000000',
          RISK_VELOCITY_MAX_AMOUNT: '1000000000000000',
        },
      },
    });
    const baselineDb = await createTestDatabase('bench_leg');
    const leg = await prepareTransferLeg({ url: baselineDb.url, clients: 8 });
    try {
      const accounts = await fundedAccounts(system, { count: ACCOUNTS, amount: 1_000_000_000_00n });
      log('  warming up');
      await closedLoop(system, accounts, 2_000);
      await leg.measure(BASELINE_MS / 3);

      const figure = await compare({
        name: 'transfer-saga',
        unit: 'transfers/s',
        runs,
        system: async () => (await closedLoop(system, accounts, SAMPLE_MS)).rate,
        baseline: { name: 'pg-transfer-leg', measure: () => leg.measure(BASELINE_MS) },
        goalRatio: 0.2,
        log,
      });

      const halfRate = Math.max(1, Math.floor(figure.value / 2));
      log(`  latency at half the max rate: ${halfRate} transfers/s for ${LATENCY_MS / 1000} s`);
      const commitsBefore = await commits(system);
      const open = await openLoop(system, accounts, halfRate, LATENCY_MS);
      const commitsAfter = await commits(system);
      const p99 = quantile(open.latencies, 0.99);
      figure.bounds = [
        { name: 'p99 at half load', value: round(p99), unit: 'ms', atMost: 100, met: p99 <= 100 },
      ];
      figure.extra = {
        'p50 ms at half load': round(quantile(open.latencies, 0.5)),
        'p95 ms at half load': round(quantile(open.latencies, 0.95)),
        'p99 ms at half load': round(p99),
        'p99 goal ≤ 100 ms': p99 <= 100 ? '✓' : '✗',
        'completed at half load': open.completed,
        'not completed at half load': open.other,
        'pg transactions per transfer (k, xact_commit: autocommit reads included)': round(
          (commitsAfter - commitsBefore) / Math.max(1, open.latencies.length),
        ),
        'transfers in flight (closed loop)': CONCURRENCY,
        accounts: ACCOUNTS,
      };
      return [figure];
    } finally {
      await leg.close();
      await baselineDb.drop();
      await system.dispose();
    }
  },
};

async function transferOnce(
  system: RunningSystem,
  accounts: readonly string[],
): Promise<{ ms: number; completed: boolean }> {
  const client = system.client('transactions', TransactionsService);
  const a = Math.floor(Math.random() * accounts.length);
  let b = Math.floor(Math.random() * (accounts.length - 1));
  if (b >= a) b++;
  const started = performance.now();
  try {
    const { transfer } = await client.createTransfer({
      idempotencyKey: randomUUID(),
      sourceAccountId: accounts[a] as string,
      destinationAccountId: accounts[b] as string,
      amount: BigInt(1 + Math.floor(Math.random() * 1_000)),
      currency: 'EUR',
    });
    return { ms: performance.now() - started, completed: transfer?.state === TransferState.COMPLETED };
  } catch (err) {
    if (ConnectError.from(err).code === Code.Canceled) throw err;
    return { ms: performance.now() - started, completed: false };
  }
}

async function closedLoop(system: RunningSystem, accounts: readonly string[], durationMs: number) {
  let completed = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        if ((await transferOnce(system, accounts)).completed) completed++;
      }
    }),
  );
  return { rate: completed / ((performance.now() - started) / 1_000) };
}

async function openLoop(
  system: RunningSystem,
  accounts: readonly string[],
  rate: number,
  durationMs: number,
) {
  const latencies: number[] = [];
  let completed = 0;
  let other = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < durationMs; i++) {
    const due = started + (i * 1_000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      transferOnce(system, accounts).then((r) => {
        if (r.completed) {
          completed++;
          latencies.push(r.ms);
        } else other++;
      }),
    );
  }
  await Promise.all(pending);
  return { latencies, completed, other };
}

/** Commits so far across the databases of the services in the saga. */
async function commits(system: RunningSystem): Promise<number> {
  let total = 0;
  for (const service of SERVICES) {
    const client = new pg.Client({ connectionString: system.databaseUrl(service) });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'select xact_commit::text as n from pg_stat_database where datname = current_database()',
      );
      total += Number(rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }
  return total;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
