/**
 * Background work a service runs on a timer: expiring holds, resuming sagas left behind by a
 * crash. A job never overlaps itself, runs again at once when it says there is more to do, backs
 * off while it fails, and stops by letting its current run finish.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component } from '../server/lifecycle.js';
import type { Logger } from '../telemetry/logger.js';
import { counter } from '../telemetry/metrics.js';

export interface JobSpec {
  /** e.g. `expire-holds`; names its logs and metrics. */
  name: string;
  /** Pause between runs that found nothing more to do. */
  intervalMs: number;
  /**
   * One pass. Resolves `true` when it stopped with work left (a full batch), to run again at once.
   * `signal` aborts when the service stops: long passes should check it between items.
   */
  run(signal: AbortSignal): Promise<unknown>;
  /** Ceiling of the pause after consecutive failures (default 30 s). */
  maxBackoffMs?: number;
}

export interface PeriodicJob extends Component {
  /** Runs a pass now (after the current one, if any) and resolves when it has finished. */
  runOnce(): Promise<void>;
}

export function periodicJob(spec: JobSpec, logger: Logger): PeriodicJob {
  const runs = counter({
    name: 'paymesh_job_runs_total',
    help: 'Passes of background jobs, by outcome.',
    labelNames: ['job', 'outcome'],
  });
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let failures = 0;
  const log = logger.child({ job: spec.name });

  const pass = (): Promise<boolean> => {
    const run = current.then(async () => {
      try {
        const more = (await spec.run(stopping.signal)) === true;
        failures = 0;
        runs.inc({ job: spec.name, outcome: 'ok' });
        return more;
      } catch (err) {
        failures++;
        runs.inc({ job: spec.name, outcome: 'error' });
        if (!stopping.signal.aborted) log.warn({ err, failures }, 'job pass failed');
        return false;
      }
    });
    current = run;
    return run;
  };

  const pauseMs = () =>
    failures === 0
      ? spec.intervalMs
      : Math.min(spec.maxBackoffMs ?? 30_000, spec.intervalMs * 2 ** Math.min(failures, 16));

  return {
    name: `job:${spec.name}`,
    start() {
      loop = (async () => {
        while (!stopping.signal.aborted) {
          const more = await pass();
          if (more || stopping.signal.aborted) continue;
          // Spread the instances of one job over the interval (±10%).
          const jitter = 0.9 + Math.random() * 0.2;
          await sleep(pauseMs() * jitter, undefined, { signal: stopping.signal }).catch(() => {});
        }
      })();
    },
    async stop() {
      stopping.abort();
      await loop;
      await current;
    },
    async runOnce() {
      await pass();
    },
  };
}
