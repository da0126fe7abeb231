/** The transfers into and out of one of my accounts, newest first, a page at a time. */

import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Badge, Button, Card, Group, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { Transfer } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { useCallback, useEffect, useState } from 'react';
import { accountOptionLabel } from '../accounts/account-labels';
import { useAccounts } from '../accounts/accounts-context';
import { transactionsClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';
import { transferFailureMessage } from '../errors/reason-messages';
import { ArrowDownLeftIcon, ArrowUpRightIcon } from '../layout/icons';
import { formatMoney } from '../money/amount';
import { shortId } from '../ui/account-id';
import { ErrorAlert } from '../ui/error-alert';
import { PageHeader } from '../ui/page-header';
import { stateLook } from './transfer-state';

export const HISTORY_PAGE_SIZE = 10;

interface HistoryState {
  readonly transfers: readonly Transfer[];
  readonly nextPageToken: string;
  readonly loading: boolean;
  readonly error?: DescribedError;
}

const empty: HistoryState = { transfers: [], nextPageToken: '', loading: true };

function useHistory(accountId: string | null) {
  const [state, setState] = useState<HistoryState>(empty);

  const load = useCallback(
    async (pageToken: string, live: () => boolean = () => true) => {
      if (!accountId) return;
      setState((s) => ({ ...s, loading: true, error: undefined }));
      try {
        const page = await transactionsClient.listTransfers({
          accountId,
          pageSize: HISTORY_PAGE_SIZE,
          pageToken,
        });
        if (!live()) return;
        setState((s) => ({
          transfers: pageToken ? [...s.transfers, ...page.transfers] : page.transfers,
          nextPageToken: page.nextPageToken,
          loading: false,
        }));
      } catch (err) {
        if (live()) setState((s) => ({ ...s, loading: false, error: describeError(err) }));
      }
    },
    [accountId],
  );

  useEffect(() => {
    let live = true;
    setState(empty);
    void load('', () => live);
    return () => {
      live = false;
    };
  }, [load]);

  return { ...state, loadMore: () => load(state.nextPageToken), reload: () => load('') };
}

export function HistoryPage({ account: requested }: { account: string | null }) {
  const { accounts } = useAccounts();
  const [accountId, setAccountId] = useState<string | null>(requested);
  useEffect(() => {
    if (!accountId && accounts[0]) setAccountId(accounts[0].accountId);
  }, [accountId, accounts]);
  const account = accounts.find((a) => a.accountId === accountId);
  const { transfers, nextPageToken, loading, error, loadMore, reload } = useHistory(accountId);

  return (
    <Stack gap="lg">
      <PageHeader
        title="History"
        description="Every transfer into and out of an account, newest first."
        action={
          <Select
            label="Account"
            data={accounts.map((a) => ({ value: a.accountId, label: accountOptionLabel(a) }))}
            value={accountId}
            onChange={setAccountId}
            allowDeselect={false}
            w={340}
            data-testid="history-account"
          />
        }
      />
      <Card withBorder radius="md" padding={0} shadow="xs">
        {error && (
          <Group p="md" gap="sm">
            <ErrorAlert error={`We could not load the history. ${error.message}`} testId="history-error" />
            <Button variant="light" size="xs" onClick={() => void reload()}>
              Try again
            </Button>
          </Group>
        )}
        {!accountId && !loading ? (
          <EmptyHistory text="Open an account to see its transfers here." />
        ) : transfers.length === 0 && loading ? (
          <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading transfers">
            {[0, 1, 2].map((n) => (
              <Skeleton key={n} h={28} />
            ))}
          </Stack>
        ) : transfers.length === 0 && !error ? (
          <EmptyHistory text="No transfers yet. Money you send or receive shows up here." />
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover data-testid="history-table">
              <Table.Thead bg="gray.0">
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Direction</Table.Th>
                  <Table.Th>Details</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {transfers.map((transfer) => (
                  <HistoryRow key={transfer.transferId} transfer={transfer} accountId={accountId ?? ''} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {nextPageToken && (
          <Group justify="center" p="md">
            <Button
              variant="default"
              onClick={() => void loadMore()}
              loading={loading}
              data-testid="history-more"
            >
              Load more
            </Button>
          </Group>
        )}
      </Card>
      {account && (
        <Text size="xs" c="dimmed">
          Showing {transfers.length} transfer{transfers.length === 1 ? '' : 's'} of your {account.currency}{' '}
          account {shortId(account.accountId)}.
        </Text>
      )}
    </Stack>
  );
}

function EmptyHistory({ text }: { text: string }) {
  return (
    <Text c="dimmed" ta="center" p="xl" size="sm" data-testid="history-empty">
      {text}
    </Text>
  );
}

function HistoryRow({ transfer, accountId }: { transfer: Transfer; accountId: string }) {
  const incoming = transfer.destinationAccountId === accountId && transfer.sourceAccountId !== accountId;
  const look = stateLook(transfer.state);
  const failed = look.name === 'FAILED' || look.name === 'REJECTED';
  // What reached this account when it is the receiver; what left it when it is the sender.
  const amount =
    incoming && transfer.destinationCurrency
      ? formatMoney(transfer.destinationAmount, transfer.destinationCurrency)
      : formatMoney(transfer.amount, transfer.currency);
  const created = transfer.createdAt ? timestampDate(transfer.createdAt) : undefined;
  const counterparty = incoming ? transfer.sourceAccountId : transfer.destinationAccountId;
  return (
    <Table.Tr
      data-testid="history-row"
      data-transfer-id={transfer.transferId}
      data-direction={incoming ? 'in' : 'out'}
      data-state={look.name}
    >
      <Table.Td>
        <Text size="sm">
          {created?.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}
        </Text>
        <Text size="xs" c="dimmed">
          {created?.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge
          variant="light"
          color={incoming ? 'teal' : 'gray'}
          leftSection={incoming ? <ArrowDownLeftIcon size={12} /> : <ArrowUpRightIcon size={12} />}
          data-testid="history-direction"
        >
          {incoming ? 'In' : 'Out'}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm" lineClamp={1}>
          {transfer.description || (failed ? 'Transfer' : incoming ? 'Money received' : 'Money sent')}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace" title={counterparty}>
          {incoming ? 'from' : 'to'} {shortId(counterparty)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={look.color} variant="light" data-testid="history-state">
          {look.label}
        </Badge>
        {failed && (
          <Text size="xs" c="red.8" mt={4} maw={240} data-testid="history-failure">
            {transferFailureMessage(transfer.failureReason, transfer.failureMessage)}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Text
          size="sm"
          fw={600}
          c={failed ? 'dimmed' : incoming ? 'teal.8' : undefined}
          td={failed ? 'line-through' : undefined}
          data-testid="history-amount"
        >
          {incoming ? '+' : '−'}
          {amount}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
