/** Registers every public method on the router: its request gate and its forwarding handler. */
import type { ConnectRouter, MethodImpl } from '@connectrpc/connect';
import { type ForwardingDeps, forwardingHandler } from './forwarding.js';
import type { PublicMethod } from './public-methods.js';
import { type GateDeps, requestGate } from './request-gate.js';

export function publicRoutes(table: readonly PublicMethod[], deps: ForwardingDeps & GateDeps) {
  return (router: ConnectRouter) => {
    for (const entry of table) {
      const impl = forwardingHandler(entry, deps) as MethodImpl<typeof entry.method>;
      router.rpc(entry.method, impl, { requestGate: requestGate(entry, deps) });
    }
  };
}
