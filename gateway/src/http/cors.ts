/**
 * CORS for the one origin the browser app may be served from when it is not the gateway's own
 * (WEB_ORIGIN): preflights answered here, the headers Connect, gRPC-Web and the token need allowed,
 * and the status and rate-limit headers exposed to scripts. Other origins get no CORS headers, so
 * browsers keep their scripts out. No cookies are involved (the token is a header), so no
 * credentials mode.
 */
import { cors as connectCors } from '@connectrpc/connect';
import { rateLimitHeaderNames } from '../rate-limit/rate-limits.js';
import { type NodeRequest, type NodeResponse, respond } from './respond.js';

export const corsAllowedHeaders = [...connectCors.allowedHeaders, 'Authorization'];
export const corsExposedHeaders = [...connectCors.exposedHeaders, ...rateLimitHeaderNames];

const preflightMaxAgeSeconds = 7_200;

export interface Cors {
  /** Adds CORS headers for an allowed origin; answers a preflight and returns true when it was one. */
  handle(req: NodeRequest, res: NodeResponse): boolean;
}

export function corsFor(allowedOrigin: string | undefined): Cors {
  return {
    handle(req, res) {
      const origin = req.headers.origin;
      const preflight =
        req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (origin === undefined) return false;
      res.setHeader('Vary', 'Origin');
      const allowed = allowedOrigin !== undefined && origin === allowedOrigin;
      if (!allowed) {
        if (!preflight) return false;
        respond(res, 403, { 'content-type': 'text/plain; charset=utf-8' }, 'origin not allowed\n');
        return true;
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (!preflight) {
        res.setHeader('Access-Control-Expose-Headers', corsExposedHeaders.join(', '));
        return false;
      }
      respond(res, 204, {
        'Access-Control-Allow-Methods': connectCors.allowedMethods.join(', '),
        'Access-Control-Allow-Headers': corsAllowedHeaders.join(', '),
        'Access-Control-Max-Age': String(preflightMaxAgeSeconds),
      });
      return true;
    },
  };
}
