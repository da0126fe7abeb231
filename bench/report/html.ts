/**
 * The HTML report of a benchmark run: one self-contained file (inline CSS and SVG, no script, nothing
 * fetched) with the goals met and missed, every figure beside its baseline, each suite's further
 * figures and charts, the cost of the system it ran, and the machine. Every text from the results
 * is escaped.
 */
import type { BenchResults, Figure, SystemFacts } from '../lib.js';
import { escapeHtml } from './escape-html.js';
import { histogramSvg, timelineSvg } from './svg-charts.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d232b; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d5dae0; }
table { border-collapse: collapse; margin: .6rem 0 1rem; } th, td { padding: .25rem .7rem; text-align: left; border-bottom: 1px solid #e6e9ed; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } .met { color: #1a7f37; } .missed { color: #c0262d; font-weight: 600; }
.note { background: #fff8e5; border-left: 4px solid #e0a800; padding: .5rem .8rem; }
svg.chart { width: 100%; height: auto; margin: .5rem 0 1.2rem; }
.plot { fill: #fafbfc; stroke: #d5dae0; } .grid { stroke: #e6e9ed; } .bar { fill: #4a78c2; } .bar:hover { fill: #23498a; }
.tick, .axis, .seg { font-size: 11px; fill: #57606a; } .sep { stroke: #8c959f; stroke-dasharray: 3 3; }
.mean { stroke: #e07b00; stroke-width: 1.5; } .pct { stroke: #1d232b; stroke-dasharray: 4 3; } .pct-label { font-size: 11px; fill: #1d232b; }
.goal { stroke: #c0262d; stroke-width: 1.5; } .goal-label { font-size: 11px; fill: #c0262d; font-weight: 600; }
`;

export function renderReport(results: BenchResults): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>paymesh benchmark ${escapeHtml(results.date)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>paymesh benchmark</h1>`,
    `<p>${escapeHtml(results.date)} · medians of ${escapeHtml(results.runs)} run(s) per side · ${machineLine(results)}</p>`,
    noiseNote(results),
    goalsSection(results.figures),
    figuresSection(results.figures),
    ...results.figures.map(figureSection),
    results.system ? systemSection(results.system) : '',
    '<p><small>Written by <code>npm run bench</code>; the JSON of the same run lies beside this file.</small></p>',
    '</body></html>',
    '',
  ].join('\n');
}

function machineLine({ machine }: BenchResults): string {
  return escapeHtml(
    `${machine.cpus} CPU(s) ${machine.cpuModel ?? 'unknown model'}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
  );
}

function noiseNote({ machine }: BenchResults): string {
  const load = machine.loadAverage;
  const averages = load
    ? ` Load average (1, 5, 15 min) at the start ${load.start.map((v) => v.toFixed(2)).join(', ')}, at the end ${load.end.map((v) => v.toFixed(2)).join(', ')}.`
    : '';
  return `<p class="note">Each figure is measured beside a raw baseline in the same run, alternately, so that other work on the machine slows both alike: read the ratios rather than the absolute rates.${escapeHtml(averages)}</p>`;
}

function goalsSection(figures: readonly Figure[]): string {
  const rows = figures.flatMap((f) => [
    ...(f.goal
      ? [row([f.name, `ratio ${f.ratio.toFixed(2)}`, `≥ ${f.goal.ratio}`, { met: f.goal.met }])]
      : []),
    ...(f.bounds ?? []).map((b) =>
      row([
        `${f.name}: ${b.name}`,
        `${number(b.value)} ${b.unit}`,
        `≤ ${b.atMost} ${b.unit}`,
        { met: b.met },
      ]),
    ),
  ]);
  if (!rows.length) return '';
  return `<h2>Goals</h2>${table(['figure', 'measured', 'goal', ''], rows)}`;
}

function figuresSection(figures: readonly Figure[]): string {
  const rows = figures.map((f) =>
    row([
      f.name,
      { num: `${number(f.value)} ${f.unit}` },
      f.baseline.name,
      { num: `${number(f.baseline.value)} ${f.unit}` },
      { num: f.ratio.toFixed(2) },
      f.goal ? { met: f.goal.met, text: `≥ ${f.goal.ratio}` } : '',
      { num: String(f.samples.length) },
    ]),
  );
  return `<h2>Figures</h2>${table(['figure', 'median', 'raw baseline (same run)', 'its median', 'ratio', 'goal', 'samples'], rows)}`;
}

function figureSection(f: Figure): string {
  const extra = Object.entries(f.extra ?? {}).map(([key, value]) =>
    row([key, { num: typeof value === 'number' ? number(value) : value }]),
  );
  const charts = [
    ...(f.charts?.histograms ?? []).map((h) => `<h3>Latency: ${escapeHtml(h.label)}</h3>${histogramSvg(h)}`),
    ...(f.charts?.timelines ?? []).map((t) => `<h3>Throughput: ${escapeHtml(t.label)}</h3>${timelineSvg(t)}`),
  ];
  if (!extra.length && !charts.length && !f.about) return '';
  return [
    `<h2>${escapeHtml(f.name)}</h2>`,
    f.about ? `<p>${escapeHtml(f.about)}</p>` : '',
    `<p>Samples: ${escapeHtml(f.samples.map(number).join(', '))} ${escapeHtml(f.unit)}; ${escapeHtml(f.baseline.name)}: ${escapeHtml(f.baseline.samples.map(number).join(', '))}.</p>`,
    extra.length ? table(['', ''], extra) : '',
    ...charts,
  ].join('\n');
}

function systemSection(system: SystemFacts): string {
  const rows = system.processes.map((p) =>
    row([
      p.service,
      { num: p.idleRssMiB.toFixed(1) },
      { num: p.rssAfterLoadMiB === undefined ? '–' : p.rssAfterLoadMiB.toFixed(1) },
      { num: String(Math.round(p.restartMs)) },
    ]),
  );
  const total = system.processes.reduce((n, p) => n + p.idleRssMiB, 0);
  return [
    '<h2>The system it ran</h2>',
    `<p>${escapeHtml(system.services.join(', '))} as real processes. Brought up (databases, streams, every service in order until ready) in ${escapeHtml(number(system.startupMs))} ms; idle, together ${escapeHtml(total.toFixed(0))} MiB resident.</p>`,
    table(['service', 'idle RSS, MiB', 'RSS after the load, MiB', 'restart to ready, ms'], rows),
  ].join('\n');
}

/** Text, a right-aligned number, or a goal's verdict (after an optional text). */
type Cell = string | { num: string } | { met: boolean; text?: string };

function row(cells: Cell[]): string {
  return `<tr>${cells.map(cell).join('')}</tr>`;
}

function cell(c: Cell): string {
  if (typeof c === 'string') return `<td>${escapeHtml(c)}</td>`;
  if ('num' in c) return `<td class="num">${escapeHtml(c.num)}</td>`;
  const mark = c.met ? '<span class="met">✓ met</span>' : '<span class="missed">✗ missed</span>';
  return `<td>${c.text ? `${escapeHtml(c.text)} ` : ''}${mark}</td>`;
}

function table(headers: string[], rows: string[]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function number(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}
