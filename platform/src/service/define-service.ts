/**
 * A paymesh service in one declaration: what it stores, what it publishes, what it consumes, whom
 * it calls and what it serves. The kit does the rest the same way for every service: telemetry,
 * the database and its migrations, the NATS connection, the outbox relay, the consumers, resilient
 * clients of upstreams, the RPC and admin servers, readiness and graceful shutdown.
 *
 * Stop order (reverse of start): RPC server drains → jobs finish their pass → consumers finish →
 * relay flushes → NATS drains → database closes → spans flushed → admin port closes.
 */
import type { DescService } from '@bufbuild/protobuf';
import type { Client, ConnectRouter } from '@connectrpc/connect';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { createServiceClient } from '../client/service-client.js';
import { env } from '../config/config.js';
import { startConsumer } from '../consumer/consumer.js';
import type { EventHandlers } from '../consumer/handlers.js';
import { createDatabase, type Database, migrateDatabase } from '../db/database.js';
import { createGroupCommit, type GroupCommit } from '../db/group-commit.js';
import { type JobSpec, type PeriodicJob, periodicJob } from '../jobs/periodic-job.js';
import type { ServiceManifest } from '../mesh/service-manifest.js';
import { type Bus, connectBus } from '../nats/connection.js';
import { ensureEventStreams } from '../nats/streams.js';
import { createOutbox, type Outbox } from '../outbox/outbox.js';
import { type RelayOptions, startRelay } from '../outbox/relay.js';
import { resilienceSnapshot } from '../resilience/registry.js';
import {
  type ConfigOf,
  type RunningService,
  runService,
  type ServiceOptions,
  startService,
} from '../server/run-service.js';
import type { Logger } from '../telemetry/logger.js';
import { rpcClientTelemetry, rpcServerTelemetry } from '../telemetry/rpc-interceptors.js';
import { initTelemetry, type TelemetryOptions } from '../telemetry/tracing.js';

type Shape = z.ZodRawShape;
type Schema = Record<string, unknown>;
type Upstreams = Record<string, DescService>;

/** What handlers and consumers are built from. */
export interface ServiceDeps<S extends Schema, C, U extends Upstreams> {
  readonly config: C;
  readonly logger: Logger;
  readonly db: Database<S>;
  readonly bus: Bus;
  /** Appends this service's events inside a transaction (refuses when it declares no `publishes`). */
  readonly outbox: Outbox;
  /** Runs the service's commands' transactions, many to a COMMIT under load (see group-commit.ts). */
  readonly commits: GroupCommit<S>;
  /** One resilient client per upstream, as declared. */
  readonly clients: { readonly [K in keyof U]: Client<U[K]> };
}

/** The dependencies with the service's own shared objects. */
export type AppDeps<S extends Schema, C, U extends Upstreams, A> = ServiceDeps<S, C, U> & { readonly app: A };

/** A durable consumer of one context's stream. */
export interface ConsumerSpec<S extends Schema, D = unknown> {
  /** The context whose stream it reads, e.g. `transactions`. */
  context: string;
  /** Durable name, `<service>_<purpose>`; also its inbox key. */
  name: string;
  /** The handlers, or how to build them from the service's dependencies. */
  handlers: EventHandlers<S> | ((deps: D) => EventHandlers<S>);
  maxDeliveries?: number;
  concurrency?: number;
  /**
   * How long a delivery may stay unacknowledged before the broker sends it again (default 30 s):
   * also how long a crashed consumer's messages wait before another instance gets them.
   */
  ackWaitMs?: number;
}

