/**
 * `npm run dlq -- list [--consumer <name>]` and `npm run dlq -- redrive <seq>|--all [--consumer <name>]`:
 * the operator's view of the dead-letter stream of EVENT_NAMESPACE on NATS_URL.
 */
import { parseArgs } from 'node:util';
import { env, loadConfig } from '../config/config.js';
import { eventNames } from '../events/naming.js';
import { connectBus } from '../nats/connection.js';
import {
  type DeadLetter,
  listDeadLetters,
  type Redriven,
  redriveDeadLetter,
  redriveDeadLetters,
} from './dead-letters.js';

const USAGE = `usage:
  npm run dlq -- list [--consumer <name>]
  npm run dlq -- redrive <seq> | --all [--consumer <name>]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { all: { type: 'boolean' }, consumer: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const [command, target, ...rest] = positionals;
const seq = Number(target);
const valid =
  !values.help &&
  rest.length === 0 &&
  ((command === 'list' && target === undefined && !values.all) ||
    (command === 'redrive' &&
      (values.all ? target === undefined : Number.isSafeInteger(seq) && seq > 0 && !values.consumer)));
if (!valid) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadConfig({ NATS_URL: env.url(['nats']), EVENT_NAMESPACE: env.name().default('paymesh') });
const namespace = config.EVENT_NAMESPACE;
const filter = values.consumer === undefined ? {} : { consumer: values.consumer };
const bus = await connectBus(config.NATS_URL, 'dlq-cli');
try {
  if (command === 'list') {
    const letters = await listDeadLetters(bus, namespace, filter);
    console.log(
      letters.length === 0
        ? `no dead letters in ${eventNames(namespace).deadLetterStream}`
        : formatLetters(letters),
    );
  } else {
    const redriven = values.all
      ? await redriveDeadLetters(bus, namespace, filter)
      : [await redriveDeadLetter(bus, namespace, seq)];
    console.log(`redriven ${redriven.length} dead letter(s)`);
    if (redriven.length > 0) console.log(formatRedriven(redriven));
  }
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const stream = eventNames(namespace).deadLetterStream;
  console.error(
    /stream not found/i.test(message)
      ? `dlq: there is no ${stream} stream on ${config.NATS_URL}; is EVENT_NAMESPACE right?`
      : `dlq: ${message}`,
  );
  process.exitCode = 1;
} finally {
  await bus.close();
}

function formatLetters(letters: DeadLetter[]): string {
  return table(
    ['SEQ', 'FAILED AT', 'CONSUMER', 'EVENT TYPE', 'EVENT ID', 'DELIVERIES', 'ORIGINAL SUBJECT', 'REASON'],
    letters.map((l) => [
      String(l.seq),
      l.failedAt.toISOString().replace('T', ' ').slice(0, 19),
      l.consumer,
      l.eventType ?? '?',
      l.eventId ?? '?',
      String(l.deliveries),
      l.originalSubject,
      l.reason.length > 80 ? `${l.reason.slice(0, 79)}…` : l.reason,
    ]),
  );
}

function formatRedriven(redriven: Redriven[]): string {
  return table(
    ['SEQ', 'EVENT ID', 'SUBJECT', 'NEW STREAM SEQ'],
    redriven.map((r) => [String(r.seq), r.eventId ?? '?', r.subject, `${r.stream}#${r.streamSequence}`]),
  );
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
