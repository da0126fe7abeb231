/**
 * The bank test's oracles, each a named check over the quiet system (the snapshot), the client's
 * view of its transfers and the evidence of the faults. A check lists what broke it, at most a few
 * examples each, so a failing run says where to look.
 */
import { TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import type { ClientView } from './driver.js';
import type { InjectedFault } from './faults.js';
import { modelBalances } from './model.js';
import type { Quiescence } from './quiescence.js';
import type { BankAccount } from './seed-bank.js';
import type { Snapshot, StoredTransfer } from './snapshot.js';

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** What broke it (examples), or a short summary when it holds. */
  readonly details: string[];
}

export interface CheckInputs {
  accounts: readonly BankAccount[];
  views: readonly ClientView[];
  startSums: Map<string, bigint>;
  snapshot: Snapshot;
  /** From the services' counters (see evidence.ts). */
  counters: { redeliveries: number; dedupeHits: number };
  injected: readonly InjectedFault[];
  quiescence: Quiescence;
}

const EXAMPLES = 5;
const TERMINAL = new Set(['completed', 'failed', 'rejected']);
const STATE_NAMES: Partial<Record<TransferState, string>> = {
  [TransferState.COMPLETED]: 'completed',
  [TransferState.FAILED]: 'failed',
  [TransferState.REJECTED]: 'rejected',
};

export function checkInvariants(inputs: CheckInputs): CheckResult[] {
  return [
    quiet(inputs),
    ledgerSumsZero(inputs),
    noNegativeAvailable(inputs),
    journalAgrees(inputs),
    everyTransferTerminal(inputs),
    effectMatchesOutcome(inputs),
    oneTransferPerKey(inputs),
    acknowledgedExist(inputs),
    balancesMatchModel(inputs),
    outcomesFollowRules(inputs),
    everyRequestAnswered(inputs),
    eventsStoredOnce(inputs),
    riskAppliedOnce(inputs),
    deadLettersExplained(inputs),
    ...faultsHappened(inputs),
  ];
}

function result(name: string, problems: string[], summary: string): CheckResult {
  const shown = problems.slice(0, EXAMPLES);
  if (problems.length > EXAMPLES) shown.push(`… and ${problems.length - EXAMPLES} more`);
  return { name, ok: problems.length === 0, details: problems.length ? shown : [summary] };
}

function quiet({ quiescence }: CheckInputs): CheckResult {
  return result('the system became quiet in time', quiescence.busy, 'nothing pending anywhere');
}

function ledgerSumsZero({ snapshot, startSums }: CheckInputs): CheckResult {
  const sums = new Map<string, bigint>();
  for (const a of snapshot.accounts) sums.set(a.currency, (sums.get(a.currency) ?? 0n) + a.posted);
  const problems: string[] = [];
  for (const currency of new Set([...sums.keys(), ...startSums.keys()])) {
    const now = sums.get(currency) ?? 0n;
    const start = startSums.get(currency) ?? 0n;
    if (now !== 0n || start !== 0n) problems.push(`${currency}: sums to ${now} (at the start ${start})`);
  }
  return result(
    'per currency every balance sums to zero, as at the start',
    problems,
    `${sums.size} currencies at 0`,
  );
}

function noNegativeAvailable({ snapshot }: CheckInputs): CheckResult {
  const problems = snapshot.accounts
    .filter((a) => a.kind === 'customer' && a.posted - a.held < 0n)
    .map((a) => `${a.accountId}: available ${a.posted - a.held}`);
  return result('no customer available balance is negative', problems, 'none negative');
}

function journalAgrees({ snapshot }: CheckInputs): CheckResult {
  const problems = [
    ...snapshot.accounts
      .filter((a) => a.posted !== a.journal)
      .map((a) => `${a.kind} ${a.accountId}: balance ${a.posted}, postings sum to ${a.journal}`),
    ...snapshot.unbalancedEntries.map((id) => `journal entry ${id} does not balance`),
  ];
  return result('balances agree with the journal, every entry balanced', problems, 'all agree');
}

function everyTransferTerminal({ snapshot }: CheckInputs): CheckResult {
  const problems = snapshot.transfers
    .filter((t) => !TERMINAL.has(t.state))
    .map((t) => `${t.transferId} (${t.idempotencyKey}) is ${t.state}`);
  return result(
    'every transfer is COMPLETED, FAILED or REJECTED',
    problems,
    `${snapshot.transfers.length} terminal`,
  );
}

