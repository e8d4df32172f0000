// Files attached to the reply of each dialog. Each file uploads as soon as it is attached (so
// that Send only has to name the ids); files chosen in the Drive picker are on the server
// already and come in done (`attachExisting`). The list lives outside the reply box so that an
// upload carries on, and its chip is still there, after switching to another dialog and back.
// Not kept across reloads: a File cannot be stored, and an upload is quick to repeat.
import { useSyncExternalStore } from 'react';
import { ApiError, type UploadOptions } from '../api/client';
import type { MessageFile } from '../api/types';
import { MAX_FILES } from '../../../shared/files';

export type AttachmentState = 'uploading' | 'done' | 'error';

export interface Attachment {
  /** Unique in the app's lifetime (React key, removal). */
  key: string;
  name: string;
  size: number;
  state: AttachmentState;
  /** 0…1 while uploading, once the browser knows. */
  progress: number | null;
  /** Why the upload failed (state error): the server's message, e.g. the size limit. */
  error?: string;
  /** The server's file (state done). */
  file?: MessageFile;
}

/** Uploads one file: `uploadFile` in the app, a fake in tests. */
export type Uploader = (file: File, opts: UploadOptions) => Promise<MessageFile>;

const EMPTY: Attachment[] = [];
const lists = new Map<number, Attachment[]>();
const aborts = new Map<string, AbortController>();
const listeners = new Set<() => void>();
let counter = 0;

function set(dialogId: number, list: Attachment[]) {
  if (list.length) lists.set(dialogId, list);
  else lists.delete(dialogId);
  for (const l of listeners) l();
}

function patch(dialogId: number, key: string, f: (a: Attachment) => Attachment) {
  const list = lists.get(dialogId);
  if (!list?.some((a) => a.key === key)) return; // removed meanwhile
  set(dialogId, list.map((a) => (a.key === key ? f(a) : a)));
}

export function getAttachments(dialogId: number): Attachment[] {
  return lists.get(dialogId) ?? EMPTY;
}

/**
 * Attaches `files` to the dialog's reply and starts uploading each. Files beyond MAX_FILES
 * (counting those already attached and not failed) are left out; returns how many were.
 */
export function attach(dialogId: number, files: File[], upload: Uploader): number {
  const current = getAttachments(dialogId);
  const room = Math.max(0, MAX_FILES - current.filter((a) => a.state !== 'error').length);
  const taken = files.slice(0, room);
  const added: Array<[Attachment, File]> = taken.map((f) => [
    { key: `att-${++counter}`, name: f.name || 'file', size: f.size, state: 'uploading', progress: null },
    f,
  ]);
  if (added.length) set(dialogId, [...current, ...added.map(([a]) => a)]);
  for (const [a, f] of added) {
    const ctl = new AbortController();
    aborts.set(a.key, ctl);
    upload(f, {
      signal: ctl.signal,
      onProgress: (loaded, total) =>
        patch(dialogId, a.key, (x) => ({ ...x, progress: total > 0 ? Math.min(1, loaded / total) : null })),
    }).then(
      (file) => patch(dialogId, a.key, (x) => ({ ...x, state: 'done', progress: 1, file })),
      (e: unknown) => {
        if (e instanceof ApiError && e.code === 'aborted') return;
        const error = e instanceof Error && e.message ? e.message : 'The upload failed.';
        patch(dialogId, a.key, (x) => ({ ...x, state: 'error', progress: null, error }));
      },
    ).finally(() => aborts.delete(a.key));
  }
  return files.length - taken.length;
}

/** How many more files may be attached to the dialog's reply (failed uploads do not count). */
export function attachRoom(dialogId: number): number {
  return Math.max(0, MAX_FILES - getAttachments(dialogId).filter((a) => a.state !== 'error').length);
}

/**
 * Attaches files that are already on the server (from the Drive or a chat): their chips are
 * done at once and Send names their ids. A file already attached is not attached twice; files
 * beyond MAX_FILES are left out, and the return value says how many were.
 */
export function attachExisting(dialogId: number, files: readonly MessageFile[]): number {
  const current = getAttachments(dialogId);
  const have = new Set(current.flatMap((a) => (a.state === 'done' && a.file ? [a.file.id] : [])));
  const fresh = files.filter((f, i) => !have.has(f.id) && files.findIndex((g) => g.id === f.id) === i);
  const taken = fresh.slice(0, attachRoom(dialogId));
  if (taken.length) {
    const added: Attachment[] = taken.map((f) => ({
      key: `att-${++counter}`,
      name: f.name || 'file',
      size: f.size,
      state: 'done',
      progress: 1,
      // Only the message file's own fields (a Drive listing carries more).
      file: { id: f.id, name: f.name, size: f.size, mime: f.mime, image: f.image, url: f.url },
    }));
    set(dialogId, [...current, ...added]);
  }
  return fresh.length - taken.length;
}

/** Takes a file off the reply (cancelling its upload if it is still going). */
export function removeAttachment(dialogId: number, key: string) {
  aborts.get(key)?.abort();
  aborts.delete(key);
  set(dialogId, getAttachments(dialogId).filter((a) => a.key !== key));
}

/** Takes the given files off the reply (after they were sent); all of them without `keys`. */
export function clearAttachments(dialogId: number, keys?: readonly string[]) {
  const drop = keys ? new Set(keys) : null;
  const keep = getAttachments(dialogId).filter((a) => drop && !drop.has(a.key));
  for (const a of getAttachments(dialogId)) {
    if (!keep.includes(a)) {
      aborts.get(a.key)?.abort();
      aborts.delete(a.key);
    }
  }
  set(dialogId, keep);
}

export function useAttachments(dialogId: number): Attachment[] {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => getAttachments(dialogId),
  );
}

/** Forgets every attachment and cancels the uploads: on sign-out and between tests. */
export function resetAttachments() {
  for (const c of aborts.values()) c.abort();
  aborts.clear();
  lists.clear();
  for (const l of listeners) l();
}
