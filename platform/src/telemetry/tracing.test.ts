import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { currentTraceHeaders } from './propagation.js';
import { initTelemetry, type Telemetry } from './tracing.js';

/** A stand-in OTLP/HTTP collector: keeps the JSON bodies posted to /v1/traces. */
const received: unknown[] = [];
const collector = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/v1/traces')
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let endpoint: string;
let telemetry: Telemetry;

before(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`;
  telemetry = initTelemetry({ service: 'accounts', otlpEndpoint: endpoint });
});

after(async () => {
  collector.closeAllConnections();
  await new Promise((resolve) => collector.close(resolve));
});

describe('initTelemetry', () => {
  it('returns the same handle when called again with the same options', () => {
    assert.equal(initTelemetry({ service: 'accounts', otlpEndpoint: endpoint }), telemetry);
  });

  it('refuses to be initialised again with other options', () => {
    assert.throws(
      () => initTelemetry({ service: 'accounts', exporter: new InMemorySpanExporter() }),
      /already initialised/,
    );
  });

  it('propagates the active span as a W3C traceparent', () => {
    trace.getTracer('test').startActiveSpan('OpenAccount', (span) => {
      const { traceId, spanId } = span.spanContext();
      assert.equal(currentTraceHeaders().traceparent, `00-${traceId}-${spanId}-01`);
      span.end();
    });
  });

  it('exports ended spans over OTLP/HTTP, under the service name, when shut down', async () => {
    const span = trace.getTracer('test').startSpan('CaptureHold');
    span.end();

    await telemetry.shutdown();

    const body = JSON.stringify(received);
    assert.match(body, /"name":"CaptureHold"/);
    assert.match(body, /"key":"service\.name","value":\{"stringValue":"accounts"\}/);
    assert.match(body, new RegExp(span.spanContext().traceId, 'i'));
  });
});
