/**
 * Latency histograms for the report: buckets of one round width (1, 2, 2.5 or 5 × 10ⁿ ms) covering
 * the bulk and the p99 with room to spare, and one last bucket for a tail far beyond it, so a few
 * stragglers do not squeeze every other bar into one.
 */
import { type LatencyHistogram, quantile } from '../lib.js';

/** Buckets a histogram aims at (it gets at most this many, plus the overflow one). */
const TARGET_BUCKETS = 40;
/** The range drawn reaches at least this far beyond the p99 before the rest is overflow. */
const TAIL_ROOM = 1.5;

/** The smallest round width (1, 2, 2.5, 5 × 10ⁿ) that is at least `raw`. */
export function roundWidth(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= raw * (1 - 1e-12)) ?? 10;
  return step * power;
}

export function latencyHistogram(
  label: string,
  latencies: readonly number[],
  options: { goalMs?: number; buckets?: number } = {},
): LatencyHistogram {
  const p99 = quantile(latencies, 0.99);
  const max = latencies.reduce((m, v) => Math.max(m, v), 0);
  const span = Math.max(Math.min(max, p99 * TAIL_ROOM) || 0, options.goalMs ?? 0) || 1;
  const bucketMs = roundWidth(span / (options.buckets ?? TARGET_BUCKETS));
  const regular = Math.max(1, Math.ceil(span / bucketMs));
  const overflow = max >= regular * bucketMs;
  const counts = new Array<number>(regular + (overflow ? 1 : 0)).fill(0);
  for (const ms of latencies) {
    const i = Math.min(counts.length - 1, Math.floor(ms / bucketMs));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return {
    label,
    bucketMs,
    counts,
    overflow,
    count: latencies.length,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99,
    max,
    ...(options.goalMs === undefined ? {} : { goalMs: options.goalMs }),
  };
}

/** How many of `endedAt` (ms, same clock as `startedAt`) fall in each second from `startedAt`. */
export function perSecond(endedAt: readonly number[], startedAt: number, durationMs: number): number[] {
  const last = endedAt.reduce((m, t) => Math.max(m, t), startedAt);
  const seconds = Math.max(Math.ceil(durationMs / 1000), Math.floor((last - startedAt) / 1000) + 1);
  const counts = new Array<number>(seconds).fill(0);
  for (const t of endedAt) {
    if (t < startedAt) continue;
    const i = Math.floor((t - startedAt) / 1000);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}
