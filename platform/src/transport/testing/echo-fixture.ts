/**
 * Test fixture of the transport: the Echo handler (with a failure per magic message) and the health
 * service, served by connect-node's stock adapter and by the kit's request handler with the same
 * routes and interceptors, and callers of every kind (connect-node, the kit's transport, a plain
 * grpc-js client from the .proto), each reduced to a comparable outcome.
 */
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Code, ConnectError, type ConnectRouter, createClient } from '@connectrpc/connect';
import { findTrailerError } from '@connectrpc/connect/protocol-grpc';
import {
  connectNodeAdapter,
  createGrpcTransport as createConnectGrpcTransport,
} from '@connectrpc/connect-node';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Health, HealthCheckResponse_ServingStatus } from '@paymesh/proto/grpc/health/v1/health_pb';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { DomainError, violationsOf } from '../../errors/domain-error.js';
import { errorInterceptor } from '../../server/error-interceptor.js';
import { createLogger } from '../../telemetry/logger.js';
import { rpcServerTelemetry } from '../../telemetry/rpc-interceptors.js';
import { validationInterceptor } from '../../validation/validation-interceptor.js';
import { createGrpcTransport } from '../grpc-client-transport.js';
import { createRpcRequestHandler, type RpcRequestHandler } from '../rpc-request-handler.js';

/** Messages that make Echo fail in a given way; anything else is echoed. */
export const Magic = {
  domainError: 'domain-error',
  connectError: 'connect-error',
  rawError: 'raw-error',
  /** Waits until the call's signal aborts, then fails with its reason. */
  waitForAbort: 'wait-for-abort',
} as const;

export const readMaxBytes = 64 * 1024;

/** What the waitForAbort calls did: how many started waiting, and why each one's signal aborted. */
export interface AbortLog {
  waiting: number;
  reasons: unknown[];
}

export function echoRoutes(aborts: AbortLog) {
  return (router: ConnectRouter) => {
    router.service(FixtureService, {
      async echo(req, ctx) {
        ctx.responseHeader.set('x-echo-header', 'from-handler');
        ctx.responseTrailer.set('x-echo-trailer', 'from-handler');
        switch (req.message) {
          case Magic.domainError:
            throw new DomainError(Code.FailedPrecondition, 'account is frozen', [
              { field: 'account_id', rule: 'state', description: 'is frozen' },
            ]);
          case Magic.connectError:
            throw new ConnectError('no such entry', Code.NotFound, { 'x-entry-id': 'e-1' });
          case Magic.rawError:
            throw new Error('relation "secrets" does not exist');
          case Magic.waitForAbort:
            aborts.waiting++;
            await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
            aborts.reasons.push(ctx.signal.reason);
            throw ctx.signal.reason;
          default:
            return { message: req.message };
        }
      },
    });
    // Registered without the server's interceptors: what the engine itself does with a raw Error.
    router.service(
      Health,
      {
        check: ({ service }) => {
          if (service === Magic.rawError) throw new Error('relation "secrets" does not exist');
          return { status: HealthCheckResponse_ServingStatus.SERVING };
        },
        async *watch() {
          yield { status: HealthCheckResponse_ServingStatus.SERVING };
        },
      },
      { interceptors: [] },
    );
  };
}

export interface Served {
  readonly port: number;
  readonly aborts: AbortLog;
  /** HTTP/2 connections accepted so far. */
  sessionsOpened(): number;
  close(): Promise<void>;
}

export interface Servers {
  /** connect-node's adapter, as the kit's server had it. */
  stock: Served;
  /** The kit's request handler: gRPC unary on the lean path, the rest on connect-node. */
  kit: Served & { handler: RpcRequestHandler };
}

/** Both servers, with the kit server's interceptors (telemetry, errors, validation) and limits. */
export async function startServers(): Promise<Servers> {
  const logger = createLogger('transport-test', 'silent');
  const options = () => {
    const aborts: AbortLog = { waiting: 0, reasons: [] };
    return {
      aborts,
      adapter: {
        routes: echoRoutes(aborts),
        interceptors: [rpcServerTelemetry(), errorInterceptor(logger), validationInterceptor()],
        readMaxBytes,
      },
    };
  };
  const stock = options();
  const kit = options();
  const handler = createRpcRequestHandler(kit.adapter);
  return {
    stock: { ...(await listen(http2.createServer(connectNodeAdapter(stock.adapter)))), aborts: stock.aborts },
    kit: { ...(await listen(http2.createServer(handler))), aborts: kit.aborts, handler },
  };
}

async function listen(server: http2.Http2Server): Promise<Omit<Served, 'aborts'>> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sessions = new Set<http2.ServerHttp2Session>();
  let opened = 0;
  server.on('session', (session) => {
    opened++;
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return {
    port: (server.address() as AddressInfo).port,
    sessionsOpened: () => opened,
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What a caller can tell about a call's result, the same shape for every client. */
export interface Outcome {
  code: Code | 0;
  message: string;
  violations: { field: string; rule: string; description: string }[];
  /** The `x-` headers and trailers the caller received (error metadata included). */
  metadata: Record<string, string>;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type EchoCaller = (message: string, options?: CallOptions) => Promise<Outcome>;

export const connectClients = {
  /** connect-node's gRPC transport. */
  connect: (port: number) => createConnectGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }),
  /** The kit's gRPC transport. */
  kit: (port: number) => createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }),
};

