// Admin sub-routing on the History API. `navigate` pushes a path and dispatches `popstate`
// so every listener (the admin pages and the app shell) re-renders.
import { useSyncExternalStore, type MouseEvent } from 'react';

export function navigate(path: string): void {
  if (window.location.pathname + window.location.search === path) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

function subscribe(fn: () => void): () => void {
  window.addEventListener('popstate', fn);
  return () => window.removeEventListener('popstate', fn);
}

/** The current path: re-read on `popstate` and on every render (the app shell may navigate
 *  with its own router, which re-renders us without a `popstate`). */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export type AdminRoute =
  | { page: 'employees' }
  | { page: 'lines' }
  | { page: 'line'; id: number }
  | { page: 'channel'; id: number }
  | { page: 'notfound' };

export function parseRoute(pathname: string): AdminRoute {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/admin' || p === '/admin/employees') return { page: 'employees' };
  if (p === '/admin/lines') return { page: 'lines' };
  let m = p.match(/^\/admin\/lines\/([1-9]\d{0,15})$/);
  if (m) return { page: 'line', id: Number(m[1]) };
  m = p.match(/^\/admin\/channels\/([1-9]\d{0,15})$/);
  if (m) return { page: 'channel', id: Number(m[1]) };
  return { page: 'notfound' };
}

/** onClick for an in-app <a href>: plain left clicks navigate without a reload. */
export function linkClick(e: MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = e.currentTarget.getAttribute('href');
  if (!href || !href.startsWith('/')) return;
  e.preventDefault();
  navigate(href);
}
