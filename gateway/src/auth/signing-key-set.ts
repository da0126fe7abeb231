/**
 * The public keys that verify access tokens, as users publishes them (GetJwks), kept fresh without
 * a restart: fetched at start, again on a timer, and again when a token names a key id not known
 * yet (a rotation) — at most once per cooldown however many such tokens arrive, so a flood of
 * tokens with made-up key ids costs users nothing. A fetch that fails keeps the keys it had.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component } from '@paymesh/platform/server/lifecycle';
import type { Logger } from '@paymesh/platform/telemetry/logger';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** No keys could be fetched, so no token can be verified now. */
export class SigningKeysUnavailable extends Error {
  override readonly name = 'SigningKeysUnavailable';
}

export interface SigningKeySetOptions {
  /** Reads the current key set (users.GetJwks). */
  fetchKeys: () => Promise<JSONWebKeySet>;
  /** Time between scheduled fetches while keys are known. */
  refreshMs: number;
  /** Least time between fetches asked for by unknown key ids; also the retry delay while none are known. */
  cooldownMs: number;
  logger: Logger;
}

export interface SigningKeySet extends Component {
  /** The key lookup `jwtVerify` takes. */
  readonly getKey: JWTVerifyGetKey;
  /** Key ids known now. */
  readonly kids: readonly string[];
  /** Fetches made so far (for tests and /readyz). */
  readonly fetches: number;
  /** Fetches the keys once (a failure leaves it not ready) and starts the timer. */
  start(): Promise<void>;
  stop(): void;
}

export function signingKeySet(options: SigningKeySetOptions): SigningKeySet {
  const { logger, cooldownMs } = options;
  let lookup: ReturnType<typeof createLocalJWKSet> | undefined;
  let kids: string[] = [];
  let fetches = 0;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fetchNow = async () => {
    lastFetchAt = Date.now();
    fetches++;
    const jwks = await options.fetchKeys();
    lookup = createLocalJWKSet(jwks);
    const previous = kids;
    kids = jwks.keys.flatMap((k) => (k.kid ? [k.kid] : []));
    if (kids.join() !== previous.join()) logger.info({ kids }, 'signing keys updated');
  };

  /** One fetch at a time; callers arriving meanwhile share it. */
  const fetchOnce = (delayMs: number): Promise<void> => {
    inFlight ??= (async () => {
      if (delayMs > 0) await sleep(delayMs);
      await fetchNow();
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  /** Fetched because a token named an unknown key: waits out the cooldown since the last fetch. */
  const refetch = async () => {
    try {
      await fetchOnce(lastFetchAt + cooldownMs - Date.now());
    } catch (err) {
      logger.warn({ err }, 'signing keys could not be fetched');
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        fetchOnce(0)
          .catch((err: unknown) => logger.warn({ err }, 'signing keys could not be fetched'))
          .finally(schedule);
      },
      lookup ? options.refreshMs : cooldownMs,
    );
    timer.unref();
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (!lookup) await refetch();
    if (!lookup) throw new SigningKeysUnavailable('no signing keys are known');
    try {
      return await lookup(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      await refetch();
      return lookup(header, token);
    }
  };

  return {
    name: 'signing-keys',
    getKey,
    get kids() {
      return kids;
    },
    get fetches() {
      return fetches;
    },
    async start() {
      try {
        await fetchOnce(0);
      } catch (err) {
        // Users may come up after the gateway: keep trying, and stay not ready until then.
        logger.warn({ err }, 'signing keys could not be fetched at start');
      }
      schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    check: () => lookup !== undefined,
    status: () => ({ kids, fetches }),
  };
}