/** An Echo caller on a Connect transport. */
export function connectEchoCaller(transport: ReturnType<typeof createGrpcTransport>): EchoCaller {
  const client = createClient(FixtureService, transport);
  return async (message, options = {}) => {
    const metadata: Record<string, string> = {};
    const collect = (headers: Headers) =>
      headers.forEach((value, key) => {
        if (key.startsWith('x-')) metadata[key] = value;
      });
    try {
      const res = await client.echo({ message }, { ...options, onHeader: collect, onTrailer: collect });
      return { code: 0, message: res.message, violations: [], metadata };
    } catch (err) {
      const error = err as ConnectError;
      collect(error.metadata);
      return {
        code: error.code,
        message: error.rawMessage,
        violations: violationsOf(error).map(({ field, rule, description }) => ({ field, rule, description })),
        metadata,
      };
    }
  };
}

const protoDir = join(import.meta.dirname, '../../../../proto');

function grpcjsServices() {
  const definition = protoLoader.loadSync(
    ['paymesh/fixture/v1/fixture.proto', 'grpc/health/v1/health.proto'],
    {
      includeDirs: [protoDir],
    },
  );
  return {
    fixture: definition['paymesh.fixture.v1.FixtureService'] as grpc.ServiceDefinition,
    health: definition['grpc.health.v1.Health'] as grpc.ServiceDefinition,
  };
}

/** A plain grpc-js client of FixtureService, made from the .proto. */
export function grpcjsEchoCaller(port: number): { call: EchoCaller; client: grpc.Client } {
  const Client = grpc.makeGenericClientConstructor(grpcjsServices().fixture, 'FixtureService');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const echo = client.Echo as unknown as (
    request: { message: string },
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, response?: { message: string }) => void,
  ) => grpc.ClientUnaryCall;
  const call: EchoCaller = (message, options = {}) =>
    new Promise((resolve) => {
      const metadata: Record<string, string> = {};
      const collect = (received: grpc.Metadata) => {
        for (const [key, value] of Object.entries(received.getMap())) {
          if (key.startsWith('x-')) metadata[key] = String(value);
        }
      };
      const callOptions: grpc.CallOptions =
        options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
      const pending = echo.call(client, { message }, new grpc.Metadata(), callOptions, (err, response) => {
        if (!err) {
          resolve({ code: 0, message: response?.message ?? '', violations: [], metadata });
          return;
        }
        collect(err.metadata);
        const details = err.metadata.get('grpc-status-details-bin')[0];
        const parsed = details
          ? findTrailerError(
              new Headers({ 'grpc-status-details-bin': Buffer.from(details).toString('base64') }),
            )
          : undefined;
        resolve({
          code: err.code as number as Code,
          message: err.details,
          violations: parsed
            ? violationsOf(parsed).map(({ field, rule, description }) => ({ field, rule, description }))
            : [],
          metadata,
        });
      });
      pending.on('metadata', collect);
      pending.on('status', (status: grpc.StatusObject) => collect(status.metadata));
      options.signal?.addEventListener('abort', () => pending.cancel(), { once: true });
    });
  return { call, client };
}

/** A plain grpc-js client of the health service: the first message of Watch. */
export function grpcjsWatchFirst(port: number): Promise<number> {
  const Client = grpc.makeGenericClientConstructor(grpcjsServices().health, 'Health');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const watch = client.Watch as unknown as (request: object) => grpc.ClientReadableStream<{ status: string }>;
  return new Promise((resolve, reject) => {
    const stream = watch.call(client, { service: '' });
    stream.once('data', (response: { status: string | number }) => {
      stream.cancel();
      client.close();
      resolve(
        typeof response.status === 'number'
          ? response.status
          : HealthCheckResponse_ServingStatus[
              response.status as keyof typeof HealthCheckResponse_ServingStatus
            ],
      );
    });
    stream.on('error', (err: grpc.ServiceError) => {
      if (err.code !== grpc.status.CANCELLED) reject(err);
    });
  });
}

export interface RawResponse {
  status: number;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** A gRPC request written by hand, for what no well-behaved client sends. */
export function rawGrpcCall(
  port: number,
  body: Uint8Array,
  headers: http2.OutgoingHttpHeaders = {},
  path = '/paymesh.fixture.v1.FixtureService/Echo',
): Promise<RawResponse> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const response: RawResponse = { status: 0, headers: {}, trailers: {}, body: Buffer.alloc(0) };
    const chunks: Buffer[] = [];
    stream.on('response', (received) => {
      response.status = Number(received[':status']);
      response.headers = received;
    });
    stream.on('trailers', (received) => {
      response.trailers = received;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('close', () => {
      session.close();
      response.body = Buffer.concat(chunks);
      resolve(response);
    });
    stream.on('error', reject);
    stream.end(body);
  });
}

/** One gRPC length-prefixed message; `flags` 1 marks it compressed. */
export function envelope(payload: Uint8Array, flags = 0): Buffer {
  const frame = Buffer.alloc(5 + payload.byteLength);
  frame.writeUInt8(flags, 0);
  frame.writeUInt32BE(payload.byteLength, 1);
  frame.set(payload, 5);
  return frame;
}
