/**
 * Call budgets per user and per client address, on gateways of their own with tiny budgets: one
 * counting in memory (X-Forwarded-For not trusted), one in Redis behind a trusted proxy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code, type ConnectError } from '@connectrpc/connect';
import { errorInfoOf, reasonOf } from '@paymesh/platform/errors/domain-error';
import { credentialVariables } from '@paymesh/platform/mesh/certificates';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { Redis } from 'ioredis';
import { failure, gatewayClient, type Member, member, postJson, signUp } from '../support/gateway-clients.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import type { GatewaySystem } from '../support/gateway-system.js';

export const REDIS_URL = process.env.PAYMESH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PER_USER = 3;
const WINDOW_SECONDS = 60;

/** The variables of a gateway in front of the system's services, with the gateway's mesh certificate. */
export function upstreamEnv(sys: GatewaySystem): Record<string, string> {
  const { system } = sys;
  return {
    ...credentialVariables(system.credentials('gateway')),
    USERS_URL: system.url('users'),
    ACCOUNTS_URL: system.url('accounts'),
    TRANSACTIONS_URL: system.url('transactions'),
    CURRENCY_URL: system.url('currency'),
    EVENT_NAMESPACE: system.namespace,
  };
}

function assertRateLimited(err: ConnectError, scope: 'user' | 'ip') {
  assert.equal(err.code, Code.ResourceExhausted);
  assert.equal(reasonOf(err), 'RATE_LIMITED');
  assert.equal(errorInfoOf(err)?.metadata.scope, scope);
}

async function assertRefusalHeaders(res: Response, limit: number) {
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('ratelimit-limit'), String(limit));
  assert.equal(res.headers.get('ratelimit-remaining'), '0');
  const reset = Number(res.headers.get('ratelimit-reset'));
  assert.ok(reset >= 1 && reset <= WINDOW_SECONDS, `reset ${reset}`);
  assert.equal(res.headers.get('retry-after'), String(reset));
  await res.body?.cancel();
}

export function rateLimitSuite(sys: () => GatewaySystem) {
  describe('rate limits', () => {
    let inMemory: GatewayProcess;
    let inRedis: GatewayProcess;

    before(async () => {
      const common = {
        ...upstreamEnv(sys()),
        RATE_LIMIT_PER_USER: String(PER_USER),
        RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      };
      [inMemory, inRedis] = await Promise.all([
        startGatewayProcess({ ...common, RATE_LIMIT_PER_IP: '8', WEB_DIST: '/nonexistent/paymesh-web-dist' }),
        startGatewayProcess({ ...common, RATE_LIMIT_PER_IP: '5', REDIS_URL, TRUST_PROXY: 'true' }),
      ]);
    });

    after(async () => {
      await Promise.all([inMemory?.stop(), inRedis?.stop()]);
    });

    /** The user's budget spent on `gateway`, then one call more: refused, and how. */
    const exhaustUserBudget = async (
      gateway: GatewayProcess,
      user: Member,
      headers: Record<string, string>,
    ) => {
      const there = member(gateway.url, user.userId, user.email, user.token);
      for (let i = 0; i < PER_USER; i++) await there.users.getUser({ userId: user.userId }, { headers });
      assertRateLimited(await failure(there.users.getUser({ userId: user.userId }, { headers })), 'user');
      const res = await postJson(
        gateway.url,
        '/paymesh.users.v1.UsersService/GetUser',
        JSON.stringify({ userId: user.userId }),
        { authorization: `Bearer ${user.token}`, ...headers },
      );
      await assertRefusalHeaders(res, PER_USER);
    };

    it('refuses a user beyond their budget RESOURCE_EXHAUSTED RATE_LIMITED, with RateLimit-* and Retry-After', async () => {
      const fay = await signUp(sys().url, 'fay');
      await exhaustUserBudget(inMemory, fay, {});
      const gus = await signUp(sys().url, 'gus');
      assert.equal(
        (await member(inMemory.url, gus.userId, gus.email, gus.token).users.getUser({ userId: gus.userId }))
          .user?.userId,
        gus.userId,
      );
    });

    it('counts per address the socket shows when no proxy is trusted, whatever X-Forwarded-For says', async () => {
      const currency = gatewayClient(inMemory.url, CurrencyService);
      let refusal: ConnectError | undefined;
      for (let i = 0; i < 9 && !refusal; i++) {
        try {
          await currency.getRates({}, { headers: { 'x-forwarded-for': `198.51.100.${i}` } });
        } catch (err) {
          refusal = err as ConnectError;
        }
      }
      assert.ok(refusal, 'the address budget of 8 ran out');
      assertRateLimited(refusal, 'ip');
      await assertRefusalHeaders(
        await postJson(inMemory.url, '/paymesh.currency.v1.CurrencyService/GetRates', '{}'),
        8,
      );
    });

    it('counts in Redis when REDIS_URL is set, under a prefix naming the namespace', async () => {
      const hal = await signUp(sys().url, 'hal');
      await exhaustUserBudget(inRedis, hal, { 'x-forwarded-for': '203.0.113.50' });
      const redis = new Redis(REDIS_URL);
      try {
        const counted = await redis.get(`paymesh:${sys().system.namespace}:gateway:user:${hal.userId}`);
        assert.ok(Number(counted) > PER_USER, `counted ${counted}`);
      } finally {
        redis.disconnect();
      }
    });

    it("counts per client behind a trusted proxy, from X-Forwarded-For's last hop", async () => {
      const currency = gatewayClient(inRedis.url, CurrencyService);
      const from = (address: string) => ({ headers: { 'x-forwarded-for': `10.9.9.9, ${address}` } });
      for (let i = 0; i < 5; i++) await currency.getRates({}, from('203.0.113.7'));
      assertRateLimited(await failure(currency.getRates({}, from('203.0.113.7'))), 'ip');
      const other = await currency.getRates({}, from('203.0.113.8'));
      assert.ok(other.rates.length > 0);
    });

    it('sends HSTS only to a caller a trusted proxy says came over TLS', async () => {
      const overTls = await fetch(`${inRedis.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
      assert.match(overTls.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      const plain = await fetch(`${inRedis.url}/healthz`);
      assert.equal(plain.headers.get('strict-transport-security'), null);
      const untrusted = await fetch(`${inMemory.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(untrusted.headers.get('strict-transport-security'), null);
      await Promise.all([overTls, plain, untrusted].map((res) => res.body?.cancel()));
    });

    it('answers every path outside the API with a page saying to build the web app when there is no build', async () => {
      for (const path of ['/', '/transfers']) {
        const res = await fetch(`${inMemory.url}${path}`);
        assert.equal(res.status, 404);
        const page = await res.text();
        assert.match(page, /web app is not built/);
        assert.match(page, /npm run build -w web/);
      }
    });
  });
}
