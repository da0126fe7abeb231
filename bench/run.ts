/**
 * `npm run bench [suite...]`: runs the benchmark suites, prints each figure beside its baseline and
 * writes bench/results/<date>.json and, beside it, bench/results/<date>.html (the report: charts,
 * goals, the system's cost, the machine). BENCH_RUNS sets the samples per side (default 5).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchResults, Figure, Machine, Suite, SystemFacts } from './lib.js';
import { renderReport } from './report/html.js';

const suites: Record<string, () => Promise<Suite>> = {
  'rpc-hop': async () => (await import('./suites/rpc-hop.js')).suite,
  relay: async () => (await import('./suites/relay.js')).suite,
  inbox: async () => (await import('./suites/inbox.js')).suite,
  'transfer-saga': async () => (await import('./suites/transfer-saga.js')).suite,
  'gateway-load': async () => (await import('./suites/gateway-load.js')).suite,
  'service-hops': async () => (await import('./suites/service-hops.js')).suite,
};

const runs = Number(process.env.BENCH_RUNS ?? 5);
const wanted = process.argv.slice(2);
const selected = wanted.length ? wanted : Object.keys(suites);
const unknown = selected.filter((name) => !(name in suites));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

const loadAtStart = loadavg();
const figures: Figure[] = [];
let system: SystemFacts | undefined;
for (const name of selected) {
  const load = suites[name] as () => Promise<Suite>;
  const suite = await load();
  console.log(`▶ ${suite.name}`);
  const result = await suite.run({ runs, log: (line) => console.log(line) });
  if (Array.isArray(result)) figures.push(...result);
  else {
    figures.push(...result.figures);
    system = result.system ?? system;
  }
}

console.log('\nfigure                     median            baseline          ratio   goal');
for (const f of figures) {
  const goal = f.goal ? `${f.goal.met ? '✓' : '✗'} ≥ ${f.goal.ratio}` : '';
  console.log(
    `${f.name.padEnd(26)} ${`${Math.round(f.value).toLocaleString('en-US')} ${f.unit}`.padEnd(17)} ${`${Math.round(f.baseline.value).toLocaleString('en-US')} ${f.unit}`.padEnd(17)} ${f.ratio.toFixed(2).padStart(5)}   ${goal}`,
  );
  for (const b of f.bounds ?? []) {
    console.log(
      `${''.padEnd(28)}${b.met ? '✓' : '✗'} ${b.name}: ${b.value} ${b.unit} (goal ≤ ${b.atMost} ${b.unit})`,
    );
  }
  for (const [key, value] of Object.entries(f.extra ?? {})) console.log(`${''.padEnd(28)}${key}: ${value}`);
}
if (system) {
  console.log(`\nsystem (${system.services.join(', ')}) up in ${system.startupMs} ms`);
  console.log('service        idle RSS MiB   after load MiB   restart ms');
  for (const p of system.processes) {
    console.log(
      `${p.service.padEnd(14)} ${p.idleRssMiB.toFixed(1).padStart(12)}   ${(p.rssAfterLoadMiB?.toFixed(1) ?? '-').padStart(14)}   ${String(p.restartMs).padStart(10)}`,
    );
  }
}

const machine: Machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverage: { start: loadAtStart, end: loadavg() },
};
const date = new Date();
const stamp = date.toISOString().replace(/[:.]/g, '-');
const results: BenchResults = {
  date: date.toISOString(),
  runs,
  machine,
  figures,
  ...(system ? { system } : {}),
};
const directory = join(import.meta.dirname, 'results');
await mkdir(directory, { recursive: true });
const file = join(directory, `${stamp}.json`);
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(join(directory, `${stamp}.html`), renderReport(results));
console.log(`\nresults written to ${file} and the report to ${stamp}.html beside it`);
process.exit(0);
