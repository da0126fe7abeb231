/**
 * Stream provisioning: one stream per bounded context and one dead-letter stream per namespace.
 * Idempotent: an existing stream is left as it is.
 */
import { type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { eventNames } from '../events/naming.js';

/** Dedupe window for Nats-Msg-Id: a relay republishing after a crash within it is dropped by the broker. */
export const DUPLICATE_WINDOW_NS = 10 * 60 * 1_000_000_000;

export interface StreamOptions {
  /** Copies of each stream in a JetStream cluster (1 on a single server, 3 on the cluster in mesh/k8s). */
  replicas?: number;
}

export async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subjects: string[],
  options: StreamOptions = {},
): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch (err) {
    if (!/stream not found/i.test(String(err))) throw err;
    await jsm.streams.add({
      name,
      subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: DUPLICATE_WINDOW_NS,
      num_replicas: options.replicas ?? 1,
    });
  }
}

/** The streams of a namespace: each context's, and the dead letters. */
export async function ensureEventStreams(
  jsm: JetStreamManager,
  namespace: string,
  contexts: readonly string[],
  options: StreamOptions = {},
) {
  const names = eventNames(namespace);
  for (const ctx of contexts)
    await ensureStream(jsm, names.stream(ctx), [names.contextSubjects(ctx)], options);
  await ensureStream(jsm, names.deadLetterStream, [names.deadLetterSubjects], options);
}

/** Deletes every stream of a namespace (tests clean up after themselves). */
export async function deleteNamespaceStreams(jsm: JetStreamManager, namespace: string): Promise<void> {
  const prefix = `${namespace.toUpperCase()}_`;
  for await (const info of jsm.streams.list()) {
    if (info.config.name.startsWith(prefix)) await jsm.streams.delete(info.config.name);
  }
}
