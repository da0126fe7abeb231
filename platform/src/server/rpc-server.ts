/**
 * The RPC server of a service: its routes served as gRPC, gRPC-Web and Connect on one port, behind
 * the kit's always-on interceptors (errors, validation), with the gRPC health service, bounded
 * message sizes, and a graceful stop that lets every accepted call finish.
 */
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextValues,
  type Interceptor,
} from '@connectrpc/connect';
import type { ConnectNodeAdapterOptions } from '@connectrpc/connect-node';
import { Health } from '@paymesh/proto/grpc/health/v1/health_pb';
import { meshAuthorization, meshPeerKey } from '../mesh/mesh-authorization.js';
import type { MeshContext } from '../mesh/mesh-context.js';
import type { Logger } from '../telemetry/logger.js';
import { createRpcRequestHandler } from '../transport/rpc-request-handler.js';
import { validatorFor } from '../validation/message-validator.js';
import { validationInterceptor } from '../validation/validation-interceptor.js';
import { errorInterceptor } from './error-interceptor.js';
import { healthService } from './health-service.js';
import type { Component } from './lifecycle.js';
import { Readiness } from './readiness.js';
import { createRpcListener, type RequestHandler } from './rpc-listener.js';

export interface RpcServerOptions {
  /** Registers the service's handlers: `(router) => router.service(AccountsService, handlers)`. */
  routes: (router: ConnectRouter) => void;
  logger: Logger;
  /** Shared with the admin server; a fresh one (phase `starting`) when absent. */
  readiness?: Readiness;
  /** Outermost interceptors, in order: telemetry, so its spans and metrics see calls as answered. */
  outerInterceptors?: Interceptor[];
  /** Interceptors that run after validation, in order: auth and the like. */
  interceptors?: Interceptor[];
  /**
   * East-west security: mTLS with client certificates required, and only the callers the topology
   * allows. Absent, the port is plaintext (behind a sidecar mesh, or the public edge).
   */
  mesh?: MeshContext;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Largest request message accepted (after decompression); larger ones get RESOURCE_EXHAUSTED. */
  readMaxBytes?: number;
  /** Largest response message sent. */
  writeMaxBytes?: number;
  /** How long calls in flight may run after shutdown begins before they are cancelled. */
  shutdownGraceMs?: number;
  /** The longest deadline a client may ask for; longer ones are refused. */
  maxTimeoutMs?: number;
  maxConcurrentStreams?: number;
  idleTimeoutMs?: number;
  headersTimeoutMs?: number;
  /**
   * Builds the HTTP request handler from the routes and options: by default the kit's, which
   * serves binary gRPC unary calls on a lean path and the rest through connect-node's adapter.
   */
  requestHandler?: (options: ConnectNodeAdapterOptions) => RequestHandler;
}

export interface RpcServer extends Component {
  readonly readiness: Readiness;
  /** The bound port, once started. */
  readonly port: number;
  /** Calls being answered now. */
  readonly inFlight: number;
  /** Listens. Readiness stays as it is: the bootstrap marks serving once every component runs. */
  start(): Promise<void>;
  /**
   * Drains: NOT_SERVING, no new connections, GOAWAY and `Connection: close` to open ones; waits for
   * the calls in flight up to the grace period, then cancels the rest (UNAVAILABLE).
   */
  stop(): Promise<void>;
}

export const defaultReadMaxBytes = 4 * 1024 * 1024;

export function createRpcServer(options: RpcServerOptions): RpcServer {
  const { logger } = options;
  const readiness = options.readiness ?? new Readiness();
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const closing = new AbortController();
  const cancelling = new AbortController();
  const { mesh } = options;

  const handler = (options.requestHandler ?? createRpcRequestHandler)({
    routes(router) {
      options.routes(router);
      healthService(readiness, { closing: closing.signal })(router);
      const served = new Set<string>();
      for (const { method, service } of router.handlers) {
        // A contract rule that cannot hold stops the server here, not on the first request.
        validatorFor(method.input);
        if (service.typeName !== Health.typeName) served.add(service.typeName);
      }
      for (const typeName of served) readiness.addService(typeName);
      if (mesh) assertServes(mesh, [...served]);
    },
    interceptors: [
      ...(options.outerInterceptors ?? []),
      errorInterceptor(logger),
      // Before validation: a caller the topology refuses learns nothing about the contract.
      ...(mesh ? [meshAuthorization(mesh.topology, mesh.self.name)] : []),
      validationInterceptor(),
      ...(options.interceptors ?? []),
    ],
    readMaxBytes: options.readMaxBytes ?? defaultReadMaxBytes,
    writeMaxBytes: options.writeMaxBytes ?? 16 * 1024 * 1024,
    maxTimeoutMs: options.maxTimeoutMs,
    shutdownSignal: cancelling.signal,
    ...(mesh && {
      contextValues: (req) => createContextValues().set(meshPeerKey, listener.peerIdentity(req)),
    }),
  });

  const listener = createRpcListener(handler, {
    logger,
    maxConcurrentStreams: options.maxConcurrentStreams ?? 256,
    idleTimeoutMs: options.idleTimeoutMs ?? 65_000,
    headersTimeoutMs: options.headersTimeoutMs ?? 30_000,
    tls: mesh?.credentials,
  });

  let stopping: Promise<void> | undefined;

  async function drain(): Promise<void> {
    readiness.markDraining();
    closing.abort();
    logger.info({ inFlight: listener.inFlight, connections: listener.connections }, 'rpc server draining');
    listener.shutdown();
    if (!(await settlesWithin(listener.closed(), graceMs))) {
      logger.warn({ inFlight: listener.inFlight }, 'grace period over: cancelling the calls still running');
      cancelling.abort(new ConnectError('server is shutting down', Code.Unavailable));
      if (!(await settlesWithin(listener.closed(), Math.min(1_000, graceMs)))) listener.destroy();
      await listener.closed();
    }
    readiness.markStopped();
    logger.info('rpc server stopped');
  }

  return {
    name: 'rpc-server',
    readiness,
    get port() {
      return listener.port;
    },
    get inFlight() {
      return listener.inFlight;
    },
    async start() {
      await listener.listen(options.port ?? 0, options.host ?? '0.0.0.0');
      logger.info(
        { port: listener.port, mtls: mesh ? mesh.credentials.identity : false },
        'rpc server listening',
      );
    },
    stop() {
      stopping ??= drain();
      return stopping;
    },
  };
}

/** The topology's policies name these services' methods: what is served must be what it says. */
function assertServes(mesh: MeshContext, served: readonly string[]): void {
  const listed = mesh.self.serves;
  const unlisted = served.filter((name) => !listed.includes(name));
  const missing = listed.filter((name) => !served.includes(name));
  if (unlisted.length || missing.length) {
    throw new Error(
      `${mesh.self.name} serves [${served.join(', ')}] but mesh/topology.yaml says serves: [${listed.join(', ')}]`,
    );
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
