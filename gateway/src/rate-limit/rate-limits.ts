/**
 * Call budgets per signed-in user and per client address, each a fixed number of calls per
 * window (rate-limiter-flexible). With REDIS_URL the counters live in Redis, shared by every
 * gateway instance, under a prefix naming the event namespace; if Redis fails, each instance falls
 * back to its own in-memory counters rather than refusing or waving calls through.
 */
import type { Component } from '@paymesh/platform/server/lifecycle';
import type { Logger } from '@paymesh/platform/telemetry/logger';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type RateLimitScope = 'user' | 'ip';

/** Where a caller stands against one budget after this call. */
export interface RateLimitVerdict {
  readonly scope: RateLimitScope;
  readonly refused: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
}

export interface RateLimitOptions {
  perUser: number;
  perIp: number;
  windowSeconds: number;
  redisUrl?: string;
  /** Part of the key prefix, so systems sharing one Redis (tests) do not share counters. */
  namespace: string;
  logger: Logger;
}

export interface RateLimits extends Component {
  /** Counts one call of `userId`. */
  byUser(userId: string): Promise<RateLimitVerdict>;
  /** Counts one call from `address`. */
  byAddress(address: string): Promise<RateLimitVerdict>;
  /** Where the counters live. */
  readonly store: 'redis' | 'memory';
}

interface Limiter {
  consume(key: string): Promise<RateLimiterRes>;
}

export function createRateLimits(options: RateLimitOptions): RateLimits {
  const { logger, windowSeconds } = options;
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, {
        lazyConnect: true,
        // Fail fast while disconnected, so the in-memory fallback answers instead of a queue.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
      })
    : undefined;

  const limiter = (scope: RateLimitScope, points: number): Limiter => {
    const keyPrefix = `paymesh:${options.namespace}:gateway:${scope}`;
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: windowSeconds });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  const users = limiter('user', options.perUser);
  const addresses = limiter('ip', options.perIp);

  const count = async (scope: RateLimitScope, l: Limiter, limit: number, key: string) => {
    let res: RateLimiterRes;
    let refused = false;
    try {
      res = await l.consume(key);
    } catch (err) {
      // The library rejects with the counter's state when the budget is spent, with an Error when it failed.
      if (!(err instanceof RateLimiterRes)) throw err;
      res = err;
      refused = true;
    }
    return {
      scope,
      refused,
      limit,
      remaining: Math.max(0, res.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
  };

  let redisDown = false;
  redis?.on('error', (err: unknown) => {
    // ioredis repeats the error on every reconnect attempt: say it once per outage.
    if (redisDown) return;
    redisDown = true;
    logger.warn({ err }, 'rate-limit store unreachable: counting in memory meanwhile');
  });
  redis?.on('ready', () => {
    if (redisDown) logger.info('rate-limit store reachable again');
    redisDown = false;
  });

  return {
    name: 'rate-limits',
    store: redis ? 'redis' : 'memory',
    byUser: (userId) => count('user', users, options.perUser, userId),
    byAddress: (address) => count('ip', addresses, options.perIp, address),
    async start() {
      if (!redis) return;
      try {
        await redis.connect();
      } catch {
        // Reported by the error listener; ioredis keeps reconnecting.
      }
    },
    async stop() {
      if (!redis) return;
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
    status: () => ({ store: redis ? 'redis' : 'memory', connected: redis ? redis.status === 'ready' : true }),
  };
}

/** The standard headers (IETF RateLimit fields, as most APIs send them) for a verdict. */
export function setRateLimitHeaders(headers: Headers, verdict: RateLimitVerdict): void {
  headers.set('RateLimit-Limit', String(verdict.limit));
  headers.set('RateLimit-Remaining', String(verdict.remaining));
  headers.set('RateLimit-Reset', String(verdict.resetSeconds));
  if (verdict.refused) headers.set('Retry-After', String(verdict.resetSeconds));
}

/** Of two budgets, the one the caller is closer to exhausting. */
export function tighter(a: RateLimitVerdict, b: RateLimitVerdict): RateLimitVerdict {
  if (a.refused !== b.refused) return a.refused ? a : b;
  return b.remaining / b.limit < a.remaining / a.limit ? b : a;
}

export const rateLimitHeaderNames = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
];
