/**
 * A Connect `Transport` for east-west gRPC, a drop-in for connect-node's `createGrpcTransport` (same
 * options). Unary calls in binary protobuf go straight onto a pooled HTTP/2 session (connect-node's
 * Http2SessionManager: keep-alive PINGs, reconnects, GOAWAY), through the interceptors with
 * connect-es's deadline and cancellation signals, checked by its gRPC response validation, so
 * callers and interceptors see what connect-node's transport gives them. Streaming calls and
 * gRPC+JSON go to connect-node's transport over the same session.
 */
import { type ClientHttp2Stream, constants, type IncomingHttpHeaders } from 'node:http2';
import { create, type DescMessage, type DescMethodUnary } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextValues,
  type Interceptor,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from '@connectrpc/connect';
import {
  type Compression,
  createMethodSerializationLookup,
  createMethodUrl,
  encodeEnvelope,
  envelopeCompress,
  envelopeDecompress,
  getAbortSignalReason,
  type MethodSerializationLookup,
  validateReadWriteMaxBytes,
} from '@connectrpc/connect/protocol';
import {
  headerGrpcStatus,
  requestHeaderWithCompression,
  validateResponseWithCompression,
  validateTrailer,
} from '@connectrpc/connect/protocol-grpc';
import {
  compressionBrotli,
  compressionGzip,
  createGrpcTransport as createConnectGrpcTransport,
  type GrpcTransportOptions,
  Http2SessionManager,
} from '@connectrpc/connect-node';
import { applyInterceptors } from './apply-interceptors.js';
import { CallSignal, callEnded } from './call-signal.js';
import { EnvelopeReader } from './envelope-reader.js';
import { errorFromNodeReason, errorFromResetCode } from './http2-errors.js';
import { nodeHeadersFromWeb, webHeadersFromNode } from './node-headers.js';

export type { GrpcTransportOptions };

type SessionManager = NonNullable<GrpcTransportOptions['sessionManager']>;

export function createGrpcTransport(options: GrpcTransportOptions): Transport {
  const sessionManager =
    options.sessionManager ??
    new Http2SessionManager(
      options.baseUrl,
      {
        pingIntervalMs: options.pingIntervalMs,
        pingIdleConnection: options.pingIdleConnection,
        pingTimeoutMs: options.pingTimeoutMs,
        idleConnectionTimeoutMs: options.idleConnectionTimeoutMs,
      },
      options.nodeOptions,
    );
  const connectTransport = createConnectGrpcTransport({ ...options, sessionManager });
  if (options.useBinaryFormat === false) return connectTransport;

  const limits = validateReadWriteMaxBytes(
    options.readMaxBytes,
    options.writeMaxBytes,
    options.compressMinBytes,
  );
  const acceptCompression = options.acceptCompression ?? [compressionGzip, compressionBrotli];
  const sendCompression = options.sendCompression ?? null;
  const interceptors = options.interceptors ?? [];
  // Per method, once: its URL and its serializers with this transport's limits.
  const methods = new WeakMap<DescMethodUnary, MethodFacts>();
  const methodOf = (method: DescMethodUnary): MethodFacts => {
    let known = methods.get(method);
    if (!known) {
      known = {
        url: createMethodUrl(options.baseUrl, method),
        serialization: createMethodSerializationLookup(
          method,
          options.binaryOptions,
          options.jsonOptions,
          limits,
        ),
      };
      methods.set(method, known);
    }
    return known;
  };

  /** Sends one request message and reads the response, as connect-es's gRPC transport does. */
  async function send<I extends DescMessage, O extends DescMessage>(
    req: UnaryRequest<I, O>,
  ): Promise<UnaryResponse<I, O>> {
    const { serialization } = methodOf(req.method);
    const payload = serialization.getI(true).serialize(req.message);
    const envelope =
      sendCompression === null
        ? { flags: 0, data: payload }
        : await envelopeCompress({ flags: 0, data: payload }, sendCompression, limits.compressMinBytes);
    const raw = await exchange(
      sessionManager,
      pathOf(req.url),
      req.header,
      req.signal,
      encodeEnvelope(envelope.flags, envelope.data),
      limits.readMaxBytes,
    );
    // The common answer is checked on Node's header objects; anything else by connect-es itself.
    const plain = isPlainOk(raw, acceptCompression);
    const checked = plain ? undefined : checkHead(raw, acceptCompression);
    const compression = checked
      ? checked.compression
      : acceptCompression.find((c) => c.name === raw.headers['grpc-encoding']);
    const [first] = raw.envelopes;
    const message = first
      ? serialization
          .getO(true)
          .parse(
            first.flags === 0
              ? first.data
              : (await envelopeDecompress(first, compression ?? null, limits.readMaxBytes)).data,
          )
      : undefined;
    if (checked) checkTail(checked, message !== undefined);
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    return {
      stream: false,
      service: req.service,
      method: req.method,
      message: message as UnaryResponse<I, O>['message'],
      get header() {
        header ??= webHeadersFromNode(raw.headers);
        return header;
      },
      get trailer() {
        trailer ??= webHeadersFromNode(raw.trailers);
        return trailer;
      },
    };
  }

  /** The path of a request URL on this transport's session; another origin is refused. */
  const paths = new Map<string, string>();
  function pathOf(url: string): string {
    let path = paths.get(url);
    if (path === undefined) {
      const target = new URL(url);
      if (target.origin !== sessionManager.authority) {
        throw new ConnectError(
          `cannot make a request to ${target.origin}: the http2 session is connected to ${sessionManager.authority}`,
          Code.Internal,
        );
      }
      path = target.pathname + target.search;
      // Method URLs are few; a caller inventing URLs only costs the cache its use.
      if (paths.size >= 1024) paths.clear();
      paths.set(url, path);
    }
    return path;
  }

  return {
    unary(method, signal, timeoutMs, header, input, contextValues?: ContextValues) {
      const timeout =
        timeoutMs === undefined ? options.defaultTimeoutMs : timeoutMs <= 0 ? undefined : timeoutMs;
      return runUnary(interceptors, signal, timeout, send, {
        stream: false,
        service: method.parent,
        method,
        requestMethod: 'POST',
        url: methodOf(method).url,
        header: requestHeaderWithCompression(true, timeout, header, acceptCompression, sendCompression),
        contextValues: contextValues ?? createContextValues(),
        message: create(method.input, input),
      });
    },
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      connectTransport.stream(method, signal, timeoutMs, header, input, contextValues),
  };
}

