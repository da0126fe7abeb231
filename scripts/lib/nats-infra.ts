/**
 * NATS JetStream for local runs and CI: start a detached nats-server when nothing listens on the
 * configured port, insist that JetStream is on, and create the streams of the catalog's contexts
 * and the dead-letter stream (the kit's `ensureEventStreams`, which leaves existing streams alone).
 */
import { spawn } from 'node:child_process';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { eventNames } from '@paymesh/platform/events/naming';
import { ensureEventStreams } from '@paymesh/platform/nats/streams';
import { errorMessage, InfraError, isListening, isLocalHost, waitUntil, where } from './local-server.js';

export interface NatsServerFiles {
  /** JetStream store (`-sd`). */
  readonly storeDir: string;
  /** Server log (`-l`). */
  readonly logFile: string;
  /** Written by the server (`-P`) when set, so whoever started it can stop it. */
  readonly pidFile?: string;
}

export function natsAddress(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 4222) };
}

export function isNatsListening(url: string): Promise<boolean> {
  const { host, port } = natsAddress(url);
  return isListening(host, port);
}

/** Starts nats-server with JetStream in its own session, so it outlives this command. Returns its pid. */
export async function startNats(url: string, natsServer: string, files: NatsServerFiles): Promise<number> {
  const { host, port } = natsAddress(url);
  if (!isLocalHost(host)) throw new InfraError(`NATS at ${where(url)} is down and is not on this machine`);
  const args = ['-a', host, '-p', String(port), '-js', '-sd', files.storeDir, '-l', files.logFile];
  if (files.pidFile) args.push('-P', files.pidFile);
  const child = spawn(natsServer, args, { detached: true, stdio: 'ignore' });
  let exit: string | undefined;
  child.once('error', (err) => {
    exit = err.message;
  });
  child.once('exit', (code, signal) => {
    exit = `exited with ${signal ?? `code ${code}`}`;
  });
  const up = await waitUntil(async () => exit !== undefined || (await isListening(host, port)), 15_000);
  child.removeAllListeners();
  child.unref();
  if (exit !== undefined) throw new InfraError(`nats-server ${exit} at start; see ${files.logFile}`);
  if (!up || child.pid === undefined) {
    child.kill('SIGKILL');
    throw new InfraError(`nats-server did not listen on ${where(url)} within 15 s; see ${files.logFile}`);
  }
  return child.pid;
}

export interface NatsAdmin {
  readonly version: string;
  readonly jsm: JetStreamManager;
  close(): Promise<void>;
}

/** Connects once (no reconnects: this is a check) and proves JetStream answers. */
export async function connectJetStream(url: string): Promise<NatsAdmin> {
  const { host, port } = natsAddress(url);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: `${host}:${port}`,
      name: 'paymesh-infra',
      reconnect: false,
      timeout: 5_000,
    });
  } catch (err) {
    throw new InfraError(
      `NATS at ${where(url)} accepted TCP but not a NATS connection: ${errorMessage(err)}`,
    );
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    return { version: nc.info?.version ?? 'unknown', jsm, close: () => nc.close() };
  } catch (err) {
    await nc.close();
    throw new InfraError(
      `NATS at ${where(url)} is up but JetStream does not answer (${errorMessage(err)}): run nats-server with -js`,
    );
  }
}

export interface StreamsOutcome {
  readonly streams: readonly string[];
  readonly created: readonly string[];
}

/** The namespace's context streams and dead-letter stream, creating the missing ones. */
export async function ensureStreams(
  jsm: JetStreamManager,
  namespace: string,
  contexts: readonly string[],
): Promise<StreamsOutcome> {
  const names = eventNames(namespace);
  const streams = [...contexts.map((ctx) => names.stream(ctx)), names.deadLetterStream];
  const before = new Set<string>();
  for await (const name of jsm.streams.names()) before.add(name);
  await ensureEventStreams(jsm, namespace, contexts);
  return { streams, created: streams.filter((name) => !before.has(name)) };
}
