/**
 * Waiting, after the faults, for the system to have nothing left to do: every transfer terminal,
 * every outbox published, every durable consumer of the run's streams with nothing pending or
 * awaiting an ack. Bounded: it reports what is still busy when the time is up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { eventNames } from '@paymesh/platform/events/naming';
import type { Bus } from '@paymesh/platform/nats/connection';
import { BANK_SERVICES } from './bank-system.js';
import type { ServiceDatabases } from './service-databases.js';

export interface Quiescence {
  reached: boolean;
  /** When it was reached (or the wait ended). */
  at: number;
  /** What was still busy at the last look; empty once quiet. */
  busy: string[];
}

const POLL_MS = 250;
const REPORT_EVERY_MS = 5_000;

export async function awaitQuiescence(
  databases: ServiceDatabases,
  bus: Bus,
  namespace: string,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Quiescence> {
  const deadline = Date.now() + timeoutMs;
  let reportAt = Date.now() + REPORT_EVERY_MS;
  for (;;) {
    const busy = await stillBusy(databases, bus, namespace).catch((err: unknown) => [
      `not readable: ${String(err)}`,
    ]);
    if (busy.length === 0 || Date.now() > deadline)
      return { reached: busy.length === 0, at: Date.now(), busy };
    if (Date.now() >= reportAt) {
      log(`still busy: ${busy.join('; ')}`);
      reportAt += REPORT_EVERY_MS;
    }
    await sleep(POLL_MS);
  }
}

async function stillBusy(databases: ServiceDatabases, bus: Bus, namespace: string): Promise<string[]> {
  const busy: string[] = [];
  const [open] = await databases.query<{ n: number }>(
    'transactions',
    "select count(*)::int as n from transfers where state not in ('completed', 'failed', 'rejected')",
  );
  if (open?.n) busy.push(`${open.n} transfers not terminal`);
  for (const service of BANK_SERVICES) {
    const [pending] = await databases.query<{ n: number }>(
      service,
      'select count(*)::int as n from outbox where published_at is null',
    );
    if (pending?.n) busy.push(`${pending.n} ${service} outbox rows unpublished`);
  }
  const jsm = await bus.jsm();
  const names = eventNames(namespace);
  for (const context of BANK_SERVICES) {
    const stream = names.stream(context);
    for await (const info of jsm.consumers.list(stream)) {
      if (info.num_pending || info.num_ack_pending) {
        busy.push(
          `${info.name} on ${stream}: ${info.num_pending} pending, ${info.num_ack_pending} awaiting ack`,
        );
      }
    }
  }
  return busy;
}
