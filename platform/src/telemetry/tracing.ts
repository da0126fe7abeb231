/**
 * The process's OpenTelemetry tracing: one tracer provider (resource with service.name), the
 * AsyncLocalStorage context manager and the W3C trace-context propagator, registered globally.
 * Spans are always created, so trace ids reach logs, RPC headers and NATS headers; they are exported
 * in batches over OTLP/HTTP only when an endpoint is configured.
 *
 * Tests: call `initTelemetry({ service, exporter: new InMemorySpanExporter() })` once per test file
 * (node --test runs each file in its own process), `await telemetry.forceFlush()` before reading
 * `exporter.getFinishedSpans()`, and `exporter.reset()` between tests. An injected exporter gets each
 * span as it ends (no batching delay).
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  /** service.name of every span, e.g. `accounts`. */
  service: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://collector:4318; traces go to /v1/traces. */
  otlpEndpoint?: string;
  /** Where spans go instead of OTLP; tests pass an InMemorySpanExporter. */
  exporter?: SpanExporter;
}

export interface Telemetry {
  /** Exports every span that has ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporting; call once when the process stops. Later calls wait for the first. */
  shutdown(): Promise<void>;
}

let installed: { options: TelemetryOptions; telemetry: Telemetry } | undefined;

/**
 * Registers tracing for this process. Once per process: a second call with the same options returns
 * the same handle, one with other options throws (its spans would silently go elsewhere).
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  if (installed) {
    const first = installed.options;
    if (
      first.service === options.service &&
      first.otlpEndpoint === options.otlpEndpoint &&
      first.exporter === options.exporter
    ) {
      return installed.telemetry;
    }
    throw new Error(
      `telemetry is already initialised for service ${JSON.stringify(first.service)} with other options`,
    );
  }

  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service })),
    spanProcessors: spanProcessorsFor(options),
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const registered =
    context.setGlobalContextManager(contextManager) &&
    propagation.setGlobalPropagator(new W3CTraceContextPropagator()) &&
    trace.setGlobalTracerProvider(provider);
  if (!registered) {
    throw new Error('another OpenTelemetry setup is already registered in this process');
  }

  let stopped: Promise<void> | undefined;
  const telemetry: Telemetry = {
    forceFlush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= provider.shutdown();
      return stopped;
    },
  };
  installed = { options, telemetry };
  return telemetry;
}

function spanProcessorsFor(options: TelemetryOptions): SpanProcessor[] {
  if (options.exporter) return [new SimpleSpanProcessor({ exporter: options.exporter })];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    return [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) })];
  }
  return [];
}