export interface ServiceDefinition<S extends Schema, E extends Shape, U extends Upstreams, A = undefined> {
  /** The drizzle schema, including the kit's `outbox` and `inbox` tables where used. */
  schema: S;
  /** Absolute path of the committed drizzle-kit migrations. */
  migrations: string;
  /** The context whose stream the outbox publishes to; omit when the service emits nothing. */
  publishes?: string;
  /** The service's own variables. */
  env?: E;
  /** Services it calls; each needs `<NAME>_URL` (e.g. ACCOUNTS_URL) in the environment. */
  upstreams?: U;
  /**
   * Builds, once, what the routes, consumers and jobs share (a saga, a change feed); they find it
   * as `deps.app`.
   */
  app?: (deps: ServiceDeps<S, ConfigOf<E>, U>) => A;
  routes: (deps: AppDeps<S, ConfigOf<E>, U, A>) => (router: ConnectRouter) => void;
  /** Durable consumers, declared up front so the mesh's topology can be checked against them. */
  consumers?: readonly ConsumerSpec<S, AppDeps<S, ConfigOf<E>, U, A>>[];
  /** Background jobs on a timer (hold expiry, saga recovery); they start after the consumers. */
  jobs?: (deps: AppDeps<S, ConfigOf<E>, U, A>) => JobSpec[];
  relay?: Pick<RelayOptions, 'concurrency' | 'batchSize' | 'lingerMs' | 'pollIntervalMs' | 'retentionMs'>;
  server?: ServiceOptions<Shape>['server'];
}

export interface StartOptions {
  /** Variables (tests pass their own instead of process.env). */
  source?: NodeJS.ProcessEnv;
  /** Where spans go (tests pass an InMemorySpanExporter). */
  telemetry?: Pick<TelemetryOptions, 'exporter'>;
  logger?: Logger;
}

export interface DefinedService<S extends Schema, E extends Shape, U extends Upstreams, A = undefined> {
  /** Whom it calls, what it reads and writes: checked against mesh/topology.yaml. */
  readonly manifest: ServiceManifest;
  /** Runs the service as this process: signals, exit codes. For main.ts. */
  run(): Promise<void>;
  /** Starts it in this process and returns it with its dependencies. For component tests. */
  start(options?: StartOptions): Promise<
    RunningService<ConfigOf<E>> & {
      deps: AppDeps<S, ConfigOf<E>, U, A>;
      /** The background jobs by name, e.g. to run a pass now. */
      jobs: Readonly<Record<string, PeriodicJob>>;
    }
  >;
}

export function defineService<
  S extends Schema,
  E extends Shape = Record<never, never>,
  U extends Upstreams = Record<never, never>,
  A = undefined,
