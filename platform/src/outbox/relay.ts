/**
 * The outbox relay: publishes committed outbox rows to JetStream, at least once, in commit order
 * per aggregate, with the row id as Nats-Msg-Id so the broker drops what is sent twice.
 *
 * Workers each loop: in one transaction, lock some partitions with pending rows (one relay at a time
 * works a partition, however many relays run), claim their oldest rows, publish them (see
 * publish.ts), record the outcome, commit. A worker that finds nothing sleeps until an append's
 * NOTIFY or the poll interval wakes it (see worker-wakeups.ts), and backs off (exponential,
 * jittered, capped) while nothing it tries gets published. Errors from Postgres or NATS are logged
 * and waited out, never thrown.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import type pg from 'pg';
import type { Bus } from '../nats/connection.js';
import type { Logger } from '../telemetry/logger.js';
import { listenForAppends } from './append-listener.js';
import { newestPendingSeq, pendingThrough } from './backlog.js';
import { beginClaim, type ClaimedEvent, finishClaim } from './claim.js';
import { outboxMetrics } from './metrics.js';
import { OUTBOX_PARTITIONS } from './partition.js';
import { pruneOutbox } from './prune.js';
import { publishClaimed } from './publish.js';
import { createWakeSignal } from './wake-signal.js';
import { createWorkerWakeups } from './worker-wakeups.js';

export interface RelayOptions {
  /** The service's pool (`db.$client`); the relay holds up to `concurrency` of its connections. */
  pool: pg.Pool;
  bus: Bus;
  logger: Logger;
  /** Label of the relay's metrics and name of its connections. */
  service: string;
  /**
   * Workers publishing different partitions at once. Default 1: one claim takes every partition
   * with pending rows, so a service's events go out in as few claims as possible; more workers (or
   * more instances) drain a large backlog faster.
   */
  concurrency?: number;
  /** Most rows one worker claims and publishes in one transaction. Default 1,000. */
  batchSize?: number;
  /**
   * How long an idle relay waits after an append's NOTIFY before it claims, so that the appends
   * of the next moments go out in the same claim and publish (one claim per commit costs the
   * database as much as the commits). Default 10 ms; 0 claims at once.
   */
  lingerMs?: number;
  /** How often to look for rows when no NOTIFY came. Default 1 s. */
  pollIntervalMs?: number;
  /** How long to wait for a publish ack. Default 5 s. */
  publishTimeoutMs?: number;
  /** Backoff while nothing can be published, and between listener reconnects. Default 100 ms to 10 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** How long published rows are kept. Default 24 h. */
  retentionMs?: number;
  /** How often to prune published rows. Default 1 min. */
  pruneIntervalMs?: number;
  /** How long stop() may spend publishing what is pending. Default 10 s. */
  stopTimeoutMs?: number;
}

export interface Relay {
  /** Resolves once every row pending at the call is published (by this relay or another). */
  flush(): Promise<void>;
  /** Publishes what is pending (for up to `stopTimeoutMs`, plus a publish in flight), then stops. */
  stop(): Promise<void>;
}

const FLUSH_RECHECK_MS = 100;

interface BatchResult {
  claimed: number;
  published: number;
  /**
   * Whether pending rows may be left that no wake-up will announce: the batch, the worker's share
   * of the partitions, or a partition's share of the batch was full, or an append was notified
   * while it ran and its wake-up went out before the batch ended (its partition may have been
   * locked by this very batch, so the worker it woke passed it over; a wake-up still lingering
   * comes after the batch, and finds it).
   */
  more: boolean;
}

/** How many partitions a claim's rows came from. */
function partitionsIn(events: readonly ClaimedEvent[]): number {
  return new Set(events.map((event) => event.partition)).size;
}

