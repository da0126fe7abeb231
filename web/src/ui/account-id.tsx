/** An account id shown short, in full for assistive tech and tests, with a button that copies it. */
import { ActionIcon, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { CheckIcon, CopyIcon } from '../layout/icons';

export function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

export function AccountId({ id, label = 'account id' }: { id: string; label?: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text
        ff="monospace"
        size="sm"
        c="dimmed"
        title={id}
        data-testid="account-id"
        data-value={id}
        style={{ whiteSpace: 'nowrap' }}
      >
        {shortId(id)}
      </Text>
      <CopyButton value={id} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow position="top">
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              size="sm"
              onClick={copy}
              aria-label={`Copy ${label} ${id}`}
              data-testid="copy-account-id"
            >
              {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
