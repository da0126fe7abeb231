/**
 * The admin port (HTTP/1.1, never exposed outside the cluster): `/livez` for the liveness probe,
 * `/readyz` for readiness with every check and status snapshot, `/metrics` for Prometheus.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../telemetry/logger.js';
import { metricsRegistry } from '../telemetry/metrics.js';
import type { Component } from './lifecycle.js';
import type { Readiness } from './readiness.js';

/** A snapshot for `/readyz` (circuit breakers, consumer lag): cheap, JSON-serializable. */
export type StatusProvider = () => unknown;

export interface AdminServerOptions {
  readiness: Readiness;
  logger: Logger;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  statusProviders?: Record<string, StatusProvider>;
}

export interface AdminServer extends Component {
  /** The bound port, once started. */
  readonly port: number;
  addStatusProvider(name: string, provider: StatusProvider): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAdminServer(options: AdminServerOptions): AdminServer {
  const { readiness, logger } = options;
  const providers = new Map(Object.entries(options.statusProviders ?? {}));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    switch (req.url?.split('?', 1)[0]) {
      case '/livez':
        return send(res, 200, { status: 'ok' });
      case '/readyz': {
        const report = await readiness.report();
        const status = Object.fromEntries(
          await Promise.all([...providers].map(async ([name, provider]) => [name, await snapshot(provider)])),
        );
        return send(res, report.ready ? 200 : 503, { ...report, status });
      }
      case '/metrics': {
        const body = await metricsRegistry.metrics();
        res.writeHead(200, { 'content-type': metricsRegistry.contentType });
        res.end(body);
        return;
      }
      default:
        return send(res, 404, { error: 'not found' });
    }
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      logger.error({ err, path: req.url }, 'admin request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  let port = 0;
  return {
    name: 'admin-server',
    get port() {
      return port;
    },
    addStatusProvider(name, provider) {
      providers.set(name, provider);
    },
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '0.0.0.0', () => {
          server.off('error', reject);
          const address = server.address();
          port = typeof address === 'object' && address ? address.port : 0;
          logger.info({ port }, 'admin server listening');
          resolve();
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Probes and scrapes are not worth waiting for.
        server.closeAllConnections();
      }),
  };
}

async function snapshot(provider: StatusProvider): Promise<unknown> {
  try {
    return await provider();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body, (_, value) => (typeof value === 'bigint' ? value.toString() : value));
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(json);
}
