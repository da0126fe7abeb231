/**
 * The transfer saga, orchestrated: assess risk → look up the destination → quote when the
 * currencies differ → hold the source's funds (TCC try) → use the quote → capture the hold to the
 * destination (TCC confirm); a step that fails for good after the hold step began releases the hold
 * (TCC cancel). Every upstream command is idempotent on the transfer id, so a step is safe to repeat
 * after a crash or a timeout.
 *
 * Each state change commits with its steps and its outbox event in one transaction, guarded by the
 * state it leaves. A transient failure leaves the transfer where it is, recorded as a RETRYING step,
 * for the recovery loop to try again after a backoff. A driver holds a lease on the transfer while
 * it works; the lease lapses if its process dies, and the recovery loop takes over.
 */
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import type { GroupCommit } from '@paymesh/platform/db/group-commit';
import type { Outbox, OutboxEvent } from '@paymesh/platform/outbox/outbox';
import type { Logger } from '@paymesh/platform/telemetry/logger';
import type { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import type { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { Outcome, type RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import {
  TransferCompletedSchema,
  TransferFailedSchema,
  TransferRejectedSchema,
} from '@paymesh/proto/paymesh/transactions/v1/events_pb';
import type * as schema from '../db/schema.js';
import {
  claimTransfer,
  findTransfer,
  type NewStep,
  postpone,
  type TransferDb,
  type TransferPatch,
  type TransferRow,
  transition,
} from '../db/transfer-repo.js';
import { type RetryBackoff, retryDelayMs } from '../domain/retry-backoff.js';
import { isTerminal, parseState, type TransferStateName } from '../domain/transfer-state.js';
import { classifyUpstreamFailure } from '../domain/upstream-failure.js';
import { AccountCurrencies } from './account-currencies.js';
import type { TransferChanges } from './transfer-changes.js';

export interface SagaUpstreams {
  risk: Client<typeof RiskService>;
  accounts: Client<typeof AccountsService>;
  currency: Client<typeof CurrencyService>;
}

export interface SagaOptions {
  /** How long a driver owns a transfer without writing before another may take over. */
  leaseMs: number;
  retry: RetryBackoff;
}

/** What one pass over the current state decided. */
type Decision =
  | { kind: 'move'; to: TransferStateName; patch: TransferPatch; steps: NewStep[]; event?: OutboxEvent }
  | { kind: 'retry'; step: string; detail: string; steps: NewStep[] };

type RecordStep = (name: string, status: 'succeeded' | 'failed', detail: string) => void;

/** Thrown inside a step to stop the pass with the upstream's failure, already classified. */
class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly failure: ReturnType<typeof classifyUpstreamFailure>,
  ) {
    super(`${step}: ${failure.message}`);
  }
}

export class TransferSaga {
  constructor(
    private readonly db: TransferDb,
    private readonly commits: GroupCommit<typeof schema>,
    private readonly outbox: Outbox,
    private readonly upstreams: SagaUpstreams,
    private readonly changes: TransferChanges,
    private readonly logger: Logger,
    private readonly options: SagaOptions,
  ) {
    this.currencies = new AccountCurrencies(upstreams.accounts);
  }

  private readonly currencies: AccountCurrencies;

  /** Takes the lease of a transfer and drives it; returns it as it stands afterwards. */
  async drive(transferId: string): Promise<TransferRow | undefined> {
    const claimed = await claimTransfer(this.db, transferId, this.options.leaseMs);
    if (!claimed) return findTransfer(this.db, transferId);
    return this.driveClaimed(claimed);
  }

  /** Drives a transfer whose lease this caller holds, until it is terminal or has to wait. */
  async driveClaimed(start: TransferRow): Promise<TransferRow> {
    let transfer = start;
    for (;;) {
      const state = parseState(transfer.state);
      if (isTerminal(state)) return transfer;
      const decision = await this.decide(transfer, state);
      const next = await this.apply(transfer, state, decision);
      if (!next) {
        // Another driver moved it meanwhile (its lease had lapsed): it is theirs now.
        return (await findTransfer(this.db, transfer.transferId)) ?? transfer;
      }
      this.changes.changed(next.transferId);
      transfer = next;
      if (decision.kind === 'retry') return transfer;
    }
  }

  private async decide(transfer: TransferRow, state: TransferStateName): Promise<Decision> {
    const steps: NewStep[] = [];
    const attempt = transfer.attempts + 1;
    const record: RecordStep = (name, status, detail) => steps.push({ name, status, detail, attempt });
    const call = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (err) {
        throw new StepFailed(step, classifyUpstreamFailure(err));
      }
    };
    try {
      switch (state) {
        case 'pending':
          return await this.fromPending(transfer, call, record, steps);
        case 'funds_held':
          return await this.fromFundsHeld(transfer, call, record, steps);
        case 'compensating':
          return await this.fromCompensating(transfer, call, record, steps);
        default:
          throw new Error(`no saga step from ${state}`);
      }
    } catch (err) {
      if (!(err instanceof StepFailed)) throw err;
      const { step, failure } = err;
      if (failure.kind === 'transient') return { kind: 'retry', step, detail: failure.message, steps: [] };
      record(step, 'failed', `${failure.reason}: ${failure.message}`);
      return this.afterDefinitiveFailure(transfer, state, step, failure.reason, failure.message, steps);
    }
  }

  private async fromPending(
    transfer: TransferRow,
    call: <T>(step: string, run: () => Promise<T>) => Promise<T>,
    record: RecordStep,
    steps: NewStep[],
  ): Promise<Decision> {
    const { transferId, sourceAccountId, destinationAccountId, amount, currency } = transfer;
    const { decision } = await call('assess_risk', () =>
      this.upstreams.risk.assessTransfer({
        transferId,
        sourceAccountId,
        destinationAccountId,
        amount,
        currency,
      }),
    );
    const outcome = decision?.outcome ?? Outcome.UNSPECIFIED;
    const reasons = (decision?.reasons ?? []).map((r) => `${r.rule}: ${r.detail}`);
    if (outcome === Outcome.DENY) {
      record('assess_risk', 'failed', `denied: ${reasons.join('; ')}`);
      return {
        kind: 'move',
        to: 'rejected',
        patch: { failureReason: 'RISK_DENIED', failureMessage: `rejected by risk: ${reasons.join('; ')}` },
        steps,
        event: event(TransferRejectedSchema, transferId, { transferId, sourceAccountId, reasons }),
      };
    }
    if (outcome !== Outcome.APPROVE && outcome !== Outcome.REVIEW) {
      throw new StepFailed('assess_risk', { kind: 'transient', message: 'risk answered no outcome' });
    }
    const flaggedForReview = outcome === Outcome.REVIEW;
    record('assess_risk', 'succeeded', flaggedForReview ? `review: ${reasons.join('; ')}` : 'approved');

    const destinationCurrency = await call('lookup_destination', () =>
      this.currencies.of(destinationAccountId),
    );
    record('lookup_destination', 'succeeded', `${destinationCurrency} account`);
    let patch: TransferPatch = {
      flaggedForReview,
      destinationCurrency,
      destinationAmount: amount,
    };
    if (destinationCurrency !== currency) {
      const { quote } = await call('quote', () =>
        this.upstreams.currency.createQuote({
          quoteRequestId: transferId,
          sourceCurrency: currency,
          destinationCurrency,
          sourceAmount: amount,
        }),
      );
      if (!quote) throw new StepFailed('quote', { kind: 'transient', message: 'currency answered no quote' });
      patch = {
        ...patch,
        quoteId: quote.quoteId,
        fxRate: quote.rate,
        destinationAmount: quote.destinationAmount,
      };
      record(
        'quote',
        'succeeded',
        `${currency}→${destinationCurrency} at ${quote.rate}: ${quote.destinationAmount}`,
      );
    }

    try {
      await this.upstreams.accounts.holdFunds({ transferId, accountId: sourceAccountId, amount, currency });
    } catch (err) {
      const failure = classifyUpstreamFailure(err);
      if (failure.kind === 'transient') throw new StepFailed('hold', failure);
      // The hold step began: release (an empty cancel when nothing was held) before failing, so a
      // delayed attempt of the hold can never take effect afterwards.
      record('hold', 'failed', `${failure.reason}: ${failure.message}`);
      return {
        kind: 'move',
        to: 'compensating',
        patch: { ...patch, failureReason: failure.reason, failureMessage: failure.message },
        steps,
      };
    }
    record('hold', 'succeeded', `held ${amount} ${currency}`);
    return { kind: 'move', to: 'funds_held', patch, steps };
  }

  private async fromFundsHeld(
    transfer: TransferRow,
    call: <T>(step: string, run: () => Promise<T>) => Promise<T>,
    record: RecordStep,
    steps: NewStep[],
  ): Promise<Decision> {
    const { transferId, sourceAccountId, destinationAccountId, amount, currency, quoteId } = transfer;
    const destinationCurrency = transfer.destinationCurrency ?? currency;
    let destinationAmount = transfer.destinationAmount ?? amount;
    if (quoteId) {
      const { quote } = await call('convert', () => this.upstreams.currency.convert({ quoteId, transferId }));
      if (quote) destinationAmount = quote.destinationAmount;
      record('convert', 'succeeded', `quote ${quoteId} used`);
    }
    await call('capture', () =>
      this.upstreams.accounts.captureHold({
        transferId,
        destinationAccountId,
        destinationAmount,
        destinationCurrency,
      }),
    );
    record('capture', 'succeeded', `${destinationAmount} ${destinationCurrency} to ${destinationAccountId}`);
    return {
      kind: 'move',
      to: 'completed',
      patch: { destinationAmount, destinationCurrency },
      steps,
      event: event(TransferCompletedSchema, transferId, {
        transferId,
        sourceAccountId,
        destinationAccountId,
        amount,
        currency,
        destinationAmount,
        destinationCurrency,
        completedAt: timestampNow(),
      }),
    };
  }

  private async fromCompensating(
    transfer: TransferRow,
    call: <T>(step: string, run: () => Promise<T>) => Promise<T>,
    record: RecordStep,
    steps: NewStep[],
  ): Promise<Decision> {
    const { transferId, sourceAccountId } = transfer;
    const reason = transfer.failureReason ?? 'FAILED';
    try {
      await call('release', () =>
        this.upstreams.accounts.releaseHold({ transferId, reason: reason.toLowerCase().slice(0, 200) }),
      );
    } catch (err) {
      // The hold was captured after all (a capture that timed out but committed): the money moved.
      if (
        err instanceof StepFailed &&
        err.failure.kind === 'definitive' &&
        err.failure.reason === 'HOLD_CAPTURED'
      ) {
        record('release', 'failed', 'hold already captured');
        return this.fromFundsHeld(transfer, call, record, steps);
      }
      throw err;
    }
    record('release', 'succeeded', 'hold released');
    return {
      kind: 'move',
      to: 'failed',
      patch: {},
      steps,
      event: event(TransferFailedSchema, transferId, {
        transferId,
        sourceAccountId,
        reason,
        message: transfer.failureMessage ?? '',
      }),
    };
  }

  /** A step failed for good: before the hold, the transfer fails outright; after it, it compensates. */
  private afterDefinitiveFailure(
    transfer: TransferRow,
    state: TransferStateName,
    step: string,
    reason: string,
    message: string,
    steps: NewStep[],
  ): Decision {
    const { transferId, sourceAccountId } = transfer;
    if (state === 'pending') {
      return {
        kind: 'move',
        to: 'failed',
        patch: { failureReason: reasonForStep(step, reason), failureMessage: message },
        steps,
        event: event(TransferFailedSchema, transferId, {
          transferId,
          sourceAccountId,
          reason: reasonForStep(step, reason),
          message,
        }),
      };
    }
    if (state === 'funds_held') {
      return {
        kind: 'move',
        to: 'compensating',
        patch: { failureReason: reason, failureMessage: message },
        steps,
      };
    }
    // A release refused for good (the hold is in a state that cannot be released): stay visible.
    return { kind: 'retry', step, detail: `${reason}: ${message}`, steps };
  }

  private async apply(
    transfer: TransferRow,
    from: TransferStateName,
    decision: Decision,
  ): Promise<TransferRow | undefined> {
    return this.commits.run(async (tx) => {
      if (decision.kind === 'retry') {
        const delayMs = retryDelayMs(transfer.attempts + 1, this.options.retry);
        const row = await postpone(tx, transfer.transferId, from, delayMs, [
          ...decision.steps,
          {
            name: decision.step,
            status: 'retrying',
            detail: decision.detail,
            attempt: transfer.attempts + 1,
          },
        ]);
        if (!row) return undefined;
        this.logger.warn(
          { transferId: transfer.transferId, step: decision.step, attempt: transfer.attempts + 1, delayMs },
          'saga step failed transiently; will retry',
        );
        return row;
      }
      const lease = isTerminal(decision.to) ? undefined : this.options.leaseMs;
      const row = await transition(
        tx,
        transfer.transferId,
        from,
        decision.to,
        decision.patch,
        lease,
        decision.steps,
      );
      if (!row) return undefined;
      if (decision.event) await this.outbox.append(tx, decision.event);
      return row;
    });
  }
}

/** A destination that cannot be found is the transfer's failure, not the lookup's. */
function reasonForStep(step: string, reason: string): string {
  if (step === 'lookup_destination' && reason === 'ACCOUNT_NOT_FOUND') return 'DESTINATION_NOT_FOUND';
  return reason;
}

function event<D extends DescMessage>(
  schema: D,
  aggregateId: string,
  init: Parameters<typeof create<D>>[1],
): OutboxEvent {
  return { schema, message: create(schema, init) as MessageShape<D>, aggregateId };
}
