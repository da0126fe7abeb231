/**
 * Where an RPC hop's time goes: every server stack against every client stack, in one process, with
 * the CPU time per call (steadier than rates on a shared machine) and calls per second. The
 * `raw-grpc` client is a bare node:http2 gRPC caller and the `kit-bare` sides are the kit's gRPC path
 * without interceptors, so differences isolate each side and the interceptors' share.
 *
 *   ./node_modules/.bin/node --import tsx bench/explore/rpc-stacks.ts [server:client ...]
 *   (default: the full matrix; RUNS=5 rounds, each pair sampled once per round for 2 s)
 */
import http2 from 'node:http2';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@paymesh/platform/transport/grpc-client-transport';
import { createRpcRequestHandler } from '@paymesh/platform/transport/rpc-request-handler';
import {
  EchoRequestSchema,
  EchoResponseSchema,
  FixtureService,
} from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { closedLoop, defaultLoad, type LoadResult } from '../baselines/http2-echo.js';
import { median } from '../lib.js';
import {
  type Caller,
  clients,
  echoRequest,
  echoRoutes,
  type Listening,
  openRawHop,
  servers,
} from '../suites/rpc-hop.js';

const serverStacks: Record<string, () => Promise<Listening>> = {
  ...servers,
  // The floor of any gRPC server on node:http2: stream API, no compat layer, no context, no checks.
  'raw-grpc': async () => {
    const server = http2.createServer();
    server.on('stream', (stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const request = fromBinary(EchoRequestSchema, Buffer.concat(chunks).subarray(5));
        const message = toBinary(
          EchoResponseSchema,
          create(EchoResponseSchema, { message: request.message }),
        );
        const body = Buffer.alloc(5 + message.byteLength);
        body.writeUInt32BE(message.byteLength, 1);
        body.set(message, 5);
        stream.respond(
          { ':status': 200, 'content-type': 'application/grpc+proto' },
          { waitForTrailers: true },
        );
        stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(body);
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    return {
      port: typeof address === 'object' && address ? address.port : 0,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  },
  'kit-bare': async () => {
    const server = http2.createServer(createRpcRequestHandler({ routes: echoRoutes }));
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    return {
      port: typeof address === 'object' && address ? address.port : 0,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  },
};

const clientStacks: Record<string, Caller> = {
  ...clients,
  'kit-bare': (port) => {
    const client = createClient(FixtureService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
    return { call: () => client.echo(echoRequest), close: () => {} };
  },
  'raw-grpc': (port) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const message = toBinary(EchoRequestSchema, create(EchoRequestSchema, echoRequest));
    const body = Buffer.alloc(5 + message.byteLength);
    body.writeUInt32BE(message.byteLength, 1);
    body.set(message, 5);
    const call = () =>
      new Promise((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/paymesh.fixture.v1.FixtureService/Echo',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('trailers', (trailers) => {
          if (trailers['grpc-status'] !== '0') reject(new Error(`grpc-status ${trailers['grpc-status']}`));
        });
        stream.on('end', () => resolve(fromBinary(EchoResponseSchema, Buffer.concat(chunks).subarray(5))));
        stream.on('error', reject);
        stream.end(body);
      });
    return { call, close: () => session.close() };
  },
};

const pairs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [
      'raw:raw',
      ...Object.keys(serverStacks).flatMap((s) => Object.keys(clientStacks).map((c) => `${s}:${c}`)),
    ];
const runs = Number(process.env.RUNS ?? 5);

type Hop = { call(): Promise<unknown>; close(): Promise<void> };

async function open(pair: string): Promise<Hop> {
  if (pair === 'raw:raw') return openRawHop();
  const [serverName = '', clientName = ''] = pair.split(':');
  const start = serverStacks[serverName];
  const connect = clientStacks[clientName];
  if (!start || !connect) throw new Error(`unknown pair ${pair}`);
  const listening = await start();
  const caller = connect(listening.port);
  return {
    call: caller.call,
    close: async () => {
      caller.close();
      await listening.close();
    },
  };
}

// All hops stay open and are sampled in turn, round after round, so load drift hits each alike.
const hops = new Map<string, Hop>();
for (const pair of pairs) hops.set(pair, await open(pair));
const samples = new Map<string, LoadResult[]>(pairs.map((pair) => [pair, []]));
const load = { ...defaultLoad, warmupMs: 500, durationMs: 2000 };
for (let round = 0; round < runs; round++) {
  for (const [pair, hop] of hops) samples.get(pair)?.push(await closedLoop(hop.call, load));
}
for (const hop of hops.values()) await hop.close();

console.log(
  'server:client'.padEnd(22),
  'cpu µs/call min'.padStart(16),
  'median'.padStart(8),
  'req/s median'.padStart(13),
);
for (const [pair, results] of samples) {
  const cpu = results.map((r) => r.cpuPerCallUs);
  console.log(
    pair.padEnd(22),
    Math.min(...cpu)
      .toFixed(0)
      .padStart(16),
    median(cpu).toFixed(0).padStart(8),
    Math.round(median(results.map((r) => r.rate)))
      .toString()
      .padStart(13),
  );
}
process.exit(0);
