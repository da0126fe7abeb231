/**
 * Every upstream this process calls, by name: one resilience state per upstream, shared by all the
 * clients of it, and the snapshot that health endpoints serve.
 */
import { observeUpstreams } from './metrics.js';
import { type ResiliencePolicy, resolvePolicy } from './policy.js';
import { UpstreamResilience, type UpstreamSnapshot } from './upstream-resilience.js';

const upstreams = new Map<string, UpstreamResilience>();

observeUpstreams(() => Object.values(resilienceSnapshot()));

/**
 * The resilience state of `upstream`, created with `overrides` on first use. A later request for
 * the same upstream gets the same state, and must not ask for a different policy.
 */
export function upstreamResilience(
  upstream: string,
  overrides: Partial<ResiliencePolicy> = {},
): UpstreamResilience {
  if (!/^[a-z][a-z0-9._-]*$/.test(upstream)) {
    throw new RangeError(`upstream name must be lowercase letters, digits, dots, dashes: ${upstream}`);
  }
  const policy = resolvePolicy(upstream, overrides);
  const existing = upstreams.get(upstream);
  if (existing) {
    if (!samePolicy(existing.policy, policy)) {
      throw new Error(`upstream ${upstream} is already in use with a different resilience policy`);
    }
    return existing;
  }
  const created = new UpstreamResilience(upstream, policy);
  upstreams.set(upstream, created);
  return created;
}

/** Breaker state, bulkhead use and counts of every upstream, by name. */
export function resilienceSnapshot(): Record<string, UpstreamSnapshot> {
  return Object.fromEntries([...upstreams].map(([name, u]) => [name, u.snapshot()]));
}

function samePolicy(a: ResiliencePolicy, b: ResiliencePolicy): boolean {
  return (Object.keys(a) as (keyof ResiliencePolicy)[]).every((key) => a[key] === b[key]);
}
