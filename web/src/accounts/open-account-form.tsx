/**
 * Opens an account in a currency the platform has a rate for. The request id is made when the
 * form is ready and kept for retries, so a retry after a lost answer never opens a second account.
 */
import { Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { accountsClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';
import { PlusIcon } from '../layout/icons';
import { ErrorAlert } from '../ui/error-alert';
import { currencyName } from './account-labels';
import { useAccounts } from './accounts-context';
import { useCurrencies } from './use-currencies';

export function OpenAccountForm({ ownerId }: { ownerId: string }) {
  const { currencies, loading, error: ratesError, reload } = useCurrencies();
  const { upsert } = useAccounts();
  const [currency, setCurrency] = useState<string | null>('EUR');
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DescribedError>();
  const [opened, setOpened] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !currency) return;
    setBusy(true);
    setError(undefined);
    setOpened(undefined);
    try {
      const { account } = await accountsClient.openAccount({ requestId, ownerId, currency });
      if (account) upsert(account);
      setOpened(currency);
      // Only a finished opening frees the form for another account.
      setRequestId(crypto.randomUUID());
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder radius="md" p="lg" shadow="xs" component="section" aria-labelledby="open-account-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <div>
            <Text fw={600} id="open-account-title">
              Open an account
            </Text>
            <Text size="sm" c="dimmed">
              Hold money in another currency. Accounts are free and open instantly.
            </Text>
          </div>
          <Group align="flex-end" gap="sm">
            <Select
              label="Currency"
              placeholder={loading ? 'Loading currencies…' : 'Choose a currency'}
              data={currencies.map((code) => ({ value: code, label: `${code} — ${currencyName(code)}` }))}
              value={currency}
              onChange={setCurrency}
              searchable
              allowDeselect={false}
              disabled={loading || !!ratesError}
              w={280}
              data-testid="open-account-currency"
              comboboxProps={{ withinPortal: true }}
            />
            <Button
              type="submit"
              loading={busy}
              disabled={!currency || loading}
              leftSection={<PlusIcon size={16} />}
              data-testid="open-account-submit"
            >
              Open account
            </Button>
          </Group>
          {ratesError && (
            <Group gap="xs">
              <ErrorAlert error={`We could not load the currencies. ${ratesError.message}`} />
              <Button variant="subtle" size="xs" onClick={reload}>
                Retry
              </Button>
            </Group>
          )}
          <ErrorAlert error={error} testId="open-account-error" />
          {opened && (
            <Text size="sm" c="teal.8" role="status" data-testid="open-account-done">
              Your {opened} account is open.
            </Text>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
