/**
 * A FixtureService upstream for client tests: a real Connect server on an HTTP/2 socket on a random
 * local port, whose answers the test scripts (succeed, fail with a code, hold until released) and
 * whose received calls it counts.
 */
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';

export type FixtureMethod = 'echo' | 'recordEntry' | 'getTally';

/** One call as the upstream received it. */
export interface ReceivedCall {
  readonly method: FixtureMethod;
  /** 1 for the first call of this method since the last `respond`, 2 for the next... */
  readonly n: number;
  /** The deadline the caller sent, in ms, if any. */
  readonly timeoutMs: number | undefined;
  readonly header: Headers;
  readonly signal: AbortSignal;
}

/** Decides the fate of a call: return to answer, throw a ConnectError to fail, wait to be slow. */
export type Responder = (call: ReceivedCall) => Promise<void> | void;

export interface FixtureUpstream {
  readonly baseUrl: string;
  /** Calls received, all methods or one. */
  received(method?: FixtureMethod): ReceivedCall[];
  /** Scripts the answers from now on and restarts the per-method numbering. */
  respond(responder: Responder): void;
  /** Makes calls wait until `release()` (or until their caller gives up). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** Fails the first `times` calls of each method with `code`, then answers. */
export function failWith(code: Code, times = Number.POSITIVE_INFINITY): Responder {
  return ({ n }) => {
    if (n <= times) throw new ConnectError(`scripted ${Code[code]}`, code);
  };
}

export async function startFixtureUpstream(): Promise<FixtureUpstream> {
  const calls: ReceivedCall[] = [];
  const numbering = new Map<FixtureMethod, number>();
  let responder: Responder = () => {};
  let gate: { promise: Promise<void>; resolve: () => void } | undefined;

  const receive = async (method: FixtureMethod, ctx: HandlerContext) => {
    const n = (numbering.get(method) ?? 0) + 1;
    numbering.set(method, n);
    const call = { method, n, timeoutMs: ctx.timeoutMs(), header: ctx.requestHeader, signal: ctx.signal };
    calls.push(call);
    await responder(call);
  };

  const handler = connectNodeAdapter({
    readMaxBytes: 1024 * 1024,
    routes: (router) =>
      router.service(FixtureService, {
        echo: async (req, ctx) => {
          await receive('echo', ctx);
          return { message: req.message };
        },
        recordEntry: async (req, ctx) => {
          await receive('recordEntry', ctx);
          return { entry: { entryId: req.entryId, accountId: req.accountId, amount: req.amount } };
        },
        getTally: async (_req, ctx) => {
          await receive('getTally', ctx);
          return { total: 0n, appliedCount: 0n };
        },
      }),
  });

  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const held = (signal: AbortSignal, until: Promise<void>) =>
    new Promise<void>((resolve) => {
      until.then(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received: (method) => (method ? calls.filter((c) => c.method === method) : [...calls]),
    respond(next) {
      responder = next;
      numbering.clear();
    },
    hold() {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      gate = { promise, resolve };
      responder = ({ signal }) => held(signal, promise);
    },
    release() {
      gate?.resolve();
    },
    async close() {
      gate?.resolve();
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
