/**
 * The benchmark harness. A suite measures one figure of the system beside a raw baseline taken in
 * the same process, several times, and reports medians and their ratio: these machines are shared
 * and noisy, so absolute numbers mean little and ratios taken together mean more.
 */

/** One measured figure beside its baseline. */
export interface Figure {
  /** e.g. "rpc-hop". */
  name: string;
  /** One sentence on what is measured, for the report. */
  about?: string;
  unit: string;
  /** Median of the system's samples. */
  value: number;
  samples: number[];
  baseline: { name: string; value: number; samples: number[] };
  /** value ÷ baseline.value (for rates) — the number the goal is about. */
  ratio: number;
  goal?: { ratio: number; met: boolean };
  /** Goals of the run that are limits rather than ratios (e.g. p99 ≤ 100 ms at half load). */
  bounds?: Bound[];
  /** Further figures of the run (latency percentiles, double-applies...). */
  extra?: Record<string, number | string>;
  /** What the HTML report draws for this figure. */
  charts?: FigureCharts;
}

/** A measured value held to an upper limit. */
export interface Bound {
  name: string;
  value: number;
  unit: string;
  atMost: number;
  met: boolean;
}

/** Completion latencies counted into buckets of equal width, with an overflow bucket at the end. */
export interface LatencyHistogram {
  /** e.g. "half load (21 transfers/s, open loop)". */
  label: string;
  bucketMs: number;
  /** counts[i] holds latencies in [i·bucketMs, (i+1)·bucketMs); the last one everything above. */
  counts: number[];
  /** Whether the last bucket holds everything from its lower edge up (latencies beyond the range). */
  overflow: boolean;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** A limit the goal sets, drawn as a line (e.g. 100 ms). */
  goalMs?: number;
}

/** Completed operations in each second of one or more load phases, drawn one after the other. */
export interface ThroughputTimeline {
  label: string;
  unit: string;
  /** Each phase's per-second counts (its last second may be partial) and its rate over the whole phase. */
  segments: { label: string; perSecond: number[]; rate: number }[];
}

export interface FigureCharts {
  histograms?: LatencyHistogram[];
  timelines?: ThroughputTimeline[];
}

/** One service process of a running system, measured. */
export interface ProcessFacts {
  service: string;
  /** VmRSS once the system was up and nothing had called it yet. */
  idleRssMiB: number;
  /** VmRSS after the load, idle again. */
  rssAfterLoadMiB?: number;
  /** A graceful stop and a start again until /readyz answers (its database exists then). */
  restartMs: number;
}

/** The cost of a whole system: bringing it up and keeping it idle. */
export interface SystemFacts {
  services: string[];
  /** startSystem's wall time: databases, streams, every service started in order until ready. */
  startupMs: number;
  processes: ProcessFacts[];
}

/** What a suite hands back: its figures and, when it ran a whole system, that system's facts. */
export interface SuiteResult {
  figures: Figure[];
  system?: SystemFacts;
}

/** The machine a run took place on; the load average says how busy it was with other work. */
export interface Machine {
  cpus: number;
  cpuModel: string | undefined;
  memoryGiB: number;
  node: string;
  /** os.loadavg() (1, 5, 15 min) when the run began and when it ended. */
  loadAverage?: { start: number[]; end: number[] };
}

/** A whole run, as bench/results/<date>.json holds it and the HTML report shows it. */
export interface BenchResults {
  date: string;
  runs: number;
  machine: Machine;
  figures: Figure[];
  system?: SystemFacts;
}

export interface Suite {
  name: string;
  /** Runs the suite; `runs` is how many samples of each side to take. */
  run(options: { runs: number; log: (line: string) => void }): Promise<Figure[] | SuiteResult>;
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

/** The figure of samples taken beside baseline samples: their medians and the ratio the goal is about. */
export function figureOf(options: {
  name: string;
  unit: string;
  samples: number[];
  baseline: { name: string; samples: number[] };
  goalRatio?: number;
}): Figure {
  const value = median(options.samples);
  const baseValue = median(options.baseline.samples);
  const ratio = value / baseValue;
  return {
    name: options.name,
    unit: options.unit,
    value,
    samples: options.samples,
    baseline: { name: options.baseline.name, value: baseValue, samples: options.baseline.samples },
    ratio,
    ...(options.goalRatio === undefined
      ? {}
      : { goal: { ratio: options.goalRatio, met: ratio >= options.goalRatio } }),
  };
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
  return figureOf({
    name: options.name,
    unit: options.unit,
    samples,
    baseline: { name: options.baseline.name, samples: base },
    ...(options.goalRatio === undefined ? {} : { goalRatio: options.goalRatio }),
  });
}

/** A rate as the log lines print it: rounded, with thousands separators. */
export function fmt(n: number | undefined): string {
  return n === undefined ? '-' : Math.round(n).toLocaleString('en-US');
}
