/**
 * RPC hop: unary calls per second over one HTTP/2 connection, 32 in flight, client and server in
 * this process (so a figure is the whole cost of a hop, client and server, on one core), beside raw
 * `node:http2` echo of the same bytes (goal ≥ 0.36 of it, where grpc-js stands).
 *
 *   rpc-hop                  the kit: its gRPC path (platform/src/transport) at both ends, the
 *                            server's interceptors (telemetry, errors, validation) and the
 *                            client's telemetry around the trivial Echo handler
 *   rpc-hop/with-resilience  the same with the client's resilience interceptor too, as
 *                            createServiceClient adds it (deadline, retry, bulkhead, breaker)
 *   rpc-hop/bare-transport   the transport alone at both ends (no interceptors, plain HTTP/2
 *                            server), to compare like for like with the stacks below
 *   rpc-hop/grpc-js          @grpc/grpc-js at both ends, stock (proto-loader), for reference
 *   rpc-hop/connect          connect-node's gRPC at both ends, default options, for reference
 *
 * `extra` has the CPU time per call of each side, steadier than rates on a shared machine.
 * bench/explore/rpc-stacks.ts crosses every server with every client to show where the time goes.
 */
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { type ConnectRouter, createClient } from '@connectrpc/connect';
import {
  connectNodeAdapter,
  createGrpcTransport as createConnectGrpcTransport,
} from '@connectrpc/connect-node';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { upstreamResilience } from '@paymesh/platform/resilience/registry';
import { resilienceInterceptor } from '@paymesh/platform/resilience/resilience-interceptor';
import { errorInterceptor } from '@paymesh/platform/server/error-interceptor';
import { createRpcListener } from '@paymesh/platform/server/rpc-listener';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import { rpcClientTelemetry, rpcServerTelemetry } from '@paymesh/platform/telemetry/rpc-interceptors';
import { initTelemetry } from '@paymesh/platform/telemetry/tracing';
import { createGrpcTransport } from '@paymesh/platform/transport/grpc-client-transport';
import { createRpcRequestHandler } from '@paymesh/platform/transport/rpc-request-handler';
import { validationInterceptor } from '@paymesh/platform/validation/validation-interceptor';
import { EchoRequestSchema, FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import {
  closedLoop,
  connectEchoClient,
  defaultLoad,
  type LoadResult,
  startEchoServer,
} from '../baselines/http2-echo.js';
import { compare, type Figure, median, type Suite } from '../lib.js';

const GOAL_RATIO = 0.36;
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export const echoRequest = { message: 'transfer 3f2a9c1e-77b0-4d4e-9a51 ok' };

/** The trivial handler, written once as a Connect ServiceImpl. */
export const echoRoutes = (router: ConnectRouter) =>
  router.service(FixtureService, { echo: (req) => ({ message: req.message }) });

/** A server and a client of one stack, connected; `call` makes one Echo call. */
export interface Hop {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export type Caller = (port: number) => { call(): Promise<unknown>; close(): void };

export const servers = {
  /** The kit's server side: the colleague-built listener and interceptors, gRPC served by the transport. */
  async kit(): Promise<Listening> {
    initTelemetry({ service: 'bench' });
    const logger = createLogger('bench', 'warn');
    const handler = createRpcRequestHandler({
      routes: echoRoutes,
      interceptors: [rpcServerTelemetry(), errorInterceptor(logger), validationInterceptor()],
      readMaxBytes: MAX_MESSAGE_BYTES,
      writeMaxBytes: MAX_MESSAGE_BYTES,
    });
    const listener = createRpcListener(handler, {
      logger,
      maxConcurrentStreams: 256,
      idleTimeoutMs: 65_000,
      headersTimeoutMs: 30_000,
    });
    await listener.listen(0, '127.0.0.1');
    return {
      port: listener.port,
      close: async () => {
        listener.shutdown();
        await listener.closed();
      },
    };
  },
  /** The transport's request handler alone on a plain HTTP/2 server: no interceptors, no listener. */
  async kitBare(): Promise<Listening> {
    return listenH2(http2.createServer(createRpcRequestHandler({ routes: echoRoutes })));
  },
  async connect(): Promise<Listening> {
    return listenH2(http2.createServer(connectNodeAdapter({ routes: echoRoutes })));
  },
  async grpcjs(): Promise<Listening> {
    const server = new grpc.Server();
    server.addService(grpcjsService(), {
      Echo: (call: grpc.ServerUnaryCall<{ message: string }, unknown>, done: grpc.sendUnaryData<unknown>) =>
        done(null, { message: call.request.message }),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    return { port, close: async () => server.forceShutdown() };
  },
};

export const clients: Record<'kit' | 'kitResilient' | 'kitBare' | 'connect' | 'grpcjs', Caller> = {
  /** The transport's gRPC path with the client's telemetry (span, RED metrics, traceparent). */
  kit(port) {
    const transport = createGrpcTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      interceptors: [rpcClientTelemetry({ upstream: 'fixture' })],
      readMaxBytes: MAX_MESSAGE_BYTES,
      writeMaxBytes: MAX_MESSAGE_BYTES,
    });
    const client = createClient(FixtureService, transport);
    return { call: () => client.echo(echoRequest), close: () => {} };
  },
  /** As createServiceClient builds one: telemetry, then the upstream's resilience policies. */
  kitResilient(port) {
    const transport = createGrpcTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      interceptors: [
        rpcClientTelemetry({ upstream: 'fixture' }),
        resilienceInterceptor(upstreamResilience('fixture')),
      ],
      readMaxBytes: MAX_MESSAGE_BYTES,
      writeMaxBytes: MAX_MESSAGE_BYTES,
    });
    const client = createClient(FixtureService, transport);
    return { call: () => client.echo(echoRequest), close: () => {} };
  },
  /** The transport alone: no interceptors. */
  kitBare(port) {
    const client = createClient(FixtureService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
    return { call: () => client.echo(echoRequest), close: () => {} };
  },
  connect(port) {
    const client = createClient(
      FixtureService,
      createConnectGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }),
    );
    return { call: () => client.echo(echoRequest), close: () => {} };
  },
  grpcjs(port) {
    const Client = grpc.makeGenericClientConstructor(grpcjsService(), 'FixtureService');
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const echo = client.Echo as unknown as (
      request: object,
      callback: (err: grpc.ServiceError | null, response?: unknown) => void,
    ) => void;
    return {
      call: () =>
        new Promise((resolve, reject) =>
          echo.call(client, echoRequest, (err, response) => (err ? reject(err) : resolve(response))),
        ),
      close: () => client.close(),
    };
  },
};