function effectMatchesOutcome({ snapshot }: CheckInputs): CheckResult {
  const problems: string[] = [];
  for (const t of snapshot.transfers) {
    const captures = snapshot.capturesByTransfer.get(t.transferId) ?? 0;
    const hold = snapshot.holds.get(t.transferId);
    if (t.state === 'completed') {
      if (captures !== 1) problems.push(`completed ${t.transferId}: ${captures} capture entries`);
      if (hold !== 'captured') problems.push(`completed ${t.transferId}: hold ${hold ?? 'missing'}`);
      if (t.destinationAmount === null) problems.push(`completed ${t.transferId}: no destination amount`);
    } else if (TERMINAL.has(t.state)) {
      if (captures !== 0) problems.push(`${t.state} ${t.transferId}: ${captures} capture entries`);
      if (hold !== undefined && hold !== 'released')
        problems.push(`${t.state} ${t.transferId}: hold ${hold}`);
    }
  }
  const live = [...snapshot.holds.values()].filter((status) => status === 'held').length;
  if (live) problems.push(`${live} holds still held`);
  return result(
    'FAILED and REJECTED left no posting and no live hold; COMPLETED posted once',
    problems,
    'every outcome matches the ledger',
  );
}

function oneTransferPerKey({ snapshot, views }: CheckInputs): CheckResult {
  const byKey = new Map<string, StoredTransfer[]>();
  for (const t of snapshot.transfers)
    byKey.set(t.idempotencyKey, [...(byKey.get(t.idempotencyKey) ?? []), t]);
  const problems: string[] = [];
  for (const [key, transfers] of byKey)
    if (transfers.length > 1) problems.push(`${key}: ${transfers.length} transfers`);
  const planned = new Set(views.map((v) => v.planned.idempotencyKey));
  for (const key of byKey.keys()) if (!planned.has(key)) problems.push(`${key}: a transfer nobody asked for`);
  for (const v of views) {
    if (v.conflictingIds)
      problems.push(`${v.planned.idempotencyKey}: answered ${v.conflictingIds.join(' and ')}`);
    const stored = byKey.get(v.planned.idempotencyKey)?.[0];
    if (v.transferId && stored && stored.transferId !== v.transferId) {
      problems.push(`${v.planned.idempotencyKey}: answered ${v.transferId}, stored ${stored.transferId}`);
    }
  }
  const doubled = views.filter((v) => v.planned.doubled).length;
  return result(
    'every idempotency key made at most one transfer',
    problems,
    `${byKey.size} keys, ${doubled} sent twice at once`,
  );
}

function acknowledgedExist({ snapshot, views }: CheckInputs): CheckResult {
  const byId = new Map(snapshot.transfers.map((t) => [t.transferId, t]));
  const problems: string[] = [];
  for (const v of views) {
    if (!v.transferId) continue;
    const stored = byId.get(v.transferId);
    const p = v.planned;
    if (!stored) {
      problems.push(`${p.idempotencyKey}: acknowledged ${v.transferId}, not stored`);
      continue;
    }
    const sameTerms =
      stored.idempotencyKey === p.idempotencyKey &&
      stored.sourceAccountId === p.source.accountId &&
      stored.destinationAccountId === p.destination.accountId &&
      stored.amount === p.amount &&
      stored.currency === p.source.currency;
    if (!sameTerms) problems.push(`${p.idempotencyKey}: stored with other terms`);
    const answered = v.answeredState === undefined ? undefined : STATE_NAMES[v.answeredState];
    if (answered && answered !== stored.state) {
      problems.push(`${p.idempotencyKey}: answered ${answered}, now ${stored.state}`);
    }
  }
  const acked = views.filter((v) => v.transferId).length;
  return result(
    'every acknowledged transfer exists as sent, and a terminal answer stayed so',
    problems,
    `${acked} acknowledged`,
  );
}

function balancesMatchModel({ snapshot, accounts }: CheckInputs): CheckResult {
  const expected = modelBalances(accounts, snapshot.transfers);
  const stored = new Map(snapshot.accounts.map((a) => [a.accountId, a]));
  const problems: string[] = [];
  for (const [accountId, balance] of expected) {
    const account = stored.get(accountId);
    if (!account) problems.push(`${accountId}: missing`);
    else if (account.posted !== balance)
      problems.push(`${accountId}: ${account.posted}, the model says ${balance}`);
    else if (account.held !== 0n) problems.push(`${accountId}: ${account.held} still held`);
  }
  return result(
    'balances match the client-side model (start + completed transfers)',
    problems,
    `${expected.size} customer accounts match`,
  );
}

function outcomesFollowRules({ snapshot, views }: CheckInputs): CheckResult {
  const byKey = new Map(snapshot.transfers.map((t) => [t.idempotencyKey, t]));
  const problems: string[] = [];
  for (const v of views) {
    const t = byKey.get(v.planned.idempotencyKey);
    if (!t) continue;
    const outcome = `${t.state}${t.failureReason ? ` ${t.failureReason}` : ''}`;
    const { intent } = v.planned;
    const ok =
      intent === 'denied'
        ? outcome === 'rejected RISK_DENIED'
        : intent === 'overdraft'
          ? outcome === 'failed INSUFFICIENT_FUNDS'
          : t.state !== 'rejected';
    if (!ok) problems.push(`${v.planned.idempotencyKey} (${intent}): ${outcome}`);
  }
  return result(
    'risk rejects exactly what exceeds its limit; the ledger refuses overdrafts',
    problems,
    'every outcome as the rules say',
  );
}