>(definition: ServiceDefinition<S, E, U, A>): DefinedService<S, E, U, A> {
  type C = ConfigOf<E>;
  const upstreamEnv = Object.fromEntries(
    Object.keys(definition.upstreams ?? {}).map((name) => [
      upstreamVariable(name),
      env.url(['http', 'https']),
    ]),
  );
  const envShape = { ...upstreamEnv, ...definition.env } as E;
  const manifest: ServiceManifest = {
    upstreams: Object.keys(definition.upstreams ?? {}),
    consumes: [...new Set((definition.consumers ?? []).map((c) => c.context))],
    ...(definition.publishes ? { publishes: definition.publishes } : {}),
  };

  const options = (
    start: StartOptions,
    onDeps: (deps: AppDeps<S, C, U, A>, jobs: Record<string, PeriodicJob>) => void,
  ): ServiceOptions<E> => ({
    env: envShape,
    source: start.source,
    logger: start.logger,
    server: definition.server,
    async setup({ config, logger, lifecycle, mesh }) {
      // With mTLS the topology is law: code that calls or reads outside it does not start.
      mesh?.assertManifest(manifest);
      const telemetry = initTelemetry({
        service: config.SERVICE_NAME,
        otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
        ...start.telemetry,
      });
      // Flush, not shut down: tests may run several services in one process sharing the provider.
      await lifecycle.use({ name: 'telemetry', stop: () => telemetry.forceFlush() });

      const db = createDatabase({
        url: config.DATABASE_URL,
        schema: definition.schema,
        max: config.DATABASE_POOL_MAX,
        applicationName: config.SERVICE_NAME,
      });
      await lifecycle.use({
        name: 'database',
        start: () => migrateDatabase(db as Database<Schema>, definition.migrations),
        stop: () => db.$client.end(),
        check: () => db.execute(sql`select 1`),
      });

      let bus: Bus | undefined;
      await lifecycle.use({
        name: 'bus',
        start: async () => {
          bus = await connectBus(config.NATS_URL, config.SERVICE_NAME);
        },
        stop: () => bus?.close(),
        check: () => bus !== undefined && !bus.nc.isClosed(),
      });
      if (!bus) throw new Error('bus did not start');

      const outboxContext = definition.publishes;
      const outbox = outboxContext
        ? createOutbox({ namespace: config.EVENT_NAMESPACE, context: outboxContext })
        : undefined;
      if (outboxContext) {
        let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
        const relayBus = bus;
        await lifecycle.use({
          name: 'outbox-relay',
          start: async () => {
            await ensureEventStreams(await relayBus.jsm(), config.EVENT_NAMESPACE, [outboxContext], {
              replicas: config.EVENT_STREAM_REPLICAS,
            });
            relay = await startRelay({
              ...definition.relay,
              pool: db.$client,
              bus: relayBus,
              logger,
              service: config.SERVICE_NAME,
            });
          },
          stop: () => relay?.stop(),
        });
      }

      const clientTelemetry = (upstream: string) => [rpcClientTelemetry({ upstream })];
      const clients = Object.fromEntries(
        Object.entries(definition.upstreams ?? {}).map(([name, service]) => {
          const baseUrl = String((config as Record<string, unknown>)[upstreamVariable(name)]);
          return [
            name,
            createServiceClient(service, {
              upstream: name,
              baseUrl,
              interceptors: clientTelemetry(name),
              ...(mesh && { nodeOptions: mesh.clientOptions(name, baseUrl) }),
            }),
          ];
        }),
      ) as ServiceDeps<S, C, U>['clients'];

      const base: ServiceDeps<S, C, U> = {
        config: config as C,
        logger,
        db,
        bus,
        outbox: outbox ?? refusingOutbox(config.SERVICE_NAME),
        commits: createGroupCommit(db, { name: config.SERVICE_NAME }),
        clients,
      };
      const deps: AppDeps<S, C, U, A> = { ...base, app: definition.app?.(base) as A };
      const jobs: Record<string, PeriodicJob> = {};
      onDeps(deps, jobs);

      for (const spec of definition.consumers ?? []) {
        const handlers = typeof spec.handlers === 'function' ? spec.handlers(deps) : spec.handlers;
        let consumer: Awaited<ReturnType<typeof startConsumer>> | undefined;
        const consumerBus = bus;
        await lifecycle.use({
          name: `consumer:${spec.name}`,
          start: async () => {
            await ensureEventStreams(await consumerBus.jsm(), config.EVENT_NAMESPACE, [spec.context], {
              replicas: config.EVENT_STREAM_REPLICAS,
            });
            consumer = await startConsumer({
              db,
              bus: consumerBus,
              logger,
              namespace: config.EVENT_NAMESPACE,
              context: spec.context,
              name: spec.name,
              handlers,
              maxDeliveries: spec.maxDeliveries,
              concurrency: spec.concurrency,
              ackWaitMs: spec.ackWaitMs,
            });
          },
          stop: () => consumer?.stop(),
        });
      }

      for (const spec of definition.jobs?.(deps) ?? []) {
        if (jobs[spec.name]) throw new Error(`two jobs are named ${spec.name}`);
        jobs[spec.name] = await lifecycle.use(periodicJob(spec, logger));
      }

      return {
        routes: definition.routes(deps),
        outerInterceptors: [rpcServerTelemetry()],
        statusProviders: { resilience: resilienceSnapshot },
      };
    },
  });

  return {
    manifest,
    run: () => runService(options({}, () => {})),
    async start(start = {}) {
      let deps: AppDeps<S, C, U, A> | undefined;
      let jobs: Record<string, PeriodicJob> = {};
      const running = await startService(
        options(start, (d, j) => {
          deps = d;
          jobs = j;
        }),
      );
      if (!deps) throw new Error('service started without its dependencies');
      return Object.assign(running, { deps, jobs });
    },
  };
}

function refusingOutbox(service: string): Outbox {
  return {
    append: async () => {
      throw new Error(`${service} declares no \`publishes\` context, so it has no outbox`);
    },
  };
}

/** The variable naming an upstream's address: `accounts` → ACCOUNTS_URL. */
export function upstreamVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}