/** A server of one stack with a client of another, both in this process. */
export async function openHop(server: keyof typeof servers, client: keyof typeof clients): Promise<Hop> {
  const listening = await servers[server]();
  const caller = clients[client](listening.port);
  return {
    call: caller.call,
    close: async () => {
      caller.close();
      await listening.close();
    },
  };
}

/** Raw node:http2 echo of the bytes an Echo call carries (one gRPC-framed EchoRequest). */
export async function openRawHop(): Promise<Hop> {
  const server = await startEchoServer();
  const client = connectEchoClient(server.port);
  const body = grpcFrame(toBinary(EchoRequestSchema, create(EchoRequestSchema, echoRequest)));
  return {
    call: () => client.call(body),
    close: async () => {
      client.close();
      await server.close();
    },
  };
}

export const suite: Suite = {
  name: 'rpc-hop',
  async run({ runs, log }) {
    const raw = await openRawHop();
    const hops: [name: string, hop: Hop, goal?: number][] = [
      ['rpc-hop', await openHop('kit', 'kit'), GOAL_RATIO],
      ['rpc-hop/with-resilience', await openHop('kit', 'kitResilient')],
      ['rpc-hop/bare-transport', await openHop('kitBare', 'kitBare')],
      ['rpc-hop/grpc-js', await openHop('grpcjs', 'grpcjs')],
      ['rpc-hop/connect', await openHop('connect', 'connect')],
    ];
    try {
      // JIT tiers and V8's young generation settle over the first seconds of load; every stack gets
      // them before any is measured, so the first figure is not the one that pays for it.
      log('  warming up every stack');
      for (const hop of [raw, ...hops.map(([, hop]) => hop)]) {
        await closedLoop(hop.call, { ...defaultLoad, warmupMs: 2000, durationMs: 500 });
      }
      const figures: Figure[] = [];
      for (const [name, hop, goalRatio] of hops) {
        const cpu = { system: [] as number[], baseline: [] as number[] };
        const sample = async (h: Hop, into: number[]) => {
          const result: LoadResult = await closedLoop(h.call, defaultLoad);
          into.push(result.cpuPerCallUs);
          return result.rate;
        };
        const figure = await compare({
          name,
          unit: 'req/s',
          runs,
          system: () => sample(hop, cpu.system),
          baseline: { name: 'raw http2 echo', measure: () => sample(raw, cpu.baseline) },
          ...(goalRatio === undefined ? {} : { goalRatio }),
          log,
        });
        figure.extra = {
          'cpu µs/call': Math.round(median(cpu.system)),
          'baseline cpu µs/call': Math.round(median(cpu.baseline)),
          'cpu ratio (baseline ÷ system)': (median(cpu.baseline) / median(cpu.system)).toFixed(2),
        };
        figures.push(figure);
      }
      return figures;
    } finally {
      await raw.close();
      for (const [, hop] of hops) await hop.close();
    }
  },
};

function grpcjsService(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync('paymesh/fixture/v1/fixture.proto', {
    includeDirs: [join(import.meta.dirname, '../../proto')],
  });
  return definition['paymesh.fixture.v1.FixtureService'] as grpc.ServiceDefinition;
}

function grpcFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.byteLength);
  new DataView(frame.buffer).setUint32(1, message.byteLength);
  frame.set(message, 5);
  return frame;
}

async function listenH2(server: http2.Http2Server): Promise<Listening> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
