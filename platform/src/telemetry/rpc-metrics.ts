/**
 * RED metrics of RPCs, on the server and on the client side: requests by outcome and their
 * duration (for a stream, until it ends). `code` is the Connect code name (`ok`, `not_found`...).
 *   rpc_server_requests_total{service,method,code}   rpc_server_duration_seconds{service,method,code}
 *   rpc_client_requests_total{upstream,method,code}  rpc_client_duration_seconds{upstream,method,code}
 */
import type { Counter, Histogram } from 'prom-client';
import { counter, histogram } from './metrics.js';
import { codeName } from './rpc-outcome.js';

// From a cache hit (0.5 ms) to a slow saga step (10 s).
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface RedMetrics {
  requests: Counter<string>;
  duration: Histogram<string>;
}

let server: RedMetrics | undefined;
let client: RedMetrics | undefined;

function serverMetrics(): RedMetrics {
  server ??= {
    requests: counter({
      name: 'rpc_server_requests_total',
      help: 'RPCs this server answered, by outcome.',
      labelNames: ['service', 'method', 'code'],
    }),
    duration: histogram({
      name: 'rpc_server_duration_seconds',
      help: 'Time from receiving an RPC to its last response message, by outcome.',
      labelNames: ['service', 'method', 'code'],
      buckets: DURATION_BUCKETS,
    }),
  };
  return server;
}

function clientMetrics(): RedMetrics {
  client ??= {
    requests: counter({
      name: 'rpc_client_requests_total',
      help: 'RPCs this process made to upstream services, by outcome.',
      labelNames: ['upstream', 'method', 'code'],
    }),
    duration: histogram({
      name: 'rpc_client_duration_seconds',
      help: 'Time from sending an RPC to its last response message, by outcome.',
      labelNames: ['upstream', 'method', 'code'],
      buckets: DURATION_BUCKETS,
    }),
  };
  return client;
}

interface Recorder {
  requests: Counter.Internal;
  duration: Histogram.Internal<string>;
}

/**
 * The metrics of one method seen from one side. Label children are bound once per code, so
 * recording a call does not build label objects.
 */
export class RpcMethodMetrics {
  private readonly byCode: (Recorder | undefined)[] = [];

  private constructor(
    private readonly metrics: RedMetrics,
    private readonly peer: string,
    private readonly method: string,
  ) {}

  /** `service` is the fully-qualified service name, `method` the method name. */
  static server(service: string, method: string): RpcMethodMetrics {
    return new RpcMethodMetrics(serverMetrics(), service, method);
  }

  /** `upstream` names the service called (e.g. `accounts`), `method` the method name. */
  static client(upstream: string, method: string): RpcMethodMetrics {
    return new RpcMethodMetrics(clientMetrics(), upstream, method);
  }

  record(code: number, seconds: number): void {
    const recorder = this.byCode[code] ?? this.bind(code);
    recorder.requests.inc();
    recorder.duration.observe(seconds);
  }

  private bind(code: number): Recorder {
    const name = codeName(code);
    const recorder: Recorder = {
      requests: this.metrics.requests.labels(this.peer, this.method, name),
      duration: this.metrics.duration.labels(this.peer, this.method, name),
    };
    this.byCode[code] = recorder;
    return recorder;
  }
}
