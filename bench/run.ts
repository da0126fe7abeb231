/**
 * `npm run bench [suite...]`: runs the benchmark suites, prints each figure beside its baseline and
 * writes bench/results/<date>.json. BENCH_RUNS sets the samples per side (default 5).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Figure, Suite } from './lib.js';

const suites: Record<string, () => Promise<Suite>> = {
  'rpc-hop': async () => (await import('./suites/rpc-hop.js')).suite,
  relay: async () => (await import('./suites/relay.js')).suite,
  inbox: async () => (await import('./suites/inbox.js')).suite,
  'transfer-saga': async () => (await import('./suites/transfer-saga.js')).suite,
};

const runs = Number(process.env.BENCH_RUNS ?? 5);
const wanted = process.argv.slice(2);
const selected = wanted.length ? wanted : Object.keys(suites);
const unknown = selected.filter((name) => !(name in suites));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

const figures: Figure[] = [];
for (const name of selected) {
  const load = suites[name] as () => Promise<Suite>;
  const suite = await load();
  console.log(`▶ ${suite.name}`);
  figures.push(...(await suite.run({ runs, log: (line) => console.log(line) })));
}

console.log('\nfigure                     median            baseline          ratio   goal');
for (const f of figures) {
  const goal = f.goal ? `${f.goal.met ? '✓' : '✗'} ≥ ${f.goal.ratio}` : '';
  console.log(
    `${f.name.padEnd(26)} ${`${Math.round(f.value).toLocaleString('en-US')} ${f.unit}`.padEnd(17)} ${`${Math.round(f.baseline.value).toLocaleString('en-US')} ${f.unit}`.padEnd(17)} ${f.ratio.toFixed(2).padStart(5)}   ${goal}`,
  );
  for (const [key, value] of Object.entries(f.extra ?? {})) console.log(`${''.padEnd(28)}${key}: ${value}`);
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
const file = join(import.meta.dirname, 'results', `${stamp}.json`);
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), runs, machine, figures }, null, 2)}\n`,
);
console.log(`\nresults written to ${file}`);
process.exit(0);
