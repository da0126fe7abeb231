/**
 * The raw baseline of RPC benchmarks: a bare `node:http2` server that answers each POST with the
 * bytes it received, and a client keeping a fixed number of requests in flight over one session.
 * `closedLoop` is the load driver every side of a comparison uses, so they differ only in the stack.
 */
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface LoadOptions {
  /** Calls kept in flight. */
  concurrency: number;
  /** Load before counting starts (JIT, session and pool warm-up). */
  warmupMs: number;
  /** How long completed calls are counted. */
  durationMs: number;
}

export const defaultLoad: LoadOptions = { concurrency: 32, warmupMs: 1000, durationMs: 3000 };

export interface LoadResult {
  /** Completed calls per second (wall clock). */
  rate: number;
  /** CPU time this process spent per completed call, in µs: steadier than `rate` on a busy machine. */
  cpuPerCallUs: number;
}

/** Runs `call` from `concurrency` workers back to back and counts completions after the warm-up. */
export async function closedLoop(
  call: () => Promise<unknown>,
  load: LoadOptions = defaultLoad,
): Promise<LoadResult> {
  let completed = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped) {
      await call();
      completed++;
    }
  };
  const workers = Array.from({ length: load.concurrency }, worker);
  await sleep(load.warmupMs);
  const start = { count: completed, at: performance.now(), cpu: process.cpuUsage() };
  await sleep(load.durationMs);
  const calls = completed - start.count;
  const elapsedMs = performance.now() - start.at;
  const cpu = process.cpuUsage(start.cpu);
  stopped = true;
  await Promise.all(workers);
  return { rate: (calls * 1000) / elapsedMs, cpuPerCallUs: (cpu.user + cpu.system) / calls };
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** An HTTP/2 server (h2c) on 127.0.0.1 that echoes every request body. */
export async function startEchoServer(): Promise<RunningServer> {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
      stream.end(Buffer.concat(chunks));
    });
    stream.on('error', () => stream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface EchoClient {
  /** Sends `body` and resolves with the echoed bytes. */
  call(body: Uint8Array): Promise<Buffer>;
  close(): void;
}

/** A client on one HTTP/2 session to an echo server. */
export function connectEchoClient(port: number): EchoClient {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  return {
    call: (body) =>
      new Promise((resolve, reject) => {
        const req = session.request({
          ':method': 'POST',
          ':path': '/echo',
          'content-type': 'application/octet-stream',
        });
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
        req.end(body);
      }),
    close: () => session.close(),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
