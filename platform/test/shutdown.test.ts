/**
 * Stopping a service under load loses nothing: every request it answered OK is stored, every stored
 * entry's event reached the stream exactly once before the process exited (the relay flushed), and
 * the consumer applies each of them exactly once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import { eventNames } from '@paymesh/platform/events/naming';
import { connectBus } from '@paymesh/platform/nats/connection';
import { createTestServiceEnv, type TestServiceEnv } from '@paymesh/platform/testing/service-env';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import pg from 'pg';
import { fixture } from '../fixture/src/service.js';

const MAIN = fileURLToPath(new URL('../fixture/src/main.ts', import.meta.url));
let testEnv: TestServiceEnv;
let db: pg.Pool;

before(async () => {
  testEnv = await createTestServiceEnv({ service: 'fixture', contexts: ['fixture'] });
});

after(async () => {
  await db?.end();
  await testEnv?.cleanup();
});

it('SIGTERM under load loses no accepted request and no event', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...testEnv.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  await waitFor('the service is ready', async () => {
    const res = await fetch(`http://127.0.0.1:${testEnv.env.ADMIN_PORT}/readyz`).catch(() => undefined);
    return res?.status === 200;
  });

  // No retries: an answer either came from the server that stopped, or the call failed.
  const client = createServiceClient(FixtureService, {
    upstream: 'fixture-shutdown-test',
    baseUrl: `http://127.0.0.1:${testEnv.env.PORT}`,
    policy: { maxRetries: 0 },
  });
  const accepted: string[] = [];
  let failed = 0;
  let sent = 0;
  let stopping = false;
  const worker = async () => {
    while (sent < 2_000 && !(stopping && child.exitCode !== null)) {
      sent++;
      const entryId = randomUUID();
      try {
        await client.recordEntry({ entryId, accountId: `acc-${sent % 20}`, amount: 5n, currency: 'USD' });
        accepted.push(entryId);
      } catch {
        failed++;
        if (stopping) return;
      }
      if (accepted.length === 150 && !stopping) {
        stopping = true;
        child.kill('SIGTERM');
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const [code] = await exited;
  assert.equal(code, 0, 'the service exits cleanly on SIGTERM');
  console.log(`accepted ${accepted.length}, failed ${failed}, sent ${sent}`);
  assert.ok(stopping, `shutdown began under load (accepted ${accepted.length}, failed ${failed})`);

  db = new pg.Pool({ connectionString: testEnv.databaseUrl });
  const stored = new Set(
    (await db.query<{ entry_id: string }>('select entry_id from entries')).rows.map((r) => r.entry_id),
  );
  const missing = accepted.filter((id) => !stored.has(id));
  assert.deepEqual(missing, [], 'every request answered OK is stored');
  const { rows: pending } = await db.query(
    'select count(*)::int as n from outbox where published_at is null',
  );
  assert.equal(pending[0].n, 0, 'the relay flushed every event before the process exited');

  const bus = await connectBus(testEnv.natsUrl, 'shutdown-test');
  try {
    const info = await (await bus.jsm()).streams.info(eventNames(testEnv.namespace).stream('fixture'));
    assert.equal(info.state.messages, stored.size, 'each stored entry is in the stream exactly once');
  } finally {
    await bus.close();
  }

  // The consumer, restarted, applies what it had not yet applied — each event once.
  const restarted = await fixture.start({ source: testEnv.env });
  try {
    await waitFor('every event is applied', async () => {
      const { rows } = await db.query<{ n: string }>(
        'select coalesce(sum(applied_count), 0)::text as n from tallies',
      );
      return BigInt(rows[0]?.n ?? '0') >= BigInt(stored.size);
    });
    const { rows } = await db.query<{ applied: string; total: string }>(
      'select sum(applied_count)::text as applied, sum(total)::text as total from tallies',
    );
    assert.equal(rows[0]?.applied, String(stored.size));
    assert.equal(rows[0]?.total, String(stored.size * 5));
  } finally {
    await restarted.stop();
  }
});
