/**
 * The handler context of one gRPC unary call, and the interceptor chain run with it: what
 * connect-es's `createHandlerContext` and `invokeUnaryImplementation` give handlers and
 * interceptors, field for field. The difference is when things are built: the signal, the URL and
 * the request and response headers and trailers come into being on first use, since many calls
 * never look at them and building them (abort controllers, timers, fetch Headers, URLs) is much of
 * a call's cost. Whoever does look sees what connect-es would show at that moment: the signal
 * carries the reason of the first of deadline, shutdown, hang-up or end.
 */
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type {
  ContextValues,
  HandlerContext,
  Interceptor,
  UnaryRequest,
  UnaryResponse,
} from '@connectrpc/connect';
import { getAbortSignalReason } from '@connectrpc/connect/protocol';
import { grpcStatusOk, headerGrpcStatus } from '@connectrpc/connect/protocol-grpc';
import { applyInterceptors } from './apply-interceptors.js';
import { CallSignal, timedOut } from './call-signal.js';
import type { UnaryImplSpec } from './route-table.js';

export interface UnaryCallContext extends HandlerContext {
  /** Aborts the signal with `reason`, unless something aborted it first. */
  abort(reason?: unknown): void;
  /** The response headers and trailers as set so far; undefined while nobody touched them. */
  touched(): { header: Headers | undefined; trailer: Headers | undefined };
}

export interface UnaryCallInit {
  spec: UnaryImplSpec;
  /** The request URL, built on first use. */
  url: () => string;
  /** The request headers, converted on first use. */
  requestHeader: () => Headers;
  timeoutMs: number | undefined;
  shutdownSignal: AbortSignal | undefined;
  contextValues: ContextValues;
  /** The response headers the call starts with (content type, negotiated encoding). */
  responseHeader: Readonly<Record<string, string>>;
}

export function createUnaryCallContext(init: UnaryCallInit): UnaryCallContext {
  const deadlineAt = init.timeoutMs === undefined ? undefined : Date.now() + init.timeoutMs;
  let callSignal: CallSignal | undefined;
  let ended: { reason: unknown } | undefined;
  let url: string | undefined;
  let requestHeader: Headers | undefined;
  let responseHeader: Headers | undefined;
  let responseTrailer: Headers | undefined;

  return {
    method: init.spec.method,
    service: init.spec.method.parent,
    requestMethod: 'POST',
    protocolName: 'grpc',
    get url() {
      url ??= init.url();
      return url;
    },
    values: init.contextValues,
    timeoutMs() {
      return deadlineAt === undefined ? undefined : deadlineAt - Date.now();
    },
    get requestHeader() {
      requestHeader ??= init.requestHeader();
      return requestHeader;
    },
    get responseHeader() {
      responseHeader ??= new Headers(init.responseHeader);
      return responseHeader;
    },
    get responseTrailer() {
      responseTrailer ??= new Headers({ [headerGrpcStatus]: grpcStatusOk });
      return responseTrailer;
    },
    get signal() {
      if (!callSignal) {
        if (ended) {
          callSignal = new CallSignal(undefined, undefined);
          callSignal.end(ended.reason);
        } else {
          const remaining = deadlineAt === undefined ? undefined : deadlineAt - Date.now();
          callSignal = new CallSignal(remaining, init.shutdownSignal);
        }
      }
      return callSignal.signal;
    },
    abort(reason?: unknown) {
      if (callSignal) {
        callSignal.end(reason);
      } else if (!ended) {
        // What would have aborted the signal first, had it existed.
        if (deadlineAt !== undefined && Date.now() >= deadlineAt) ended = { reason: timedOut() };
        else if (init.shutdownSignal?.aborted) ended = { reason: getAbortSignalReason(init.shutdownSignal) };
        else ended = { reason };
      }
    },
    touched() {
      return { header: responseHeader, trailer: responseTrailer };
    },
  };
}

/**
 * connect-es's `invokeUnaryImplementation`: the interceptors around the handler, on a request and
 * a response that read the context's signal and headers only when asked.
 */
export async function invokeUnary(
  spec: UnaryImplSpec,
  context: UnaryCallContext,
  input: MessageShape<DescMessage>,
  interceptors: Interceptor[],
): Promise<MessageShape<DescMessage>> {
  const method = spec.method;
  const request: UnaryRequest = {
    stream: false,
    message: input,
    method,
    requestMethod: context.requestMethod,
    get url() {
      return context.url;
    },
    get signal() {
      return context.signal;
    },
    get header() {
      return context.requestHeader;
    },
    service: method.parent,
    contextValues: context.values,
  };
  let produced: UnaryResponse | undefined;
  const next = applyInterceptors(interceptors, async (req: UnaryRequest): Promise<UnaryResponse> => {
    // An interceptor that passed a request of its own gets a context made of it, as in connect-es.
    const handlerContext = req === request ? context : mergeRequest(context, req);
    const output = await spec.impl(req.message, handlerContext);
    produced = {
      stream: false,
      message: create(method.output, output),
      method,
      service: method.parent,
      get header() {
        return context.responseHeader;
      },
      get trailer() {
        return context.responseTrailer;
      },
    };
    return produced;
  });
  const res = await next(request);
  if (res !== produced) {
    copyHeaders(res.header, context.responseHeader);
    copyHeaders(res.trailer, context.responseTrailer);
  }
  return res.message;
}

function mergeRequest(context: UnaryCallContext, req: UnaryRequest): HandlerContext {
  return {
    ...context,
    service: req.service,
    requestHeader: req.header,
    signal: req.signal,
    values: req.contextValues,
  };
}

function copyHeaders(from: Headers, to: Headers): void {
  if (from === to) return;
  for (const key of [...to.keys()]) to.delete(key);
  for (const [key, value] of from) to.set(key, value);
}
