/**
 * The system the bank test runs: the money path (accounts, risk, currency, transactions) as real
 * processes on their own databases, on the test's own nats-server, with a monitoring connection to
 * that broker. Risk is configured so its outcomes follow from the amount alone (an amount limit;
 * velocity effectively off), which lets the test know which transfers it must deny.
 */
import { type Bus, connectBus } from '@paymesh/platform/nats/connection';
import { type PrivateNats, startPrivateNats } from '@paymesh/platform/testing/nats';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';

export const BANK_SERVICES = ['accounts', 'risk', 'currency', 'transactions'] as const;
export type BankService = (typeof BANK_SERVICES)[number];

/** Risk denies any transfer above this (minor units, every currency). */
export const RISK_AMOUNT_LIMIT = 1_000_000_000n;

export interface BankSystem {
  readonly system: RunningSystem;
  readonly nats: PrivateNats;
  /** The test's own connection to the broker (consumer info, streams, dead letters). */
  readonly bus: Bus;
  dispose(): Promise<void>;
}

export async function startBankSystem(options: { databasePoolMax: number }): Promise<BankSystem> {
  const nats = await startPrivateNats();
  let system: RunningSystem | undefined;
  try {
    system = await startSystem({
      services: BANK_SERVICES,
      natsUrl: nats.url,
      databasePoolMax: options.databasePoolMax,
      env: {
        risk: {
          RISK_AMOUNT_LIMITS: JSON.stringify({ '*': String(RISK_AMOUNT_LIMIT) }),
          RISK_VELOCITY_MAX_COUNT: '1000000000',
          RISK_VELOCITY_MAX_AMOUNT: '1000000000000000',
        },
      },
    });
    const bus = await connectBus(nats.url, `chaos-${system.namespace}`);
    const running = system;
    return {
      system: running,
      nats,
      bus,
      async dispose() {
        await bus.close();
        await running.dispose();
        await nats.dispose();
      },
    };
  } catch (err) {
    await system?.dispose().catch(() => {});
    await nats.dispose();
    throw err;
  }
}
