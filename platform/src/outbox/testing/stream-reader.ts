/** Reads a whole stream back, in stream order, for tests to check what a relay published. */
import type { Bus } from '../../nats/connection.js';

export interface StreamedMessage {
  seq: number;
  subject: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

export async function readStream(bus: Bus, stream: string): Promise<StreamedMessage[]> {
  const jsm = await bus.jsm();
  const { state } = await jsm.streams.info(stream);
  const read: StreamedMessage[] = [];
  if (state.messages === 0) return read;
  const consumer = await bus.js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1_000 });
  for await (const message of messages) {
    const headers: Record<string, string> = {};
    for (const key of message.headers?.keys() ?? []) headers[key] = message.headers?.get(key) ?? '';
    read.push({ seq: message.seq, subject: message.subject, headers, data: message.data });
    if (message.seq >= state.last_seq) break;
  }
  await messages.close();
  return read;
}
