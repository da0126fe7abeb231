/**
 * Publishing claimed rows to JetStream. Rows of one subject (one aggregate) go one after another,
 * each after the previous one's ack, and a failure stops that subject's run so nothing later of the
 * aggregate overtakes it; different subjects publish concurrently. Each publish runs in a PRODUCER
 * span continuing the trace stored with the row. An ack saying `duplicate` is a republish the broker
 * dropped (a relay that died or lost its database after publishing, before recording it).
 */
import { headers as natsHeaders } from '@nats-io/nats-core';
import { EVENT_CONTENT_TYPE, EventHeader } from '../events/envelope.js';
import type { Bus } from '../nats/connection.js';
import { withPublishSpan } from '../telemetry/messaging.js';
import type { ClaimedEvent, PublishOutcome } from './claim.js';

const MAX_ERROR_LENGTH = 1_000;

/** How publishing a row went; `duplicate` when the stream already held its Nats-Msg-Id. */
export interface RelayedOutcome extends PublishOutcome {
  duplicate?: true;
}

/** Publishes `events` (in `seq` order) and says, for each one tried, whether it was acked. */
export async function publishClaimed(
  bus: Bus,
  events: readonly ClaimedEvent[],
  timeoutMs: number,
): Promise<RelayedOutcome[]> {
  const bySubject = new Map<string, ClaimedEvent[]>();
  for (const event of events) {
    const run = bySubject.get(event.subject);
    if (run) run.push(event);
    else bySubject.set(event.subject, [event]);
  }
  const outcomes: RelayedOutcome[] = [];
  await Promise.all(
    Array.from(bySubject.values(), async (run) => {
      for (const event of run) {
        try {
          const duplicate = await publishEvent(bus, event, timeoutMs);
          outcomes.push(duplicate ? { seq: event.seq, duplicate } : { seq: event.seq });
        } catch (err) {
          outcomes.push({ seq: event.seq, error: describe(err) });
          return;
        }
      }
    }),
  );
  return outcomes;
}

/** Publishes one row; true when the broker had it already. */
async function publishEvent(bus: Bus, event: ClaimedEvent, timeoutMs: number): Promise<boolean> {
  return withPublishSpan(
    {
      subject: event.subject,
      traceHeaders: event.traceHeaders,
      attributes: { 'messaging.message.id': event.id, 'paymesh.event_type': event.eventType },
    },
    async (spanHeaders) => {
      const headers = natsHeaders();
      headers.set(EventHeader.eventId, event.id);
      headers.set(EventHeader.eventType, event.eventType);
      headers.set(EventHeader.schema, event.schema);
      headers.set(EventHeader.aggregateId, event.aggregateId);
      headers.set(EventHeader.occurredAt, event.occurredAt.toISOString());
      headers.set(EventHeader.contentType, EVENT_CONTENT_TYPE);
      // The stored context travels even where this process does not trace; its own span replaces it.
      for (const [key, value] of Object.entries({ ...event.traceHeaders, ...spanHeaders })) {
        headers.set(key, value);
      }
      const ack = await bus.streams.publish(event.subject, event.payload, {
        msgId: event.id,
        headers,
        timeoutMs,
      });
      return ack.duplicate;
    },
  );
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, MAX_ERROR_LENGTH);
}
