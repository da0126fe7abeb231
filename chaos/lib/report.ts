/** The bank test's report: what was driven, what struck, how long the system took to settle, each check. */
import type { BankRunResult } from './bank-run.js';
import { FAULT_KINDS } from './faults.js';

export function formatReport(run: BankRunResult): string {
  const { options, timings } = run;
  const lines: string[] = [];
  const table = (title: string, rows: [string, string][]) => {
    const width = Math.max(...rows.map(([k]) => k.length), 10);
    lines.push('', title);
    for (const [k, v] of rows) lines.push(`  ${k.padEnd(width)}  ${v}`);
  };

  lines.push(
    `bank test, seed ${options.seed} (replay: npm run chaos -- --seed ${options.seed} --transfers ${options.transfers} --faults ${options.faults} --concurrency ${options.concurrency})`,
  );
  const byIntent = (intent: string) => run.views.filter((v) => v.planned.intent === intent).length;
  table('transfers by outcome', [
    ...[...run.outcomes]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]): [string, string] => [k, String(n)]),
    [
      'planned',
      `${run.views.length} (${byIntent('overdraft')} overdrafts, ${byIntent('denied')} over risk's limit, ${run.views.filter((v) => v.planned.doubled).length} sent twice)`,
    ],
    [
      'cross-currency',
      String(run.views.filter((v) => v.planned.source.currency !== v.planned.destination.currency).length),
    ],
    ['client retries', String(run.views.reduce((n, v) => n + v.calls - (v.planned.doubled ? 2 : 1), 0))],
    ['accounts', `${run.accounts.length} (${options.owners} owners × USD, EUR, GBP)`],
  ]);

  table(
    'faults by kind',
    FAULT_KINDS.map((kind): [string, string] => {
      const of = run.injected.filter((f) => f.fault.kind === kind);
      const targets = of.map((f) => f.fault.service ?? '').filter(Boolean);
      const caught = of.filter((f) => (f.unrecorded ?? 0) > 0).length;
      const detail = kind === 'relay-kill' ? `, ${caught} caught with published events unrecorded` : '';
      return [kind, `${of.length}${targets.length ? ` (${countWords(targets)})` : ''}${detail}`];
    }),
  );

  const total = (name: Parameters<BankRunResult['evidence']['total']>[0]) => String(run.evidence.total(name));
  table('evidence (service counters, summed over restarts)', [
    ['broker dedupe hits', total('paymesh_outbox_duplicates_total')],
    ['redeliveries', total('paymesh_consumer_redelivered_total')],
    ['consumer retries', total('paymesh_consumer_retried_total')],
    ['relay publish failures', total('paymesh_outbox_publish_failures_total')],
    ['events published', total('paymesh_outbox_published_total')],
    ['events applied', total('paymesh_consumer_applied_total')],
  ]);

  const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
  table('time', [
    [
      'driving',
      `${seconds(timings.drivingMs)} (${((run.views.length / timings.drivingMs) * 1_000).toFixed(1)} transfers/s, concurrency ${options.concurrency})`,
    ],
    [
      'quiet after last fault',
      `${seconds(timings.quietAt - timings.lastFaultEndedAt)}${run.quiescence.reached ? '' : ' (NOT reached)'}`,
    ],
    ['quiet after last answer', seconds(timings.quietAt - timings.drivingEndedAt)],
  ]);

  lines.push('', 'invariants');
  for (const check of run.checks) {
    lines.push(`  ${check.ok ? '✓' : '✗'} ${check.name}: ${check.details[0] ?? ''}`);
    for (const detail of check.details.slice(1)) lines.push(`      ${detail}`);
  }
  const failed = run.checks.filter((c) => !c.ok).length;
  lines.push(
    '',
    failed
      ? `${failed} invariant(s) violated (seed ${options.seed})`
      : `all invariants hold (seed ${options.seed})`,
  );
  return lines.join('\n');
}

function countWords(words: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].map(([w, n]) => `${w} ${n}`).join(', ');
}
