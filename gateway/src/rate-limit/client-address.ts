/**
 * The address a call comes from, for the per-address rate limit: the socket's peer, or behind a
 * trusted proxy the last hop of X-Forwarded-For (the address the proxy itself saw; earlier hops
 * are whatever the client wrote). Also whether the caller reached us over TLS, for HSTS.
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { TLSSocket } from 'node:tls';

type NodeRequest = IncomingMessage | Http2ServerRequest;

export function clientAddress(req: NodeRequest, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = headerValue(req, 'x-forwarded-for')
      ?.split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    const last = hops?.at(-1);
    if (last) return normalize(last);
  }
  return normalize(req.socket?.remoteAddress ?? 'unknown');
}

export function arrivedOverTls(req: NodeRequest, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket | undefined)?.encrypted) return true;
  return trustProxy && headerValue(req, 'x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** IPv4 peers of a dual-stack socket appear as ::ffff:a.b.c.d; one address, one bucket. */
function normalize(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

function headerValue(req: NodeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
