// What the Drive page and the Drive picker share: a folder's listing (breadcrumb and
// subfolders), lists that follow `next_cursor` ("Load more"), a debounced search, the
// breadcrumb, file rows' names and details, and the loading / error / empty notes. Folder and
// file names are people's text: they only ever go into text nodes and attributes.
import { useCallback, useEffect, useRef, useState, type ReactNode, type Ref } from 'react';
import { ApiError, type Page } from '../api/client';
import { driveFolders } from '../api/endpoints';
import type { DriveFile, DriveFolder, FolderListing } from '../api/types';
import { DOC, FOLDER, Icon } from '../components/Attachments';
import { shortTime } from '../format';
import { fileHref, formatSize } from '../../../shared/files';
import './drive.css';

export function errorText(e: unknown): string {
  if (e instanceof ApiError || e instanceof Error) return e.message || 'Something went wrong.';
  return 'Something went wrong.';
}

/** `value`, once it has stayed the same for `ms` (search boxes). */
export function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export interface Paged<T> {
  items: T[];
  /** A page is on its way. */
  loading: boolean;
  /** The first page came. */
  loaded: boolean;
  error: string | null;
  hasMore: boolean;
  /** The next page ("Load more"). */
  more(): void;
  /** Asks again for what failed (the first page or the next). */
  retry(): void;
  /** Changes the items locally (after an upload, a move, a removal). */
  update(f: (items: T[]) => T[]): void;
}

interface PagedState<T> {
  key: string;
  items: T[];
  cursor: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

const fresh = <T,>(key: string): PagedState<T> => ({ key, items: [], cursor: null, loading: true, loaded: false, error: null });

/**
 * A cursor-paged list: the first page whenever `key` changes (a folder, a search), then more
 * on request. Answers to superseded requests are dropped; items are kept unique by id.
 */
export function usePaged<T extends { id: number }>(
  key: string,
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  enabled = true,
): Paged<T> {
  const [st, setSt] = useState<PagedState<T>>(() => fresh(key));
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const seq = useRef(0);

  const run = useCallback((k: string, cursor: string | null) => {
    const n = ++seq.current;
    setSt((s) => (cursor === null ? fresh(k) : { ...s, loading: true, error: null }));
    fetchRef.current(cursor).then(
      (page) => {
        if (n !== seq.current) return;
        setSt((s) => {
          const items = cursor === null ? page.items : [...s.items, ...page.items.filter((x) => !s.items.some((y) => y.id === x.id))];
          return { ...s, items, cursor: page.next_cursor, loading: false, loaded: true };
        });
      },
      (e: unknown) => {
        if (n !== seq.current) return;
        setSt((s) => ({ ...s, loading: false, error: errorText(e) }));
      },
    );
  }, []);

  useEffect(() => {
    if (enabled) run(key, null);
  }, [key, enabled, run]);

  // Until the effect above has run for a new key, the old key's items are not shown.
  const cur = st.key === key ? st : fresh<T>(key);
  return {
    items: cur.items,
    loading: cur.loading,
    loaded: cur.loaded,
    error: cur.error,
    hasMore: cur.loaded && cur.cursor !== null,
    more: () => {
      if (!cur.loading && cur.cursor) run(key, cur.cursor);
    },
    retry: () => run(key, cur.loaded ? cur.cursor : null),
    update: (f) => setSt((s) => (s.key === key ? { ...s, items: f(s.items) } : s)),
  };
}

export interface Folder {
  /** The listing of the folder asked for; null until it comes (or when it failed). */
  listing: FolderListing | null;
  /** The last breadcrumb that came, for while the next folder loads. */
  lastPath: DriveFolder[];
  loading: boolean;
  error: string | null;
  /** The folder does not exist (any more). */
  missing: boolean;
  reload(): void;
  /** Changes the subfolders locally (after a create, a rename, a delete). */
  updateItems(f: (items: DriveFolder[]) => DriveFolder[]): void;
}

/** A folder's breadcrumb and subfolders (`GET /drive/folders?parent_id=`); 0 is the root. */
export function useFolder(folderId: number): Folder {
  const [st, setSt] = useState<{ id: number; listing: FolderListing | null; error: string | null; missing: boolean }>({
    id: -1, listing: null, error: null, missing: false,
  });
  const [lastPath, setLastPath] = useState<DriveFolder[]>([]);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stale = false;
    driveFolders(folderId).then(
      (listing) => {
        if (stale) return;
        setSt({ id: folderId, listing, error: null, missing: false });
        setLastPath(listing.path);
      },
      (e: unknown) => {
        if (stale) return;
        const missing = e instanceof ApiError && e.status === 404;
        setSt({ id: folderId, listing: null, error: missing ? 'This folder does not exist (any more).' : errorText(e), missing });
      },
    );
    return () => {
      stale = true;
    };
  }, [folderId, tick]);

  const mine = st.id === folderId;
  return {
    listing: mine ? st.listing : null,
    lastPath: mine && st.listing ? st.listing.path : lastPath,
    loading: !mine || (!st.listing && !st.error),
    error: mine ? st.error : null,
    missing: mine && st.missing,
    reload: () => {
      setSt((s) => ({ ...s, id: -1 }));
      setTick((t) => t + 1);
    },
    updateItems: (f) =>
      setSt((s) => (s.id === folderId && s.listing ? { ...s, listing: { ...s.listing, items: f(s.listing.items) } } : s)),
  };
}

