// Mentions in the reply box: typing `@` at the start or after whitespace followed by letters
// opens a popup of colleagues from the employee directory (debounced); Up/Down/Enter/Tab
// inserts `[user=ID]Name[/user] ` in place of `@query`, Escape closes it. A mention shares
// the dialog with the colleague and notifies them; the customer sees only the name.
import { useEffect, useRef, useState } from 'react';
import { directory } from '../api/endpoints';
import type { DirectoryEntry } from '../api/types';

/** What the mention popup needs to know about where it is used. */
export interface MentionContext {
  /** The signed-in employee, left out of the suggestions. */
  meId: number;
}

export interface MentionToken {
  /** Index of the `@`. */
  start: number;
  /** Index after the query (the caret). */
  end: number;
  query: string;
}

// A letter first, then name characters; up to three words separated by single spaces. A
// trailing space ends the mention, so "Hi @Ann " followed by Enter sends rather than inserts.
const MENTION_RE = /(^|\s)@(\p{L}[\p{L}\p{M}\p{N}._'-]*(?: [\p{L}\p{M}\p{N}._'-]+){0,2})$/u;

/** The `@query` right before the caret (an `@` at the start or after whitespace, then letters). */
export function mentionToken(text: string, caret: number): MentionToken | null {
  const before = text.slice(0, caret);
  const m = MENTION_RE.exec(before);
  if (!m) return null;
  const query = m[2];
  if (query.length > 60) return null;
  const start = caret - query.length - 1;
  return { start, end: caret, query };
}

/** The markup a mention inserts: `[user=ID]Name[/user] ` (brackets in the name dropped). */
export function mentionMarkup(e: Pick<DirectoryEntry, 'id' | 'name'>): string {
  const name = e.name.replace(/[[\]]/g, '').trim() || `#${e.id}`;
  return `[user=${e.id}]${name}[/user] `;
}

/** The colleagues matching `query` (debounced; null query: nothing). */
export function useMentionSearch(query: string | null, ctx: MentionContext | undefined, delayMs = 150) {
  const [items, setItems] = useState<DirectoryEntry[]>([]);
  const seq = useRef(0);
  const meId = ctx?.meId;
  useEffect(() => {
    const mine = ++seq.current;
    if (query === null || !ctx) {
      setItems([]);
      return;
    }
    const timer = setTimeout(() => {
      directory(query.trim(), null, 9)
        .then((page) => {
          if (mine === seq.current) setItems(page.items.filter((e) => e.id !== meId).slice(0, 8));
        })
        .catch(() => {
          if (mine === seq.current) setItems([]);
        });
    }, delayMs);
    return () => clearTimeout(timer);
  }, [query, meId, delayMs]);
  return items;
}

export const MENTION_LIST_ID = 'mention-list';
export const mentionOptionId = (id: number) => `mention-${id}`;

const ROLE_LABEL: Record<string, string> = { admin: 'Admin', supervisor: 'Supervisor', operator: 'Operator' };

/** The popup over the reply box: a listbox the textarea drives with Up/Down/Enter/Tab/Escape. */
export function MentionPopup({
  items,
  active,
  onPick,
  onHover,
}: {
  items: DirectoryEntry[];
  active: number;
  onPick: (e: DirectoryEntry) => void;
  onHover: (index: number) => void;
}) {
  return (
    <ul className="qa-popup mention-popup" role="listbox" id={MENTION_LIST_ID} aria-label="Mention a colleague">
      {items.map((e, i) => (
        <li
          key={e.id}
          id={mentionOptionId(e.id)}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'mention-option qa-active' : 'mention-option'}
          // Keep the focus in the textarea.
          onMouseDown={(ev) => ev.preventDefault()}
          onMouseEnter={() => onHover(i)}
          onClick={() => onPick(e)}
        >
          <span className={e.online && !e.away ? 'mention-dot mention-online' : 'mention-dot'} aria-hidden="true" />
          <span className="mention-name">{e.name}</span>
          <span className="mention-role">
            {ROLE_LABEL[e.role] ?? e.role}
            {e.online ? (e.away ? ', away' : ', online') : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
