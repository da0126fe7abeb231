/**
 * Where the app is, kept in the URL's hash (#/send?from=<account id>) so reloads, the back button
 * and links work without any server routing.
 */
import { useCallback, useSyncExternalStore } from 'react';

export type Page = 'accounts' | 'send' | 'history' | 'operator';

export interface Route {
  readonly page: Page;
  readonly params: URLSearchParams;
}

const pages: readonly Page[] = ['accounts', 'send', 'history', 'operator'];

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const page = pages.find((p) => p === path) ?? 'accounts';
  return { page, params: new URLSearchParams(query) };
}

export function hrefOf(page: Page, params?: Record<string, string>): string {
  const query = params ? new URLSearchParams(params).toString() : '';
  return `#/${page}${query ? `?${query}` : ''}`;
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};
const currentHash = () => window.location.hash;

export function useRoute(): [Route, (page: Page, params?: Record<string, string>) => void] {
  const hash = useSyncExternalStore(subscribe, currentHash);
  const navigate = useCallback((page: Page, params?: Record<string, string>) => {
    window.location.hash = hrefOf(page, params);
  }, []);
  return [parseRoute(hash), navigate];
}
