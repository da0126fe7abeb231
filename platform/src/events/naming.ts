/**
 * Names on the event bus. One stream per bounded context; a subject ends in the aggregate id so one
 * aggregate's events stay in order. Every name starts with a namespace (`paymesh`, or a unique one
 * per test run) so runs never share state.
 */

const TOKEN = /^[A-Za-z0-9_-]+$/;

export interface EventNames {
  /** The stream of a context, e.g. PAYMESH_ACCOUNTS. */
  stream(context: string): string;
  /** All subjects of a context, e.g. paymesh.accounts.> */
  contextSubjects(context: string): string;
  /** The subject of one aggregate, e.g. paymesh.accounts.<id>. */
  subject(context: string, aggregateId: string): string;
  /** The dead-letter stream of the namespace. */
  readonly deadLetterStream: string;
  /** Where a durable consumer's dead letters go. */
  deadLetterSubject(consumer: string): string;
  /** All dead-letter subjects. */
  readonly deadLetterSubjects: string;
}

export function eventNames(namespace: string): EventNames {
  assertToken('namespace', namespace);
  const upper = namespace.toUpperCase();
  return {
    stream: (ctx) => `${upper}_${token('context', ctx).toUpperCase()}`,
    contextSubjects: (ctx) => `${namespace}.${token('context', ctx)}.>`,
    subject: (ctx, id) => `${namespace}.${token('context', ctx)}.${token('aggregate id', id)}`,
    deadLetterStream: `${upper}_DLQ`,
    deadLetterSubject: (consumer) => `${namespace}.dlq.${token('consumer', consumer)}`,
    deadLetterSubjects: `${namespace}.dlq.>`,
  };
}

function token(what: string, value: string): string {
  assertToken(what, value);
  return value;
}

function assertToken(what: string, value: string): void {
  if (!TOKEN.test(value)) throw new Error(`${what} ${JSON.stringify(value)} is not a valid subject token`);
}
