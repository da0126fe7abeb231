/** Setting rates (operators): the changed rows and their RatesUpdated event commit together. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Database } from '@paymesh/platform/db/database';
import { inTransaction } from '@paymesh/platform/db/transaction';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import { RatesUpdatedSchema } from '@paymesh/proto/paymesh/currency/v1/events_pb';
import { readRates, setRates } from '../db/rates-repo.js';
import type * as schema from '../db/schema.js';
import { parseRateSettings, type RateText } from '../domain/rate-settings.js';
import { REFERENCE_CURRENCY } from '../domain/reference-currency.js';
import { rateMessage } from '../messages/rate-message.js';
import { latestUpdate, type RateBook } from './get-rates.js';

/** Every rate's events share one aggregate, so they keep their order on the stream. */
export const RATES_AGGREGATE_ID = 'rates';

/** Sets `rates`; returns every rate afterwards. Setting a rate to its current value changes nothing. */
export async function updateRates(
  db: Database<typeof schema>,
  outbox: Outbox,
  rates: readonly RateText[],
): Promise<RateBook> {
  const settings = parseRateSettings(rates);
  return inTransaction(db, async (tx) => {
    const changed = await setRates(tx, settings);
    const updatedAt = latestUpdate(changed);
    if (updatedAt) {
      await outbox.append(tx, {
        schema: RatesUpdatedSchema,
        message: create(RatesUpdatedSchema, {
          referenceCurrency: REFERENCE_CURRENCY,
          rates: changed.map(rateMessage),
          updatedAt: timestampFromDate(updatedAt),
        }),
        aggregateId: RATES_AGGREGATE_ID,
      });
    }
    const all = await readRates(tx);
    return { rates: all, updatedAt: latestUpdate(all) };
  });
}
