/**
 * One TCP port for every RPC protocol: HTTP/2 (gRPC clients, Connect over h2) and HTTP/1.1 (Connect
 * JSON and gRPC-Web from browsers and curl). In plaintext, node's http2 server cannot also speak
 * HTTP/1.1, so the first bytes of each connection decide which server gets it. With mesh TLS, the
 * handshake requires a client certificate from the mesh CA (none, or one from another CA, and the
 * connection is refused before any request), ALPN picks the protocol, the caller's SPIFFE identity
 * is remembered per connection for the authorization, and rotated certificates apply to new
 * handshakes. It owns the connection side of a graceful shutdown too: GOAWAY, `Connection: close`,
 * in-flight count.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, {
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { type MeshCredentials, peerIdentityOf } from '../mesh/mesh-credentials.js';
import type { Logger } from '../telemetry/logger.js';

export type RequestHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

export interface ListenerOptions {
  logger: Logger;
  /** Concurrent streams one HTTP/2 connection may open. */
  maxConcurrentStreams: number;
  /** An idle connection (no request on HTTP/1.1, no frame on HTTP/2) is closed after this long. */
  idleTimeoutMs: number;
  /** Time a client has to send its first request's headers. */
  headersTimeoutMs: number;
  /** Mesh mTLS: client certificates required and verified; absent, the port is plaintext. */
  tls?: MeshCredentials;
}

export interface RpcListener {
  /** The bound port, once listening. */
  readonly port: number;
  /** Requests being answered now. */
  readonly inFlight: number;
  /** Open connections. */
  readonly connections: number;
  listen(port: number, host: string): Promise<void>;
  /** Stops accepting connections and asks each open one to finish its calls, then close. */
  shutdown(): void;
  /** Resolves once shutdown has begun and every connection has closed. */
  closed(): Promise<void>;
  /** Closes every connection now, cutting off whatever still runs. */
  destroy(): void;
  /** The SPIFFE identity the caller of a request proved in its handshake (mesh TLS only). */
  peerIdentity(req: IncomingMessage | Http2ServerRequest): string | undefined;
}

const lingerMs = 2_000;

const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * A server may answer before it has read the whole request (an early error such as an oversized
 * message). What is left must not hold the stream or the connection open: the unread rest is
 * discarded, and an HTTP/2 client still sending is told to stop with RST_STREAM(NO_ERROR) once the
 * response is complete.
 */
function releaseWhenAnswered(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): void {
  const discardUnread = () => {
    if (!req.readableEnded) req.resume();
  };
  if (!(req instanceof http2.Http2ServerRequest)) {
    res.once('finish', discardUnread);
    return;
  }
  const { stream } = req;
  stream.once('finish', discardUnread);
  stream.once('wantTrailers', () =>
    // After the trailers the compat layer sends in its own 'wantTrailers' listener: node flushes
    // pending frames before a reset submitted outside nghttp2's callbacks.
    setImmediate(() => {
      if (!stream.closed && stream.state.remoteClose !== 1) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    }),
  );
}

