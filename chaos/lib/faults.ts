/**
 * The fault injector. The schedule comes from the seed: which fault, on which service, how long a
 * pause, and at which transfer it strikes (see pace.ts). Faults run one after another:
 * - `kill`: kill -9 of a service (its outbox relay dies with it), then a restart;
 * - `relay-kill`: the same, timed to land while the service's relay has published events it has
 *   not recorded yet (caught by pausing the process while its relay holds a claim and finding a
 *   pending outbox row already in the stream): the restarted relay sends them again and the
 *   broker's dedupe must drop them;
 * - `nats-restart`: SIGTERM of the broker and a start on the same port and store;
 * - `pg-terminate`: pg_terminate_backend of every connection to one service's database;
 * - `pause`: SIGSTOP of a service for 0.3–2 s, then SIGCONT.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EventHeader } from '@paymesh/platform/events/envelope';
import { eventNames } from '@paymesh/platform/events/naming';
import type { Bus } from '@paymesh/platform/nats/connection';
import { OutboxLock } from '@paymesh/platform/outbox/partition';
import type { PrivateNats } from '@paymesh/platform/testing/nats';
import { ADMIN_URL, adminQuery } from '@paymesh/platform/testing/postgres';
import type { RunningSystem } from '@paymesh/platform/testing/system';
import pg from 'pg';
import { BANK_SERVICES, type BankService } from './bank-system.js';
import type { Evidence } from './evidence.js';
import type { Pace } from './pace.js';
import type { Rng } from './rng.js';
import type { ServiceDatabases } from './service-databases.js';

export const FAULT_KINDS = ['kill', 'relay-kill', 'nats-restart', 'pg-terminate', 'pause'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  readonly kind: FaultKind;
  /** Absent for nats-restart. */
  readonly service?: BankService;
  /** The index of the first transfer that waits for this fault to start. */
  readonly trigger: number;
  /** How long a pause lasts. */
  readonly pauseMs?: number;
}

export interface InjectedFault {
  readonly fault: Fault;
  readonly startedAt: number;
  readonly endedAt: number;
  /** What happened, for the log. */
  readonly detail: string;
  /** relay-kill: events the relay had published but not recorded when it died. */
  readonly unrecorded?: number;
}

type Outcome = Pick<InjectedFault, 'detail' | 'unrecorded'>;

/**
 * Every kind in each round (shuffled), so a few faults already cover them all; triggers ascending.
 * Targets are dealt from shuffled decks of the services, kills and relay kills from one deck: with
 * four of those every service has been killed once — the consumers (risk) included, whose
 * unacknowledged deliveries must come back as redeliveries.
 */
export function planFaults(rng: Rng, count: number, transfers: number): Fault[] {
  const kinds: FaultKind[] = [];
  while (kinds.length < count) kinds.push(...rng.shuffle(FAULT_KINDS));
  const first = Math.floor(transfers * 0.05);
  const last = Math.max(first, Math.floor(transfers * 0.9));
  const triggers = Array.from({ length: count }, () => rng.int(first, last)).sort((a, b) => a - b);
  const decks = new Map<string, BankService[]>();
  const deal = (kind: FaultKind): BankService => {
    const name = kind === 'relay-kill' ? 'kill' : kind;
    let deck = decks.get(name);
    if (!deck?.length) {
      deck = rng.shuffle(BANK_SERVICES);
      decks.set(name, deck);
    }
    return deck.pop() as BankService;
  };
  return kinds.slice(0, count).map((kind, i) => {
    const trigger = triggers[i] ?? first;
    if (kind === 'nats-restart') return { kind, trigger };
    const service = deal(kind);
    return kind === 'pause'
      ? { kind, service, trigger, pauseMs: rng.int(300, 2_000) }
      : { kind, service, trigger };
  });
}

export interface InjectorDeps {
  system: RunningSystem;
  bus: Bus;
  databases: ServiceDatabases;
  nats: PrivateNats;
  evidence: Evidence;
  pace: Pace;
  log: (line: string) => void;
}

const RELAY_CLAIM_WAIT_MS = 5_000;

