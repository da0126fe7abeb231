/**
 * The NATS connection of a service: reconnects forever (an outage is waited out, not fatal), and
 * gives JetStream handles for publishing, consuming and managing streams.
 */
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createStreamPublisher, type StreamPublisher } from './stream-publisher.js';

export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  /** The one way to publish to a stream and await its ack (see stream-publisher.ts). */
  readonly streams: StreamPublisher;
  jsm(): Promise<JetStreamManager>;
  close(): Promise<void>;
}

export async function connectBus(url: string, name: string): Promise<Bus> {
  const { hostname, port } = new URL(url);
  const nc = await connect({
    servers: `${hostname}:${port || 4222}`,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    // nats.js otherwise builds two Error objects per request for async stack traces: ~40% of a publisher's CPU.
    noAsyncTraces: true,
  });
  const streams = createStreamPublisher(nc);
  return {
    nc,
    js: jetstream(nc),
    streams,
    jsm: () => jetstreamManager(nc),
    close: async () => {
      streams.close();
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
