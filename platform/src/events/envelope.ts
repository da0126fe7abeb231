/**
 * How a domain event travels: the payload is the binary protobuf of the event message; headers carry
 * what a consumer needs before decoding it.
 */

export const EventHeader = {
  /** Broker-side dedupe key: the outbox row id. */
  msgId: 'Nats-Msg-Id',
  /** The event's id (the outbox row id); consumers' inbox key. Kept when a dead letter is redriven. */
  eventId: 'Paymesh-Event-Id',
  /** Past-tense name, e.g. EntryRecorded. */
  eventType: 'Paymesh-Event-Type',
  /** Fully-qualified protobuf message name of the payload, e.g. paymesh.fixture.v1.EntryRecorded. */
  schema: 'Paymesh-Schema',
  /** The aggregate the event belongs to (the subject's last token). */
  aggregateId: 'Paymesh-Aggregate-Id',
  /** When the state change committed, ISO-8601. */
  occurredAt: 'Paymesh-Occurred-At',
  contentType: 'Content-Type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export const EVENT_CONTENT_TYPE = 'application/x-protobuf';

/** The past-tense name of an event from its message type name: paymesh.x.v1.EntryRecorded → EntryRecorded. */
export function eventTypeOf(typeName: string): string {
  return typeName.slice(typeName.lastIndexOf('.') + 1);
}
