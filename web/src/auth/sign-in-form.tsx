/** Sign in with e-mail address and password. */
import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type DescribedError, describeError } from '../errors/describe-error';
import { ErrorAlert } from '../ui/error-alert';
import { signIn } from './sign-in';

export function SignInForm({ onCreateAccount }: { onCreateAccount: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<DescribedError>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!email.trim()) missing.email = 'Enter your e-mail address.';
    if (!password) missing.password = 'Enter your password.';
    setFields(missing);
    setError(undefined);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    try {
      await signIn(email, password);
    } catch (err) {
      const described = describeError(err);
      setFields(described.fields);
      setError(described);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Sign in">
      <Stack gap="md">
        <TextInput
          label="E-mail address"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fields.email}
          data-testid="sign-in-email"
          required
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fields.password}
          data-testid="sign-in-password"
          required
        />
        <ErrorAlert error={error} testId="sign-in-error" />
        <Button type="submit" loading={busy} fullWidth size="md" data-testid="sign-in-submit">
          Sign in
        </Button>
        <Text size="sm" c="dimmed" ta="center">
          New to paymesh?{' '}
          <Anchor component="button" type="button" onClick={onCreateAccount} data-testid="go-sign-up">
            Create an account
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