function everyRequestAnswered({ views }: CheckInputs): CheckResult {
  const problems = views
    .filter((v) => !v.transferId)
    .map((v) => `${v.planned.idempotencyKey}: ${v.error ?? 'no answer'}`);
  const retried = views.reduce((n, v) => n + v.calls - (v.planned.doubled ? 2 : 1), 0);
  return result(
    'every transfer request was answered',
    problems,
    `${retried} client retries with the same key`,
  );
}

function eventsStoredOnce({ snapshot }: CheckInputs): CheckResult {
  const problems: string[] = [];
  let events = 0;
  for (const [context, bySchema] of snapshot.outboxes) {
    const stream = snapshot.streams.get(context) ?? new Map<string, number>();
    const ids = new Set([...bySchema.values()].flat());
    events += ids.size;
    for (const id of ids) {
      const copies = stream.get(id) ?? 0;
      if (copies !== 1) problems.push(`${context} event ${id}: ${copies} copies in the stream`);
    }
    for (const id of stream.keys())
      if (!ids.has(id)) problems.push(`${context} stream holds ${id}, in no outbox`);
  }
  return result('every committed event is in its stream exactly once', problems, `${events} events`);
}

function riskAppliedOnce({ snapshot }: CheckInputs): CheckResult {
  const problems: string[] = [];
  const compare = (consumer: string, expected: readonly string[]) => {
    const inbox = snapshot.riskInbox.get(consumer) ?? [];
    const applied = new Set(inbox);
    if (applied.size !== inbox.length) problems.push(`${consumer}: duplicate inbox rows`);
    const wanted = new Set(expected);
    for (const id of wanted) if (!applied.has(id)) problems.push(`${consumer}: event ${id} never applied`);
    for (const id of applied) if (!wanted.has(id)) problems.push(`${consumer}: applied ${id}, never emitted`);
  };
  compare(
    'risk_transfers',
    snapshot.outboxes.get('transactions')?.get('paymesh.transactions.v1.TransferCompleted') ?? [],
  );
  compare('risk_accounts', snapshot.outboxes.get('accounts')?.get('paymesh.accounts.v1.AccountOpened') ?? []);

  const perSource = (rows: readonly { sourceAccountId: string; amount: bigint }[]) => {
    const totals = new Map<string, string>();
    const acc = new Map<string, { n: number; sum: bigint }>();
    for (const r of rows) {
      const a = acc.get(r.sourceAccountId) ?? { n: 0, sum: 0n };
      acc.set(r.sourceAccountId, { n: a.n + 1, sum: a.sum + r.amount });
    }
    for (const [id, a] of acc) totals.set(id, `${a.n} transfers, ${a.sum}`);
    return totals;
  };
  const completed = snapshot.transfers.filter((t) => t.state === 'completed');
  const projected = perSource(snapshot.riskCompleted);
  for (const [source, total] of perSource(completed)) {
    const seen = projected.get(source);
    if (seen !== total)
      problems.push(`source ${source}: completed ${total}, risk projected ${seen ?? 'nothing'}`);
  }
  for (const source of projected.keys()) {
    if (!completed.some((t) => t.sourceAccountId === source))
      problems.push(`risk projected ${source}: no completed transfer`);
  }
  return result(
    "risk's projection agrees with the completed transfers; one inbox row per event",
    problems,
    `${snapshot.riskCompleted.length} projected = ${completed.length} completed`,
  );
}

function deadLettersExplained({ snapshot }: CheckInputs): CheckResult {
  const problems = snapshot.deadLetters
    .filter((d) => d.reason.trim() === '')
    .map((d) => `dead letter ${d.seq} of ${d.consumer} (${d.eventType}): no reason`);
  const explained = snapshot.deadLetters.map((d) => `${d.consumer} ${d.eventType}: ${d.reason}`);
  return result(
    'no dead letter without an explained reason',
    problems,
    explained.length ? `${explained.length}: ${explained.slice(0, EXAMPLES).join('; ')}` : 'no dead letters',
  );
}

function faultsHappened({ counters, injected }: CheckInputs): CheckResult[] {
  const count = (...kinds: string[]) => injected.filter((f) => kinds.includes(f.fault.kind)).length;
  const positive = (name: string, value: number, what: string) =>
    result(name, value > 0 ? [] : [`${what}: 0`], `${value} ${what}`);
  return [
    positive('services were killed (kill -9, relays with them)', count('kill', 'relay-kill'), 'kills'),
    positive('NATS was restarted', count('nats-restart'), 'restarts'),
    positive('consumers saw redeliveries', counters.redeliveries, 'redeliveries'),
    positive('the broker dropped republished events', counters.dedupeHits, 'dedupe hits'),
  ];
}
