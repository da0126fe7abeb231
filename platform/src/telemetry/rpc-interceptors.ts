/**
 * OpenTelemetry and RED metrics for every RPC hop, as Connect interceptors (Connect has no
 * instrumentation of its own). The server continues the caller's W3C trace context and runs the
 * handler inside its SERVER span, so the handler's logs, queries and outbox rows carry the trace; the
 * client opens a CLIENT span and sends it as `traceparent`. Spans follow the stable OpenTelemetry RPC
 * conventions: name and `rpc.method` are `package.Service/Method`, `rpc.system.name` is
 * `connectrpc`, failures carry `rpc.status_code` and `error.type` (the Connect code name).
 *
 * Put each first in its `interceptors` list (outermost), so it times the whole call, sees the code
 * the caller sees and every other interceptor runs inside the span.
 */
import type { DescMethod } from '@bufbuild/protobuf';
import { Code, type Interceptor, type StreamResponse, type UnaryResponse } from '@connectrpc/connect';
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_TYPE,
  ATTR_RPC_METHOD,
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { RpcMethodMetrics } from './rpc-metrics.js';
import {
  causeTypeOf,
  clientCodeOf,
  codeName,
  isServerFault,
  OK,
  publicMessageOf,
  serverCodeOf,
} from './rpc-outcome.js';

const tracer = trace.getTracer('@paymesh/platform');

const RPC_SYSTEM = 'connectrpc';

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => Array.from(headers.keys()),
  get: (headers, key) => headers.get(key) ?? undefined,
};

const headerSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

/** What is the same for every call of one method, computed on its first call. */
interface MethodTelemetry {
  readonly spanName: string;
  readonly spanOptions: SpanOptions;
  readonly metrics: RpcMethodMetrics;
}

/** Server side: continues the caller's trace and runs the handler in a SERVER span. */
export function rpcServerTelemetry(): Interceptor {
  const methods = new WeakMap<DescMethod, MethodTelemetry>();
  const describe = (method: DescMethod): MethodTelemetry => {
    const rpcMethod = `${method.parent.typeName}/${method.name}`;
    const described: MethodTelemetry = {
      spanName: rpcMethod,
      spanOptions: {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM, [ATTR_RPC_METHOD]: rpcMethod },
      },
      metrics: RpcMethodMetrics.server(method.parent.typeName, method.name),
    };
    methods.set(method, described);
    return described;
  };

  return (next) => async (req) => {
    const method = methods.get(req.method) ?? describe(req.method);
    const started = performance.now();
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const span = tracer.startSpan(method.spanName, method.spanOptions, parent);
    const active = trace.setSpan(parent, span);
    let res: UnaryResponse | StreamResponse;
    try {
      res = await context.with(active, next, undefined, req);
    } catch (err) {
      endServerSpan(span, method.metrics, started, serverCodeOf(err), err);
      throw err;
    }
    if (!res.stream) {
      endServerSpan(span, method.metrics, started, OK, undefined);
      return res;
    }
    return {
      ...res,
      message: endWhenDrained(res.message, active, serverCodeOf, (code, err) =>
        endServerSpan(span, method.metrics, started, code, err),
      ),
    };
  };
}

export interface RpcClientTelemetryOptions {
  /** The service called, as the metrics label it (e.g. `accounts`); defaults to the RPC service name. */
  upstream?: string;
}

interface ClientMethodTelemetry extends MethodTelemetry {
  readonly url: string;
}

