/**
 * The live status of a transfer just sent: every state WatchTransfer reports until it is
 * COMPLETED, FAILED or REJECTED, then why it failed in words and the steps the platform took.
 */

import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Alert, Badge, Card, Group, Loader, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import {
  StepStatus,
  type Transfer,
  TransferState,
  type TransferStep,
} from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { useEffect, useRef, useState } from 'react';
import { transactionsClient } from '../api/clients';
import { transferFailureMessage } from '../errors/reason-messages';
import { AlertIcon, CheckIcon } from '../layout/icons';
import { formatMoney } from '../money/amount';
import { shortId } from '../ui/account-id';
import { isTerminal, stateLook } from './transfer-state';
import { collapseRepeats, stepLabel } from './transfer-steps';
import { useTransferWatch } from './use-transfer-watch';

const timeOf = (at: Date) =>
  at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function TransferStatusPanel({
  initial,
  onSettled,
}: {
  initial: Transfer;
  /** Called once, with the transfer as it ended. */
  onSettled: (transfer: Transfer) => void;
}) {
  const { transfer, seen, live, reconnecting } = useTransferWatch(initial);
  const look = stateLook(transfer.state);
  const terminal = isTerminal(transfer.state);
  const steps = useSteps(transfer.transferId, terminal);

  const settled = useRef(false);
  useEffect(() => {
    if (terminal && !settled.current) {
      settled.current = true;
      onSettled(transfer);
    }
  }, [terminal, transfer, onSettled]);

  const failed = transfer.state === TransferState.FAILED || transfer.state === TransferState.REJECTED;
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      shadow="xs"
      component="section"
      aria-labelledby="transfer-status-title"
      data-testid="transfer-status"
      data-transfer-id={transfer.transferId}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text fw={600} id="transfer-status-title">
            Transfer status
          </Text>
          <Text size="sm" c="dimmed">
            {formatMoney(transfer.amount, transfer.currency)} to {shortId(transfer.destinationAccountId)}
          </Text>
        </Stack>
        <Badge
          size="lg"
          color={look.color}
          variant={terminal ? 'filled' : 'light'}
          data-testid="transfer-state"
          data-state={look.name}
          aria-live="polite"
        >
          {look.label}
        </Badge>
      </Group>

      <Timeline
        active={seen.length - 1}
        bulletSize={22}
        lineWidth={2}
        mt="lg"
        color={failed ? 'red' : 'teal'}
        aria-label="States so far"
      >
        {seen.map(({ state, at }, index) => {
          const step = stateLook(state);
          const current = index === seen.length - 1;
          return (
            <Timeline.Item
              key={`${state}-${at.getTime()}`}
              title={step.label}
              data-testid="transfer-state-seen"
              data-state={step.name}
              bullet={
                current && !step.terminal ? (
                  <Loader size={12} color="white" />
                ) : state === TransferState.FAILED || state === TransferState.REJECTED ? (
                  <AlertIcon size={13} />
                ) : (
                  <CheckIcon size={13} />
                )
              }
            >
              <Text size="sm" c="dimmed">
                {step.detail}
              </Text>
              <Text size="xs" c="dimmed" mt={2}>
                {timeOf(at)}
              </Text>
            </Timeline.Item>
          );
        })}
      </Timeline>

      {!terminal && (
        <Group gap="xs" mt="md" c="dimmed">
          <Loader size="xs" />
          <Text size="sm">
            {reconnecting ? 'Connection lost, reconnecting…' : live ? 'Following live…' : 'Working…'}
          </Text>
        </Group>
      )}

      {failed && (
        <Alert
          mt="md"
          color="red"
          variant="light"
          icon={<AlertIcon />}
          title={transfer.state === TransferState.REJECTED ? 'Transfer declined' : 'Transfer failed'}
          data-testid="transfer-failure"
          data-reason={transfer.failureReason}
          role="alert"
        >
          {transferFailureMessage(transfer.failureReason, transfer.failureMessage)}
        </Alert>
      )}
      {transfer.state === TransferState.COMPLETED && (
        <Alert
          mt="md"
          color="teal"
          variant="light"
          icon={<CheckIcon />}
          title="Money sent"
          data-testid="transfer-done"
        >
          {transfer.destinationCurrency && transfer.destinationCurrency !== transfer.currency
            ? `${formatMoney(transfer.destinationAmount, transfer.destinationCurrency)} arrived at the rate ${transfer.fxRate}.`
            : `${formatMoney(transfer.amount, transfer.currency)} arrived in the receiving account.`}
        </Alert>
      )}
      {transfer.flaggedForReview && (
        <Text size="xs" c="dimmed" mt="sm">
          This transfer was flagged for a routine review.
        </Text>
      )}

      {steps.length > 0 && <StepList steps={steps} />}
    </Card>
  );
}

/** The saga's own history of a finished transfer (GetTransfer), for the curious and for support. */
function useSteps(transferId: string, terminal: boolean): readonly TransferStep[] {
  const [steps, setSteps] = useState<readonly TransferStep[]>([]);
  useEffect(() => {
    if (!terminal) return;
    let live = true;
    transactionsClient
      .getTransfer({ transferId })
      .then((answer) => live && setSteps(answer.transfer?.steps ?? []))
      // The steps are a detail: the state above already says how it ended.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [transferId, terminal]);
  return steps;
}

function StepList({ steps }: { steps: readonly TransferStep[] }) {
  return (
    <Stack gap={6} mt="lg" component="ol" p={0} style={{ listStyle: 'none' }} aria-label="Steps taken">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.4}>
        Steps taken
      </Text>
      {collapseRepeats(steps).map(({ step, times }) => (
        <Group
          key={`${step.name}-${step.attempt}-${step.at?.seconds ?? ''}`}
          component="li"
          gap="xs"
          wrap="nowrap"
          justify="space-between"
        >
          <Group gap="xs" wrap="nowrap">
            <ThemeIcon
              size={18}
              radius="xl"
              variant="light"
              color={
                step.status === StepStatus.SUCCEEDED
                  ? 'teal'
                  : step.status === StepStatus.FAILED
                    ? 'red'
                    : 'yellow'
              }
            >
              {step.status === StepStatus.SUCCEEDED ? <CheckIcon size={11} /> : <AlertIcon size={11} />}
            </ThemeIcon>
            <Text size="sm">
              {stepLabel(step.name)}
              {step.status === StepStatus.RETRYING
                ? ` — waited and retried${times > 1 ? ` ${times} times` : ''}`
                : ''}
            </Text>
          </Group>
          {step.at && (
            <Text size="xs" c="dimmed">
              {timeOf(timestampDate(step.at))}
            </Text>
          )}
        </Group>
      ))}
    </Stack>
  );
}
