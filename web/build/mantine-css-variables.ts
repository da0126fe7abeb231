/**
 * The theme's CSS variables and Mantine's breakpoint classes (hiddenFrom / visibleFrom) as a static
 * stylesheet, made at build time. Mantine otherwise writes both into inline <style> elements at run
 * time, which the gateway's Content-Security-Policy (`style-src 'self'`) refuses; a file from the
 * app's own origin is allowed. The provider runs with `withCssVariables` and `withGlobalClasses` off.
 */
import {
  convertCssVariables,
  DEFAULT_THEME,
  defaultCssVariablesResolver,
  em,
  type MantineTheme,
  type MantineThemeOverride,
  mergeMantineTheme,
  px,
} from '@mantine/core';
import type { Plugin } from 'vite';

export const MANTINE_VARIABLES_MODULE = 'virtual:mantine-variables.css';
const resolvedId = `\0${MANTINE_VARIABLES_MODULE}`;

/** The stylesheet Mantine's provider would inject for `theme`, for both colour schemes. */
export function mantineVariablesCss(theme: MantineThemeOverride): string {
  const merged = mergeMantineTheme(DEFAULT_THEME, theme);
  const variables = convertCssVariables(defaultCssVariablesResolver(merged), ':root');
  const scheme = convertCssVariables(
    {
      variables: {},
      light: { '--mantine-color-scheme': 'light' },
      dark: { '--mantine-color-scheme': 'dark' },
    },
    ':root',
  );
  return `${variables}${scheme}${breakpointClasses(merged)}`;
}

/** What Mantine's provider injects as its global classes: hide or show from each breakpoint. */
function breakpointClasses(theme: MantineTheme): string {
  return Object.entries(theme.breakpoints)
    .map(([name, value]) => {
      const inPx = value.includes('px');
      const width = Number(px(value));
      const below = inPx ? `${width - 0.1}px` : em(width - 0.1);
      const from = inPx ? `${width}px` : em(width);
      return (
        `@media (max-width: ${below}) {.mantine-visible-from-${name} {display: none !important;}}` +
        `@media (min-width: ${from}) {.mantine-hidden-from-${name} {display: none !important;}}`
      );
    })
    .join('');
}

export function mantineCssVariables(theme: MantineThemeOverride): Plugin {
  return {
    name: 'paymesh:mantine-css-variables',
    resolveId: (id) => (id === MANTINE_VARIABLES_MODULE ? resolvedId : undefined),
    load: (id) => (id === resolvedId ? mantineVariablesCss(theme) : undefined),
  };
}
