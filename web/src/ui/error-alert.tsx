/** An error for a person: the described sentence in a red alert, announced to screen readers. */
import { Alert } from '@mantine/core';
import type { DescribedError } from '../errors/describe-error';
import { AlertIcon } from '../layout/icons';

export function ErrorAlert({
  error,
  title,
  testId = 'error',
}: {
  error: DescribedError | string | undefined;
  title?: string;
  testId?: string;
}) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return (
    <Alert color="red" variant="light" icon={<AlertIcon />} title={title} role="alert" data-testid={testId}>
      {message}
    </Alert>
  );
}