export function createRpcListener(handler: RequestHandler, options: ListenerOptions): RpcListener {
  const { logger } = options;
  const sockets = new Set<Socket>();
  const undecided = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  /** Caller identity per TLS socket (HTTP/1.1) and per HTTP/2 session. */
  const peers = new WeakMap<object, string>();
  let connectingPeer: string | undefined;
  const h1Responses = new Set<ServerResponse>();
  let inFlight = 0;
  let shuttingDown = false;
  let port = 0;
  let allClosed = () => {};
  const whenClosed = new Promise<void>((resolve) => {
    allClosed = resolve;
  });

  const maybeClosed = () => {
    if (shuttingDown && sockets.size === 0) allClosed();
  };

  const serve: RequestHandler = (req, res) => {
    inFlight++;
    const h1Response = res instanceof http.ServerResponse ? res : undefined;
    if (h1Response) {
      h1Responses.add(h1Response);
      if (shuttingDown) h1Response.setHeader('connection', 'close');
    }
    res.once('close', () => {
      inFlight--;
      if (!h1Response) return;
      h1Responses.delete(h1Response);
      if (shuttingDown) setImmediate(() => h1.closeIdleConnections());
    });
    releaseWhenAnswered(req, res);
    handler(req, res);
  };

  const h1 = http.createServer({ headersTimeout: options.headersTimeoutMs }, serve);
  h1.keepAliveTimeout = options.idleTimeoutMs;
  // Node starts connection tracking (idle close, header timeouts) on 'listening'; this server never
  // listens itself, it is handed sockets.
  h1.emit('listening');

  const h2 = http2.createServer({ settings: { maxConcurrentStreams: options.maxConcurrentStreams } }, serve);
  h2.on('session', (session: ServerHttp2Session) => {
    // Emitted inside h2.emit('connection'), right after `handOver` noted the socket's identity.
    if (connectingPeer) peers.set(session, connectingPeer);
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.setTimeout(options.idleTimeoutMs, () => session.close());
    if (shuttingDown) session.close();
  });
  h2.on('sessionError', (err) => logger.debug({ err }, 'http2 session error'));

  const socketOptions = { noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000 };
  const acceptor = options.tls
    ? meshTlsServer(options.tls, (socket) => accept(socket, () => handOver(socket)))
    : net.createServer(socketOptions, (socket) => accept(socket, () => route(socket)));

  /** Client certificates required; ALPN offers both protocols; a rotation applies to new handshakes. */
  function meshTlsServer(credentials: MeshCredentials, onSecure: (socket: TLSSocket) => void): tls.Server {
    const server = tls.createServer(
      {
        ...socketOptions,
        ...credentials.serverOptions(),
        ALPNProtocols: ['h2', 'http/1.1'],
        handshakeTimeout: options.headersTimeoutMs,
      },
      onSecure,
    );
    credentials.onChange(() => server.setSecureContext(credentials.serverOptions()));
    // A refused handshake (no certificate, another CA) is the policy working, not an error.
    server.on('tlsClientError', (err) => logger.debug({ err }, 'mesh TLS handshake refused'));
    return server;
  }

  function accept(socket: Socket, dispatch: () => void): void {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      undecided.delete(socket);
      maybeClosed();
    });
    // Resets by clients are routine; the protocol servers report what matters.
    socket.on('error', () => {});
    // Our side is done (a closed HTTP/2 session, a `Connection: close` answer) and node waits for the
    // peer to close its side; one that never does is cut off after a short linger.
    socket.once('finish', () => setTimeout(() => socket.destroy(), lingerMs).unref());
    dispatch();
  }

  /** A verified TLS connection: ALPN has chosen the protocol. */
  function handOver(socket: TLSSocket): void {
    const peer = peerIdentityOf(socket.getPeerCertificate());
    if (!peer) {
      // Verified by the mesh CA but without an identity: not a workload of this mesh.
      socket.destroy();
      return;
    }
    peers.set(socket, peer);
    if (socket.alpnProtocol === 'h2') {
      connectingPeer = peer;
      try {
        h2.emit('connection', socket);
      } finally {
        connectingPeer = undefined;
      }
    } else {
      h1.emit('connection', socket);
    }
  }

  /** Reads until the bytes either are or cannot be the HTTP/2 preface, then hands the socket over. */
  function route(socket: Socket): void {
    undecided.add(socket);
    let seen: Buffer = Buffer.alloc(0);
    const onTimeout = () => socket.destroy();
    const onData = (chunk: Buffer) => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, h2Preface.length);
      const isH2 = seen.subarray(0, n).equals(h2Preface.subarray(0, n));
      if (isH2 && seen.length < h2Preface.length) return;
      socket.off('data', onData);
      socket.off('timeout', onTimeout);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(seen);
      undecided.delete(socket);
      if (isH2) {
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        // The HTTP/1 parser reads the socket handle directly; resuming replays the bytes read here.
        socket.resume();
      }
    };
    socket.setTimeout(options.headersTimeoutMs);
    socket.once('timeout', onTimeout);
    socket.on('data', onData);
  }

  return {
    get port() {
      return port;
    },
    get inFlight() {
      return inFlight;
    },
    get connections() {
      return sockets.size;
    },
    listen: (wanted, host) =>
      new Promise((resolve, reject) => {
        acceptor.once('error', reject);
        acceptor.listen(wanted, host, () => {
          acceptor.off('error', reject);
          const address = acceptor.address();
          port = typeof address === 'object' && address ? address.port : wanted;
          resolve();
        });
      }),
    shutdown() {
      if (shuttingDown) return;
      shuttingDown = true;
      acceptor.close();
      // A connection that has sent nothing yet carries no request.
      for (const socket of undecided) if (socket.bytesRead === 0) socket.destroy();
      // GOAWAY: streams already accepted run to the end, new ones go to another server.
      for (const session of sessions) session.close();
      for (const res of h1Responses) if (!res.headersSent) res.setHeader('connection', 'close');
      h1.closeIdleConnections();
      maybeClosed();
    },
    closed: () => whenClosed,
    destroy() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
    peerIdentity(req) {
      return req instanceof http2.Http2ServerRequest
        ? peers.get(req.stream.session ?? {})
        : peers.get(req.socket);
    },
  };
}
