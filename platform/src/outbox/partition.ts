/**
 * Keys of the outbox: an aggregate id hashes (FNV-1a, 32 bits, over its UTF-8 bytes) to a stable
 * number that names its partition and its append lock. The hash must never change, nor the
 * partition count: pending rows would move between partitions and two relays could then publish
 * one aggregate's events at the same time.
 */

/** How many partitions the relays share out; one relay at a time works a partition. */
export const OUTBOX_PARTITIONS = 16;

/** First keys of the outbox's transaction-scoped advisory locks (two-key form); they must differ. */
export const OutboxLock = {
  /** Taken by appending, on the aggregate hash: one aggregate's appends commit one after another. */
  aggregate: 0x6f627861,
  /** Taken by a relay, on the partition number, while it publishes that partition's rows. */
  partition: 0x6f627870,
} as const;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** The 32-bit FNV-1a hash of the aggregate id, as an unsigned integer. */
export function aggregateHash(aggregateId: string): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(aggregateId)) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  return hash;
}

/** The aggregate hash as the signed 32-bit key of an advisory lock. */
export function aggregateLockKey(aggregateId: string): number {
  return aggregateHash(aggregateId) | 0;
}

/** The partition of an aggregate's events, 0 ≤ p < OUTBOX_PARTITIONS. */
export function partitionOf(aggregateId: string): number {
  return aggregateHash(aggregateId) % OUTBOX_PARTITIONS;
}
