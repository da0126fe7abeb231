/**
 * Headers on every answer of the public port: no MIME sniffing, no referrer, no framing, a
 * Content-Security-Policy that lets the app load and call only its own origin, and HSTS when the
 * caller came over TLS (sending it over plain HTTP means nothing and can strand a dev setup).
 */
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(
  res: ServerResponse | Http2ServerResponse,
  options: { tls: boolean },
): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
  if (options.tls) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}
