import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { EnvelopeReader } from './envelope-reader.js';
import { envelope } from './testing/echo-fixture.js';

function codeOf(fn: () => unknown): Code | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return ConnectError.from(err).code;
  }
}

describe('EnvelopeReader', () => {
  it('reads messages however the body is cut into chunks', () => {
    const body = Buffer.concat([
      envelope(Buffer.from('first')),
      envelope(Buffer.alloc(0)),
      envelope(Buffer.from('third'), 1),
    ]);
    for (const size of [1, 2, 5, 7, body.byteLength]) {
      const reader = new EnvelopeReader(1024);
      for (let at = 0; at < body.byteLength; at += size) reader.push(body.subarray(at, at + size));
      assert.deepEqual(
        reader.end().map((e) => [e.flags, Buffer.from(e.data).toString()]),
        [
          [0, 'first'],
          [0, ''],
          [1, 'third'],
        ],
      );
    }
  });

  it('refuses an oversized message as soon as its length prefix arrives', () => {
    const reader = new EnvelopeReader(10);
    assert.equal(
      codeOf(() => reader.push(envelope(Buffer.alloc(11)).subarray(0, 5))),
      Code.ResourceExhausted,
    );
  });

  it('calls a body that stops inside a message incomplete', () => {
    const reader = new EnvelopeReader(1024);
    reader.push(envelope(Buffer.from('cut short')).subarray(0, 8));
    assert.equal(
      codeOf(() => reader.end()),
      Code.InvalidArgument,
    );
  });
});
