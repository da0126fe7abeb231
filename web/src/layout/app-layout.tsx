/** The signed-in frame: header with who is signed in, navigation, and the page. */
import { Anchor, Avatar, Badge, Box, Burger, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { hrefOf, type Page } from '../navigation/use-route';
import { sessionStore } from '../session/session-store';
import { useDisplayName } from '../session/use-profile';
import { useSignedIn } from '../session/use-session';
import classes from './app-layout.module.css';
import { HistoryIcon, LogOutIcon, LogoMark, SendIcon, ShieldIcon, WalletIcon } from './icons';

interface NavItem {
  readonly page: Page;
  readonly label: string;
  readonly icon: ReactNode;
}

const customerNav: readonly NavItem[] = [
  { page: 'accounts', label: 'Accounts', icon: <WalletIcon /> },
  { page: 'send', label: 'Send money', icon: <SendIcon /> },
  { page: 'history', label: 'History', icon: <HistoryIcon /> },
];
const operatorNav: NavItem = { page: 'operator', label: 'Operations', icon: <ShieldIcon /> };

function initials(name: string): string {
  const parts = name.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}

export function AppLayout({ page, children }: { page: Page; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { claims } = useSignedIn();
  const displayName = useDisplayName(claims.userId);
  const isOperator = claims.roles.includes('operator');
  const nav = isOperator ? [...customerNav, operatorNav] : customerNav;
  const name = displayName ?? claims.email;

  return (
    <div className={classes.shell}>
      <header className={classes.header}>
        <Group h="100%" px="lg" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Anchor href={hrefOf('accounts')} underline="never" aria-label="paymesh, your accounts">
              <Group gap={8} wrap="nowrap">
                <LogoMark />
                <Text fw={700} size="lg" c="dark.8" lts={-0.3}>
                  paymesh
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Group gap="md" wrap="nowrap">
            {isOperator && (
              <Badge variant="light" color="grape" data-testid="operator-badge">
                Operator
              </Badge>
            )}
            <Group gap="xs" wrap="nowrap" visibleFrom="xs">
              <Avatar color="teal" radius="xl" size={32}>
                {initials(name)}
              </Avatar>
              <Stack gap={0}>
                <Text size="sm" fw={600} lh={1.2} data-testid="signed-in-name">
                  {name}
                </Text>
                {displayName && (
                  <Text size="xs" c="dimmed" lh={1.2}>
                    {claims.email}
                  </Text>
                )}
              </Stack>
            </Group>
            <Button
              variant="default"
              size="xs"
              leftSection={<LogOutIcon size={14} />}
              onClick={() => sessionStore.signOut()}
              data-testid="sign-out"
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </header>

      <Box component="nav" className={classes.navbar} mod={{ opened }} aria-label="Main" id="main-navigation">
        <Stack gap={4}>
          {nav.map((item) => (
            <NavLink
              key={item.page}
              href={hrefOf(item.page)}
              label={item.label}
              leftSection={item.icon}
              active={item.page === page}
              aria-current={item.page === page ? 'page' : undefined}
              onClick={close}
              variant="light"
              fw={500}
              className={classes.navLink}
              data-testid={`nav-${item.page}`}
            />
          ))}
        </Stack>
      </Box>

      <main className={classes.main}>
        <div className={classes.content}>{children}</div>
      </main>
    </div>
  );
}
