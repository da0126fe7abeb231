/**
 * Node's HTTP/2 header objects to fetch `Headers` and back, the way connect-node converts them, so
 * interceptors see the same headers whichever engine carried the call.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';

/** Incoming headers without the HTTP/2 pseudo-headers (`:path`, `:method`...). */
export function webHeadersFromNode(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const key in incoming) {
    if (key.charCodeAt(0) === 58 /* ':' */) continue;
    const value = incoming[key];
    if (value === undefined) continue;
    if (typeof value === 'string') headers.append(key, value);
    else for (const v of value) headers.append(key, v);
  }
  return headers;
}

/** One header's value as `Headers.get` would give it (a repeated header joined by ", "), or null. */
export function single(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}

/** Headers to send; a name given several times becomes a list. */
export function nodeHeadersFromWeb(headers: Headers, into: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  headers.forEach((value, key) => {
    const existing = into[key];
    if (existing === undefined) into[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else into[key] = [String(existing), value];
  });
  return into;
}
