/**
 * The raw Postgres baseline of money-path benchmarks: a "transfer leg", the smallest transaction a
 * ledger write costs. Each transaction debits one account, credits another (updates taken in id
 * order, as a ledger does, so legs never deadlock) and inserts an outbox row, straight through `pg`
 * with parameterised queries, from several clients at once.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TransferLegOptions {
  /** A database the baseline may create its two tables in. */
  url: string;
  /** Concurrent clients, each running legs back to back (default 8). */
  clients?: number;
  /** Accounts the legs pick from at random (default 1,000: little lock contention). */
  accounts?: number;
  /** Bytes of each outbox payload (default 64, about one protobuf event). */
  payloadBytes?: number;
}

export interface TransferLeg {
  /** Runs legs for `durationMs` and returns committed legs per second (wall clock). */
  measure(durationMs: number): Promise<number>;
  /** Drops the baseline's tables. */
  close(): Promise<void>;
}

const ACCOUNTS_TABLE = 'transfer_leg_accounts';
const OUTBOX_TABLE = 'transfer_leg_outbox';

export async function prepareTransferLeg(options: TransferLegOptions): Promise<TransferLeg> {
  const clients = options.clients ?? 8;
  const accounts = options.accounts ?? 1_000;
  const payload = randomBytes(options.payloadBytes ?? 64);
  const admin = new pg.Client({ connectionString: options.url });
  await admin.connect();
  try {
    await admin.query(`
      CREATE TABLE IF NOT EXISTS ${ACCOUNTS_TABLE} (id integer PRIMARY KEY, balance bigint NOT NULL);
      CREATE TABLE IF NOT EXISTS ${OUTBOX_TABLE} (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        aggregate_id text NOT NULL,
        event_type text NOT NULL,
        payload bytea NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      TRUNCATE ${ACCOUNTS_TABLE}, ${OUTBOX_TABLE};
    `);
    await admin.query(
      `INSERT INTO ${ACCOUNTS_TABLE} (id, balance) SELECT i, 1000000000 FROM generate_series(1, $1) i`,
      [accounts],
    );
  } finally {
    await admin.end();
  }

  const leg = async (client: pg.Client) => {
    const a = 1 + Math.floor(Math.random() * accounts);
    let b = 1 + Math.floor(Math.random() * (accounts - 1));
    if (b >= a) b++;
    const amount = 1 + Math.floor(Math.random() * 1_000);
    const [first, second] = a < b ? [a, b] : [b, a];
    await client.query('BEGIN');
    try {
      await client.query(`UPDATE ${ACCOUNTS_TABLE} SET balance = balance + $2 WHERE id = $1`, [
        first,
        first === a ? -amount : amount,
      ]);
      await client.query(`UPDATE ${ACCOUNTS_TABLE} SET balance = balance + $2 WHERE id = $1`, [
        second,
        second === a ? -amount : amount,
      ]);
      await client.query(
        `INSERT INTO ${OUTBOX_TABLE} (aggregate_id, event_type, payload, headers) VALUES ($1, $2, $3, $4)`,
        [String(a), 'EntryRecorded', payload, { traceparent: '00-0-0-01' }],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  };

  return {
    async measure(durationMs) {
      const connections = await Promise.all(
        Array.from({ length: clients }, async () => {
          const client = new pg.Client({ connectionString: options.url });
          await client.connect();
          return client;
        }),
      );
      try {
        let committed = 0;
        const started = performance.now();
        const deadline = started + durationMs;
        await Promise.all(
          connections.map(async (client) => {
            while (performance.now() < deadline) {
              await leg(client);
              committed++;
            }
          }),
        );
        return committed / ((performance.now() - started) / 1_000);
      } finally {
        await Promise.all(connections.map((c) => c.end()));
      }
    },
    async close() {
      const client = new pg.Client({ connectionString: options.url });
      await client.connect();
      try {
        await client.query(`DROP TABLE IF EXISTS ${ACCOUNTS_TABLE}, ${OUTBOX_TABLE}`);
      } finally {
        await client.end();
      }
    },
  };
}
