/** The browser entry: restores the tab's session, then renders the app inside Mantine. */
import '@mantine/core/styles.css';
import 'virtual:mantine-variables.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { sessionStore } from './session/session-store';
import { theme } from './theme';

sessionStore.restore();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    {/* Variables and global classes come from a static stylesheet: build/mantine-css-variables.ts. */}
    <MantineProvider
      theme={theme}
      defaultColorScheme="light"
      withCssVariables={false}
      withGlobalClasses={false}
    >
      <App />
    </MantineProvider>
  </StrictMode>,
);
