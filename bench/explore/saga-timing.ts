/**
 * Where a transfer's time goes: drives transfers at a fixed concurrency (argv[2], default 32) and
 * prints per-step timings from the steps table. POOL sets the services' pool size; PROFILE_DIR=<dir>
 * writes a CPU profile of each service (let the script end: a killed run writes none).
 */
import { randomUUID } from 'node:crypto';
import { startSystem } from '@paymesh/platform/testing/system';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import pg from 'pg';
import { fundedAccounts } from '../funded-accounts.js';
import { cpuMs, pidOf } from '../process-stats.js';

const concurrency = Number(process.argv[2] ?? 32);
// PROFILE_DIR=<dir> writes a CPU profile of each service there when it stops.
const prof = (name: string): Record<string, string> =>
  process.env.PROFILE_DIR
    ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.PROFILE_DIR}/${name}` }
    : {};
const system = await startSystem({
  services: ['accounts', 'risk', 'currency', 'transactions'],
  databasePoolMax: Number(process.env.POOL ?? 16),
  env: {
    risk: {
      RISK_VELOCITY_MAX_COUNT: '1000000000',
      RISK_VELOCITY_MAX_AMOUNT: '1000000000000000',
      ...prof('risk'),
    },
    accounts: prof('accounts'),
    transactions: prof('transactions'),
  },
});
try {
  const tx = system.client('transactions', TransactionsService);
  const ids = await fundedAccounts(system, { count: 100, amount: 10n ** 12n });
  const services = ['accounts', 'risk', 'currency', 'transactions'];
  const cpuBefore = services.map((name) => cpuMs(pidOf(system, name)));
  const latencies: number[] = [];
  const durationMs = Number(process.env.DURATION_MS ?? 5000);
  const deadline = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const a = Math.floor(Math.random() * 100);
        const b = (a + 1 + Math.floor(Math.random() * 99)) % 100;
        const t0 = performance.now();
        await tx.createTransfer({
          idempotencyKey: randomUUID(),
          sourceAccountId: must(ids[a]),
          destinationAccountId: must(ids[b]),
          amount: 5n,
          currency: 'EUR',
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const cpuAfter = services.map((name) => cpuMs(pidOf(system, name)));
  latencies.sort((x, y) => x - y);
  console.table(
    services.map((name, i) => ({
      service: name,
      'cpu ms per transfer': ((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) / Math.max(1, latencies.length),
    })),
  );
  console.log(
    `concurrency ${concurrency}: ${latencies.length / (durationMs / 1000)}/s, p50 ${latencies[latencies.length >> 1]?.toFixed(1)} ms`,
  );
  const client = new pg.Client({ connectionString: system.databaseUrl('transactions') });
  await client.connect();
  const { rows } = await client.query(`
    with s as (select t.transfer_id, s.name, s.at, t.created_at, lag(s.at) over (partition by t.transfer_id order by s.id) as prev
               from transfer_steps s join transfers t using (transfer_id))
    select name, round(avg(extract(epoch from (at - coalesce(prev, created_at))) * 1000)::numeric, 1) as avg_ms, count(*)
    from s group by name order by avg_ms desc`);
  console.table(rows);
  const states = await client.query('select state, count(*) from transfers group by state');
  console.table(states.rows);
  await client.end();
} finally {
  await system.dispose();
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing value');
  return value;
}
