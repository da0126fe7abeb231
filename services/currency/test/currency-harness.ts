/** Starts the currency service in-process on its own database and namespace, with a real client. */
import assert from 'node:assert/strict';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { fromBinary } from '@bufbuild/protobuf';
import { type Client, type Code, ConnectError } from '@connectrpc/connect';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import { errorInfoOf, violationsOf } from '@paymesh/platform/errors/domain-error';
import { createTestServiceEnv, type TestServiceEnv } from '@paymesh/platform/testing/service-env';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { asc, eq } from 'drizzle-orm';
import { outbox } from '../src/db/schema.js';
import { currency } from '../src/service.js';

export interface CurrencyHarness {
  client: Client<typeof CurrencyService>;
  service: Awaited<ReturnType<typeof currency.start>>;
  /** The events the service appended to its outbox, of one type, oldest first, with their aggregate. */
  events<D extends DescMessage>(schema: D): Promise<{ aggregateId: string; message: MessageShape<D> }[]>;
  stop(): Promise<void>;
}

export async function startCurrency(extra: Record<string, string> = {}): Promise<CurrencyHarness> {
  const testEnv: TestServiceEnv = await createTestServiceEnv({
    service: 'currency',
    contexts: ['currency'],
    extra,
  });
  const service = await currency.start({ source: testEnv.env });
  const client = createServiceClient(CurrencyService, {
    upstream: 'currency-test',
    baseUrl: `http://127.0.0.1:${service.rpcPort}`,
  });
  return {
    client,
    service,
    async events(schema) {
      const rows = await service.deps.db
        .select()
        .from(outbox)
        .where(eq(outbox.schema, schema.typeName))
        .orderBy(asc(outbox.seq));
      return rows.map((row) => ({ aggregateId: row.aggregateId, message: fromBinary(schema, row.payload) }));
    },
    async stop() {
      await service.stop();
      await testEnv.cleanup();
    },
  };
}

export interface ExpectedFailure {
  code: Code;
  reason?: string;
  metadata?: Record<string, string>;
  /** A field a violation names. */
  field?: string;
}

/** Asserts `call` fails as a caller would see it: code, stable reason, metadata, violated field. */
export async function assertFails(call: Promise<unknown>, expected: ExpectedFailure): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof ConnectError, `expected a ConnectError, got ${String(err)}`);
    assert.equal(err.code, expected.code, err.message);
    if (expected.reason !== undefined) assert.equal(errorInfoOf(err)?.reason, expected.reason);
    if (expected.metadata) assert.deepEqual(errorInfoOf(err)?.metadata, expected.metadata);
    if (expected.field !== undefined) {
      const fields = violationsOf(err).map((v) => v.field);
      assert.ok(
        fields.includes(expected.field),
        `violations name ${fields.join(', ')}, not ${expected.field}`,
      );
    }
    return true;
  });
}
