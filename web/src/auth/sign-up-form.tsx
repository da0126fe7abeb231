/** Create a customer: e-mail address, the name people see, and a password of 12 characters or more. */
import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { usersClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';
import { ErrorAlert } from '../ui/error-alert';
import { signIn } from './sign-in';
import { PASSWORD_MIN, signUpProblems } from './sign-up-rules';

export function SignUpForm({ onSignIn }: { onSignIn: () => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<DescribedError>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems = signUpProblems(email, displayName, password);
    setFields(problems);
    setError(undefined);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      await usersClient.register({ email: email.trim(), displayName: displayName.trim(), password });
      await signIn(email, password);
    } catch (err) {
      const described = describeError(err);
      setFields(described.reason === 'EMAIL_TAKEN' ? { email: described.message } : described.fields);
      setError(described.reason === 'EMAIL_TAKEN' ? undefined : described);
      setBusy(false);
    }
  };

  const length = [...password].length;
  return (
    <form onSubmit={submit} noValidate aria-label="Create an account">
      <Stack gap="md">
        <TextInput
          label="E-mail address"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fields.email}
          data-testid="sign-up-email"
          required
        />
        <TextInput
          label="Display name"
          description="The name people see when you send them money."
          autoComplete="name"
          maxLength={100}
          value={displayName}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
          error={fields.display_name}
          data-testid="sign-up-name"
          required
        />
        <PasswordInput
          label="Password"
          description={
            length > 0 && length < PASSWORD_MIN
              ? `At least ${PASSWORD_MIN} characters — ${PASSWORD_MIN - length} to go.`
              : `At least ${PASSWORD_MIN} characters. A few unrelated words make a strong one.`
          }
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fields.password}
          data-testid="sign-up-password"
          required
        />
        <ErrorAlert error={error} testId="sign-up-error" />
        <Button type="submit" loading={busy} fullWidth size="md" data-testid="sign-up-submit">
          Create account
        </Button>
        <Text size="sm" c="dimmed" ta="center">
          Already have an account?{' '}
          <Anchor component="button" type="button" onClick={onSignIn} data-testid="go-sign-in">
            Sign in
          </Anchor>
        </Text>
      </Stack>
    </form>
  );
}
