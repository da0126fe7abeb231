/** Checks on the fields of consumed events: an event no retry can make valid is dead-lettered at once. */
import type { Message } from '@bufbuild/protobuf';
import { UnprocessableEventError } from '@paymesh/platform/consumer/failure';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUuid(event: Message, field: string, value: string): void {
  if (!UUID.test(value)) {
    throw new UnprocessableEventError(`${event.$typeName}.${field} is not a UUID: ${JSON.stringify(value)}`);
  }
}

export function requirePositive(event: Message, field: string, value: bigint): void {
  if (value <= 0n) throw new UnprocessableEventError(`${event.$typeName}.${field} is not positive: ${value}`);
}
