/** Writing a whole answer on either kind of Node response (HTTP/1.1 or the HTTP/2 compat layer). */
import { type IncomingMessage, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;

export function respond(
  res: NodeResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body?: string | Uint8Array,
): void {
  if (res instanceof ServerResponse) res.writeHead(status, headers);
  else res.writeHead(status, headers);
  if (body === undefined) res.end();
  else res.end(body);
}
