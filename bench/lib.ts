/**
 * The benchmark harness. A suite measures one figure of the system beside a raw baseline taken in
 * the same process, several times, and reports medians and their ratio: these machines are shared
 * and noisy, so absolute numbers mean little and ratios taken together mean more.
 */

/** One measured figure beside its baseline. */
export interface Figure {
  /** e.g. "rpc-hop". */
  name: string;
  unit: string;
  /** Median of the system's samples. */
  value: number;
  samples: number[];
  baseline: { name: string; value: number; samples: number[] };
  /** value ÷ baseline.value (for rates) — the number the goal is about. */
  ratio: number;
  goal?: { ratio: number; met: boolean };
  /** Further figures of the run (latency percentiles, double-applies...). */
  extra?: Record<string, number | string>;
}

export interface Suite {
  name: string;
  /** Runs the suite; `runs` is how many samples of each side to take. */
  run(options: { runs: number; log: (line: string) => void }): Promise<Figure[]>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The q-quantile (0..1) of `values`, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/**
 * Samples `system` and `baseline` alternately (so drift in machine load hits both alike) and
 * builds the figure from their medians.
 */
export async function compare(options: {
  name: string;
  unit: string;
  runs: number;
  system: () => Promise<number>;
  baseline: { name: string; measure: () => Promise<number> };
  goalRatio?: number;
  log?: (line: string) => void;
}): Promise<Figure> {
  const samples: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    base.push(await options.baseline.measure());
    samples.push(await options.system());
    options.log?.(
      `  ${options.name} run ${i + 1}/${options.runs}: ${fmt(samples.at(-1))} vs ${options.baseline.name} ${fmt(base.at(-1))} ${options.unit}`,
    );
  }
  const value = median(samples);
  const baseValue = median(base);
  const ratio = value / baseValue;
  return {
    name: options.name,
    unit: options.unit,
    value,
    samples,
    baseline: { name: options.baseline.name, value: baseValue, samples: base },
    ratio,
    ...(options.goalRatio === undefined
      ? {}
      : { goal: { ratio: options.goalRatio, met: ratio >= options.goalRatio } }),
  };
}

function fmt(n: number | undefined): string {
  return n === undefined ? '-' : Math.round(n).toLocaleString('en-US');
}
