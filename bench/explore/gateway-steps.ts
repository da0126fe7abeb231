/**
 * Where a transfer through the gateway waits: the gateway-load system and customers, an open loop
 * at RATE transfers/s (argv[2], default 20) for DURATION_MS, then the saga's steps from the
 * transactions database: mean time per step, retried steps and their details, the slowest transfers.
 */
import { startSystem } from '@paymesh/platform/testing/system';
import pg from 'pg';
import { quantile } from '../lib.js';
import { gatewayTransfers, seedCustomers } from '../load/gateway-customers.js';
import { completionLatencies, openLoop } from '../load/load-phases.js';

const rate = Number(process.argv[2] ?? 20);
const durationMs = Number(process.env.DURATION_MS ?? 15_000);
const operatorEmail = 'bench-operator@paymesh.local';
const system = await startSystem({
  services: ['users', 'accounts', 'risk', 'currency', 'transactions', 'gateway'],
  databasePoolMax: 8,
  env: {
    users: { OPERATOR_EMAILS: operatorEmail },
    risk: { RISK_VELOCITY_MAX_COUNT: '1000000000' },
    gateway: { RATE_LIMIT_PER_USER: '1000000000', RATE_LIMIT_PER_IP: '1000000000' },
  },
});
try {
  const customers = await seedCustomers(system.url('gateway'), {
    protocol: 'connect-json',
    count: 32,
    accountsEach: 4,
    amount: 10n ** 12n,
    operatorEmail,
  });
  const phase = await openLoop(gatewayTransfers(customers), {
    label: 'open loop',
    ratePerSecond: rate,
    durationMs,
  });
  const latencies = completionLatencies(phase);
  console.log(
    `${latencies.length} completed; p50 ${quantile(latencies, 0.5).toFixed(1)} p95 ${quantile(latencies, 0.95).toFixed(1)} p99 ${quantile(latencies, 0.99).toFixed(1)} ms`,
  );
  const client = new pg.Client({ connectionString: system.databaseUrl('transactions') });
  await client.connect();
  try {
    const steps = await client.query(`
      with s as (select t.transfer_id, s.name, s.status, s.attempt, s.at, t.created_at,
                        lag(s.at) over (partition by t.transfer_id order by s.id) as prev
                 from transfer_steps s join transfers t using (transfer_id))
      select name, status, round(avg(extract(epoch from (at - coalesce(prev, created_at))) * 1000)::numeric, 1) as avg_ms,
             round(max(extract(epoch from (at - coalesce(prev, created_at))) * 1000)::numeric, 1) as max_ms,
             max(attempt) as max_attempt, count(*)
      from s group by name, status order by name, status`);
    console.table(steps.rows);
    const retried = await client.query(
      `select name, left(detail, 120) as detail, count(*) from transfer_steps where status <> 'succeeded' group by 1, 2 order by 3 desc limit 10`,
    );
    console.table(retried.rows);
    const slowest = await client.query(`
      select transfer_id, round(extract(epoch from (updated_at - created_at)) * 1000) as ms, state
      from transfers order by updated_at - created_at desc limit 5`);
    console.table(slowest.rows);
  } finally {
    await client.end();
  }
} finally {
  await system.dispose();
}
