/**
 * The request listener of a service's HTTP/2 server: a drop-in for connect-node's
 * `connectNodeAdapter`, taking the same options. gRPC unary calls in binary protobuf (east-west
 * traffic) are served by the lean path in grpc-unary-call.ts; everything else (Connect, gRPC-Web,
 * gRPC+JSON, streaming, HTTP/1.1, unknown paths) goes to connect-node's handler, built from the same
 * `routes` call. Both run the same ServiceImpl objects behind the same interceptors.
 */
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { Code } from '@connectrpc/connect';
import { parseContentType } from '@connectrpc/connect/protocol-grpc';
import {
  type ConnectNodeAdapterOptions,
  compressionBrotli,
  compressionGzip,
  connectNodeAdapter,
} from '@connectrpc/connect-node';
import { serveGrpcUnary } from './grpc-unary-call.js';
import { errorFromNodeReason } from './http2-errors.js';
import { recordUnaryRoutes, type UnaryRoute } from './route-table.js';

type NodeHandler = ReturnType<typeof connectNodeAdapter>;
type NodeRequest = Parameters<NodeHandler>[0];

export interface RpcRequestHandler extends NodeHandler {
  /** Requests taken by each engine so far (for metrics, and for tests to see which one served). */
  readonly routed: { readonly grpcUnary: number; readonly connect: number };
}

export function createRpcRequestHandler(options: ConnectNodeAdapterOptions): RpcRequestHandler {
  // connect-node's default, made explicit so both engines negotiate the same encodings.
  const adapterOptions = {
    ...options,
    acceptCompression: options.acceptCompression ?? [compressionGzip, compressionBrotli],
  };
  const unaryRoutes = new Map<string, UnaryRoute>();
  const prefix = options.requestPathPrefix ?? '';
  const connectHandler = connectNodeAdapter({
    ...adapterOptions,
    routes: (router) => options.routes(recordUnaryRoutes(router, adapterOptions, prefix, unaryRoutes)),
  });
  const routed = { grpcUnary: 0, connect: 0 };

  const handler: NodeHandler = (req, res) => {
    const route = grpcUnaryRoute(req, unaryRoutes);
    if (!route) {
      routed.connect++;
      connectHandler(req, res);
      return;
    }
    routed.grpcUnary++;
    const h2 = req as Http2ServerRequest;
    serveGrpcUnary(route, h2, res as Http2ServerResponse, h2.authority, options.contextValues?.(req)).catch(
      (reason: unknown) => {
        // As connect-node's adapter: a caller that went away is routine, anything else is a bug.
        if (errorFromNodeReason(reason).code === Code.Aborted) return;
        const { method } = route.spec;
        console.error(`handler for rpc ${method.name} of ${method.parent.typeName} failed`, reason);
      },
    );
  };
  return Object.assign(handler, { routed });
}

/** The route of a binary gRPC unary call over HTTP/2; undefined for anything connect-node serves. */
function grpcUnaryRoute(req: NodeRequest, routes: ReadonlyMap<string, UnaryRoute>): UnaryRoute | undefined {
  if (req.httpVersionMajor !== 2 || req.method !== 'POST' || !('authority' in req) || !req.authority) {
    return undefined;
  }
  const type = req.headers['content-type'];
  if (
    type !== 'application/grpc' &&
    type !== 'application/grpc+proto' &&
    !parseContentType(type ?? null)?.binary
  ) {
    return undefined;
  }
  const path = req.url ?? '';
  const query = path.indexOf('?');
  return routes.get(query === -1 ? path : path.slice(0, query));
}
