/**
 * Funds an account from the platform's funding account (CreditAccount). Each submission is a new
 * credit with a fresh credit id; the button is disabled while one is on its way.
 */
import { Button, Card, Stack, Text, TextInput } from '@mantine/core';
import type { Account } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { type FormEvent, useRef, useState } from 'react';
import { isFrozen } from '../accounts/account-labels';
import { accountsClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';
import { formatMoney, parseAmount } from '../money/amount';
import { ErrorAlert } from '../ui/error-alert';

const REFERENCE_MAX = 140;

export function FundAccountForm({
  account,
  onChange,
}: {
  account: Account;
  onChange: (account: Account) => void;
}) {
  const [amountText, setAmountText] = useState('');
  const [reference, setReference] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<DescribedError>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (inFlight.current) return;
    const amount = parseAmount(amountText, account.currency);
    const problems: Record<string, string> = {};
    if (!amount.ok) problems.amount = amount.error;
    if ([...reference].length > REFERENCE_MAX)
      problems.reference = `Use at most ${REFERENCE_MAX} characters.`;
    setFields(problems);
    setError(undefined);
    setDone(undefined);
    if (!amount.ok || Object.keys(problems).length > 0) return;
    inFlight.current = true;
    setBusy(true);
    try {
      const answer = await accountsClient.creditAccount({
        creditId: crypto.randomUUID(),
        accountId: account.accountId,
        amount: amount.minor,
        currency: account.currency,
        reference: reference.trim(),
      });
      if (answer.account) onChange(answer.account);
      setDone(`Credited ${formatMoney(amount.minor, account.currency)}.`);
      setAmountText('');
      setReference('');
    } catch (err) {
      const described = describeError(err);
      setFields(described.fields);
      setError(described);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const parsed = amountText.trim() ? parseAmount(amountText, account.currency) : undefined;
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      shadow="xs"
      component="section"
      aria-labelledby="fund-title"
      h="100%"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <div>
            <Text fw={600} id="fund-title">
              Fund account
            </Text>
            <Text size="sm" c="dimmed">
              Credits the account from the {account.currency} funding account.
            </Text>
          </div>
          <TextInput
            label="Amount"
            placeholder="0.00"
            inputMode="decimal"
            value={amountText}
            onChange={(e) => setAmountText(e.currentTarget.value)}
            error={fields.amount}
            rightSection={
              <Text size="sm" c="dimmed" fw={500}>
                {account.currency}
              </Text>
            }
            rightSectionWidth={52}
            data-testid="fund-amount"
            required
          />
          <TextInput
            label="Reference"
            placeholder="Shown on the customer's statement (optional)"
            value={reference}
            onChange={(e) => setReference(e.currentTarget.value)}
            error={fields.reference}
            maxLength={REFERENCE_MAX}
            data-testid="fund-reference"
          />
          <ErrorAlert error={error} testId="fund-error" />
          {done && (
            <Text size="sm" c="teal.8" role="status" data-testid="fund-done">
              {done}
            </Text>
          )}
          <Button type="submit" loading={busy} disabled={isFrozen(account)} data-testid="fund-submit">
            {parsed?.ok ? `Credit ${formatMoney(parsed.minor, account.currency)}` : 'Credit account'}
          </Button>
          {isFrozen(account) && (
            <Text size="xs" c="dimmed">
              A frozen account cannot be funded.
            </Text>
          )}
        </Stack>
      </form>
    </Card>
  );
}
