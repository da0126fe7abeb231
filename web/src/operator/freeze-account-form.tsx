/** Freezes an account after a confirmation: money stops moving in and out; holds already taken stay. */
import { Button, Card, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import type { Account } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { type FormEvent, useState } from 'react';
import { isFrozen } from '../accounts/account-labels';
import { accountsClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';
import { ErrorAlert } from '../ui/error-alert';

const REASON_MAX = 200;

export function FreezeAccountForm({
  account,
  onChange,
}: {
  account: Account;
  onChange: (account: Account) => void;
}) {
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DescribedError>();
  const frozen = isFrozen(account);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!reason.trim()) return setFieldError('Say why, for the audit trail.');
    if ([...reason].length > REASON_MAX) return setFieldError(`Use at most ${REASON_MAX} characters.`);
    setFieldError(undefined);
    setConfirming(true);
  };

  const freeze = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const answer = await accountsClient.freezeAccount({
        accountId: account.accountId,
        reason: reason.trim(),
      });
      if (answer.account) onChange(answer.account);
      setConfirming(false);
    } catch (err) {
      const described = describeError(err);
      setFieldError(described.fields.reason);
      setError(described);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      shadow="xs"
      component="section"
      aria-labelledby="freeze-title"
      h="100%"
    >
      <form onSubmit={ask} noValidate>
        <Stack gap="sm">
          <div>
            <Text fw={600} id="freeze-title">
              Freeze account
            </Text>
            <Text size="sm" c="dimmed">
              Stops all money moving in and out. Reserved amounts stay reserved.
            </Text>
          </div>
          {frozen ? (
            <Text size="sm" c="blue.8" role="status" data-testid="freeze-done">
              This account is frozen.
            </Text>
          ) : (
            <>
              <TextInput
                label="Reason"
                placeholder="e.g. Suspected fraud, case 1042"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={fieldError}
                maxLength={REASON_MAX}
                data-testid="freeze-reason"
                required
              />
              <ErrorAlert error={error} testId="freeze-error" />
              <Button type="submit" color="red" variant="light" data-testid="freeze-submit">
                Freeze account
              </Button>
            </>
          )}
        </Stack>
      </form>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="Freeze this account?"
        centered
        // Scroll locking injects an inline <style>, which the gateway's Content-Security-Policy refuses.
        lockScroll={false}
      >
        <Stack gap="md">
          <Text size="sm">
            No money will move into or out of the {account.currency} account {account.accountId} while it is
            frozen.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => void freeze()} data-testid="freeze-confirm">
              Freeze account
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