/** Injects `faults` in order, each when the pace lets it; resolves when the last one is over. */
export async function injectFaults(deps: InjectorDeps, faults: readonly Fault[]): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  const watcher = new pg.Client({ connectionString: ADMIN_URL });
  await watcher.connect();
  try {
    for (const [i, fault] of faults.entries()) {
      await deps.pace.beforeFault(i);
      const startedAt = Date.now();
      deps.pace.faultStarted();
      const outcome = await inject(deps, watcher, fault);
      const done: InjectedFault = { fault, startedAt, endedAt: Date.now(), ...outcome };
      injected.push(done);
      deps.log(
        `fault ${i + 1}/${faults.length} ${fault.kind}${fault.service ? ` ${fault.service}` : ''} at transfer ${fault.trigger}: ${outcome.detail} (${done.endedAt - startedAt} ms)`,
      );
    }
  } finally {
    await watcher.end();
  }
  return injected;
}

async function inject(deps: InjectorDeps, watcher: pg.Client, fault: Fault): Promise<Outcome> {
  const { system } = deps;
  const service = fault.service;
  if (fault.kind === 'nats-restart') {
    await deps.nats.restart();
    return { detail: 'broker restarted' };
  }
  if (!service) throw new Error(`${fault.kind} needs a service`);
  switch (fault.kind) {
    case 'kill':
      await deps.evidence.beforeKill(service);
      await system.kill(service);
      await system.start(service);
      return { detail: 'killed and restarted' };
    case 'relay-kill': {
      await deps.evidence.beforeKill(service);
      const unrecorded = await killMidPublish(deps, watcher, service);
      await system.start(service);
      return {
        detail: unrecorded
          ? `killed with ${unrecorded} published events unrecorded, restarted`
          : 'no publish caught in flight; killed and restarted',
        unrecorded,
      };
    }
    case 'pg-terminate': {
      const { rows } = await adminQuery(
        'select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [databaseOf(system, service)],
      );
      return { detail: `${rows[0]?.n ?? 0} connections terminated` };
    }
    case 'pause': {
      const pid = system.pid(service);
      if (pid === undefined) throw new Error(`${service} has no process to pause`);
      process.kill(pid, 'SIGSTOP');
      try {
        await sleep(fault.pauseMs ?? 1_000);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      return { detail: `paused ${fault.pauseMs} ms` };
    }
  }
}

/**
 * Kills `service` while its relay has published events it has not recorded: each time a relay
 * claim is seen the process is paused and its pending outbox rows are looked up in the stream.
 * Kills it anyway when none is caught within the wait; returns how many were caught unrecorded.
 */
async function killMidPublish(deps: InjectorDeps, watcher: pg.Client, service: BankService): Promise<number> {
  const { system } = deps;
  const deadline = Date.now() + RELAY_CLAIM_WAIT_MS;
  const pid = system.pid(service);
  while (
    pid !== undefined &&
    (await relayClaimSeen(watcher, databaseOf(system, service), deadline - Date.now()))
  ) {
    process.kill(pid, 'SIGSTOP');
    const unrecorded = await publishedButPending(deps, service).catch(() => 0);
    if (unrecorded > 0) {
      await system.kill(service);
      return unrecorded;
    }
    process.kill(pid, 'SIGCONT');
  }
  await system.kill(service);
  return 0;
}

/** How many of the service's pending outbox rows are already the last message of their subject. */
async function publishedButPending(deps: InjectorDeps, service: BankService): Promise<number> {
  const pending = await deps.databases.query<{ id: string; subject: string }>(
    service,
    'select id, subject from outbox where published_at is null order by seq limit 200',
  );
  const jsm = await deps.bus.jsm();
  const stream = eventNames(deps.system.namespace).stream(service);
  let found = 0;
  for (const row of pending) {
    const last = await jsm.streams.getMessage(stream, { last_by_subj: row.subject }).catch(() => null);
    if (last?.header.get(EventHeader.eventId) === row.id) found++;
  }
  return found;
}

/**
 * Polls until a relay of that database holds a partition lock (a claim whose publishes are in
 * flight) and resolves true at once, or false after `timeoutMs`.
 */
async function relayClaimSeen(watcher: pg.Client, database: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rowCount } = await watcher.query(
      `select 1 from pg_locks l join pg_database d on d.oid = l.database
       where d.datname = $1 and l.locktype = 'advisory' and l.granted
         and l.classid = $2::bigint::oid and l.objsubid = 2
       limit 1`,
      [database, OutboxLock.partition],
    );
    if (rowCount) return true;
  }
  return false;
}

function databaseOf(system: RunningSystem, service: string): string {
  return new URL(system.databaseUrl(service)).pathname.slice(1);
}
