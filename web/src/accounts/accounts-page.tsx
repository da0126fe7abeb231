/** The customer's accounts with their balances, and opening a new one. */
import { Button, Card, Skeleton, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';
import { RefreshIcon } from '../layout/icons';
import { useSignedIn } from '../session/use-session';
import { ErrorAlert } from '../ui/error-alert';
import grid from '../ui/grid.module.css';
import { PageHeader } from '../ui/page-header';
import { AccountCard } from './account-card';
import { useAccounts } from './accounts-context';
import { OpenAccountForm } from './open-account-form';

export function AccountsPage() {
  const { claims } = useSignedIn();
  const { accounts, loading, refreshing, error, refresh } = useAccounts();

  // Balances move while the person is elsewhere: fresh figures on every visit.
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Accounts"
        description="Available is what you can send now: posted money minus amounts reserved for transfers on their way."
        action={
          <Button
            variant="default"
            size="xs"
            leftSection={<RefreshIcon size={14} />}
            loading={refreshing && !loading}
            onClick={() => void refresh()}
            data-testid="accounts-refresh"
          >
            Refresh
          </Button>
        }
      />
      {error && (
        <Stack gap="xs" align="flex-start">
          <ErrorAlert error={`We could not load your accounts. ${error.message}`} testId="accounts-error" />
          <Button variant="light" size="xs" onClick={() => void refresh()}>
            Try again
          </Button>
        </Stack>
      )}
      {loading ? (
        <div className={grid.cards} role="status" aria-busy="true" aria-label="Loading accounts">
          {[0, 1].map((n) => (
            <Card withBorder radius="md" padding="lg" key={n}>
              <Skeleton h={16} w="40%" />
              <Skeleton h={32} w="70%" mt="lg" />
              <Skeleton h={12} w="90%" mt="md" />
            </Card>
          ))}
        </div>
      ) : accounts.length === 0 && !error ? (
        <Card withBorder radius="md" padding="xl" ta="center" data-testid="accounts-empty">
          <Text fw={600}>No accounts yet</Text>
          <Text size="sm" c="dimmed" mt={4}>
            Open your first account below to receive and send money.
          </Text>
        </Card>
      ) : (
        <div className={grid.cards} data-testid="account-list">
          {accounts.map((account) => (
            <AccountCard key={account.accountId} account={account} />
          ))}
        </div>
      )}
      <OpenAccountForm ownerId={claims.userId} />
    </Stack>
  );
}
