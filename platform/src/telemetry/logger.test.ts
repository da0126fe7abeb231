import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { createLogger } from './logger.js';

it('logs a failed query without its parameters or the row pg quotes', () => {
  const lines: string[] = [];
  const logger = createLogger('logger-test', 'info', { write: (line: string) => lines.push(line) });
  const pgError = Object.assign(new Error('duplicate key value violates unique constraint'), {
    code: '23505',
    detail: 'Key (email)=(ada@example.com) already exists.',
  });
  const failed = new DrizzleQueryError(
    'insert into "users" values ($1, $2)',
    ['ada@example.com', 'scrypt$15$8$1$c2FsdA$aGFzaA'],
    pgError,
  );

  logger.error({ err: failed }, 'insert failed');

  const line = lines.join('');
  assert.doesNotMatch(line, /scrypt\$15/, 'no parameter value');
  assert.doesNotMatch(line, /ada@example\.com/, 'no parameter value, no row from the detail');
  const entry = JSON.parse(line) as {
    err: { message: string; stack: string; code?: string; cause: { code: string } };
  };
  assert.match(entry.err.message, /^Failed query: insert into "users"/, 'the query text stays');
  assert.match(entry.err.stack, /\n {4}at /, 'the stack stays');
  assert.match(entry.err.stack, /caused by: Error: duplicate key value/, 'the cause stays');
});
