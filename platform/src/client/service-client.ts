/**
 * The one way a service makes a client of another: a typed Connect client speaking gRPC (binary)
 * over one HTTP/2 connection kept alive with PINGs, every call going through the upstream's
 * resilience policies. Telemetry interceptors handed in by the bootstrap run outside them, so a
 * call is traced once (retries and fail-fast refusals included) and its trace headers reach every
 * attempt.
 */
import type * as http2 from 'node:http2';
import type { DescService } from '@bufbuild/protobuf';
import { type Client, createClient, type Interceptor } from '@connectrpc/connect';
import type { Http2SessionOptions } from '@connectrpc/connect-node';
import type { ResiliencePolicy } from '../resilience/policy.js';
import { upstreamResilience } from '../resilience/registry.js';
import { resilienceInterceptor } from '../resilience/resilience-interceptor.js';
import { createGrpcTransport } from '../transport/grpc-client-transport.js';

export interface ServiceClientOptions {
  /** The upstream's name, e.g. 'accounts': keys its resilience state and metrics. */
  upstream: string;
  /** e.g. 'http://127.0.0.1:3002', or https for TLS. */
  baseUrl: string;
  /** Overrides of the upstream's resilience defaults. */
  policy?: Partial<ResiliencePolicy>;
  /** Run outside the resilience layer, first one outermost (telemetry, auth headers). */
  interceptors?: Interceptor[];
  /** Passed to `http2.connect`: CA, client certificate and key, servername for mTLS. */
  nodeOptions?: http2.ClientSessionOptions | http2.SecureClientSessionOptions;
  /** Overrides of the connection's keep-alive and idle settings. */
  session?: Http2SessionOptions;
}

/** gRPC's customary message limit; the transport's default (~4 GiB) is no limit at all. */
const maxMessageBytes = 4 * 1024 * 1024;

const sessionDefaults: Http2SessionOptions = {
  // PING a connection with calls in flight after 30 s of silence, and drop it if no answer in 10 s.
  pingIntervalMs: 30_000,
  pingTimeoutMs: 10_000,
  // Idle connections are not pinged (a request on one re-verifies it first) and close after 5 min.
  pingIdleConnection: false,
  idleConnectionTimeoutMs: 300_000,
};

export function createServiceClient<T extends DescService>(
  service: T,
  options: ServiceClientOptions,
): Client<T> {
  const resilience = upstreamResilience(options.upstream, options.policy);
  const transport = createGrpcTransport({
    baseUrl: options.baseUrl,
    useBinaryFormat: true,
    interceptors: [...(options.interceptors ?? []), resilienceInterceptor(resilience)],
    nodeOptions: options.nodeOptions,
    ...sessionDefaults,
    ...options.session,
    readMaxBytes: maxMessageBytes,
    writeMaxBytes: maxMessageBytes,
  });
  return createClient(service, transport);
}
