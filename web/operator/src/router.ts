// Routing on the History API: the path is the state. `/` the workspace, `/dialogs/:id` an
// open dialog, `/drive` and `/drive/folders/:id` the Drive, `/admin/...` the admin pages. Same-origin <a href="/..."> clicks anywhere are
// handled here, so plain links (including [chat] links in messages) navigate without reloads.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function notify() {
  for (const l of listeners) l();
}

export function navigate(path: string, replace = false) {
  if (path === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
}

function subscribe(fn: () => void) {
  listeners.add(fn);
  if (listeners.size === 1) {
    window.addEventListener('popstate', notify);
    document.addEventListener('click', onClick);
  }
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0) {
      window.removeEventListener('popstate', notify);
      document.removeEventListener('click', onClick);
    }
  };
}

function onClick(e: MouseEvent) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/')) return;
  e.preventDefault();
  navigate(href);
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** The dialog id of `/dialogs/:id`, else null. */
export function dialogIdOf(path: string): number | null {
  const m = /^\/dialogs\/(\d{1,15})\/?$/.exec(path);
  return m ? Number(m[1]) : null;
}

/** The Drive folder of `/drive` (0, the root) or `/drive/folders/:id`; null off the Drive. */
export function driveFolderOf(path: string): number | null {
  if (/^\/drive\/?$/.test(path)) return 0;
  const m = /^\/drive\/folders\/([1-9]\d{0,15})\/?$/.exec(path);
  return m ? Number(m[1]) : null;
}

/** Whether the path belongs to the Drive (including unknown paths under it). */
export const isDrivePath = (path: string) => path === '/drive' || path.startsWith('/drive/');

/** The path of a Drive folder (0: the root). */
export const drivePath = (folderId: number) => (folderId ? `/drive/folders/${folderId}` : '/drive');
