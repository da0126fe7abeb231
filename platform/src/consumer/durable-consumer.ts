/**
 * The durable pull consumer behind an event consumer, created on start if missing and updated to
 * the current settings if present. The broker never gives up on a message (max_deliver unlimited):
 * the consumer decides when to dead-letter, so nothing is silently parked by the server. It has no
 * subject filter: a context's stream holds only that context's subjects, and NATS 2.9 serves a
 * wildcard-filtered pull consumer over many subjects some twenty times slower (measured here).
 */
import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

export interface DurableConsumerSpec {
  stream: string;
  name: string;
  ackWaitMs: number;
  maxAckPending: number;
}

export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<void> {
  const settings = {
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    max_deliver: -1,
  };
  try {
    await jsm.consumers.add(spec.stream, {
      durable_name: spec.name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ...settings,
    });
  } catch (err) {
    if (!/already (exists|in use)/i.test(String(err))) throw err;
    await jsm.consumers.update(spec.stream, spec.name, settings);
  }
}
