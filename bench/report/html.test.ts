import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BenchResults } from '../lib.js';
import { latencyHistogram } from './histogram.js';
import { renderReport } from './html.js';

const results = (name: string): BenchResults => ({
  date: '2026-12-02T10:00:00.000Z',
  runs: 3,
  machine: {
    cpus: 2,
    cpuModel: 'AMD EPYC <script>',
    memoryGiB: 24,
    node: 'v24.21.0',
    loadAverage: { start: [1.5, 1, 0.5], end: [2, 1.25, 0.75] },
  },
  figures: [
    {
      name,
      unit: 'transfers/s',
      value: 40,
      samples: [38, 40, 41],
      baseline: { name: 'pg-transfer-leg', value: 1_500, samples: [1_400, 1_500, 1_600] },
      ratio: 40 / 1_500,
      goal: { ratio: 0.2, met: false },
      bounds: [{ name: 'p99 at half load', value: 87, unit: 'ms', atMost: 100, met: true }],
      extra: { 'p50 ms at half load': 31.5, protocol: 'Connect & "JSON"' },
      charts: {
        histograms: [latencyHistogram('half load', [20, 25, 31, 40, 87], { goalMs: 100 })],
        timelines: [
          {
            label: 'every phase',
            unit: 'transfers/s',
            segments: [
              { label: 'run 1', perSecond: [39, 41], rate: 40 },
              { label: 'half load', perSecond: [20, 21, 19], rate: 20 },
            ],
          },
        ],
      },
    },
  ],
  system: {
    services: ['gateway'],
    startupMs: 9_000,
    processes: [{ service: 'gateway', idleRssMiB: 101.2, rssAfterLoadMiB: 130.4, restartMs: 1_200 }],
  },
});

describe('renderReport', () => {
  const html = renderReport(results('gateway-load'));

  it('is one self-contained page: no script, nothing loaded from elsewhere', () => {
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /\b(src|href)=/i);
    assert.doesNotMatch(html, /@import|url\(/i);
  });

  it('draws a latency histogram with its percentiles and goal, and a throughput timeline with every phase', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    assert.equal(svgs.length, 2);
    const [histogram, timeline] = svgs as [string, string];
    assert.match(histogram, /aria-label="Latency histogram: half load"/);
    assert.equal(
      histogram.match(/<rect class="bar"/g)?.length,
      latencyHistogram('', [20, 25, 31, 40, 87], { goalMs: 100 }).counts.length,
    );
    assert.match(histogram, /p99 87 ms/);
    assert.match(histogram, /goal ≤ 100 ms/);
    assert.match(timeline, /aria-label="Throughput over time: every phase"/);
    assert.equal(timeline.match(/<rect class="bar"/g)?.length, 5);
    assert.match(timeline, />run 1</);
    assert.match(timeline, />half load</);
    assert.match(timeline, /half load, second 3: 19 transfers\/s/);
    assert.match(timeline, /half load: 20\.0 transfers\/s over the phase/);
  });

  it('has the figures with their ratio and goals, the system and the machine', () => {
    assert.match(html, /gateway-load/);
    assert.match(html, /0\.03/);
    assert.match(html, /≥ 0\.2 <span class="missed">✗ missed<\/span>/);
    assert.match(html, /p99 at half load<\/td><td>87 ms<\/td><td>≤ 100 ms<\/td><td><span class="met">✓ met/);
    assert.match(html, /101\.2/);
    assert.match(html, /2 CPU\(s\)/);
    assert.match(html, /24 GiB, Node v24\.21\.0/);
    assert.match(html, /2026-12-02T10:00:00\.000Z/);
  });

  it('escapes every text it is given', () => {
    const hostile = renderReport(results('<img onerror=alert(1)>'));
    assert.doesNotMatch(hostile, /<img/);
    assert.match(hostile, /&lt;img onerror=alert\(1\)&gt;/);
    assert.match(html, /AMD EPYC &lt;script&gt;/);
    assert.match(html, /Connect &amp; &quot;JSON&quot;/);
  });
});
