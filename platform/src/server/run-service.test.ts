import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';

const main = join(import.meta.dirname, 'fixture-main.ts');

const validEnv = {
  SERVICE_NAME: 'fixture',
  PORT: '0',
  ADMIN_PORT: '0',
  DATABASE_URL: 'postgres://fixture@127.0.0.1:5432/fixture',
  NATS_URL: 'nats://127.0.0.1:4222',
  FIXTURE_GREETING: 'hi',
};

type LogLine = Record<string, unknown> & { msg: string };

/** Runs fixture-main.ts with only `vars` as its service variables; collects its log lines. */
function runFixture(vars: Record<string, string>) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !(name in validEnv) && !/^(LOG_LEVEL|SHUTDOWN_)/.test(name),
    ),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: join(import.meta.dirname, '../..'),
    env: { ...inherited, ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as LogLine;
    lines.push(line);
    for (const w of waiters.filter((w) => w.test(line))) w.resolve(line);
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const waitFor = (msg: string) =>
    new Promise<LogLine>((resolve) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) resolve(seen);
      else waiters.push({ test: (l) => l.msg === msg, resolve });
    });
  return { child: child as ChildProcess, lines, exited, waitFor, stderr: () => stderr };
}

describe('runService', () => {
  it('serves once started, and on SIGTERM drains, stops components in reverse order and exits 0', async () => {
    const service = runFixture(validEnv);
    const started = await service.waitFor('service started');
    assert.deepEqual(started.components, ['admin-server', 'telemetry', 'database', 'bus', 'rpc-server']);

    const res = await fetch(`http://127.0.0.1:${started.port}/paymesh.fixture.v1.FixtureService/Echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'there' }),
    });
    assert.deepEqual(await res.json(), { message: 'hi there' });
    const ready = await fetch(`http://127.0.0.1:${started.adminPort}/readyz`);
    assert.equal(ready.status, 200);

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);
    const shutdown = service.lines
      .filter((l) => ['fixture component stopped', 'rpc server stopped', 'service stopped'].includes(l.msg))
      .map((l) => (l.component ? `${l.component} stopped` : l.msg));
    assert.deepEqual(shutdown, [
      'rpc server stopped',
      'bus stopped',
      'database stopped',
      'telemetry stopped',
      'service stopped',
    ]);
  });

  it('prints a bad configuration without a stack trace and exits 1', async () => {
    const { DATABASE_URL: _, ...withoutDatabase } = validEnv;
    const service = runFixture({ ...withoutDatabase, PORT: 'eighty' });
    assert.equal(await service.exited, 1);
    const stderr = service.stderr();
    assert.match(stderr, /invalid configuration/);
    assert.match(stderr, /DATABASE_URL: is required/);
    assert.match(stderr, /PORT: .*"eighty"/);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.deepEqual(service.lines, []);
  });
});
