/**
 * The report's charts as inline SVG drawn here (no library, nothing fetched): a latency histogram
 * with its percentiles and goal marked, and a per-second throughput timeline of load phases side by
 * side. Every bar has a tooltip with its figures.
 */
import type { LatencyHistogram, ThroughputTimeline } from '../lib.js';
import { escapeHtml } from './escape-html.js';
import { roundWidth } from './histogram.js';

const WIDTH = 760;
const HEIGHT = 260;
const MARGIN = { left: 56, right: 16, top: 34, bottom: 42 };
const PLOT = { width: WIDTH - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };
const X_LABELS = 10;
/** A timeline labels every this many seconds of each phase. */
const SECONDS_LABELLED = 5;
/** About the width of one character of an 11 px label. */
const CHAR_WIDTH = 7;

export function histogramSvg(h: LatencyHistogram): string {
  const peak = Math.max(1, ...h.counts);
  const axis = yAxis(peak, 'transfers');
  const width = PLOT.width / Math.max(1, h.counts.length);
  const regular = h.overflow ? h.counts.length - 1 : h.counts.length;
  const bars = h.counts.map((n, i) => {
    const range =
      h.overflow && i === regular
        ? `≥ ${ms(i * h.bucketMs)}`
        : `${ms(i * h.bucketMs)}–${ms((i + 1) * h.bucketMs)}`;
    return bar(MARGIN.left + i * width, width, n, axis.top, `${range} ms: ${n} transfers`);
  });
  const every = Math.ceil(h.counts.length / X_LABELS);
  // The overflow bucket's label replaces the regular ones it would overlap.
  const labelled = (i: number) =>
    h.overflow ? i === regular || (i % every === 0 && i <= regular - every) : i % every === 0;
  const labels = h.counts.flatMap((_, i) =>
    labelled(i)
      ? [
          xLabel(
            MARGIN.left + i * width,
            h.overflow && i === regular ? `≥${ms(i * h.bucketMs)}` : ms(i * h.bucketMs),
          ),
        ]
      : [],
  );
  const at = (value: number) =>
    MARGIN.left + Math.min(value / h.bucketMs, regular + (h.overflow ? 0.5 : 0)) * width;
  const markers = [
    ['p50', h.p50],
    ['p95', h.p95],
    ['p99', h.p99],
  ].flatMap(([name, value], row) =>
    Number.isFinite(value)
      ? [marker(at(value as number), row, `${name} ${ms(value as number)} ms`, 'pct')]
      : [],
  );
  const goal = h.goalMs === undefined ? [] : [marker(at(h.goalMs), 3, `goal ≤ ${ms(h.goalMs)} ms`, 'goal')];
  return frame(`Latency histogram: ${h.label}`, [
    ...axis.svg,
    ...bars,
    ...labels,
    ...markers,
    ...goal,
    axisTitle('completion latency, ms'),
  ]);
}

export function timelineSvg(t: ThroughputTimeline): string {
  const total = t.segments.reduce((n, s) => n + s.perSecond.length, 0);
  const peak = Math.max(1, ...t.segments.flatMap((s) => s.perSecond));
  const axis = yAxis(peak, t.unit);
  const width = PLOT.width / Math.max(1, total);
  const parts: string[] = [...axis.svg];
  let offset = 0;
  /** Where the last phase label on the upper row ends: a label that would overlap it goes lower. */
  let upperRowEnd = Number.NEGATIVE_INFINITY;
  for (const segment of t.segments) {
    const x0 = MARGIN.left + offset * width;
    segment.perSecond.forEach((n, i) => {
      parts.push(
        bar(x0 + i * width, width, n, axis.top, `${segment.label}, second ${i + 1}: ${n} ${t.unit}`),
      );
      if (i % SECONDS_LABELLED === 0) parts.push(xLabel(x0 + i * width, String(i)));
    });
    const y = MARGIN.top + PLOT.height * (1 - segment.rate / axis.top);
    const x1 = x0 + segment.perSecond.length * width;
    parts.push(
      `<line class="mean" x1="${n2(x0)}" x2="${n2(x1)}" y1="${n2(y)}" y2="${n2(y)}"><title>${escapeHtml(`${segment.label}: ${segment.rate.toFixed(1)} ${t.unit} over the phase`)}</title></line>`,
      `<line class="sep" x1="${n2(x0)}" x2="${n2(x0)}" y1="${MARGIN.top - 28}" y2="${MARGIN.top + PLOT.height}"/>`,
    );
    const upper = x0 > upperRowEnd;
    if (upper) upperRowEnd = x0 + 9 + segment.label.length * CHAR_WIDTH;
    parts.push(
      `<text class="seg" x="${n2(x0 + 3)}" y="${MARGIN.top - (upper ? 18 : 4)}">${escapeHtml(segment.label)}</text>`,
    );
    offset += segment.perSecond.length;
  }
  return frame(`Throughput over time: ${t.label}`, [...parts, axisTitle('seconds into each phase')]);
}

function frame(title: string, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<rect class="plot" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT.width}" height="${PLOT.height}"/>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** Gridlines and labels of a y axis from 0 to a round top above `peak`. */
function yAxis(peak: number, unit: string): { top: number; svg: string[] } {
  const step = roundWidth(peak / 5);
  const top = Math.ceil(peak / step) * step;
  const svg: string[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = MARGIN.top + PLOT.height * (1 - v / top);
    svg.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT.width}" y1="${n2(y)}" y2="${n2(y)}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${n2(y + 4)}" text-anchor="end">${escapeHtml(compact(v))}</text>`,
    );
  }
  svg.push(
    `<text class="axis" transform="translate(14 ${MARGIN.top + PLOT.height / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(unit)}</text>`,
  );
  return { top, svg };
}

function bar(x: number, width: number, value: number, top: number, tooltip: string): string {
  const height = (PLOT.height * value) / top;
  const gap = width > 4 ? 1 : 0;
  return `<rect class="bar" x="${n2(x + gap / 2)}" y="${n2(MARGIN.top + PLOT.height - height)}" width="${n2(Math.max(0.5, width - gap))}" height="${n2(height)}"><title>${escapeHtml(tooltip)}</title></rect>`;
}

/** A vertical line across the plot with its label on row `row` (rows keep labels apart). */
function marker(x: number, row: number, label: string, cls: string): string {
  const y = MARGIN.top + 12 + row * 13;
  const anchor = x > MARGIN.left + PLOT.width * 0.8 ? 'end' : 'start';
  const dx = anchor === 'end' ? -4 : 4;
  return [
    `<line class="${cls}" x1="${n2(x)}" x2="${n2(x)}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT.height}"/>`,
    `<text class="${cls}-label" x="${n2(x + dx)}" y="${y}" text-anchor="${anchor}">${escapeHtml(label)}</text>`,
  ].join('');
}

function xLabel(x: number, text: string): string {
  return `<text class="tick" x="${n2(x)}" y="${MARGIN.top + PLOT.height + 14}" text-anchor="middle">${escapeHtml(text)}</text>`;
}

function axisTitle(text: string): string {
  return `<text class="axis" x="${MARGIN.left + PLOT.width / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(text)}</text>`;
}

function ms(value: number): string {
  return value >= 100 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

function compact(value: number): string {
  return value >= 10_000 ? `${Math.round(value / 1000)}k` : String(Math.round(value * 100) / 100);
}

function n2(value: number): string {
  return String(Math.round(value * 100) / 100);
}
