/** Reading and setting rates; numeric columns travel as text and become scaled bigints here. */
import type { Executor } from '@paymesh/platform/db/database';
import { asc, inArray, sql } from 'drizzle-orm';
import { formatDecimal, parseDecimal } from '../domain/decimal.js';
import type { RateSetting } from '../domain/rate-settings.js';
import { rates } from './schema.js';

/** A stored rate, at the decimal scale. */
export interface StoredRate extends RateSetting {
  updatedAt: Date;
}

/** Every rate, by currency code. */
export async function readRates(db: Executor): Promise<StoredRate[]> {
  const rows = await db.select().from(rates).orderBy(asc(rates.currency));
  return rows.map(toStoredRate);
}

/** The rates of `currencies` that exist, by currency code. */
export async function readRatesOf(db: Executor, currencies: readonly string[]): Promise<Map<string, bigint>> {
  const rows = await db
    .select()
    .from(rates)
    .where(inArray(rates.currency, [...currencies]));
  return new Map(rows.map((row) => [row.currency, toStoredRate(row).rate]));
}

/** Upserts `settings`; returns the rows whose rate changed (a repeated value leaves its row alone). */
export async function setRates(tx: Executor, settings: readonly RateSetting[]): Promise<StoredRate[]> {
  // Rows in a fixed order, so two concurrent updates lock them in the same order and cannot deadlock.
  const values = [...settings]
    .sort((a, b) => (a.currency < b.currency ? -1 : 1))
    .map(({ currency, rate }) => ({ currency, rate: formatDecimal(rate) }));
  const changed = await tx
    .insert(rates)
    .values(values)
    .onConflictDoUpdate({
      target: rates.currency,
      set: { rate: sql`excluded.rate`, updatedAt: sql`now()` },
      setWhere: sql`${rates.rate} is distinct from excluded.rate`,
    })
    .returning();
  return changed.map(toStoredRate).sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

function toStoredRate(row: typeof rates.$inferSelect): StoredRate {
  const rate = parseDecimal(row.rate);
  if (rate === undefined) throw new Error(`stored rate of ${row.currency} is not a decimal: ${row.rate}`);
  return { currency: row.currency, rate, updatedAt: row.updatedAt };
}
