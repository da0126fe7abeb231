/**
 * The handler of one public method: checks what the caller must own, then makes the same call on
 * the upstream with the caller's identity and the time left, and answers what the upstream answers
 * (a stream streams through). Failures of the way to the upstream (refused connection, open
 * circuit, full bulkhead, deadline) keep their code but name only the upstream, never an address.
 */
import type { Message } from '@bufbuild/protobuf';
import { type CallOptions, Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { callerKey, identityHeaders } from '../auth/caller.js';
import type { Ownership } from '../authorization/ownership.js';
import type { PublicMethod } from './public-methods.js';
import { mustOwnKey } from './request-gate.js';
import type { UpstreamClients } from './upstreams.js';

type UnaryCall = (request: Message, options: CallOptions) => Promise<Message>;
type StreamCall = (request: Message, options: CallOptions) => AsyncIterable<Message>;

export interface ForwardingDeps {
  clients: UpstreamClients;
  ownership: Ownership;
}

export type ForwardingHandler =
  | ((request: Message, context: HandlerContext) => Promise<Message>)
  | ((request: Message, context: HandlerContext) => AsyncIterable<Message>);

export function forwardingHandler(entry: PublicMethod, deps: ForwardingDeps): ForwardingHandler {
  const { upstream, method } = entry;
  // The typed client's method for this RPC; the table only holds methods of this upstream's service.
  const call = (deps.clients[upstream] as unknown as Record<string, unknown>)[method.localName];
  if (typeof call !== 'function') throw new Error(`${upstream} client has no method ${method.localName}`);

  const admitted = async (request: Message, context: HandlerContext): Promise<CallOptions> => {
    const mustOwn = context.values.get(mustOwnKey);
    const caller = context.values.get(callerKey);
    if (mustOwn && caller) {
      const id = String((request as unknown as Record<string, unknown>)[mustOwn.field.localName] ?? '');
      await deps.ownership.ensureOwned(mustOwn.kind, id, caller.userId);
    }
    return { headers: identityHeaders(caller), signal: context.signal, timeoutMs: context.timeoutMs() };
  };

  if (method.methodKind === 'server_streaming') {
    const stream = call as StreamCall;
    return async function* (request, context) {
      try {
        yield* stream(request, await admitted(request, context));
      } catch (err) {
        throw publicFailure(err, upstream);
      }
    };
  }
  const unary = call as UnaryCall;
  return async (request, context) => {
    try {
      return await unary(request, await admitted(request, context));
    } catch (err) {
      throw publicFailure(err, upstream);
    }
  };
}

const wayFailures: Partial<Record<Code, string>> = {
  [Code.Unavailable]: 'is unavailable',
  [Code.DeadlineExceeded]: 'did not answer in time',
  [Code.ResourceExhausted]: 'is busy',
};

/** An upstream's own answer passes as it is; a failure on the way to it says only which upstream. */
function publicFailure(err: unknown, upstream: string): unknown {
  if (!(err instanceof ConnectError) || err.isWireError) return err;
  const what = wayFailures[err.code];
  return what ? new ConnectError(`${upstream} ${what}`, err.code, undefined, undefined, err) : err;
}
