/**
 * The test's read access to each service's own database: the oracle the checks read, never a path
 * the services use. One small pool per service for the run.
 */
import type { RunningSystem } from '@paymesh/platform/testing/system';
import pg from 'pg';

export class ServiceDatabases {
  readonly #pools = new Map<string, pg.Pool>();

  constructor(private readonly system: RunningSystem) {}

  async query<R extends pg.QueryResultRow>(
    service: string,
    text: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    let pool = this.#pools.get(service);
    if (!pool) {
      pool = new pg.Pool({ connectionString: this.system.databaseUrl(service), max: 2 });
      // A fault may terminate these connections too; the next query takes a fresh one.
      pool.on('error', () => {});
      this.#pools.set(service, pool);
    }
    return (await pool.query<R>(text, values)).rows;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.end()));
    this.#pools.clear();
  }
}
