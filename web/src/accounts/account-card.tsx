/** One account: its available balance up front, posted and held beside, its id to share, and shortcuts. */
import { Badge, Box, Button, Card, Divider, Group, Stack, Text } from '@mantine/core';
import type { Account } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { HistoryIcon, SendIcon } from '../layout/icons';
import { formatMoney } from '../money/amount';
import { hrefOf } from '../navigation/use-route';
import { AccountId } from '../ui/account-id';
import grid from '../ui/grid.module.css';
import { accountTitle, currencyName, isFrozen } from './account-labels';

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.4}>
        {label}
      </Text>
      <Text size="sm" fw={500} ff="var(--mantine-font-family-monospace)" data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

export function AccountCard({ account }: { account: Account }) {
  const frozen = isFrozen(account);
  const money = (minor: bigint) => formatMoney(minor, account.currency);
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      shadow="xs"
      data-testid="account-card"
      data-account-id={account.accountId}
      data-currency={account.currency}
      aria-label={`${accountTitle(account)} ${account.accountId}`}
      component="article"
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text fw={600}>{accountTitle(account)}</Text>
          <Text size="xs" c="dimmed">
            {currencyName(account.currency)}
          </Text>
        </Stack>
        <Badge color={frozen ? 'blue' : 'teal'} variant="light" data-testid="account-status">
          {frozen ? 'Frozen' : 'Active'}
        </Badge>
      </Group>

      <Stack gap={2} mt="lg">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.4}>
          Available
        </Text>
        <Text fz={28} fw={700} lh={1.15} data-testid="balance-available">
          {money(account.availableBalance)}
        </Text>
      </Stack>

      <Box className={grid.pair} mt="md">
        <Figure label="Posted" value={money(account.postedBalance)} testId="balance-posted" />
        <Figure label="Held" value={money(account.heldBalance)} testId="balance-held" />
      </Box>

      <Divider my="md" />
      <Group justify="space-between" gap="xs">
        <AccountId id={account.accountId} />
        <Group gap={6} wrap="nowrap" ml="auto">
          <Button
            component="a"
            href={hrefOf('history', { account: account.accountId })}
            variant="subtle"
            size="xs"
            color="gray"
            leftSection={<HistoryIcon size={14} />}
          >
            History
          </Button>
          <Button
            component="a"
            href={hrefOf('send', { from: account.accountId })}
            variant="light"
            size="xs"
            leftSection={<SendIcon size={14} />}
            disabled={frozen}
          >
            Send
          </Button>
        </Group>
      </Group>
    </Card>
  );
}
