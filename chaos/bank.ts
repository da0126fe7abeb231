/**
 * `npm run chaos [-- --seed N --transfers N --faults N --concurrency N --owners N]`: the bank test.
 * Drives transfers through the money path while a seeded injector kills services, restarts NATS,
 * terminates database connections and pauses processes; then waits for quiet, checks that no money
 * was lost or made and every event applied once, prints the report and exits non-zero on any
 * violation. The defaults are the full run.
 */
import { parseArgs } from 'node:util';
import { runBankTest } from './lib/bank-run.js';
import { formatReport } from './lib/report.js';
import { freshSeed } from './lib/rng.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    transfers: { type: 'string', default: '10000' },
    faults: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '32' },
    owners: { type: 'string', default: '16' },
    'quiescence-timeout-ms': { type: 'string', default: '120000' },
    'retry-budget-ms': { type: 'string', default: '120000' },
    'pool-max': { type: 'string', default: '6' },
  },
});

function whole(name: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return value;
}

// Exit through 'exit' so the harness and the private broker take their processes down with us.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const started = Date.now();
const run = await runBankTest({
  seed: values.seed === undefined ? freshSeed() : whole('seed', values.seed, 0),
  transfers: whole('transfers', values.transfers, 1),
  faults: whole('faults', values.faults, 0),
  concurrency: whole('concurrency', values.concurrency, 1),
  owners: whole('owners', values.owners, 2),
  quiescenceTimeoutMs: whole('quiescence-timeout-ms', values['quiescence-timeout-ms'], 0),
  retryBudgetMs: whole('retry-budget-ms', values['retry-budget-ms'], 0),
  databasePoolMax: whole('pool-max', values['pool-max'], 1),
  log: (line) => console.log(`[chaos +${((Date.now() - started) / 1_000).toFixed(1)} s] ${line}`),
});
console.log(formatReport(run));
process.exitCode = run.checks.every((c) => c.ok) ? 0 : 1;
