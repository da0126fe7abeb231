/**
 * The raw baseline of event-publishing benchmarks: JetStream publishes straight from memory, a
 * batch at a time: every publish of a batch sent at once, then all their acks awaited. Each message
 * carries a unique Nats-Msg-Id, as an outbox relay's do, so the broker does the same dedupe work.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { eventNames } from '@paymesh/platform/events/naming';
import { connectBus } from '@paymesh/platform/nats/connection';
import { ensureStream } from '@paymesh/platform/nats/streams';
import { SHARED_NATS_URL, uniqueNamespace } from '@paymesh/platform/testing/nats';

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

export interface JetStreamPublishBaseline {
  /** Publishes `count` messages of `payloadBytes` in batches; messages per second. */
  measure(): Promise<number>;
  /** Deletes the stream and closes the connection. */
  close(): Promise<void>;
}

/**
 * The baseline on a stream of its own (a unique namespace on the shared server), `keys` subjects
 * wide like a context's stream keyed by aggregate.
 */
export async function prepareJetStreamPublish(options: {
  count: number;
  batchSize: number;
  payloadBytes?: number;
  keys?: number;
}): Promise<JetStreamPublishBaseline> {
  const namespace = uniqueNamespace('benchjs');
  const names = eventNames(namespace);
  const bus = await connectBus(SHARED_NATS_URL, `${namespace}-baseline`);
  const jsm = await bus.jsm();
  await ensureStream(jsm, names.stream('baseline'), [names.contextSubjects('baseline')]);
  const subjects = Array.from({ length: options.keys ?? 1_000 }, () =>
    names.subject('baseline', randomUUID()),
  );
  const payload = randomBytes(options.payloadBytes ?? 96);
  return {
    measure: () =>
      measureJetStreamPublish({
        js: bus.js,
        subjects,
        payload,
        count: options.count,
        batchSize: options.batchSize,
      }),
    async close() {
      await jsm.streams.delete(names.stream('baseline'));
      await bus.close();
    },
  };
}
