/**
 * An RPC function wrapped in Connect interceptors, the first one outermost, as connect-es applies
 * them (each call gets its own chain, so an interceptor's per-call state stays per call).
 */
import type { Interceptor } from '@connectrpc/connect';

export function applyInterceptors<Req, Res>(
  interceptors: Interceptor[],
  handle: (req: Req) => Promise<Res>,
): (req: Req) => Promise<Res> {
  let next = handle as unknown as Parameters<Interceptor>[0];
  for (let i = interceptors.length - 1; i >= 0; i--) next = (interceptors[i] as Interceptor)(next);
  return next as unknown as (req: Req) => Promise<Res>;
}
