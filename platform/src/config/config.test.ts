import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, env, loadConfig, serviceEnv } from './config.js';

describe('loadConfig', () => {
  it('names every missing and malformed variable, and hides secret values', () => {
    assert.throws(
      () =>
        loadConfig(
          { ...serviceEnv, API_SECRET_KEY: env.url(['https']) },
          { SERVICE_NAME: 'Bad Name', PORT: '80', ADMIN_PORT: 'x', API_SECRET_KEY: 'hunter2' },
        ),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /SERVICE_NAME: must be lowercase/);
        assert.match(err.message, /ADMIN_PORT: .*"x"/);
        assert.match(err.message, /DATABASE_URL: is required/);
        assert.match(err.message, /NATS_URL: is required/);
        assert.match(err.message, /API_SECRET_KEY: .*"\*\*\*"/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });

  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(serviceEnv, {
      SERVICE_NAME: 'fixture',
      PORT: '3100',
      ADMIN_PORT: '9100',
      DATABASE_URL: 'postgres://paymesh_fixture@127.0.0.1:5432/paymesh_fixture',
      NATS_URL: 'nats://127.0.0.1:4222',
    });
    assert.equal(config.PORT, 3100);
    assert.equal(config.EVENT_NAMESPACE, 'paymesh');
    assert.equal(config.SHUTDOWN_GRACE_MS, 10_000);
  });
});
