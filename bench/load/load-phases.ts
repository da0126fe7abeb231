/**
 * Load phases for the transfer benchmarks: a closed loop (a fixed number of transfers in flight for
 * a fixed time) and an open loop (transfers started at a fixed rate, whatever the answers do). Each
 * records when every transfer ended and how, and shows a progress bar on the terminal meanwhile:
 * elapsed time, transfers done and the rate over the last second.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { perSecond } from '../report/histogram.js';

/** How a transfer ended for its client: a terminal state, or an error it gave up on. */
export type TransferEnd = 'COMPLETED' | 'FAILED' | 'REJECTED' | 'ERROR';

export interface TransferOutcome {
  end: TransferEnd;
  /** From the first request to the terminal state (retries included). */
  ms: number;
  /** performance.now() when it ended. */
  endedAt: number;
  /** The failure reason or the error's code. */
  reason?: string;
  /** Requests it took (a client retries transient errors with the same idempotency key). */
  attempts: number;
  /** Whether the first answer was not terminal yet, so the client watched it to the end. */
  watched: boolean;
}

/** Starts one transfer and resolves once it is terminal (never rejects: errors are outcomes). */
export type TransferDriver = () => Promise<TransferOutcome>;

export interface PhaseRecord {
  label: string;
  startedAt: number;
  /** Until the last transfer of the phase ended. */
  elapsedMs: number;
  /** The time load was offered (the phase's duration). */
  durationMs: number;
  /** In the order they ended. */
  outcomes: TransferOutcome[];
}

const REFRESH_MS = 250;

export async function closedLoop(
  driver: TransferDriver,
  options: { label: string; concurrency: number; durationMs: number },
): Promise<PhaseRecord> {
  return phase(options.label, options.durationMs, async (record, deadline) => {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) record(await driver());
      }),
    );
  });
}

export async function openLoop(
  driver: TransferDriver,
  options: { label: string; ratePerSecond: number; durationMs: number },
): Promise<PhaseRecord> {
  return phase(options.label, options.durationMs, async (record, deadline, startedAt) => {
    const pending: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const due = startedAt + (i * 1_000) / options.ratePerSecond;
      if (due >= deadline) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(driver().then(record));
    }
    await Promise.all(pending);
  });
}

/** Completed transfers per second over the phase, its tail included. */
export function completedRate(p: PhaseRecord): number {
  return completed(p).length / (p.elapsedMs / 1_000);
}

/** The completion latencies of the transfers that completed, in ms. */
export function completionLatencies(p: PhaseRecord): number[] {
  return completed(p).map((o) => o.ms);
}

/** Completed transfers in each second of the phase. */
export function completedPerSecond(p: PhaseRecord): number[] {
  return perSecond(
    completed(p).map((o) => o.endedAt),
    p.startedAt,
    p.durationMs,
  );
}

/** How many transfers ended each way, e.g. { COMPLETED: 812, 'ERROR Unavailable': 1 }. */
export function outcomeCounts(records: readonly PhaseRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of records.flatMap((r) => r.outcomes)) {
    const key = o.end === 'COMPLETED' ? o.end : `${o.end} ${o.reason ?? ''}`.trim();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Transfers the client had to retry, and transfers it had to watch after CreateTransfer answered. */
export function clientEffort(records: readonly PhaseRecord[]): { retried: number; watched: number } {
  const outcomes = records.flatMap((r) => r.outcomes);
  return {
    retried: outcomes.filter((o) => o.attempts > 1).length,
    watched: outcomes.filter((o) => o.watched).length,
  };
}

function completed(p: PhaseRecord): TransferOutcome[] {
  return p.outcomes.filter((o) => o.end === 'COMPLETED');
}

async function phase(
  label: string,
  durationMs: number,
  body: (record: (o: TransferOutcome) => void, deadline: number, startedAt: number) => Promise<void>,
): Promise<PhaseRecord> {
  const outcomes: TransferOutcome[] = [];
  const startedAt = performance.now();
  const bar = progressBar(label, durationMs, startedAt, outcomes);
  try {
    await body((o) => outcomes.push(o), startedAt + durationMs, startedAt);
  } finally {
    bar.stop();
  }
  return { label, startedAt, elapsedMs: performance.now() - startedAt, durationMs, outcomes };
}

/** A bar over the phase's seconds, redrawn every REFRESH_MS until stopped (silent off a terminal). */
function progressBar(label: string, durationMs: number, startedAt: number, outcomes: TransferOutcome[]) {
  const bar = new cliProgress.SingleBar(
    {
      format: `  ${label.padEnd(18)} |{bar}| {value}/{total} s · {done} transfers · {rate}/s`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const seconds = Math.ceil(durationMs / 1_000);
  bar.start(seconds, 0, { done: 0, rate: 0 });
  let recent = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    while (recent < outcomes.length && (outcomes[recent] as TransferOutcome).endedAt < now - 1_000) recent++;
    const elapsed = Math.min(seconds, Math.floor((now - startedAt) / 1_000));
    bar.update(elapsed, { done: outcomes.length, rate: outcomes.length - recent });
  }, REFRESH_MS);
  return {
    stop() {
      clearInterval(timer);
      bar.update(seconds, { done: outcomes.length, rate: outcomes.length - recent });
      bar.stop();
    },
  };
}
