/**
 * Exploration: counts the Postgres statements a process sends, by their text. Load it into the
 * services of a system (`PAYMESH_SERVICE_NODE_ARGS="--import <this file>"`, which
 * bench/explore/saga-timing.ts does with STATEMENTS=1); SIGUSR2 starts the count afresh, and at exit
 * the counts go to `$PAYMESH_STATEMENT_COUNTS_DIR/<pid>.json` as [text, count] pairs, most first.
 * Plain JavaScript: it is loaded before tsx.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const pg = createRequire(import.meta.url)('pg');
const counts = new Map();
const send = pg.Client.prototype.query;
pg.Client.prototype.query = function query(config, ...rest) {
  const text = typeof config === 'string' ? config : (config?.text ?? '(no text)');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 100);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return send.call(this, config, ...rest);
};
process.on('SIGUSR2', () => counts.clear());
process.on('exit', () => {
  const dir = process.env.PAYMESH_STATEMENT_COUNTS_DIR;
  if (!dir) return;
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify(sorted));
});
