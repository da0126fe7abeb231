import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { theme } from '../src/theme';
import { mantineVariablesCss } from './mantine-css-variables';

describe('mantineVariablesCss', () => {
  const css = mantineVariablesCss(theme);

  it('carries the app theme: the primary colour is teal and the fonts are the theme’s', () => {
    assert.match(css, /--mantine-primary-color-filled: var\(--mantine-color-teal-filled\)/);
    assert.match(css, /--mantine-font-family: Inter,/);
  });

  it('gives both colour schemes their variables', () => {
    assert.match(css, /\[data-mantine-color-scheme="light"\][^{]*\{[^}]*--mantine-color-scheme: light/);
    assert.match(css, /\[data-mantine-color-scheme="dark"\][^{]*\{[^}]*--mantine-color-scheme: dark/);
  });

  it('defines the hiddenFrom / visibleFrom classes of every breakpoint', () => {
    for (const name of ['xs', 'sm', 'md', 'lg', 'xl']) {
      assert.ok(css.includes(`.mantine-hidden-from-${name} {display: none !important;}`), name);
      assert.ok(css.includes(`.mantine-visible-from-${name} {display: none !important;}`), name);
    }
  });
});
