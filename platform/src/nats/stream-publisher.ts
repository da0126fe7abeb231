/**
 * Publishing to JetStream and awaiting the broker's ack, for many messages in flight at once.
 *
 * A JetStream publish is a core publish whose reply subject receives the ack. nats.js makes each
 * one a request with its own timer and, once answered, builds an Error with a stack to settle the
 * request it already resolved; for a relay publishing thousands a second that was a tenth of its
 * CPU. Here one wildcard subscription per connection receives every ack, a reply token finds the
 * waiting publish, and one sweep timer expires what the broker never answered. The acks are read
 * as JetStream documents them: `{stream, seq, duplicate?}`, or `{error: {code, err_code,
 * description}}`; a 503 status means no stream captures the subject.
 */
import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  headers as natsHeaders,
} from '@nats-io/nats-core';

/** The broker's receipt of a stored message. */
export interface StreamAck {
  stream: string;
  seq: number;
  /** The stream held the message's Nats-Msg-Id already and dropped this copy. */
  duplicate: boolean;
}

export interface StreamPublishOptions {
  /** Nats-Msg-Id: the broker drops a second message with the same id within its window. */
  msgId?: string;
  headers?: MsgHdrs;
  /** How long to wait for the ack (checked every SWEEP_INTERVAL_MS). */
  timeoutMs: number;
}

/** The broker refused the message, or nothing stored it in time. */
export class StreamPublishError extends Error {
  override readonly name = 'StreamPublishError';
  constructor(
    message: string,
    /** `no_responders`, `timeout`, `closed`, or the JetStream error code, e.g. `10060`. */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface StreamPublisher {
  publish(subject: string, payload: Uint8Array, options: StreamPublishOptions): Promise<StreamAck>;
  /** Fails what still waits for an ack and stops listening. */
  close(): void;
}

interface Waiting {
  resolve(ack: StreamAck): void;
  reject(err: StreamPublishError): void;
  deadline: number;
}

const MSG_ID_HEADER = 'Nats-Msg-Id';
/** How often unanswered publishes are looked at: a timeout fires up to this much late. */
const SWEEP_INTERVAL_MS = 100;
const decoder = new TextDecoder();

export function createStreamPublisher(nc: NatsConnection): StreamPublisher {
  const prefix = createInbox();
  const waiting = new Map<string, Waiting>();
  let next = 0;
  let sweep: NodeJS.Timeout | undefined;
  let closed = false;

  const settle = (token: string, outcome: StreamAck | StreamPublishError) => {
    const entry = waiting.get(token);
    if (!entry) return;
    waiting.delete(token);
    if (outcome instanceof StreamPublishError) entry.reject(outcome);
    else entry.resolve(outcome);
  };

  const subscription = nc.subscribe(`${prefix}.*`, {
    callback: (err, msg) => {
      if (err) {
        failAll(new StreamPublishError(`ack subscription failed: ${err.message}`, 'closed'));
        return;
      }
      settle(msg.subject.slice(prefix.length + 1), readAck(msg));
    },
  });
  void subscription.closed.then(() =>
    failAll(new StreamPublishError('NATS connection closed before the ack', 'closed')),
  );

  function failAll(err: StreamPublishError) {
    for (const token of [...waiting.keys()]) settle(token, err);
  }

  // One timer for every publish in flight, looking for expired ones while any waits.
  const armSweep = () => {
    if (sweep) return;
    sweep = setInterval(() => {
      const now = performance.now();
      for (const [token, entry] of waiting) {
        if (entry.deadline <= now) {
          settle(token, new StreamPublishError('no ack from the broker in time', 'timeout'));
        }
      }
      if (waiting.size === 0) {
        clearInterval(sweep);
        sweep = undefined;
      }
    }, SWEEP_INTERVAL_MS);
    sweep.unref();
  };

  return {
    publish(subject, payload, options) {
      if (closed || nc.isClosed()) {
        return Promise.reject(new StreamPublishError('publisher is closed', 'closed'));
      }
      const token = (next++).toString(36);
      let headers = options.headers;
      if (options.msgId !== undefined) {
        headers ??= natsHeaders();
        headers.set(MSG_ID_HEADER, options.msgId);
      }
      const promise = new Promise<StreamAck>((resolve, reject) => {
        waiting.set(token, { resolve, reject, deadline: performance.now() + options.timeoutMs });
      });
      armSweep();
      try {
        nc.publish(subject, payload, {
          reply: `${prefix}.${token}`,
          headers,
        });
      } catch (err) {
        settle(token, new StreamPublishError(err instanceof Error ? err.message : String(err), 'closed'));
      }
      return promise;
    },
    close() {
      closed = true;
      subscription.unsubscribe();
      failAll(new StreamPublishError('publisher closed before the ack', 'closed'));
      if (sweep) clearInterval(sweep);
      sweep = undefined;
    },
  };
}

/** The ack as a receipt, or the refusal it carries. */
function readAck(msg: Msg): StreamAck | StreamPublishError {
  const status = msg.headers?.code ?? 0;
  if (status === 503) {
    return new StreamPublishError(`no stream captures ${msg.subject}`, 'no_responders');
  }
  if (status >= 400) {
    return new StreamPublishError(
      `broker answered ${status} ${msg.headers?.description ?? ''}`.trim(),
      String(status),
    );
  }
  let body: {
    stream?: string;
    seq?: number;
    duplicate?: boolean;
    error?: { code?: number; err_code?: number; description?: string };
  };
  try {
    body = JSON.parse(decoder.decode(msg.data));
  } catch {
    return new StreamPublishError('the broker answered something that is not a JetStream ack', 'invalid_ack');
  }
  if (body.error) {
    return new StreamPublishError(
      body.error.description ?? 'JetStream refused the message',
      String(body.error.err_code ?? body.error.code ?? 'unknown'),
    );
  }
  if (typeof body.stream !== 'string' || typeof body.seq !== 'number') {
    return new StreamPublishError('the JetStream ack names no stream and sequence', 'invalid_ack');
  }
  return { stream: body.stream, seq: body.seq, duplicate: body.duplicate === true };
}
