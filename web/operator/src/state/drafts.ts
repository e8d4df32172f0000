// Unsent replies per dialog. Kept in memory while switching dialogs and mirrored to
// sessionStorage so a reload of the tab does not lose them either.
import { useSyncExternalStore } from 'react';

export interface Draft {
  text: string;
  replyTo: number | null;
}

const EMPTY: Draft = { text: '', replyTo: null };
const KEY = (id: number) => `omniline.draft.${id}`;
const drafts = new Map<number, Draft>();
const listeners = new Set<() => void>();

export function getDraft(dialogId: number): Draft {
  let d = drafts.get(dialogId);
  if (!d) {
    try {
      const raw = sessionStorage.getItem(KEY(dialogId));
      d = raw ? { ...EMPTY, ...(JSON.parse(raw) as Partial<Draft>) } : EMPTY;
    } catch {
      d = EMPTY;
    }
    drafts.set(dialogId, d);
  }
  return d;
}

export function setDraft(dialogId: number, d: Draft) {
  drafts.set(dialogId, d);
  try {
    if (d.text === '' && d.replyTo === null) sessionStorage.removeItem(KEY(dialogId));
    else sessionStorage.setItem(KEY(dialogId), JSON.stringify(d));
  } catch {
    /* Storage full or disabled: the in-memory draft still works. */
  }
  for (const l of listeners) l();
}

export function clearDraft(dialogId: number) {
  setDraft(dialogId, EMPTY);
}

/** A quote of a message: `[quote=Name]text[/quote]` (or `[quote]…` without a name) and a new line. */
export function quoteMarkup(name: string, text: string): string {
  const who = name.replace(/[[\]\n]/g, '').trim();
  return `${who ? `[quote=${who}]` : '[quote]'}${text}[/quote]\n`;
}

/** Appends a quote of a message to the draft and makes the reply answer it. */
export function quoteIntoDraft(dialogId: number, messageId: number, text: string, author = '') {
  const cur = getDraft(dialogId);
  const sep = cur.text && !cur.text.endsWith('\n') ? '\n' : '';
  setDraft(dialogId, { text: `${cur.text}${sep}${quoteMarkup(author, text)}`, replyTo: messageId });
}

export function useDraft(dialogId: number): Draft {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => getDraft(dialogId),
  );
}

/** Forgets every draft: on sign-out (they may hold customer data) and between tests. */
export function resetDrafts() {
  drafts.clear();
  try {
    sessionStorage.clear();
  } catch {
    /* ignore */
  }
}
