/**
 * Dead letters: messages a consumer gave up on, kept in the namespace's dead-letter stream with the
 * original payload and headers plus why, where from and when. Listing reads them; redriving puts one
 * back on its original subject under the same event id (every consumer's inbox still dedupes it)
 * and removes it from the dead-letter stream.
 */
import type { JsMsg } from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { EventHeader, eventTypeOf } from '../events/envelope.js';
import { eventNames } from '../events/naming.js';
import type { Bus } from '../nats/connection.js';

/** Headers a dead letter carries on top of the original ones. */
export const DeadLetterHeader = {
  reason: 'Paymesh-Dead-Letter-Reason',
  consumer: 'Paymesh-Dead-Letter-Consumer',
  originalStream: 'Paymesh-Original-Stream',
  originalSubject: 'Paymesh-Original-Subject',
  originalSequence: 'Paymesh-Original-Sequence',
  deliveries: 'Paymesh-Deliveries',
  failedAt: 'Paymesh-Failed-At',
} as const;

const DEAD_LETTER_HEADERS = new Set<string>(Object.values(DeadLetterHeader));
/** How long a dead-letter or redrive publish waits for the broker's ack. */
const PUBLISH_TIMEOUT_MS = 5_000;

export interface DeadLetter {
  /** Sequence in the dead-letter stream: what `redrive` takes. */
  seq: number;
  consumer: string;
  reason: string;
  originalSubject: string;
  originalStream: string;
  originalSequence: number;
  deliveries: number;
  failedAt: Date;
  eventId: string | undefined;
  eventType: string | undefined;
  aggregateId: string | undefined;
}

export interface Redriven {
  /** The dead letter's former sequence. */
  seq: number;
  eventId: string | undefined;
  subject: string;
  /** Where the broker stored the redriven message. */
  stream: string;
  streamSequence: number;
}

/**
 * Moves a delivery to the dead-letter stream. Its broker dedupe key names the consumer and the
 * original stream sequence, so a crash between this and `term()` cannot store it twice, while the
 * same event failing again after a redrive (a new sequence) is stored again.
 */
export async function publishDeadLetter(
  bus: Bus,
  namespace: string,
  consumer: string,
  msg: JsMsg,
  reason: string,
): Promise<void> {
  const h = createHeaders();
  copyHeaders(msg.headers, h, (key) => key !== EventHeader.msgId && !DEAD_LETTER_HEADERS.has(key));
  h.set(DeadLetterHeader.reason, reason);
  h.set(DeadLetterHeader.consumer, consumer);
  h.set(DeadLetterHeader.originalStream, msg.info.stream);
  h.set(DeadLetterHeader.originalSubject, msg.subject);
  h.set(DeadLetterHeader.originalSequence, String(msg.info.streamSequence));
  h.set(DeadLetterHeader.deliveries, String(msg.info.deliveryCount));
  h.set(DeadLetterHeader.failedAt, new Date().toISOString());
  await bus.streams.publish(eventNames(namespace).deadLetterSubject(consumer), msg.data, {
    headers: h,
    msgId: `dlq:${consumer}:${msg.info.stream}:${msg.info.streamSequence}`,
    timeoutMs: PUBLISH_TIMEOUT_MS,
  });
}

/** The dead letters of a namespace, oldest first, optionally only one consumer's. */
export async function listDeadLetters(
  bus: Bus,
  namespace: string,
  filter: { consumer?: string } = {},
): Promise<DeadLetter[]> {
  const stream = eventNames(namespace).deadLetterStream;
  const jsm = await bus.jsm();
  if ((await jsm.streams.info(stream)).state.messages === 0) return [];
  const reader = await bus.js.consumers.get(stream);
  const letters: DeadLetter[] = [];
  for (;;) {
    let received = 0;
    let drained = false;
    for await (const msg of await reader.fetch({ max_messages: 256, expires: 2_000 })) {
      received++;
      letters.push(toDeadLetter(msg.seq, msg.headers));
      if (msg.info.pending === 0) {
        drained = true;
        break;
      }
    }
    if (drained || received === 0) break;
  }
  return filter.consumer === undefined ? letters : letters.filter((l) => l.consumer === filter.consumer);
}

/**
 * Puts dead letter `seq` back on its original subject: same payload and event headers, a fresh
 * `Nats-Msg-Id` (the broker would drop the original one as a duplicate), then deletes the dead
 * letter. Redriving the same letter twice in a row stores it once (the new id is derived from `seq`).
 */
export async function redriveDeadLetter(bus: Bus, namespace: string, seq: number): Promise<Redriven> {
  const stream = eventNames(namespace).deadLetterStream;
  const jsm = await bus.jsm();
  const stored = await jsm.streams.getMessage(stream, { seq });
  if (!stored) throw new Error(`no dead letter with sequence ${seq} in ${stream}`);
  const subject = stored.header.get(DeadLetterHeader.originalSubject);
  if (!subject) throw new Error(`message ${seq} in ${stream} is not a dead letter (no original subject)`);
  const h = createHeaders();
  copyHeaders(stored.header, h, (key) => key !== EventHeader.msgId && !DEAD_LETTER_HEADERS.has(key));
  const eventId = stored.header.get(EventHeader.eventId) || undefined;
  const ack = await bus.streams.publish(subject, stored.data, {
    headers: h,
    msgId: `${eventId ?? `${stream}-${seq}`}:redrive:${seq}`,
    timeoutMs: PUBLISH_TIMEOUT_MS,
  });
  await jsm.streams.deleteMessage(stream, seq);
  return { seq, eventId, subject, stream: ack.stream, streamSequence: ack.seq };
}

/** Redrives every dead letter (optionally only one consumer's), oldest first. */
export async function redriveDeadLetters(
  bus: Bus,
  namespace: string,
  filter: { consumer?: string } = {},
): Promise<Redriven[]> {
  const redriven: Redriven[] = [];
  for (const letter of await listDeadLetters(bus, namespace, filter)) {
    redriven.push(await redriveDeadLetter(bus, namespace, letter.seq));
  }
  return redriven;
}

function toDeadLetter(seq: number, h: MsgHdrs | undefined): DeadLetter {
  const get = (key: string) => h?.get(key) || undefined;
  const schema = get(EventHeader.schema);
  return {
    seq,
    consumer: get(DeadLetterHeader.consumer) ?? '',
    reason: get(DeadLetterHeader.reason) ?? '',
    originalSubject: get(DeadLetterHeader.originalSubject) ?? '',
    originalStream: get(DeadLetterHeader.originalStream) ?? '',
    originalSequence: Number(get(DeadLetterHeader.originalSequence) ?? 0),
    deliveries: Number(get(DeadLetterHeader.deliveries) ?? 0),
    failedAt: new Date(get(DeadLetterHeader.failedAt) ?? 0),
    eventId: get(EventHeader.eventId),
    eventType: get(EventHeader.eventType) ?? (schema ? eventTypeOf(schema) : undefined),
    aggregateId: get(EventHeader.aggregateId),
  };
}

function copyHeaders(from: MsgHdrs | undefined, to: MsgHdrs, keep: (key: string) => boolean): void {
  if (!from) return;
  for (const [key, values] of from) {
    if (keep(key)) for (const value of values) to.append(key, value);
  }
}
