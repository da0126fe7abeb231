/**
 * Splits a gRPC body (length-prefixed messages: 1 flag byte, 4 length bytes, payload) into its
 * envelopes as chunks arrive. A declared length above `readMaxBytes` fails as soon as the prefix is
 * in, so an oversized message is never buffered; errors carry connect-es's codes and messages.
 */
import { Code, ConnectError } from '@connectrpc/connect';

export interface Envelope {
  flags: number;
  data: Uint8Array;
}

const prefixBytes = 5;

export class EnvelopeReader {
  readonly envelopes: Envelope[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Flags and length of the envelope being read, once its prefix is in. */
  private pending: { flags: number; length: number } | undefined;

  constructor(private readonly readMaxBytes: number) {}

  /** Takes the next chunk of the body; throws RESOURCE_EXHAUSTED for an oversized message. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    for (;;) {
      if (!this.pending) {
        if (this.buffered < prefixBytes) return;
        const prefix = this.take(prefixBytes);
        const length = prefix.readUInt32BE(1);
        if (length > this.readMaxBytes) {
          throw new ConnectError(
            `message size ${length} is larger than configured readMaxBytes ${this.readMaxBytes}`,
            Code.ResourceExhausted,
          );
        }
        this.pending = { flags: prefix.readUInt8(0), length };
      }
      if (this.buffered < this.pending.length) return;
      this.envelopes.push({ flags: this.pending.flags, data: this.take(this.pending.length) });
      this.pending = undefined;
    }
  }

  /** The body has ended: a partial envelope left over is a protocol error. */
  end(): Envelope[] {
    if (this.pending || this.buffered > 0) {
      throw new ConnectError('protocol error: incomplete envelope', Code.InvalidArgument);
    }
    return this.envelopes;
  }

  /** The next `n` buffered bytes; copies only when they span chunks. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first === undefined || n === 0) {
      out = Buffer.alloc(0);
    } else if (first.byteLength >= n) {
      out = first.subarray(0, n);
      if (first.byteLength === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.byteLength > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
