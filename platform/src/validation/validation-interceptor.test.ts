import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type DescMessage,
  type DescMethodClientStreaming,
  type DescMethodUnary,
  fromJson,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { violationsOf } from '../errors/domain-error.js';
import { captureLogger } from '../server/capture-logger.js';
import { createRpcServer, type RpcServer } from '../server/rpc-server.js';
import { orderDesk, testMessage } from './test-contract.js';

const order = testMessage('Order');
const party = { id: '0b7f6a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b' };
const validOrder = { status: 'STATUS_OPEN', lines: [{ currency: 'EUR', amount: '100' }], payer: party };
const badOrder = { ...validOrder, lines: [{ currency: 'eur', amount: '0' }] };

/** The OrderDesk client, typed loosely: the test contract has no generated code. */
interface OrderDeskClient {
  placeOrder(request: Message): Promise<Message>;
  submitOrders(requests: AsyncIterable<Message>): Promise<Message>;
}

const messageOf = (desc: DescMessage, json: JsonValue) => fromJson(desc, json);

describe('validationInterceptor through a real server', () => {
  const service = orderDesk();
  const placed: Message[] = [];
  const submitted: Message[] = [];
  let server: RpcServer;
  let baseUrl: string;

  before(async () => {
    server = createRpcServer({
      logger: captureLogger().logger,
      routes: (router) =>
        router
          .rpc(service.method.placeOrder as DescMethodUnary, (request) => {
            placed.push(request);
            return request;
          })
          .rpc(service.method.submitOrders as DescMethodClientStreaming, async (requests) => {
            let last: Message | undefined;
            for await (const request of requests) {
              submitted.push(request);
              last = request;
            }
            return last ?? messageOf(order, {});
          }),
    });
    await server.start();
    baseUrl = `http://127.0.0.1:${server.port}`;
  });

  after(() => server.stop());

  it('answers a Connect JSON client INVALID_ARGUMENT naming each nested field, before the handler', async () => {
    const client = createClient(
      service,
      createConnectTransport({ baseUrl, httpVersion: '1.1' }),
    ) as unknown as OrderDeskClient;
    await assert.rejects(client.placeOrder(messageOf(order, badOrder)), (err: unknown) => {
      const error = ConnectError.from(err);
      assert.equal(error.code, Code.InvalidArgument);
      assert.deepEqual(
        violationsOf(error).map((v) => ({ ...v })),
        [
          {
            $typeName: 'paymesh.validate.v1.FieldViolation',
            field: 'lines[0].currency',
            rule: 'string.format',
            description: 'must be an ISO-4217 currency code in use, such as EUR',
          },
          {
            $typeName: 'paymesh.validate.v1.FieldViolation',
            field: 'lines[0].amount',
            rule: 'int.gt',
            description: 'must be greater than 0',
          },
        ],
      );
      return true;
    });
    assert.equal(placed.length, 0, 'the handler never ran');
    assert.ok(await client.placeOrder(messageOf(order, validOrder)));
    assert.equal(placed.length, 1);
  });

  it('names the field in the message too, for callers that only read JSON', async () => {
    const res = await fetch(`${baseUrl}/paymesh.validationtest.v1.OrderDesk/PlaceOrder`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...validOrder, payer: undefined }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, 'invalid_argument');
    assert.equal(body.message, 'invalid request: payer: is required');
  });

  it('checks every message of a client stream as the handler reads it', async () => {
    const client = createClient(service, createGrpcTransport({ baseUrl })) as unknown as OrderDeskClient;
    async function* orders() {
      yield messageOf(order, validOrder);
      yield messageOf(order, { ...validOrder, reference: 'r-1' });
      yield messageOf(order, { ...validOrder, reference: 'far too long' });
      yield messageOf(order, validOrder);
    }
    await assert.rejects(client.submitOrders(orders()), (err: unknown) => {
      const error = ConnectError.from(err);
      assert.equal(error.code, Code.InvalidArgument);
      assert.deepEqual(
        violationsOf(error).map((v) => [v.field, v.rule]),
        [['reference', 'string.max_len']],
      );
      return true;
    });
    assert.equal(submitted.length, 2, 'the handler saw only the messages before the invalid one');
  });
});
