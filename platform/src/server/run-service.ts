/**
 * The bootstrap a service's main.ts calls: configuration, logger, the admin port, the service's
 * components in order, the RPC server, readiness, signals and graceful shutdown. Everything a
 * service shares with the others lives here, so its main.ts says only what is its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectRouter, Interceptor } from '@connectrpc/connect';
import type { z } from 'zod';
import { ConfigError, env, loadConfig, type ServiceConfig, serviceEnv } from '../config/config.js';
import { loadMeshContext, type MeshContext } from '../mesh/mesh-context.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createAdminServer, type StatusProvider } from './admin-server.js';
import { type Component, Lifecycle } from './lifecycle.js';
import { Readiness } from './readiness.js';
import { createRpcServer, type RpcServerOptions } from './rpc-server.js';

/** What the shutdown watchdog allows the components after the drain delay and the RPC grace. */
export const SHUTDOWN_WATCHDOG_MS = 15_000;

/** Variables the bootstrap reads beyond `serviceEnv`. */
export const bootstrapEnv = {
  /** Time between NOT_SERVING and closing the port, for load balancers to notice. */
  SHUTDOWN_DRAIN_DELAY_MS: env.durationMs(0),
};

type Shape = z.ZodRawShape;

/** The configuration of a service: `serviceEnv`, `bootstrapEnv` and its own variables. */
export type ConfigOf<S extends Shape> = ServiceConfig &
  z.infer<z.ZodObject<typeof bootstrapEnv>> &
  z.infer<z.ZodObject<S>>;

export interface ServiceContext<C> {
  readonly config: C;
  readonly logger: Logger;
  /** `lifecycle.use(component)` starts a component now; all stop in reverse order of start. */
  readonly lifecycle: Lifecycle;
  readonly readiness: Readiness;
  /** The mesh identity and topology when the service runs with mTLS (MESH_TLS_*). */
  readonly mesh?: MeshContext;
}

/** Makes a component from the loaded configuration (telemetry, a database, a consumer). */
export type ComponentFactory<C> = (context: ServiceContext<C>) => Component | Promise<Component>;

/** What a service serves, once its components run. */
export interface ServiceApi {
  routes: (router: ConnectRouter) => void;
  /** Outermost, in order: telemetry. */
  outerInterceptors?: Interceptor[];
  /** After validation, in order: auth and the like. */
  interceptors?: Interceptor[];
  /** Extra snapshots for `/readyz`, e.g. the resilience policies' state. */
  statusProviders?: Record<string, StatusProvider>;
}

export interface ServiceOptions<S extends Shape> {
  /** The service's own variables, validated with the shared ones. */
  env?: S;
  /** Started in order before `setup`; for components nothing else holds a handle to (telemetry). */
  components?: ComponentFactory<ConfigOf<S>>[];
  /** Starts what the handlers need (`lifecycle.use`) and returns the API. */
  setup: (context: ServiceContext<ConfigOf<S>>) => ServiceApi | Promise<ServiceApi>;
  /** RPC server settings beyond the defaults (`readMaxBytes` is 4 MiB). */
  server?: Pick<
    RpcServerOptions,
    | 'readMaxBytes'
    | 'writeMaxBytes'
    | 'maxTimeoutMs'
    | 'maxConcurrentStreams'
    | 'idleTimeoutMs'
    | 'host'
    | 'requestHandler'
  >;
  /** Where variables come from; tests pass their own. */
  source?: NodeJS.ProcessEnv;
  /** Replaces the logger made from SERVICE_NAME and LOG_LEVEL (tests capture logs). */
  logger?: Logger;
}

export interface RunningService<C> {
  readonly config: C;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly readiness: Readiness;
  readonly rpcPort: number;
  readonly adminPort: number;
  /** NOT_SERVING, the drain delay, then every component stops in reverse order (the RPC server first). */
  stop(): Promise<void>;
}

/**
 * Starts a service in this process and returns it running: what `runService` does minus signals
 * and exit codes, for component tests. Throws a ConfigError for bad variables; on any other
 * failure, stops what it started and rethrows.
 */
export async function startService<S extends Shape = Record<never, never>>(
  options: ServiceOptions<S>,
): Promise<RunningService<ConfigOf<S>>> {
  // zod cannot infer a generic shape's output; the parse checked every variable of all three.
  const config = loadConfig(
    { ...serviceEnv, ...bootstrapEnv, ...options.env },
    options.source,
  ) as unknown as ConfigOf<S>;
  const logger = options.logger ?? createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
  const readiness = new Readiness();
  const lifecycle = new Lifecycle(logger);
  const mesh = await loadMeshContext(config, logger);
  const context: ServiceContext<ConfigOf<S>> = {
    config,
    logger,
    lifecycle,
    readiness,
    ...(mesh && { mesh }),
  };
  const admin = createAdminServer({ readiness, logger, port: config.ADMIN_PORT });
  try {
    if (mesh) await lifecycle.use({ name: 'mesh-credentials', stop: () => mesh.credentials.close() });
    // The admin port first: /livez answers while migrations run, and it closes last.
    await lifecycle.use(admin);
    for (const factory of options.components ?? []) await lifecycle.use(await factory(context));
    const api = await options.setup(context);
    await lifecycle.start();
    const rpc = createRpcServer({
      ...options.server,
      // The edge (mesh/topology.yaml `edge: true`) takes outside clients; every other port is mTLS.
      ...(mesh && !mesh.self.edge && { mesh }),
      routes: api.routes,
      logger,
      readiness,
      outerInterceptors: api.outerInterceptors,
      interceptors: api.interceptors,
      port: config.PORT,
      shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    });
    await lifecycle.use(rpc);
    for (const component of lifecycle.components) {
      const { check, status } = component;
      if (check) readiness.addCheck(component.name, () => check.call(component));
      if (status) admin.addStatusProvider(component.name, () => status.call(component));
    }
    for (const [name, provider] of Object.entries(api.statusProviders ?? {}))
      admin.addStatusProvider(name, provider);
    readiness.markServing();
    logger.info(
      { port: rpc.port, adminPort: admin.port, components: lifecycle.components.map((c) => c.name) },
      'service started',
    );
    let stopping: Promise<void> | undefined;
    const stop = async () => {
      readiness.markDraining();
      logger.info({ drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS }, 'service stopping');
      if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) await sleep(config.SHUTDOWN_DRAIN_DELAY_MS);
      await lifecycle.stop();
      logger.info('service stopped');
    };
    return {
      config,
      logger,
      lifecycle,
      readiness,
      rpcPort: rpc.port,
      adminPort: admin.port,
      stop() {
        stopping ??= stop();
        return stopping;
      },
    };
  } catch (err) {
    logger.fatal({ err }, 'service failed to start');
    await lifecycle.stop();
    throw err;
  }
}

/**
 * Runs a service until SIGTERM or SIGINT, then shuts it down gracefully and exits 0. A bad
 * configuration prints its message (no stack) and exits 1; so does any failure to start.
 */
export async function runService<S extends Shape = Record<never, never>>(
  options: ServiceOptions<S>,
): Promise<void> {
  let service: RunningService<ConfigOf<S>>;
  try {
    service = await startService(options);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const { logger, config } = service;
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutdown requested');
    // Components get their own time after the RPC server's grace; a hang must not outlive the pod.
    const limitMs = config.SHUTDOWN_DRAIN_DELAY_MS + config.SHUTDOWN_GRACE_MS + SHUTDOWN_WATCHDOG_MS;
    setTimeout(() => {
      logger.error({ limitMs }, 'shutdown took too long: exiting');
      process.exit(1);
    }, limitMs).unref();
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.fatal({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
