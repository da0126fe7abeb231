/**
 * The public port as HTTP: bounded and well-formed requests, CORS for the app's origin, security
 * headers, /healthz, and the web app with its routes, caching and compression.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { postJson } from '../support/gateway-clients.js';
import {
  ASSET_JS,
  ASSET_PATH,
  type GatewaySystem,
  INDEX_HTML,
  WEB_ORIGIN,
} from '../support/gateway-system.js';

const getRates = '/paymesh.currency.v1.CurrencyService/GetRates';
const register = '/paymesh.users.v1.UsersService/Register';

/** A GET that keeps the body as sent (fetch would decode gzip itself). */
function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

function assertSecurityHeaders(headers: Headers, where: string) {
  assert.equal(headers.get('x-content-type-options'), 'nosniff', where);
  assert.equal(headers.get('referrer-policy'), 'no-referrer', where);
  assert.equal(headers.get('x-frame-options'), 'DENY', where);
  assert.match(headers.get('content-security-policy') ?? '', /default-src 'self'.*script-src 'self'/, where);
  assert.match(headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, where);
  // Plain HTTP here: HSTS would be meaningless.
  assert.equal(headers.get('strict-transport-security'), null, where);
}

export function edgeSuite(sys: () => GatewaySystem) {
  describe('the public port', () => {
    it('answers an oversized request RESOURCE_EXHAUSTED and malformed JSON INVALID_ARGUMENT, then goes on serving', async () => {
      const { url } = sys();
      const big = JSON.stringify({
        email: 'x@example.com',
        password: 'p'.repeat(20),
        displayName: 'n'.repeat(70_000),
      });
      const oversized = await postJson(url, register, big);
      assert.equal(oversized.status, 429);
      assert.equal(((await oversized.json()) as { code: string }).code, 'resource_exhausted');

      const huge = await postJson(url, register, `{"displayName":"${'n'.repeat(4 * 1024 * 1024)}"}`);
      assert.equal(((await huge.json()) as { code: string }).code, 'resource_exhausted');

      const malformed = await postJson(url, register, '{"email": "x@example.com", ');
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as { code: string }).code, 'invalid_argument');

      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'SERVING');
    });

    it('sends the rate-limit and security headers on every RPC answer, failures included', async () => {
      const { url } = sys();
      for (const res of [await postJson(url, getRates, '{}'), await postJson(url, register, '{')]) {
        assert.ok(Number(res.headers.get('ratelimit-limit')) > 0);
        assert.ok(res.headers.get('ratelimit-remaining') !== null);
        assert.ok(Number(res.headers.get('ratelimit-reset')) >= 1);
        assertSecurityHeaders(res.headers, `RPC ${res.status}`);
        await res.body?.cancel();
      }
    });

    it("answers a preflight from the app's origin and exposes the status and rate-limit headers", async () => {
      const { url } = sys();
      const preflight = await fetch(`${url}${getRates}`, {
        method: 'OPTIONS',
        headers: {
          origin: WEB_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization,connect-protocol-version',
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), WEB_ORIGIN);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
      const allowed = (preflight.headers.get('access-control-allow-headers') ?? '')
        .toLowerCase()
        .split(/, */);
      for (const header of [
        'content-type',
        'authorization',
        'connect-protocol-version',
        'connect-timeout-ms',
        'x-grpc-web',
        'x-user-agent',
        'grpc-timeout',
      ]) {
        assert.ok(allowed.includes(header), `allows ${header}`);
      }

      const call = await postJson(url, getRates, '{}', { origin: WEB_ORIGIN });
      assert.equal(call.status, 200);
      assert.equal(call.headers.get('access-control-allow-origin'), WEB_ORIGIN);
      const exposed = (call.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/, */);
      for (const header of [
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'retry-after',
        'grpc-status',
        'grpc-message',
        'grpc-status-details-bin',
      ]) {
        assert.ok(exposed.includes(header), `exposes ${header}`);
      }
    });

    it('gives another origin no CORS headers, refusing its preflight', async () => {
      const { url } = sys();
      const preflight = await fetch(`${url}${getRates}`, {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 403);
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      const call = await postJson(url, getRates, '{}', { origin: 'http://evil.example' });
      assert.equal(call.headers.get('access-control-allow-origin'), null);
    });
  });

  describe('the web app', () => {
    it('serves index.html at / and at routes of the app, never cached without asking', async () => {
      const { url } = sys();
      for (const path of ['/', '/some/route', '/accounts/3f0c2a9e-4b7d-4c1e-9a55-0d2f6b1c8e77']) {
        const res = await fetch(`${url}${path}`);
        assert.equal(res.status, 200, path);
        assert.equal(await res.text(), INDEX_HTML, path);
        assert.equal(res.headers.get('cache-control'), 'no-cache', path);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/, path);
        assertSecurityHeaders(res.headers, path);
      }
    });

    it('serves hashed assets cached for a year, gzip-encoded when accepted', async () => {
      const { url } = sys();
      const gz = await rawGet(`${url}${ASSET_PATH}`, { 'accept-encoding': 'gzip, br' });
      assert.equal(gz.status, 200);
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.match(String(gz.headers['cache-control']), /max-age=31536000, immutable/);
      assert.match(String(gz.headers['content-type']), /^text\/javascript/);
      assert.equal(gunzipSync(gz.body).toString(), ASSET_JS);
      assert.ok(gz.body.length < ASSET_JS.length);

      const plain = await rawGet(`${url}${ASSET_PATH}`);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.body.toString(), ASSET_JS);
    });

    it('answers a missing asset 404, not with the app', async () => {
      const res = await fetch(`${sys().url}/assets/missing-0000000.js`);
      assert.equal(res.status, 404);
      await res.body?.cancel();
    });
  });
}
