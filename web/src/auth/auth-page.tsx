/** The signed-out screen: sign in or create an account, with why the last session ended. */
import { Alert, Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { LockIcon, LogoMark } from '../layout/icons';
import { sessionStore } from '../session/session-store';
import { SignInForm } from './sign-in-form';
import { SignUpForm } from './sign-up-form';

export function AuthPage() {
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  const expired = sessionStore.lastSignOutCause() === 'expired';
  return (
    <Box mih="100vh" bg="gray.0" py={64} px="md">
      <Center>
        <Stack w="100%" maw={420} gap="lg">
          <Group gap="xs" justify="center">
            <LogoMark size={36} />
            <Text fw={700} size="xl" lts={-0.3}>
              paymesh
            </Text>
          </Group>
          <Paper withBorder shadow="sm" radius="md" p="xl">
            <Stack gap="lg">
              <div>
                <Title order={1} size="h3">
                  {mode === 'sign-in' ? 'Sign in' : 'Create your account'}
                </Title>
                <Text c="dimmed" size="sm" mt={4}>
                  {mode === 'sign-in'
                    ? 'Welcome back. Sign in to see your accounts and send money.'
                    : 'Open accounts in many currencies and send money in seconds.'}
                </Text>
              </div>
              {expired && mode === 'sign-in' && (
                <Alert color="yellow" variant="light" data-testid="session-ended">
                  Your session has ended. Please sign in again.
                </Alert>
              )}
              {mode === 'sign-in' ? (
                <SignInForm onCreateAccount={() => setMode('sign-up')} />
              ) : (
                <SignUpForm onSignIn={() => setMode('sign-in')} />
              )}
            </Stack>
          </Paper>
          <Group gap={6} justify="center" c="dimmed">
            <LockIcon size={14} />
            <Text size="xs">Your session stays in this tab only and ends when you close it.</Text>
          </Group>
        </Stack>
      </Center>
    </Box>
  );
}