/** Client side: a CLIENT span per call, sent to the server as `traceparent`. One per transport. */
export function rpcClientTelemetry(options: RpcClientTelemetryOptions = {}): Interceptor {
  const methods = new WeakMap<DescMethod, ClientMethodTelemetry>();
  const describe = (method: DescMethod, url: string): ClientMethodTelemetry => {
    const rpcMethod = `${method.parent.typeName}/${method.name}`;
    const server = new URL(url);
    const port = server.port ? Number(server.port) : server.protocol === 'https:' ? 443 : 80;
    const described: ClientMethodTelemetry = {
      url,
      spanName: rpcMethod,
      spanOptions: {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM,
          [ATTR_RPC_METHOD]: rpcMethod,
          [ATTR_SERVER_ADDRESS]: server.hostname,
          [ATTR_SERVER_PORT]: port,
        },
      },
      metrics: RpcMethodMetrics.client(options.upstream ?? method.parent.typeName, method.name),
    };
    methods.set(method, described);
    return described;
  };

  return (next) => async (req) => {
    const cached = methods.get(req.method);
    const method = cached !== undefined && cached.url === req.url ? cached : describe(req.method, req.url);
    const started = performance.now();
    const parent = context.active();
    const span = tracer.startSpan(method.spanName, method.spanOptions, parent);
    propagation.inject(trace.setSpan(parent, span), req.header, headerSetter);
    let res: UnaryResponse | StreamResponse;
    try {
      res = await next(req);
    } catch (err) {
      endClientSpan(span, method.metrics, started, clientCodeOf(err), err);
      throw err;
    }
    if (!res.stream) {
      endClientSpan(span, method.metrics, started, OK, undefined);
      return res;
    }
    return {
      ...res,
      message: endWhenDrained(res.message, undefined, clientCodeOf, (code, err) =>
        endClientSpan(span, method.metrics, started, code, err),
      ),
    };
  };
}

function endServerSpan(span: Span, metrics: RpcMethodMetrics, started: number, code: number, err: unknown) {
  metrics.record(code, (performance.now() - started) / 1000);
  if (code !== OK) {
    markFailure(span, code);
    // A code the caller caused (not_found, invalid_argument...) is not a failure of this server.
    if (isServerFault(code)) {
      const message = publicMessageOf(err, code);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      // No stack and no cause text: those go to the log, which carries this trace id.
      span.addEvent('exception', {
        [ATTR_EXCEPTION_TYPE]: causeTypeOf(err),
        [ATTR_EXCEPTION_MESSAGE]: message,
      });
    }
  }
  span.end();
}

function endClientSpan(span: Span, metrics: RpcMethodMetrics, started: number, code: number, err: unknown) {
  metrics.record(code, (performance.now() - started) / 1000);
  if (code !== OK) {
    markFailure(span, code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: publicMessageOf(err, code) });
  }
  span.end();
}

function markFailure(span: Span, code: number): void {
  const name = codeName(code);
  span.setAttribute(ATTR_RPC_STATUS_CODE, name);
  span.setAttribute(ATTR_ERROR_TYPE, name);
}

/**
 * The response messages of a stream, calling `onEnd` once when the stream finishes, fails or is
 * abandoned (canceled). With `active`, the producer (a server's generator) runs in that context.
 */
function endWhenDrained<T>(
  messages: AsyncIterable<T>,
  active: Context | undefined,
  codeOf: (err: unknown) => number,
  onEnd: (code: number, err: unknown) => void,
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const inner = messages[Symbol.asyncIterator]();
      let ended = false;
      const end = (code: number, err: unknown) => {
        if (ended) return;
        ended = true;
        onEnd(code, err);
      };
      return {
        async next() {
          try {
            const result = await (active ? context.with(active, inner.next, inner) : inner.next());
            if (result.done) end(OK, undefined);
            return result;
          } catch (err) {
            end(codeOf(err), err);
            throw err;
          }
        },
        async return(value?: unknown) {
          end(Code.Canceled, undefined);
          const close = inner.return;
          if (!close) return { done: true, value };
          return active ? context.with(active, close, inner, value) : close.call(inner, value);
        },
        async throw(err?: unknown) {
          end(codeOf(err), err);
          const fail = inner.throw;
          if (!fail) throw err;
          return active ? context.with(active, fail, inner, err) : fail.call(inner, err);
        },
      };
    },
  };
}
