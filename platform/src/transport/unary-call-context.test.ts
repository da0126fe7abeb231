import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createContextValues,
  createServiceImplSpec,
  type HandlerContext,
  type Interceptor,
} from '@connectrpc/connect';
import { EchoRequestSchema, FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import type { UnaryImplSpec } from './route-table.js';
import { createUnaryCallContext, invokeUnary, type UnaryCallContext } from './unary-call-context.js';

function echoSpec(onCall: (ctx: HandlerContext) => void = () => {}): UnaryImplSpec {
  const spec = createServiceImplSpec<typeof FixtureService>(FixtureService, {
    echo: (req, ctx) => {
      onCall(ctx);
      return { message: req.message };
    },
  });
  return spec.methods.echo as UnaryImplSpec;
}

function context(options: { timeoutMs?: number; shutdownSignal?: AbortSignal } = {}): UnaryCallContext {
  return createUnaryCallContext({
    spec: echoSpec(),
    url: () => 'http://127.0.0.1:1/paymesh.fixture.v1.FixtureService/Echo',
    requestHeader: () => new Headers({ 'x-caller': 'test' }),
    timeoutMs: options.timeoutMs,
    shutdownSignal: options.shutdownSignal,
    contextValues: createContextValues(),
    responseHeader: { 'content-type': 'application/grpc+proto' },
  });
}

const codeOf = (reason: unknown) => (reason instanceof ConnectError ? reason.code : undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the handler context of a unary call', () => {
  it('aborts a signal in use when the deadline passes', async () => {
    const ctx = context({ timeoutMs: 5 });
    const signal = ctx.signal;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    assert.equal(codeOf(signal.reason), Code.DeadlineExceeded);
  });

  it('shows a signal first read after the deadline as already timed out', async () => {
    const ctx = context({ timeoutMs: 5 });
    await sleep(20);
    assert.equal(codeOf(ctx.signal.reason), Code.DeadlineExceeded);
  });

  it('keeps the first reason: a hang-up before the end, the deadline before a later failure', async () => {
    const hungUp = context();
    hungUp.abort(new ConnectError('gone', Code.Canceled));
    hungUp.abort(new Error('later'));
    assert.equal(codeOf(hungUp.signal.reason), Code.Canceled);

    const late = context({ timeoutMs: 5 });
    await sleep(20);
    late.abort(new ConnectError('failed', Code.Internal));
    assert.equal(codeOf(late.signal.reason), Code.DeadlineExceeded);
  });

  it('carries the server’s shutdown to the signal, read before or after it', () => {
    const shutdown = new AbortController();
    const before = context({ shutdownSignal: shutdown.signal });
    const signal = before.signal;
    shutdown.abort(new ConnectError('server is shutting down', Code.Unavailable));
    assert.equal(codeOf(signal.reason), Code.Unavailable);
    assert.equal(codeOf(context({ shutdownSignal: shutdown.signal }).signal.reason), Code.Unavailable);
  });

  it('keeps its own fields when a handler spreads it', () => {
    const ctx = context({ timeoutMs: 60_000 });
    const copy = { ...ctx };
    assert.equal(copy.signal, ctx.signal);
    assert.equal(copy.responseHeader, ctx.responseHeader);
    assert.equal(copy.requestHeader.get('x-caller'), 'test');
    assert.equal(copy.url, 'http://127.0.0.1:1/paymesh.fixture.v1.FixtureService/Echo');
    ctx.abort(new Error('done'));
  });
});

describe('invokeUnary', () => {
  const input = create(EchoRequestSchema, { message: 'hi' });

  it('builds no response headers for a call that never touches them', async () => {
    const ctx = context();
    await invokeUnary(echoSpec(), ctx, input, []);
    assert.deepEqual(ctx.touched(), { header: undefined, trailer: undefined });
  });

  it('gives the handler the request an interceptor passed on', async () => {
    let seen: string | null = null;
    const addHeader: Interceptor = (next) => (req) => {
      const header = new Headers(req.header);
      header.set('x-added', 'by-interceptor');
      return next({ ...req, header });
    };
    await invokeUnary(
      echoSpec((ctx) => {
        seen = ctx.requestHeader.get('x-added');
      }),
      context(),
      input,
      [addHeader],
    );
    assert.equal(seen, 'by-interceptor');
  });

  it('copies the headers and trailers of a response an interceptor made into the call', async () => {
    const ctx = context();
    const replace: Interceptor = (next) => async (req) => {
      const res = await next(req);
      return {
        ...res,
        header: new Headers({ 'x-replaced': 'header' }),
        trailer: new Headers({ 'x-replaced': 'trailer' }),
      };
    };
    await invokeUnary(echoSpec(), ctx, input, [replace]);
    assert.equal(ctx.touched().header?.get('x-replaced'), 'header');
    assert.equal(ctx.touched().trailer?.get('x-replaced'), 'trailer');
  });
});