/** True when some partition gave the claim as many rows as it takes from one: it may hold more. */
function filledAPartition(events: readonly ClaimedEvent[], perPartition: number): boolean {
  const counts = new Map<number, number>();
  for (const { partition } of events) {
    const count = (counts.get(partition) ?? 0) + 1;
    if (count >= perPartition) return true;
    counts.set(partition, count);
  }
  return false;
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { pool, bus, service } = options;
  const concurrency = options.concurrency ?? 1;
  const batchSize = options.batchSize ?? 1_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const lingerMs = options.lingerMs ?? 10;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const backoffRange = options.backoff ?? { initialMs: 100, maxMs: 10_000 };
  const retentionMs = options.retentionMs ?? 24 * 3_600_000;
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  for (const [name, value] of Object.entries({ concurrency, batchSize })) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`relay ${name} must be a positive integer`);
  }
  // A claim takes at most 1/concurrency of the partitions, leaving the rest to the other workers:
  // under a steady load as under a backlog, the workers publish side by side instead of one claim
  // taking everything while the others find it all locked. A backlog fills a batch with rows of
  // many aggregates, which publish side by side too.
  const partitionsPerClaim = Math.ceil(OUTBOX_PARTITIONS / concurrency);
  const perPartition = Math.ceil(batchSize / partitionsPerClaim);

  const logger = options.logger.child({ component: 'outbox-relay' });
  const metrics = outboxMetrics(pool, service, logger);
  const wakeups = createWorkerWakeups(concurrency);
  const progressed = createWakeSignal();
  const stopping = new AbortController();
  let drainUntil: number | undefined;

  // Wake-ups sent for appends (at once, or when a linger ends).
  let appendWakes = 0;
  const relayBatch = async (): Promise<BatchResult> => {
    const wakesBefore = appendWakes;
    const client = await pool.connect();
    let failure: Error | undefined;
    // A connection that dies between queries (while publishing) says so by an event, which would
    // crash the process unheard: note it, and let the next query fail.
    const onError = (err: Error) => {
      failure ??= err;
    };
    client.on('error', onError);
    try {
      const events = await beginClaim(client, perPartition, batchSize, partitionsPerClaim);
      if (events.length === 0) {
        await client.query('commit');
        return { claimed: 0, published: 0, more: false };
      }
      metrics.claimed(events.length);
      // A full batch, or a full share of the partitions, may have left work behind: let another
      // worker look for it while this one publishes.
      const fullShare = events.length >= batchSize || partitionsIn(events) >= partitionsPerClaim;
      if (fullShare) wakeups.wakeOne();
      const outcomes = await publishClaimed(bus, events, publishTimeoutMs);
      const failed = outcomes.filter((o) => o.error !== undefined);
      const published = outcomes.length - failed.length;
      metrics.published(published);
      metrics.duplicates(outcomes.filter((o) => o.duplicate).length);
      if (failed.length) {
        metrics.failed(failed.length);
        logger.warn(
          { published, failed: failed.length, error: failed[0]?.error },
          'outbox events not published; they stay pending',
        );
      }
      await finishClaim(client, outcomes);
      const more = fullShare || filledAPartition(events, perPartition) || appendWakes !== wakesBefore;
      return { claimed: events.length, published, more };
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.off('error', onError);
      // A client that failed may have lost its connection: drop it rather than reuse it.
      client.release(failure);
    }
  };

  const runWorker = async () => {
    const backoff = new ExponentialBackoff({
      initialDelay: backoffRange.initialMs,
      maxDelay: backoffRange.maxMs,
    });
    let delay: IBackoff<unknown> | undefined;
    for (;;) {
      if (drainUntil !== undefined && Date.now() >= drainUntil) return;
      let result: BatchResult | undefined;
      try {
        result = await relayBatch();
      } catch (err) {
        logger.error({ err }, 'outbox relay batch failed');
      }
      progressed.wake();
      if (result?.claimed === 0) {
        delay = undefined;
        if (drainUntil !== undefined) return;
        await wakeups.wait(pollIntervalMs);
      } else if (result && result.published > 0) {
        delay = undefined;
        // Everything it could see is out: wait for the next append rather than claim nothing (an
        // empty transaction per commit, under load as many as the domain's own).
        if (!result.more && drainUntil === undefined) await wakeups.wait(pollIntervalMs);
      } else {
        delay = delay ? delay.next(undefined) : backoff.next();
        const wait =
          drainUntil === undefined ? delay.duration : Math.min(delay.duration, drainUntil - Date.now());
        await sleep(Math.max(0, wait));
      }
    }
  };

  const runPruning = async () => {
    while (!stopping.signal.aborted) {
      try {
        const pruned = await pruneOutbox(pool, retentionMs);
        if (pruned) logger.info({ pruned }, 'outbox pruned');
      } catch (err) {
        logger.error({ err }, 'outbox prune failed');
      }
      await sleep(pruneIntervalMs, undefined, { signal: stopping.signal }).catch(() => {});
    }
  };

  // The first append after a quiet spell wakes a worker once the linger is over; those that land
  // meanwhile add nothing to it.
  let lingering: NodeJS.Timeout | undefined;
  const listener = await listenForAppends({
    connection: { ...pool.options, application_name: `${service}-outbox-listener` },
    onAppend: () => {
      const wake = () => {
        appendWakes++;
        wakeups.wakeOne();
      };
      if (lingerMs === 0) return wake();
      lingering ??= setTimeout(() => {
        lingering = undefined;
        wake();
      }, lingerMs);
    },
    logger,
    backoff: backoffRange,
  });
  const workers = Array.from({ length: concurrency }, () => runWorker());
  const pruning = runPruning();

  let stopped: Promise<void> | undefined;
  return {
    async flush() {
      const target = await newestPendingSeq(pool);
      if (target === undefined) return;
      wakeups.wakeAll();
      for (;;) {
        const seen = progressed.count;
        if (!(await pendingThrough(pool, target))) return;
        // Another relay's progress makes no signal here: look again now and then all the same.
        await progressed.wait(seen, Math.min(pollIntervalMs, FLUSH_RECHECK_MS));
      }
    },
    stop() {
      stopped ??= (async () => {
        drainUntil = Date.now() + stopTimeoutMs;
        clearTimeout(lingering);
        wakeups.wakeAll();
        await Promise.all(workers);
        stopping.abort();
        await pruning;
        await listener.close();
        metrics.close();
      })();
      return stopped;
    },
  };
}
