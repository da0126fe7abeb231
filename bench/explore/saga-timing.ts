/**
 * Where a transfer's time goes: drives transfers at a fixed concurrency (argv[2], default 32) and
 * prints per-step timings from the steps table, each service's CPU per transfer and while idle, and
 * the whole machine's. POOL sets the services' pool size; DURATION_MS the load's length. A CPU
 * profile of each service: PAYMESH_SERVICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=<dir>' (the files
 * carry the pids printed here; let the script end: a killed run writes none). STATEMENTS=1 counts
 * the Postgres statements each service sends during the load (bench/explore/statement-counter.mjs)
 * and prints them per transfer.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSystem } from '@paymesh/platform/testing/system';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import pg from 'pg';
import { fundedAccounts } from '../funded-accounts.js';
import { cpuMs, pidOf } from '../process-stats.js';

const concurrency = Number(process.argv[2] ?? 32);
const services = ['accounts', 'risk', 'currency', 'transactions'];
let transfers = 0;
const countsDir = process.env.STATEMENTS ? mkdtempSync(join(tmpdir(), 'paymesh-statements-')) : undefined;
if (countsDir) {
  const counter = fileURLToPath(new URL('./statement-counter.mjs', import.meta.url));
  process.env.PAYMESH_SERVICE_NODE_ARGS = `${process.env.PAYMESH_SERVICE_NODE_ARGS ?? ''} --import ${counter}`;
  process.env.PAYMESH_STATEMENT_COUNTS_DIR = countsDir;
}
const system = await startSystem({
  services,
  databasePoolMax: Number(process.env.POOL ?? 16),
  env: {
    risk: {
      RISK_VELOCITY_MAX_COUNT: '1000000000',
      RISK_VELOCITY_MAX_AMOUNT: '1000000000000000',
    },
  },
});
try {
  const tx = system.client('transactions', TransactionsService);
  const ids = await fundedAccounts(system, { count: 100, amount: 10n ** 12n });
  console.log(services.map((name) => `${name} pid ${pidOf(system, name)}`).join(', '));
  const idleMs = 5_000;
  const idleBefore = services.map((name) => cpuMs(pidOf(system, name)));
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const idle = services.map(
    (name, i) => (cpuMs(pidOf(system, name)) - (idleBefore[i] ?? 0)) / (idleMs / 1000),
  );
  if (countsDir) for (const name of services) process.kill(pidOf(system, name), 'SIGUSR2');
  const cpuBefore = services.map((name) => cpuMs(pidOf(system, name)));
  const machineBefore = machineCpuMs();
  const serversBefore = serverCpuMs();
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
  const machineMs = machineCpuMs() - machineBefore;
  const serversAfter = serverCpuMs();
  latencies.sort((x, y) => x - y);
  console.table(
    services.map((name, i) => ({
      service: name,
      'cpu ms per transfer': ((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) / Math.max(1, latencies.length),
      'idle cpu ms per s': idle[i],
    })),
  );
  console.log(
    `machine cpu ms per transfer (every process): ${(machineMs / Math.max(1, latencies.length)).toFixed(2)}`,
  );
  for (const [name, ms] of Object.entries(serversAfter)) {
    const spent = ms - (serversBefore[name] ?? 0);
    console.log(`${name} cpu ms per transfer: ${(spent / Math.max(1, latencies.length)).toFixed(2)}`);
  }
  for (const name of services) {
    const metrics = await (await fetch(`${system.adminUrl(name)}/metrics`)).text();
    const read = (metric: string) =>
      Number(metrics.match(new RegExp(`^${metric}\\{group="${name}"\\} (\\S+)$`, 'm'))?.[1] ?? 0);
    const commits = read('paymesh_group_commit_units_count');
    if (commits > 0) {
      const retried = read('paymesh_group_commit_retried_total');
      console.log(
        `${name}: ${(read('paymesh_group_commit_units_sum') / commits).toFixed(2)} units per group commit over ${commits}, ${retried} retried`,
      );
    }
  }
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
  transfers = latencies.length;
} finally {
  const pids = new Map(services.map((name) => [system.pid(name), name]));
  await system.dispose();
  if (countsDir) printStatements(countsDir, pids, transfers);
}

/** Statements per transfer of each service, with the most frequent ones. */
function printStatements(dir: string, pids: Map<number | undefined, string>, transfers: number): void {
  let all = 0;
  for (const [pid, name] of pids) {
    const file = join(dir, `${pid}.json`);
    if (!existsSync(file)) continue;
    const counts = JSON.parse(readFileSync(file, 'utf8')) as [string, number][];
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    all += total;
    console.log(`${name}: ${(total / transfers).toFixed(2)} statements per transfer`);
    for (const [text, n] of counts.slice(0, 8))
      console.log(`  ${(n / transfers).toFixed(2).padStart(5)}  ${text}`);
  }
  console.log(`all services: ${(all / transfers).toFixed(2)} statements per transfer`);
  rmSync(dir, { recursive: true, force: true });
}

/** CPU time of the servers the system runs on (every postgres backend, the NATS server), in ms. */
function serverCpuMs(): Record<string, number> {
  const totals: Record<string, number> = { postgres: 0, 'nats-server': 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (name in totals) totals[name] = (totals[name] ?? 0) + cpuMs(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return totals;
}

/** CPU time the whole machine has spent busy (not idle or waiting on I/O), in ms. */
function machineCpuMs(): number {
  const fields =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const busy = fields.reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
  return busy * 10;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing value');
  return value;
}