/**
 * connect-es's `runUnaryCall`: the interceptors around `send`, and one signal for the call that
 * the caller's signal, the deadline, a failure or the end of the call aborts.
 */
function runUnary<I extends DescMessage, O extends DescMessage>(
  interceptors: Interceptor[],
  callerSignal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  send: (req: UnaryRequest<I, O>) => Promise<UnaryResponse<I, O>>,
  req: Omit<UnaryRequest<I, O>, 'signal'>,
): Promise<UnaryResponse<I, O>> {
  const call = new CallSignal(timeoutMs, callerSignal);
  let pending: Promise<UnaryResponse<I, O>>;
  try {
    pending = applyInterceptors(interceptors, send)({ ...req, signal: call.signal } as UnaryRequest<I, O>);
  } catch (err) {
    // An interceptor that throws instead of rejecting fails the call the same way.
    pending = Promise.reject(err);
  }
  return pending.then(
    (res) => {
      call.end(callEnded);
      return res as UnaryResponse<I, O>;
    },
    (reason: unknown) => {
      const error = call.signal.aborted
        ? ConnectError.from(getAbortSignalReason(call.signal), Code.Canceled)
        : ConnectError.from(reason);
      call.end(error);
      return Promise.reject(error);
    },
  );
}

interface MethodFacts {
  url: string;
  serialization: MethodSerializationLookup<DescMessage, DescMessage>;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  envelopes: { flags: number; data: Uint8Array }[];
  trailers: IncomingHttpHeaders;
}

/** 200, gRPC protobuf content, an accepted encoding, no status in the headers, OK in the trailers, one message. */
function isPlainOk(raw: RawResponse, acceptCompression: Compression[]): boolean {
  const type = raw.headers['content-type'];
  const encoding = raw.headers['grpc-encoding'];
  return (
    raw.status === 200 &&
    (type === 'application/grpc' || type === 'application/grpc+proto') &&
    (encoding === undefined ||
      encoding === 'identity' ||
      acceptCompression.some((c) => c.name === encoding)) &&
    raw.headers['grpc-status'] === undefined &&
    raw.trailers['grpc-status'] === '0' &&
    raw.trailers['grpc-status-details-bin'] === undefined &&
    raw.envelopes.length === 1
  );
}

interface CheckedHead {
  header: Headers;
  trailer: Headers;
  compression: Compression | undefined;
  headerError: ConnectError | undefined;
}

