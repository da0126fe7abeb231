/** Operations (operators only): find any account by id, fund it, or freeze it. */
import { Alert, Badge, Box, Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import type { Account } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { type FormEvent, useState } from 'react';
import { accountTitle, isFrozen } from '../accounts/account-labels';
import { accountsClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';
import { ShieldIcon } from '../layout/icons';
import { formatMoney } from '../money/amount';
import { useSignedIn } from '../session/use-session';
import { AccountId } from '../ui/account-id';
import { ErrorAlert } from '../ui/error-alert';
import grid from '../ui/grid.module.css';
import { PageHeader } from '../ui/page-header';
import text from '../ui/text.module.css';
import { FreezeAccountForm } from './freeze-account-form';
import { FundAccountForm } from './fund-account-form';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function OperatorPage() {
  const { claims } = useSignedIn();
  const [query, setQuery] = useState('');
  const [account, setAccount] = useState<Account>();
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<DescribedError>();
  const [busy, setBusy] = useState(false);

  if (!claims.roles.includes('operator')) {
    return (
      <Alert color="yellow" title="Operators only" data-testid="operator-only">
        This page is for paymesh operators.
      </Alert>
    );
  }

  const lookUp = async (event: FormEvent) => {
    event.preventDefault();
    const accountId = query.trim();
    setError(undefined);
    if (!UUID.test(accountId)) {
      setFieldError('Enter an account id (a UUID).');
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const answer = await accountsClient.getAccount({ accountId });
      setAccount(answer.account);
    } catch (err) {
      setAccount(undefined);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="lg">
      <PageHeader title="Operations" description="Fund or freeze any customer account by its id." />
      <Card
        withBorder
        radius="md"
        padding="lg"
        shadow="xs"
        component="section"
        aria-labelledby="find-account-title"
      >
        <form onSubmit={lookUp} noValidate>
          <Stack gap="sm">
            <Group gap="xs">
              <ShieldIcon size={18} />
              <Text fw={600} id="find-account-title">
                Find an account
              </Text>
            </Group>
            <Group align="flex-start" gap="sm">
              <TextInput
                label="Account id"
                placeholder="e.g. 6f1c2a7e-3b4d-4e5f-9a8b-7c6d5e4f3a2b"
                value={query}
                onChange={(e) => setQuery(e.currentTarget.value)}
                error={fieldError}
                classNames={{ input: text.mono }}
                spellCheck={false}
                autoComplete="off"
                style={{ flex: 1, minWidth: 280 }}
                data-testid="operator-account-id"
              />
              <Button type="submit" loading={busy} mt={25} data-testid="operator-look-up">
                Look up
              </Button>
            </Group>
            <ErrorAlert error={error} testId="operator-look-up-error" />
          </Stack>
        </form>
      </Card>

      {account && (
        <>
          <AccountSummary account={account} />
          <div className={grid.split}>
            <FundAccountForm key={account.accountId} account={account} onChange={setAccount} />
            <FreezeAccountForm key={account.accountId} account={account} onChange={setAccount} />
          </div>
        </>
      )}
    </Stack>
  );
}

function AccountSummary({ account }: { account: Account }) {
  const money = (minor: bigint) => formatMoney(minor, account.currency);
  return (
    <Card withBorder radius="md" padding="lg" shadow="xs" data-testid="operator-account" component="section">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Text fw={600}>{accountTitle(account)}</Text>
          <AccountId id={account.accountId} />
          <Text size="xs" c="dimmed">
            Owner {account.ownerId || 'platform'}
          </Text>
        </Stack>
        <Badge
          color={isFrozen(account) ? 'blue' : 'teal'}
          variant="light"
          data-testid="operator-account-status"
        >
          {isFrozen(account) ? 'Frozen' : 'Active'}
        </Badge>
      </Group>
      <Box className={grid.triple} mt="md">
        <Figure
          label="Available"
          value={money(account.availableBalance)}
          testId="operator-balance-available"
        />
        <Figure label="Posted" value={money(account.postedBalance)} testId="operator-balance-posted" />
        <Figure label="Held" value={money(account.heldBalance)} testId="operator-balance-held" />
      </Box>
    </Card>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.4}>
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}
