import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { arrivedOverTls, clientAddress } from './client-address.js';

const request = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('is the socket peer, X-Forwarded-For ignored, unless a proxy is trusted', () => {
    const req = request('10.0.0.5', { 'x-forwarded-for': '203.0.113.9' });
    assert.equal(clientAddress(req, false), '10.0.0.5');
  });

  it('behind a trusted proxy is the last hop, the one the proxy saw', () => {
    const req = request('10.0.0.5', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' });
    assert.equal(clientAddress(req, true), '203.0.113.9');
    assert.equal(clientAddress(request('10.0.0.5'), true), '10.0.0.5');
  });

  it('counts an IPv4 peer of a dual-stack socket as its IPv4 address', () => {
    assert.equal(clientAddress(request('::ffff:127.0.0.1'), false), '127.0.0.1');
    assert.equal(clientAddress(request('::1'), false), '::1');
  });
});

describe('arrivedOverTls', () => {
  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    const req = request('10.0.0.5', { 'x-forwarded-proto': 'https' });
    assert.equal(arrivedOverTls(req, false), false);
    assert.equal(arrivedOverTls(req, true), true);
  });
});
