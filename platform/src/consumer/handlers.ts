/**
 * The typed handler registry of a consumer: one handler per event message type, found by the
 * `Paymesh-Schema` header. A handler gets the decoded event, the open transaction its writes must
 * use (the inbox row commits with them) and the delivery's metadata.
 */
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';

/** The transaction a handler writes through. */
import type { Tx } from '../db/transaction.js';

export type { Tx };

/** What the consumer knows about a delivery besides the event itself. */
export interface EventMeta {
  /** `Paymesh-Event-Id`: the inbox key, the same on every delivery and after a redrive. */
  eventId: string;
  /** Past-tense name, e.g. EntryRecorded. */
  eventType: string;
  /** Fully-qualified protobuf name of the payload. */
  schema: string;
  subject: string;
  aggregateId: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSequence: number;
  /** When the producer committed the state change (the broker's receipt time if it did not say). */
  occurredAt: Date;
}

export type EventHandler<M, S extends Record<string, unknown>> = (
  event: M,
  tx: Tx<S>,
  meta: EventMeta,
) => Promise<void>;

export interface RegisteredHandler<S extends Record<string, unknown>> {
  readonly schema: DescMessage;
  readonly handle: EventHandler<unknown, S>;
}

export class EventHandlers<S extends Record<string, unknown>> {
  readonly #byTypeName = new Map<string, RegisteredHandler<S>>();

  /** Registers the handler of one event type; a second handler for the same type is a mistake. */
  on<D extends DescMessage>(schema: D, handle: EventHandler<MessageShape<D>, S>): this {
    if (this.#byTypeName.has(schema.typeName)) throw new Error(`${schema.typeName} already has a handler`);
    this.#byTypeName.set(schema.typeName, { schema, handle: handle as EventHandler<unknown, S> });
    return this;
  }

  /** The handler of a `Paymesh-Schema` value, if there is one. */
  find(typeName: string): RegisteredHandler<S> | undefined {
    return this.#byTypeName.get(typeName);
  }

  get typeNames(): string[] {
    return [...this.#byTypeName.keys()];
  }
}

/** Starts a registry; name the service's drizzle schema as `S` when handlers use `tx.query`. */
export function eventHandlers<S extends Record<string, unknown> = Record<string, never>>(): EventHandlers<S> {
  return new EventHandlers<S>();
}
