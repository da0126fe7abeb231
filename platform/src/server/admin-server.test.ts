import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { counter } from '../telemetry/metrics.js';
import { type AdminServer, createAdminServer } from './admin-server.js';
import { captureLogger } from './capture-logger.js';
import { Readiness } from './readiness.js';

describe('createAdminServer', () => {
  const readiness = new Readiness({ resultsTtlMs: 0 });
  let databaseUp = true;
  let admin: AdminServer;
  let get: (path: string) => Promise<Response>;

  before(async () => {
    readiness.addCheck('database', () => {
      if (!databaseUp) throw new Error('connection refused');
    });
    admin = createAdminServer({
      readiness,
      logger: captureLogger().logger,
      statusProviders: { breakers: () => ({ psp: 'closed', opened: 3n }) },
    });
    await admin.start();
    get = (path) => fetch(`http://127.0.0.1:${admin.port}${path}`);
  });

  after(() => admin.stop());

  it('answers /livez while the service is still starting', async () => {
    const res = await get('/livez');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('answers /readyz 503 while starting, 200 with every check and status once serving', async () => {
    const starting = await get('/readyz');
    assert.equal(starting.status, 503);
    assert.equal(((await starting.json()) as { phase: string }).phase, 'starting');

    readiness.markServing();
    const ready = await get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      ready: true,
      phase: 'serving',
      checks: { database: { ok: true } },
      services: {},
      status: { breakers: { psp: 'closed', opened: '3' } },
    });
  });

  it('answers /readyz 503 naming the failing check, and reports a failing status provider', async () => {
    databaseUp = false;
    admin.addStatusProvider('lag', () => {
      throw new Error('consumer not started');
    });
    const res = await get('/readyz');
    assert.equal(res.status, 503);
    const body = (await res.json()) as { checks: unknown; status: { lag: unknown } };
    assert.deepEqual(body.checks, { database: { ok: false, error: 'connection refused' } });
    assert.deepEqual(body.status.lag, { error: 'consumer not started' });
    databaseUp = true;
  });

  it('serves /metrics in the Prometheus text format', async () => {
    counter({ name: 'admin_test_probes_total', help: 'Probes seen by the admin test.' }).inc();
    const res = await get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await res.text(), /^admin_test_probes_total 1$/m);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    assert.equal((await get('/nope')).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${admin.port}/livez`, { method: 'POST' })).status, 405);
  });
});
