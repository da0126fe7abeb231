/**
 * Decisions as stored facts: one per transfer whatever the repeats and races, each committed with
 * exactly one RiskDecisionMade in the outbox; GetDecision; and the input AssessTransfer refuses.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { reasonOf, violationsOf } from '@paymesh/platform/errors/domain-error';
import { RiskDecisionMadeSchema } from '@paymesh/proto/paymesh/risk/v1/events_pb';
import { Outcome } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { eq } from 'drizzle-orm';
import { decisions, outbox } from '../src/db/schema.js';
import { DAY_MS, openAccount, type RiskHarness, startRisk } from './risk-harness.js';

let h: RiskHarness;

before(async () => {
  h = await startRisk();
});

after(async () => {
  await h?.stop();
});

interface AssessInit {
  transferId: string;
  sourceAccountId: string;
  destinationAccountId: string;
  amount: bigint;
  currency: string;
}

const transfer = (overrides: Partial<AssessInit> = {}): AssessInit => ({
  transferId: randomUUID(),
  sourceAccountId: randomUUID(),
  destinationAccountId: randomUUID(),
  amount: 2_500n,
  currency: 'EUR',
  ...overrides,
});

async function storedDecisions(transferId: string) {
  return h.service.deps.db.select().from(decisions).where(eq(decisions.transferId, transferId));
}

async function emittedEvents(transferId: string) {
  return h.service.deps.db.select().from(outbox).where(eq(outbox.aggregateId, transferId));
}

async function failureOf(call: Promise<unknown>): Promise<ConnectError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConnectError, `expected a ConnectError, got ${String(err)}`);
  return err;
}

describe('one decision per transfer', () => {
  it('stores the decision with one RiskDecisionMade event keyed by the transfer', async () => {
    const request = transfer();
    const { decision } = await h.client.assessTransfer(request);
    assert.equal(decision?.outcome, Outcome.APPROVE);

    const [row] = await storedDecisions(request.transferId);
    assert.equal(row?.outcome, 'APPROVE');
    assert.equal(row?.amount, 2_500n);
    const events = await emittedEvents(request.transferId);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.eventType, 'RiskDecisionMade');
    const event = fromBinary(RiskDecisionMadeSchema, events[0]?.payload ?? new Uint8Array());
    assert.equal(event.decision?.transferId, request.transferId);
    assert.equal(event.decision?.outcome, Outcome.APPROVE);
    assert.equal(event.sourceAccountId, request.sourceAccountId);
    assert.equal(event.amount, 2_500n);
    assert.equal(event.currency, 'EUR');
  });

  it('answers a second assessment with the first decision, even after the facts changed, and emits nothing', async () => {
    const request = transfer({ amount: 10_000_001n });
    const first = await h.client.assessTransfer(request);
    assert.equal(first.decision?.outcome, Outcome.REVIEW, 'an account risk never saw opened is new');
    await openAccount(h, new Date(Date.now() - 30 * DAY_MS), request.sourceAccountId);

    const second = await h.client.assessTransfer(request);
    assert.deepEqual(second.decision, first.decision);
    assert.equal((await storedDecisions(request.transferId)).length, 1);
    assert.equal((await emittedEvents(request.transferId)).length, 1);
  });

  it('makes one decision and one event out of 10 concurrent assessments of one transfer', async () => {
    const request = transfer({ amount: 10_000_001n });
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.client.assessTransfer(request)));
    for (const answer of answers) assert.deepEqual(answer.decision, answers[0]?.decision);
    assert.equal(answers[0]?.decision?.outcome, Outcome.REVIEW);
    assert.equal((await storedDecisions(request.transferId)).length, 1);
    assert.equal((await emittedEvents(request.transferId)).length, 1);
  });

  it('refuses to reuse a transfer id for other terms (ALREADY_EXISTS TRANSFER_TERMS_MISMATCH)', async () => {
    const request = transfer();
    await h.client.assessTransfer(request);
    const err = await failureOf(h.client.assessTransfer({ ...request, amount: 999_999n }));
    assert.equal(err.code, Code.AlreadyExists);
    assert.equal(reasonOf(err), 'TRANSFER_TERMS_MISMATCH');
    assert.equal((await emittedEvents(request.transferId)).length, 1);
  });

  it('takes an upper-case transfer id for the same transfer', async () => {
    const request = transfer();
    const first = await h.client.assessTransfer(request);
    const again = await h.client.assessTransfer({
      ...request,
      transferId: request.transferId.toUpperCase(),
      sourceAccountId: request.sourceAccountId.toUpperCase(),
    });
    assert.deepEqual(again.decision, first.decision);
  });
});

describe('GetDecision', () => {
  it('returns the decision made on a transfer', async () => {
    const request = transfer();
    const { decision } = await h.client.assessTransfer(request);
    const got = await h.client.getDecision({ transferId: request.transferId });
    assert.deepEqual(got.decision, decision);
  });

  it('is NOT_FOUND with reason DECISION_NOT_FOUND for a transfer never assessed', async () => {
    const err = await failureOf(h.client.getDecision({ transferId: randomUUID() }));
    assert.equal(err.code, Code.NotFound);
    assert.equal(reasonOf(err), 'DECISION_NOT_FOUND');
  });
});

describe('bad input', () => {
  const refused: [string, Partial<AssessInit> | ((t: AssessInit) => Partial<AssessInit>), string][] = [
    [
      'a source equal to the destination',
      (t) => ({ destinationAccountId: t.sourceAccountId }),
      'destination_account_id',
    ],
    [
      'a source equal to the destination in another case',
      (t) => ({ destinationAccountId: t.sourceAccountId.toUpperCase() }),
      'destination_account_id',
    ],
    ['a transfer id that is not a UUID', { transferId: 'transfer-1' }, 'transfer_id'],
    ['a missing source account', { sourceAccountId: '' }, 'source_account_id'],
    ['a zero amount', { amount: 0n }, 'amount'],
    ['a negative amount', { amount: -5n }, 'amount'],
    ['an unknown currency', { currency: 'EURO' }, 'currency'],
  ];
  for (const [what, change, field] of refused) {
    it(`refuses ${what} with INVALID_ARGUMENT on ${field}, deciding nothing`, async () => {
      const base = transfer();
      const request = { ...base, ...(typeof change === 'function' ? change(base) : change) };
      const err = await failureOf(h.client.assessTransfer(request));
      assert.equal(err.code, Code.InvalidArgument);
      assert.deepEqual(
        violationsOf(err).map((v) => v.field),
        [field],
      );
      assert.equal((await storedDecisions(base.transferId)).length, 0);
    });
  }

  it('refuses a GetDecision without a UUID, naming transfer_id', async () => {
    const err = await failureOf(h.client.getDecision({ transferId: 'nope' }));
    assert.equal(err.code, Code.InvalidArgument);
    assert.deepEqual(
      violationsOf(err).map((v) => v.field),
      ['transfer_id'],
    );
  });
});