/** connect-es's checks before the message is read: HTTP status, content type, encoding, one message. */
function checkHead(raw: RawResponse, acceptCompression: Compression[]): CheckedHead {
  const header = webHeadersFromNode(raw.headers);
  const { compression, headerError } = validateResponseWithCompression(acceptCompression, raw.status, header);
  if (raw.envelopes.length > 1) {
    throw new ConnectError(
      'protocol error: received extra output message for unary method',
      Code.Unimplemented,
    );
  }
  return { header, trailer: webHeadersFromNode(raw.trailers), compression, headerError };
}

/** connect-es's checks after it: the trailer status, then a missing message or one beside an error. */
function checkTail({ header, trailer, headerError }: CheckedHead, hasMessage: boolean): void {
  validateTrailer(trailer, header);
  if (!hasMessage) {
    if (headerError) throw headerError;
    throw new ConnectError(
      'protocol error: missing output message for unary method',
      trailer.has(headerGrpcStatus) ? Code.Unimplemented : Code.Unknown,
    );
  }
  if (headerError) {
    throw new ConnectError(
      'protocol error: received output message for unary method with error status',
      Code.Unknown,
    );
  }
}

/** One HTTP/2 request with a complete body, and the whole response; fails on reset or abort. */
function exchange(
  sessionManager: SessionManager,
  path: string,
  header: Headers,
  signal: AbortSignal,
  body: Uint8Array,
  readMaxBytes: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const exchange = new PendingExchange(signal, readMaxBytes, resolve, reject);
    if (signal.aborted) {
      exchange.handleEvent();
      return;
    }
    signal.addEventListener('abort', exchange);
    sessionManager.request('POST', path, nodeHeadersFromWeb(header), {}).then(
      (stream) => exchange.send(stream, body, sessionManager),
      (reason: unknown) => exchange.fail(reason),
    );
  });
}

// Prototype methods and argument-position callbacks: nothing per call is a named closure.
class PendingExchange {
  private stream: ClientHttp2Stream | undefined;
  private settled = false;
  private readonly reader: EnvelopeReader;
  private readonly response: RawResponse;

  constructor(
    private readonly signal: AbortSignal,
    readMaxBytes: number,
    private readonly resolve: (response: RawResponse) => void,
    private readonly reject: (reason: ConnectError) => void,
  ) {
    this.reader = new EnvelopeReader(readMaxBytes);
    this.response = { status: 0, headers: {}, envelopes: this.reader.envelopes, trailers: {} };
  }

  send(stream: ClientHttp2Stream, body: Uint8Array, sessionManager: SessionManager): void {
    this.stream = stream;
    if (this.settled) {
      stream.close(constants.NGHTTP2_CANCEL);
      return;
    }
    stream.on('response', (headers) => {
      this.response.status = Number(headers[':status'] ?? 0);
      this.response.headers = headers;
    });
    stream.on('data', (chunk: Buffer) => {
      sessionManager.notifyResponseByteRead(stream);
      try {
        this.reader.push(chunk);
      } catch (err) {
        this.fail(err);
      }
    });
    stream.on('trailers', (trailers) => {
      this.response.trailers = trailers;
    });
    stream.on('end', () => this.end());
    stream.on('error', (err: unknown) => {
      // The server may answer and close before the whole request is written; its answer wins.
      if (stream.writableEnded && nodeCode(err) === 'ERR_STREAM_WRITE_AFTER_END') return;
      this.fail(err);
    });
    stream.on('close', () => {
      if (this.settled) return;
      this.fail(
        errorFromResetCode(stream.rstCode) ?? new ConnectError('http/2 stream closed early', Code.Internal),
      );
    });
    stream.end(body);
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.fail(getAbortSignalReason(this.signal));
  }

  fail(reason: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.signal.removeEventListener('abort', this);
    const error = errorFromNodeReason(reason);
    // A cancelled call resets its stream with CANCEL, any other failure with INTERNAL_ERROR (gRPC's mapping).
    if (this.stream && !this.stream.closed) {
      this.stream.close(
        error.code === Code.Canceled ? constants.NGHTTP2_CANCEL : constants.NGHTTP2_INTERNAL_ERROR,
      );
    }
    this.reject(error);
  }

  private end(): void {
    try {
      this.reader.end();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.settled) return;
    if (this.response.status === 0) {
      // No response headers: the connection went away under the request (a TLS peer that refused
      // our certificate after the handshake, a crash), as gRPC reports it.
      this.fail(new ConnectError('the connection closed before the server answered', Code.Unavailable));
      return;
    }
    this.settled = true;
    this.signal.removeEventListener('abort', this);
    this.resolve(this.response);
  }
}

function nodeCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
