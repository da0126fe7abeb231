/**
 * The server interceptor that enforces the contract's field rules: a unary request is checked
 * before the handler runs, each message of a client stream as the handler reads it. A broken rule
 * ends the call with INVALID_ARGUMENT and a `paymesh.validate.v1.Violations` detail.
 */
import type { Message } from '@bufbuild/protobuf';
import type { Interceptor } from '@connectrpc/connect';
import { invalidArgument, toConnectError } from '../errors/domain-error.js';
import { type MessageValidator, validatorFor } from './message-validator.js';

export function validationInterceptor(): Interceptor {
  return (next) => async (req) => {
    const validator = validatorFor(req.method.input);
    if (validator.trivial) return next(req);
    if (!req.stream) {
      ensureValid(validator, req.message);
      return next(req);
    }
    return next({ ...req, message: validateEach(validator, req.message) });
  };
}

async function* validateEach<T extends Message>(validator: MessageValidator, messages: AsyncIterable<T>) {
  for await (const message of messages) {
    ensureValid(validator, message);
    yield message;
  }
}

function ensureValid(validator: MessageValidator, message: Message): void {
  const violations = validator.validate(message);
  if (violations.length > 0) throw toConnectError(invalidArgument(violations)).error;
}
