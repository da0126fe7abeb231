/** Reading every rate against the reference currency, and when any last changed. */
import type { Database } from '@paymesh/platform/db/database';
import { readRates, type StoredRate } from '../db/rates-repo.js';
import type * as schema from '../db/schema.js';

export interface RateBook {
  rates: StoredRate[];
  /** The latest change of any rate. */
  updatedAt: Date | undefined;
}

export async function getRates(db: Database<typeof schema>): Promise<RateBook> {
  const rates = await readRates(db);
  return { rates, updatedAt: latestUpdate(rates) };
}

export function latestUpdate(rates: readonly StoredRate[]): Date | undefined {
  return rates.reduce<Date | undefined>(
    (latest, r) => (!latest || r.updatedAt > latest ? r.updatedAt : latest),
    undefined,
  );
}
