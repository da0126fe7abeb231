/**
 * The raw baseline of event-publishing benchmarks: JetStream publishes straight from memory, a
 * batch at a time: every publish of a batch sent at once, then all their acks awaited. Each message
 * carries a unique Nats-Msg-Id, as an outbox relay's do, so the broker does the same dedupe work.
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';

export interface JetStreamPublishLoad {
  js: JetStreamClient;
  /** Subjects the messages go to in turn; a stream must capture them. */
  subjects: readonly string[];
  /** The payload of every message. */
  payload: Uint8Array;
  /** How many messages in all. */
  count: number;
  /** Publishes in flight together. */
  batchSize: number;
  /** Set Nats-Msg-Id (broker dedupe). Default true. */
  msgIds?: boolean;
}

/** Publishes `count` messages in batches and returns messages per second (wall clock). */
export async function measureJetStreamPublish(load: JetStreamPublishLoad): Promise<number> {
  const { js, subjects, payload, count, batchSize } = load;
  const msgIds = load.msgIds ?? true;
  const started = performance.now();
  for (let sent = 0; sent < count; sent += batchSize) {
    const batch: Promise<unknown>[] = [];
    for (let i = sent; i < Math.min(count, sent + batchSize); i++) {
      const subject = subjects[i % subjects.length] as string;
      batch.push(js.publish(subject, payload, msgIds ? { msgID: randomUUID() } : undefined));
    }
    await Promise.all(batch);
  }
  return count / ((performance.now() - started) / 1_000);
}
