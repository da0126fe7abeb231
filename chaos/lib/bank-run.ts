/**
 * One run of the bank test, start to finish: the system up on its own broker, the bank seeded,
 * the transfers driven while the faults strike, the wait for quiet, the snapshot, the checks. Used by
 * the `npm run chaos` command and by its shortened form in the test suite.
 */
import { BANK_SERVICES, startBankSystem } from './bank-system.js';
import { type ClientView, driveTransfers } from './driver.js';
import { Evidence } from './evidence.js';
import { type InjectedFault, injectFaults, planFaults } from './faults.js';
import { type CheckResult, checkInvariants } from './invariants.js';
import { Pace } from './pace.js';
import { awaitQuiescence, type Quiescence } from './quiescence.js';
import { seededRng } from './rng.js';
import { type BankAccount, seedBank } from './seed-bank.js';
import { ServiceDatabases } from './service-databases.js';
import { ledgerSums, readSnapshot } from './snapshot.js';
import { planTransfers } from './workload.js';

export interface BankRunOptions {
  seed: number;
  transfers: number;
  faults: number;
  concurrency: number;
  /** Owners, each with an account in every currency. */
  owners: number;
  quiescenceTimeoutMs: number;
  /** How long a client keeps retrying one transfer. */
  retryBudgetMs: number;
  databasePoolMax: number;
  log: (line: string) => void;
}

export interface BankRunResult {
  options: Omit<BankRunOptions, 'log'>;
  accounts: BankAccount[];
  views: ClientView[];
  injected: InjectedFault[];
  evidence: Evidence;
  quiescence: Quiescence;
  checks: CheckResult[];
  outcomes: Map<string, number>;
  timings: { drivingMs: number; lastFaultEndedAt: number; drivingEndedAt: number; quietAt: number };
}

const SCRAPE_INTERVAL_MS = 1_000;

export async function runBankTest(options: BankRunOptions): Promise<BankRunResult> {
  const { log, ...settings } = options;
  const rng = seededRng(options.seed);
  log(`seed ${options.seed}: starting nats-server and ${BANK_SERVICES.join(', ')}`);
  const bank = await startBankSystem({ databasePoolMax: options.databasePoolMax });
  const databases = new ServiceDatabases(bank.system);
  const evidence = new Evidence(bank.system, BANK_SERVICES);
  try {
    const accounts = await seedBank(bank.system, rng, options.owners);
    const startSums = await ledgerSums(databases);
    const plan = planTransfers(rng, accounts, options.transfers, options.seed);
    const faults = planFaults(rng, options.faults, options.transfers);
    log(`seeded ${accounts.length} accounts; driving ${plan.length} transfers with ${faults.length} faults`);

    evidence.start(SCRAPE_INTERVAL_MS);
    const pace = new Pace(faults.map((f) => f.trigger));
    const drivingStartedAt = Date.now();
    let drivingEndedAt = drivingStartedAt;
    const progressEvery = Math.max(1, Math.floor(plan.length / 10));
    const [views, injected] = await Promise.all([
      driveTransfers(bank.system, plan, pace, {
        concurrency: options.concurrency,
        retryBudgetMs: options.retryBudgetMs,
        onSettled: (n) => {
          if (n % progressEvery === 0) log(`${n}/${plan.length} transfers answered`);
        },
      }).finally(() => {
        drivingEndedAt = Date.now();
      }),
      injectFaults(
        { system: bank.system, bus: bank.bus, databases, nats: bank.nats, evidence, pace, log },
        faults,
      ),
    ]);
    const lastFaultEndedAt = Math.max(drivingStartedAt, ...injected.map((f) => f.endedAt));
    log('faults over, transfers answered: waiting for the system to become quiet');
    const quiescence = await awaitQuiescence(
      databases,
      bank.bus,
      bank.system.namespace,
      options.quiescenceTimeoutMs,
      log,
    );
    await evidence.stop();
    const snapshot = await readSnapshot(databases, bank.bus, bank.system.namespace);
    const counters = {
      redeliveries: evidence.total('paymesh_consumer_redelivered_total'),
      dedupeHits: evidence.total('paymesh_outbox_duplicates_total'),
    };
    const checks = checkInvariants({ accounts, views, startSums, snapshot, counters, injected, quiescence });
    const outcomes = new Map<string, number>();
    for (const t of snapshot.transfers) {
      const outcome = `${t.state}${t.failureReason ? ` ${t.failureReason}` : ''}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    return {
      options: settings,
      accounts,
      views,
      injected,
      evidence,
      quiescence,
      checks,
      outcomes,
      timings: {
        drivingMs: drivingEndedAt - drivingStartedAt,
        lastFaultEndedAt,
        drivingEndedAt,
        quietAt: quiescence.at,
      },
    };
  } finally {
    await evidence.stop();
    await databases.close();
    await bank.dispose();
  }
}
