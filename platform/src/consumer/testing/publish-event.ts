/**
 * Tests and benchmarks: publishes an event the way the outbox relay does (the bus's stream
 * publisher; binary protobuf payload, envelope headers, `Nats-Msg-Id`), so consumers can be tested
 * without a producing service.
 */
import { randomUUID } from 'node:crypto';
import { type DescMessage, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { headers } from '@nats-io/nats-core';
import { EVENT_CONTENT_TYPE, EventHeader, eventTypeOf } from '../../events/envelope.js';
import { eventNames } from '../../events/naming.js';
import type { StreamPublisher } from '../../nats/stream-publisher.js';

const PUBLISH_TIMEOUT_MS = 5_000;

export interface PublishEventOptions {
  aggregateId: string;
  /** Defaults to a new UUID. */
  eventId?: string;
  /** Broker dedupe key; defaults to the event id, as the relay does. */
  msgId?: string;
  /** Replaces the encoded event (to publish an undecodable payload). */
  payload?: Uint8Array;
  /** Envelope headers to leave out (to publish a malformed message). */
  omit?: readonly string[];
}

export interface PublishedEvent {
  eventId: string;
  subject: string;
  seq: number;
  duplicate: boolean;
}

export async function publishEvent<D extends DescMessage>(
  streams: StreamPublisher,
  namespace: string,
  context: string,
  schema: D,
  event: MessageShape<D>,
  options: PublishEventOptions,
): Promise<PublishedEvent> {
  const eventId = options.eventId ?? randomUUID();
  const subject = eventNames(namespace).subject(context, options.aggregateId);
  const h = headers();
  const envelope: Record<string, string> = {
    [EventHeader.eventId]: eventId,
    [EventHeader.eventType]: eventTypeOf(schema.typeName),
    [EventHeader.schema]: schema.typeName,
    [EventHeader.aggregateId]: options.aggregateId,
    [EventHeader.occurredAt]: new Date().toISOString(),
    [EventHeader.contentType]: EVENT_CONTENT_TYPE,
  };
  for (const [key, value] of Object.entries(envelope)) if (!options.omit?.includes(key)) h.set(key, value);
  const ack = await streams.publish(subject, options.payload ?? toBinary(schema, event), {
    headers: h,
    msgId: options.msgId ?? eventId,
    timeoutMs: PUBLISH_TIMEOUT_MS,
  });
  return { eventId, subject, seq: ack.seq, duplicate: ack.duplicate };
}
