/**
 * Test helpers that observe outcomes and state rather than time: the code a call ended with, waiting
 * until a condition holds, one labelled value of a Prometheus metric.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { metricsRegistry } from '../../telemetry/metrics.js';

export { waitFor } from '../../testing/wait-for.js';

/** The value of metric `name` under `labels`, or undefined when it has none. */
export async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value))?.value;
}

/** 'OK', or the name of the code the call failed with ('Unavailable', 'DeadlineExceeded'...). */
export async function outcomeOf(call: Promise<unknown> | AsyncIterable<unknown>): Promise<string> {
  try {
    if (Symbol.asyncIterator in call) for await (const _ of call);
    else await call;
    return 'OK';
  } catch (err) {
    return Code[ConnectError.from(err).code];
  }
}
