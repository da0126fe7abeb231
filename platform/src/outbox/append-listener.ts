/**
 * The relay's LISTEN connection: a dedicated pg client that hears the NOTIFY of every committed
 * append. When it dies it reconnects with backoff, and wakes the relay on reconnecting since
 * notifications sent meanwhile are lost.
 */
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import pg from 'pg';
import type { Logger } from '../telemetry/logger.js';
import { OUTBOX_CHANNEL } from './outbox.js';

export interface AppendListener {
  close(): Promise<void>;
}

export interface AppendListenerOptions {
  connection: pg.ClientConfig;
  onAppend: () => void;
  logger: Logger;
  backoff: { initialMs: number; maxMs: number };
}

/** Listens until closed; resolves after the first attempt to connect, whether it worked or not. */
export async function listenForAppends(options: AppendListenerOptions): Promise<AppendListener> {
  const { logger, onAppend } = options;
  const backoff = new ExponentialBackoff({
    initialDelay: options.backoff.initialMs,
    maxDelay: options.backoff.maxMs,
  });
  let delay: IBackoff<unknown> | undefined;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const reconnectLater = () => {
    if (closed) return;
    delay = delay ? delay.next(undefined) : backoff.next();
    retry = setTimeout(() => void connect(), delay.duration);
  };

  const connect = async () => {
    const candidate = new pg.Client({ ...options.connection, keepAlive: true });
    candidate.on('error', (err) => logger.warn({ err }, 'outbox listener connection failed'));
    candidate.on('notification', () => onAppend());
    candidate.on('end', () => {
      if (client !== candidate) return;
      client = undefined;
      reconnectLater();
    });
    try {
      await candidate.connect();
      await candidate.query(`listen ${OUTBOX_CHANNEL}`);
    } catch (err) {
      logger.warn({ err }, 'outbox listener could not listen; polling meanwhile');
      candidate.end().catch(() => {});
      reconnectLater();
      return;
    }
    if (closed) {
      await candidate.end().catch(() => {});
      return;
    }
    if (delay) logger.info('outbox listener reconnected');
    client = candidate;
    delay = undefined;
    onAppend();
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