/** Folders in the server's order: by name, case-insensitively, then by id. */
export function sortFolders(items: DriveFolder[]): DriveFolder[] {
  return [...items].sort((a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.id - b.id;
  });
}

/** Whether a name contains the search text (as the server matches: case-insensitively). */
export const nameMatches = (name: string, q: string) => !q || name.toLowerCase().includes(q.toLowerCase());

/** The name of the folder at the end of a breadcrumb ("Drive" at the root). */
export const folderName = (path: DriveFolder[]) => (path.length ? path[path.length - 1].name : 'Drive');

/**
 * Where a folder is: "Drive", then each folder down to the current one (marked as the current
 * page and focusable, so focus can land on it after moving). Earlier steps are links when
 * `hrefOf` is given (the Drive page), else buttons that call `onOpen` (the modals).
 */
export function Breadcrumb({
  path,
  folderId,
  onOpen,
  hrefOf,
  currentRef,
  label = 'Folder path',
}: {
  path: DriveFolder[];
  folderId: number;
  onOpen?: (id: number) => void;
  hrefOf?: (id: number) => string;
  currentRef?: Ref<HTMLSpanElement>;
  label?: string;
}) {
  // While a folder loads, the breadcrumb that came last may not reach it yet.
  const steps: Array<{ id: number; name: string }> = [{ id: 0, name: 'Drive' }, ...path.map((f) => ({ id: f.id, name: f.name }))];
  const at = steps.findIndex((s) => s.id === folderId);
  return (
    <nav className="crumbs" aria-label={label}>
      <ol>
        {steps.map((s, i) => (
          <li key={s.id}>
            {i === at ? (
              <span className="crumb-current" aria-current="page" tabIndex={-1} ref={currentRef}>
                {s.name}
              </span>
            ) : hrefOf ? (
              <a href={hrefOf(s.id)}>{s.name}</a>
            ) : (
              <button type="button" className="crumb-btn" onClick={() => onOpen?.(s.id)}>
                {s.name}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function FolderIcon() {
  return <Icon className="drv-icon drv-icon-folder" d={FOLDER} />;
}

export function FileIcon() {
  return <Icon className="drv-icon" d={DOC} />;
}

/** "12 KB · 5 Dec", and for a chat file the dialog it was sent in. */
export function fileDetails(f: DriveFile & { dialog_id?: number }): string {
  const parts = [formatSize(f.size), shortTime(f.created_at)];
  if (f.dialog_id) parts.push(`Dialog #${f.dialog_id}`);
  return parts.filter(Boolean).join(' · ');
}

/**
 * A file's name as a link: pictures open in a new tab, anything else downloads. A URL that is
 * not http(s) is not linked.
 */
export function FileLink({ file, id }: { file: DriveFile; id?: string }) {
  const href = fileHref(file.url, window.location.href);
  if (!href) {
    return (
      <span className="drv-name" id={id}>
        {file.name}
      </span>
    );
  }
  return file.image ? (
    <a className="drv-name" id={id} href={href} target="_blank" rel="noopener noreferrer" title={`Open ${file.name}`}>
      {file.name}
    </a>
  ) : (
    <a className="drv-name" id={id} href={href} download title={`Download ${file.name}`}>
      {file.name}
    </a>
  );
}

/** "Loading…", an error with "Try again", or nothing. */
export function LoadState({ loading, error, onRetry, what }: { loading: boolean; error: string | null; onRetry: () => void; what: string }) {
  if (error) {
    return (
      <div className="drv-error" role="alert">
        <span>{error}</span>
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (loading) {
    return (
      <p className="drv-note muted" role="status">
        Loading {what}…
      </p>
    );
  }
  return null;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="drv-note drv-empty muted">{children}</p>;
}

export function LoadMore({ paged, label = 'Load more' }: { paged: Paged<unknown & { id: number }>; label?: string }) {
  if (!paged.hasMore || paged.error) return null;
  return (
    <button type="button" className="btn drv-more" disabled={paged.loading} onClick={paged.more}>
      {paged.loading ? 'Loading…' : label}
    </button>
  );
}
