/**
 * Serves one gRPC unary call (binary protobuf) directly on Node's HTTP/2 request and response.
 * What a caller or an interceptor can observe comes from connect-es's own building blocks (message
 * limits, compression, timeout parsing, the status trailers with `grpc-status-details-bin`) or
 * matches them field for field (the handler context and interceptor chain, unary-call-context.ts).
 * What it leaves out is connect-node's generic per-request machinery (universal request and
 * response, async-iterable pipelines, abort controllers and Headers nobody reads), most of its cost.
 */
import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Stream } from 'node:http2';
import { Code, ConnectError, type ContextValues, createContextValues } from '@connectrpc/connect';
import {
  compressionNegotiate,
  encodeEnvelope,
  envelopeCompress,
  envelopeDecompress,
} from '@connectrpc/connect/protocol';
import {
  contentTypeProto,
  grpcStatusOk,
  headerAcceptEncoding,
  headerContentType,
  headerEncoding,
  headerGrpcStatus,
  parseTimeout,
  setTrailerStatus,
} from '@connectrpc/connect/protocol-grpc';
import { callEnded } from './call-signal.js';
import { type Envelope, EnvelopeReader } from './envelope-reader.js';
import { errorFromResetCode } from './http2-errors.js';
import { nodeHeadersFromWeb, single, webHeadersFromNode } from './node-headers.js';
import type { UnaryRoute } from './route-table.js';
import { createUnaryCallContext, invokeUnary } from './unary-call-context.js';

export async function serveGrpcUnary(
  route: UnaryRoute,
  req: Http2ServerRequest,
  res: Http2ServerResponse,
  authority: string,
  contextValues: ContextValues | undefined,
): Promise<void> {
  const { spec, options, serialization } = route;
  const stream = req.stream;
  const incoming = req.headers;
  const timeout = parseTimeout(single(incoming['grpc-timeout']), options.maxTimeoutMs);
  const compression = compressionNegotiate(
    options.acceptCompression,
    single(incoming['grpc-encoding']),
    single(incoming['grpc-accept-encoding']),
    headerAcceptEncoding,
  );
  const responseHeader = initialHeaders(compression.response?.name);
  const scheme = stream.session?.encrypted ? 'https' : 'http';
  const context = createUnaryCallContext({
    spec,
    url() {
      return new URL(req.url, `${scheme}://${authority}`).toString();
    },
    requestHeader() {
      return webHeadersFromNode(incoming);
    },
    timeoutMs: timeout.timeoutMs,
    shutdownSignal: options.shutdownSignal,
    contextValues: contextValues ?? createContextValues(),
    responseHeader,
  });
  const body = new UnaryBody(stream, options.readMaxBytes);
  // The caller hanging up (RST_STREAM) aborts the handler's signal with the matching code, as
  // connect-node's request signal does; once the call is answered nothing listens any more.
  let answered = false;
  stream.on('close', () => {
    const hangUp = errorFromResetCode(stream.rstCode);
    body.closed(hangUp);
    if (!answered) context.abort(hangUp);
  });

  let answer: Uint8Array | undefined;
  try {
    if (options.requestGate) await options.requestGate(context);
    if (compression.error) throw compression.error;
    if (timeout.error) throw timeout.error;
    const envelope = await body.envelope;
    const data =
      envelope.flags === 0
        ? envelope.data
        : (await envelopeDecompress(envelope, compression.request, options.readMaxBytes)).data;
    const input = serialization.getI(true).parse(data);
    const output = await invokeUnary(spec, context, input, options.interceptors);
    const payload = serialization.getO(true).serialize(output);
    const out =
      compression.response && payload.byteLength >= options.compressMinBytes
        ? await envelopeCompress({ flags: 0, data: payload }, compression.response, options.compressMinBytes)
        : { flags: 0, data: payload };
    answer = encodeEnvelope(out.flags, out.data);
  } catch (err) {
    context.abort(err);
    setTrailerStatus(
      context.responseTrailer,
      err instanceof ConnectError
        ? err
        : new ConnectError('internal error', Code.Internal, undefined, undefined, err),
    );
  }
  try {
    if (stream.destroyed) return;
    const { header, trailer } = context.touched();
    res.writeHead(200, header ? nodeHeadersFromWeb(header) : responseHeader);
    res.addTrailers(trailer ? nodeHeadersFromWeb(trailer) : okTrailer);
    if (answer) res.end(answer);
    else res.end();
  } finally {
    answered = true;
    context.abort(callEnded);
  }
}

const okTrailer: Readonly<Record<string, string>> = { [headerGrpcStatus]: grpcStatusOk };

// The headers a call starts with, one shared record per response encoding (never mutated).
const initialHeaderRecords = new Map<string | undefined, Readonly<Record<string, string>>>();
function initialHeaders(encoding: string | undefined): Readonly<Record<string, string>> {
  let record = initialHeaderRecords.get(encoding);
  if (!record) {
    record = encoding
      ? { [headerContentType]: contentTypeProto, [headerEncoding]: encoding }
      : { [headerContentType]: contentTypeProto };
    initialHeaderRecords.set(encoding, record);
  }
  return record;
}

/**
 * The one request message of a unary call; none, two, or a partial one are protocol errors, as in
 * connect-es. Its listeners stay until the stream goes (it serves this call only); once settled
 * they just drain what the caller still sends.
 */
class UnaryBody {
  readonly envelope: Promise<Envelope>;
  private readonly reader: EnvelopeReader;
  private readonly settle: { resolve(envelope: Envelope): void; reject(reason: unknown): void };
  private settled = false;

  constructor(stream: ServerHttp2Stream, readMaxBytes: number) {
    this.reader = new EnvelopeReader(readMaxBytes);
    const settle = { resolve: (_: Envelope) => {}, reject: (_: unknown) => {} };
    this.envelope = new Promise((resolve, reject) => Object.assign(settle, { resolve, reject }));
    this.settle = settle;
    // A call refused before its body is read never waits for it: no unhandled rejection then.
    this.envelope.catch(() => {});
    stream.on('data', (chunk: Buffer) => this.data(chunk));
    stream.on('end', () => this.end());
  }

  /** The stream closed: unless the body was complete, the caller hung up or the stream failed. */
  closed(reason: ConnectError | undefined): void {
    // Settled is the common case (the body was read): no error is built for nobody.
    if (this.settled) return;
    this.fail(reason ?? new ConnectError('request closed', Code.Canceled));
  }

  private data(chunk: Buffer): void {
    if (this.settled) return;
    try {
      this.reader.push(chunk);
      if (this.reader.envelopes.length > 1) {
        throw new ConnectError(
          'protocol error: received extra input message for unary method',
          Code.Unimplemented,
        );
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private end(): void {
    if (this.settled) return;
    try {
      const [first] = this.reader.end();
      if (!first) {
        throw new ConnectError('protocol error: missing input message for unary method', Code.Unimplemented);
      }
      this.settled = true;
      this.settle.resolve(first);
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(reason: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.settle.reject(reason);
  }
}
