/**
 * The server interceptor that decides what a caller learns from a failure: domain errors keep
 * their code, message and field details; anything unexpected becomes INTERNAL "internal error",
 * and its cause (stack included) goes to the log with the trace id, never to the caller.
 */

import type { ConnectError, Interceptor, StreamRequest, UnaryRequest } from '@connectrpc/connect';
import { trace } from '@opentelemetry/api';
import { toConnectError } from '../errors/domain-error.js';
import type { Logger } from '../telemetry/logger.js';

export function errorInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: translateStream(res.message, req, logger) };
    } catch (err) {
      throw translate(err, req, logger);
    }
  };
}

async function* translateStream<T>(
  messages: AsyncIterable<T>,
  req: UnaryRequest | StreamRequest,
  logger: Logger,
) {
  try {
    yield* messages;
  } catch (err) {
    throw translate(err, req, logger);
  }
}

function translate(err: unknown, req: UnaryRequest | StreamRequest, logger: Logger): ConnectError {
  const { error, internal } = toConnectError(err);
  if (internal) {
    logger.error(
      { err, rpc: `${req.service.typeName}/${req.method.name}`, ...traceIdOf(req.header) },
      'rpc failed with an internal error',
    );
  }
  return error;
}

/** The trace id to log when no span is active (no tracing installed): the caller's traceparent. */
function traceIdOf(header: Headers): { trace_id?: string } {
  if (trace.getActiveSpan()) return {};
  const traceId = header.get('traceparent')?.split('-')[1];
  return traceId && /^[0-9a-f]{32}$/.test(traceId) ? { trace_id: traceId } : {};
}
