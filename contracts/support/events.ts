/**
 * Event pacts: the message as risk reads it (proto3 JSON of the decoded event) with its NATS subject
 * and the kit's headers as metadata; delivered to the consumer's real handler inside a transaction on
 * a real, migrated database, and produced on the provider side from its real outbox row.
 */
import { randomUUID } from 'node:crypto';
import { type DescMessage, fromBinary, fromJson, type JsonValue, toJson } from '@bufbuild/protobuf';
import { MatchersV3 } from '@pact-foundation/pact';
import type { EventHandlers } from '@paymesh/platform/consumer/handlers';
import { createDatabase, type Database, migrateDatabase } from '@paymesh/platform/db/database';
import { inTransaction } from '@paymesh/platform/db/transaction';
import { EventHeader, eventTypeOf } from '@paymesh/platform/events/envelope';
import { createTestDatabase, type TestDatabase } from '@paymesh/platform/testing/postgres';

/** A message as Pact hands it to the consumer test. */
export interface PactMessage {
  contents: { content: unknown };
  metadata: unknown;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The metadata of an event of `schema` on `context`'s stream: subject `<namespace>.<context>.<aggregate id>`. */
export function eventMetadata(context: string, schema: DescMessage, aggregateId: string) {
  return {
    subject: MatchersV3.regex(
      new RegExp(`^[A-Za-z0-9_-]+\\.${context}\\.${UUID}$`),
      `paymesh.${context}.${aggregateId}`,
    ),
    [EventHeader.eventType]: eventTypeOf(schema.typeName),
    [EventHeader.schema]: schema.typeName,
  };
}

/** A consumer's own database, migrated with its committed migrations. */
export async function consumerDatabase<S extends Record<string, unknown>>(
  schema: S,
  migrations: string,
): Promise<{ db: Database<S>; database: TestDatabase; close(): Promise<void> }> {
  const database = await createTestDatabase('contracts');
  const db = createDatabase({ url: database.url, schema, max: 2 });
  await migrateDatabase(db as unknown as Database<Record<string, unknown>>, migrations);
  return {
    db,
    database,
    async close() {
      await db.$client.end();
      await database.drop();
    },
  };
}

/** Hands a pact message to the handler its Paymesh-Schema header names, as the kit's consumer does. */
export async function deliver<S extends Record<string, unknown>>(
  db: Database<S>,
  handlers: EventHandlers<S>,
  message: PactMessage,
): Promise<void> {
  const meta = message.metadata as Record<string, string>;
  const typeName = meta[EventHeader.schema] ?? '';
  const handler = handlers.find(typeName);
  if (!handler) throw new Error(`no handler for ${typeName}`);
  const event = fromJson(handler.schema, message.contents.content as JsonValue);
  const subject = meta.subject ?? '';
  await inTransaction(db, (tx) =>
    handler.handle(event, tx, {
      eventId: randomUUID(),
      eventType: meta[EventHeader.eventType] ?? '',
      schema: typeName,
      subject,
      aggregateId: subject.slice(subject.lastIndexOf('.') + 1),
      deliveryCount: 1,
      streamSequence: 1,
      occurredAt: new Date(),
    }),
  );
}

/** The event a provider appended to its outbox for `aggregateId`, decoded, with its subject and headers. */
export async function producedEvent(
  databaseUrl: string,
  schema: DescMessage,
  aggregateId: string,
): Promise<{ content: JsonValue; metadata: Record<string, string> }> {
  const db = createDatabase({ url: databaseUrl, max: 1 });
  try {
    const { rows } = await db.$client.query<{
      subject: string;
      event_type: string;
      schema: string;
      payload: Buffer;
    }>(
      'select subject, event_type, schema, payload from outbox where aggregate_id = $1 and schema = $2 order by seq limit 1',
      [aggregateId, schema.typeName],
    );
    const row = rows[0];
    if (!row) throw new Error(`no ${schema.typeName} in the outbox for ${aggregateId}`);
    return {
      content: toJson(schema, fromBinary(schema, row.payload)),
      metadata: {
        subject: row.subject,
        [EventHeader.eventType]: row.event_type,
        [EventHeader.schema]: row.schema,
      },
    };
  } finally {
    await db.$client.end();
  }
}
