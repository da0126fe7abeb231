/**
 * The bank test, shortened for the test suite: about a thousand transfers through the money path
 * while every kind of fault strikes twice, then every invariant of `npm run chaos` must hold.
 * SEED=<n> replays a run.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runBankTest } from './lib/bank-run.js';
import { FAULT_KINDS } from './lib/faults.js';
import { formatReport } from './lib/report.js';
import { freshSeed } from './lib/rng.js';

it('keeps every invariant of the bank under kills, NATS restarts, lost connections and pauses', {
  timeout: 600_000,
}, async () => {
  const seed = process.env.SEED === undefined ? freshSeed() : Number(process.env.SEED);
  console.log(`seed=${seed}`);
  const run = await runBankTest({
    seed,
    transfers: 1_000,
    faults: FAULT_KINDS.length * 2,
    concurrency: 16,
    owners: 12,
    quiescenceTimeoutMs: 120_000,
    retryBudgetMs: 120_000,
    databasePoolMax: 5,
    log: (line) => console.log(`[chaos] ${line}`),
  });
  const report = formatReport(run);
  console.log(report);
  const violated = run.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details.join('; ')}`);
  assert.deepEqual(violated, [], `seed ${seed}:\n${report}`);
  assert.equal(run.views.length, 1_000);
  for (const kind of FAULT_KINDS) {
    assert.ok(run.injected.filter((f) => f.fault.kind === kind).length >= 2, `${kind} struck twice`);
  }
});
