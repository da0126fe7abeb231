/**
 * What every public call passes before its body is read: the per-address budget, the access
 * token, the method's access rule, and the per-user budget. It leaves the verified caller (and
 * what it must own) for the forwarding handler, and the rate-limit headers on the answer, refused
 * or not.
 */
import { Code, ConnectError, createContextKey, type HandlerContext } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import type { Logger } from '@paymesh/platform/telemetry/logger';
import { counter } from '@paymesh/platform/telemetry/metrics';
import type { AccessTokenVerifier } from '../auth/access-token-verifier.js';
import { type Caller, callerKey } from '../auth/caller.js';
import { admit } from '../authorization/admission.js';
import { rateLimited } from '../gateway-failures.js';
import {
  type RateLimits,
  type RateLimitVerdict,
  setRateLimitHeaders,
  tighter,
} from '../rate-limit/rate-limits.js';
import type { OwnedResource, PublicMethod } from './public-methods.js';

/** The socket's (or trusted proxy's) client address, set per request by the HTTP layer. */
export const clientAddressKey = createContextKey<string>('unknown', { description: 'client address' });

/** What the caller must own before the call is forwarded; undefined when nothing. */
export const mustOwnKey = createContextKey<OwnedResource | undefined>(undefined, {
  description: 'resource the caller must own',
});

const refusals = counter({
  name: 'gateway_refusals_total',
  help: 'Calls the gateway answered itself before forwarding, by method and reason.',
  labelNames: ['method', 'reason'] as const,
});

export interface GateDeps {
  verifier: AccessTokenVerifier;
  rateLimits: RateLimits;
  logger: Logger;
}

export function requestGate(entry: PublicMethod, deps: GateDeps): (context: HandlerContext) => Promise<void> {
  const { verifier, rateLimits, logger } = deps;
  const rpc = entry.path.slice(1);

  /** The refusal to throw, with the budget it was counted against on the answer. */
  const refuse = (context: HandlerContext, verdict: RateLimitVerdict, refusal: ConnectError) => {
    setRateLimitHeaders(context.responseHeader, verdict);
    refusals.inc({ method: rpc, reason: reasonOf(refusal) ?? Code[refusal.code] });
    return refusal;
  };

  const pass = async (context: HandlerContext) => {
    const byAddress = await rateLimits.byAddress(context.values.get(clientAddressKey));
    if (byAddress.refused) throw refuse(context, byAddress, rateLimited('ip', byAddress.resetSeconds));

    const authorization = context.requestHeader.get('authorization');
    let caller: Caller | undefined;
    if (authorization || !entry.access.anonymous) {
      const verification = await verifier.verify(authorization);
      if ('caller' in verification) caller = verification.caller;
      // Where anyone may call, a stale token must not lock its holder out (of Login, say): ignore it.
      else if (!entry.access.anonymous) throw refuse(context, byAddress, verification.refusal);
    }

    const admission = admit(entry.access, caller);
    if (!admission.admitted) throw refuse(context, byAddress, admission.refusal);

    let shown = byAddress;
    if (caller) {
      const byUser = await rateLimits.byUser(caller.userId);
      if (byUser.refused) throw refuse(context, byUser, rateLimited('user', byUser.resetSeconds));
      shown = tighter(byAddress, byUser);
    }
    setRateLimitHeaders(context.responseHeader, shown);
    context.values.set(callerKey, caller);
    context.values.set(mustOwnKey, admission.mustOwn);
  };

  return async (context) => {
    try {
      await pass(context);
    } catch (err) {
      if (err instanceof ConnectError) throw err;
      // The gate runs outside the kit's error interceptor: log here, answer without the cause.
      logger.error({ err, rpc }, 'request gate failed');
      throw new ConnectError('internal error', Code.Internal);
    }
  };
}
