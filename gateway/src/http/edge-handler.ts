/**
 * The public port's HTTP handler: security headers and CORS on every answer, then by path —
 * `/healthz`, an RPC (`/package.Service/Method`, any protocol), or the web app for other GET and
 * HEAD requests. Anything else goes to the RPC handler, which answers unknown paths with 404.
 */
import type { RequestHandler } from '@paymesh/platform/server/rpc-listener';
import type { Logger } from '@paymesh/platform/telemetry/logger';
import type { GatewayHealth } from '../health/upstream-health.js';
import { arrivedOverTls } from '../rate-limit/client-address.js';
import type { StaticSite } from '../static/static-site.js';
import type { Cors } from './cors.js';
import { type NodeResponse, respond } from './respond.js';
import { setSecurityHeaders } from './security-headers.js';

export interface EdgeHandlerOptions {
  rpc: RequestHandler;
  cors: Cors;
  health: GatewayHealth;
  site: StaticSite;
  trustProxy: boolean;
  logger: Logger;
}

/** How every RPC protocol addresses a method: one segment with the package-qualified service, one with the method. */
const RPC_PATH = /^\/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+\/[A-Za-z_][A-Za-z0-9_]*$/;

export function edgeHandler(options: EdgeHandlerOptions): RequestHandler {
  const { rpc, cors, health, site, trustProxy, logger } = options;

  const failed = (res: NodeResponse, what: string) => (err: unknown) => {
    logger.error({ err }, `${what} failed`);
    if (res.headersSent) res.destroy();
    else respond(res, 500, { 'content-type': 'text/plain; charset=utf-8' }, 'internal error\n');
  };

  return (req, res) => {
    setSecurityHeaders(res, { tls: arrivedOverTls(req, trustProxy) });
    if (cors.handle(req, res)) return;
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && reading) {
      health
        .report()
        .then((report) => {
          respond(
            res,
            report.status === 'SERVING' ? 200 : 503,
            { 'content-type': 'application/json', 'cache-control': 'no-store' },
            req.method === 'HEAD' ? undefined : JSON.stringify(report),
          );
        })
        .catch(failed(res, 'health report'));
      return;
    }
    if (!reading || RPC_PATH.test(path)) {
      rpc(req, res);
      return;
    }
    site.serve(req, res).catch(failed(res, 'static file'));
  };
}
