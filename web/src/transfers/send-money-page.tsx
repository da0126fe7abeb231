/**
 * Sending money from one of my accounts to any account id. The idempotency key is made when the
 * form opens and kept for every retry of the same transfer, so a double click or a retry after a
 * lost answer never pays twice; only a finished transfer frees the form for a new key.
 */

import { Code } from '@connectrpc/connect';
import { Button, Card, Group, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type Transfer, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { accountOptionLabel, isFrozen } from '../accounts/account-labels';
import { useAccounts } from '../accounts/accounts-context';
import { transactionsClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';
import { SendIcon } from '../layout/icons';
import { formatMoney, parseAmount } from '../money/amount';
import { hrefOf } from '../navigation/use-route';
import { ErrorAlert } from '../ui/error-alert';
import grid from '../ui/grid.module.css';
import { PageHeader } from '../ui/page-header';
import text from '../ui/text.module.css';
import { TransferStatusPanel } from './transfer-status-panel';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DESCRIPTION_MAX = 140;

/** The form's fields by the request field each one fills, for server violations. */
type Field = 'source_account_id' | 'destination_account_id' | 'amount' | 'description';

export function SendMoneyPage({ from }: { from: string | null }) {
  const { accounts, loading, refresh } = useAccounts();
  const spendable = useMemo(() => accounts.filter((a) => !isFrozen(a)), [accounts]);

  const [sourceId, setSourceId] = useState<string | null>(from);
  const [destinationId, setDestinationId] = useState('');
  const [amountText, setAmountText] = useState('');
  const [description, setDescription] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [sending, setSending] = useState(false);
  const inFlight = useRef(false);
  const [transfer, setTransfer] = useState<Transfer>();
  /** How the transfer on screen ended; undefined while there is none or it is still on its way. */
  const [outcome, setOutcome] = useState<TransferState>();
  const [fields, setFields] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<DescribedError>();

  useEffect(() => {
    if (!sourceId && spendable[0]) setSourceId(spendable[0].accountId);
  }, [sourceId, spendable]);

  const source = accounts.find((a) => a.accountId === sourceId);
  const parsed = source && amountText.trim() ? parseAmount(amountText, source.currency) : undefined;
  const finished = outcome !== undefined;
  // The details of a transfer on screen stay as sent; "send another" or "start again" frees them.
  const locked = sending || transfer !== undefined;
  const overBalance = source && parsed?.ok && parsed.minor > source.availableBalance;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // A second click before React re-renders must not send again.
    if (inFlight.current || locked) return;
    const problems: Partial<Record<Field, string>> = {};
    if (!source) problems.source_account_id = 'Choose the account to send from.';
    const destination = destinationId.trim();
    if (!UUID.test(destination)) problems.destination_account_id = 'Enter the receiving account id (a UUID).';
    else if (destination.toLowerCase() === source?.accountId.toLowerCase()) {
      problems.destination_account_id = 'Choose an account other than the one you send from.';
    }
    const amount = source ? parseAmount(amountText, source.currency) : undefined;
    if (amount && !amount.ok) problems.amount = amount.error;
    if ([...description].length > DESCRIPTION_MAX)
      problems.description = `Use at most ${DESCRIPTION_MAX} characters.`;
    setFields(problems);
    setError(undefined);
    if (Object.keys(problems).length > 0 || !source || !amount?.ok) return;

    inFlight.current = true;
    setSending(true);
    try {
      const answer = await transactionsClient.createTransfer({
        idempotencyKey,
        sourceAccountId: source.accountId,
        destinationAccountId: destination,
        amount: amount.minor,
        currency: source.currency,
        description: description.trim(),
      });
      // The status panel reports when it ends (at once when the answer is already terminal).
      if (answer.transfer) setTransfer(answer.transfer);
    } catch (err) {
      const described = describeError(err);
      setFields(described.fields as Partial<Record<Field, string>>);
      setError(described);
      // That key already paid for a transfer with other details: this form's details are a new transfer.
      if (described.reason === 'IDEMPOTENCY_KEY_REUSED') setIdempotencyKey(crypto.randomUUID());
      if (described.code === Code.FailedPrecondition || described.code === Code.NotFound) void refresh();
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  const onSettled = useCallback(
    (ended: Transfer) => {
      setOutcome(ended.state);
      void refresh();
    },
    [refresh],
  );

  /** A new transfer: a new key; the details stay when the last one failed, so it can be corrected. */
  const startNew = () => {
    const completed = outcome === TransferState.COMPLETED;
    setIdempotencyKey(crypto.randomUUID());
    setTransfer(undefined);
    setOutcome(undefined);
    setError(undefined);
    setFields({});
    if (completed) {
      setAmountText('');
      setDescription('');
    }
  };

  const sendLabel =
    parsed?.ok && source ? `Send ${formatMoney(parsed.minor, source.currency)}` : 'Send money';

  return (
    <Stack gap="lg">
      <PageHeader title="Send money" description="Move money to any paymesh account in seconds." />
      <div className={grid.split}>
        <Card
          withBorder
          radius="md"
          padding="lg"
          shadow="xs"
          component="section"
          aria-label="Transfer details"
        >
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <Select
                label="From"
                placeholder={loading ? 'Loading your accounts…' : 'Choose an account'}
                data={spendable.map((a) => ({ value: a.accountId, label: accountOptionLabel(a) }))}
                value={sourceId}
                onChange={setSourceId}
                allowDeselect={false}
                readOnly={locked}
                variant={locked ? 'filled' : 'default'}
                error={fields.source_account_id}
                nothingFoundMessage="No account you can send from"
                data-testid="send-from"
                required
              />
              {!loading && spendable.length === 0 && (
                <Text size="sm" c="dimmed">
                  You have no account to send from yet. <a href={hrefOf('accounts')}>Open one first.</a>
                </Text>
              )}
              <TextInput
                label="To account id"
                placeholder="e.g. 6f1c2a7e-3b4d-4e5f-9a8b-7c6d5e4f3a2b"
                description="Ask the receiver for the account id shown on their account."
                value={destinationId}
                onChange={(e) => setDestinationId(e.currentTarget.value)}
                readOnly={locked}
                variant={locked ? 'filled' : 'default'}
                error={fields.destination_account_id}
                autoComplete="off"
                spellCheck={false}
                classNames={{ input: text.mono }}
                data-testid="send-to"
                required
              />
              <TextInput
                label="Amount"
                placeholder={source && parseAmount('12.50', source.currency).ok ? '0.00' : '0'}
                inputMode="decimal"
                value={amountText}
                onChange={(e) => setAmountText(e.currentTarget.value)}
                readOnly={locked}
                variant={locked ? 'filled' : 'default'}
                error={fields.amount}
                description={
                  source
                    ? overBalance
                      ? `More than the ${formatMoney(source.availableBalance, source.currency)} available.`
                      : `${formatMoney(source.availableBalance, source.currency)} available`
                    : undefined
                }
                rightSection={
                  <Text size="sm" c="dimmed" fw={500}>
                    {source?.currency ?? ''}
                  </Text>
                }
                rightSectionWidth={52}
                data-testid="send-amount"
                required
              />
              <Textarea
                label="Description"
                placeholder="What is it for? (optional)"
                value={description}
                onChange={(e) => setDescription(e.currentTarget.value)}
                readOnly={locked}
                variant={locked ? 'filled' : 'default'}
                error={fields.description}
                autosize
                minRows={2}
                maxRows={4}
                maxLength={DESCRIPTION_MAX}
                description={`${[...description].length}/${DESCRIPTION_MAX}`}
                data-testid="send-description"
              />
              <ErrorAlert error={error} testId="send-error" />
              {finished ? (
                <Button key="new" variant="default" size="md" onClick={startNew} data-testid="send-new">
                  {outcome === TransferState.COMPLETED ? 'Send another transfer' : 'Start again'}
                </Button>
              ) : (
                <Button
                  key="send"
                  type="submit"
                  size="md"
                  loading={sending}
                  disabled={locked || !source}
                  leftSection={<SendIcon size={16} />}
                  data-testid="send-submit"
                >
                  {error ? `Retry — ${sendLabel.toLowerCase()}` : sendLabel}
                </Button>
              )}
            </Stack>
          </form>
        </Card>
        {transfer ? (
          <TransferStatusPanel key={transfer.transferId} initial={transfer} onSettled={onSettled} />
        ) : (
          <Card
            withBorder
            radius="md"
            padding="lg"
            bg="white"
            component="aside"
            aria-label="How sending works"
          >
            <Group gap="xs" mb="xs">
              <SendIcon size={18} />
              <Text fw={600}>How sending works</Text>
            </Group>
            <Stack gap={6}>
              <Text size="sm" c="dimmed">
                The amount is reserved on your account, then paid into the receiving account. You can follow
                each step here as it happens.
              </Text>
              <Text size="sm" c="dimmed">
                If the receiving account holds another currency, it is converted at the current rate.
              </Text>
              <Text size="sm" c="dimmed">
                Pressing send twice, or retrying after a lost connection, never sends the money twice.
              </Text>
            </Stack>
          </Card>
        )}
      </div>
    </Stack>
  );
}
