// Reply box commands: a draft that starts with `/rename <new title>`, `/chatid` or `/quote` is a
// command, never a message. The `/` popup lists the matching commands above the quick answers;
// Enter, Tab or a click runs the chosen one, and Enter on a complete command typed out runs it
// too. `/rename` renames the dialog for employees (the customer never sees the title),
// `/chatid` copies the chat ID for an external integration, `/quote` quotes the customer's last
// message into the draft and makes the reply answer it.
import { useContext, useMemo } from 'react';
import { StoreContext } from '../state/context';
import type { Store } from '../state/store';

export type CommandName = 'rename' | 'chatid' | 'quote';

export interface CommandSpec {
  name: CommandName;
  /** How it is written, e.g. `/rename <new title>`. */
  usage: string;
  description: string;
  /** `required`: a text follows the name; `optional`: it may; `none`: nothing may follow. */
  arg: 'required' | 'optional' | 'none';
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'rename', usage: '/rename <new title>', description: 'Rename the dialog (only employees see the name)', arg: 'required' },
  { name: 'chatid', usage: '/chatid', description: 'Copy the chat ID for an external integration', arg: 'none' },
  { name: 'quote', usage: '/quote', description: "Quote the customer's last message", arg: 'optional' },
];

/** The titles the server takes: at most 255 bytes of UTF-8. */
export const MAX_TITLE_BYTES = 255;

/** A command being typed: `/name` or `/name text` from the start of the draft up to the caret. */
export interface CommandToken {
  /** Index of the `/`. */
  start: number;
  /** Index after the typed command (the caret). */
  end: number;
  /** What follows the `/` up to the first space (may be partial or empty). */
  name: string;
  /** What follows the name and a space; null while there is no space yet. */
  arg: string | null;
}

/**
 * The command before the caret: a `/` that only whitespace precedes in the draft, then letters
 * and optionally a space and text on the same line.
 */
export function commandToken(text: string, caret: number): CommandToken | null {
  const before = text.slice(0, caret);
  const m = /^(\s*)\/([A-Za-z]*)(?:[ \t]+([^\n]*))?$/.exec(before);
  if (!m) return null;
  const name = m[2];
  const arg = m[3] ?? null;
  if (arg !== null && !name) return null;
  if (before.length - m[1].length > 2000) return null;
  return { start: m[1].length, end: caret, name, arg };
}

export interface CommandMatch {
  spec: CommandSpec;
  /** The trimmed text after the name ('' when none). */
  arg: string;
}

/** The commands a typed `/name` (or `/name arg`) stands for, in menu order. */
export function matchCommands(name: string, arg: string | null): CommandMatch[] {
  const n = name.toLowerCase();
  if (arg === null) return COMMANDS.filter((c) => c.name.startsWith(n)).map((spec) => ({ spec, arg: '' }));
  // After a space, only the exact name is meant.
  const spec = COMMANDS.find((c) => c.name === n);
  return spec ? [{ spec, arg: arg.trim() }] : [];
}

/** The command the whole draft is (`/name` exactly, then optionally whitespace and text), else null. */
export function parseCommand(text: string): CommandMatch | null {
  const m = /^\s*\/([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) return null;
  const spec = COMMANDS.find((c) => c.name === m[1].toLowerCase());
  return spec ? { spec, arg: (m[2] ?? '').trim() } : null;
}

/** A title as the server takes it: control characters and runs of whitespace become one space. */
export function cleanTitle(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

export const titleTooLong = (title: string) => new TextEncoder().encode(title).length > MAX_TITLE_BYTES;

// `/quote` writes the same markup as the message menu's Quote.
export { quoteMarkup } from '../state/drafts';

/** What the commands act on: the open dialog, through the workspace store in the app. */
export interface CommandContext {
  /** Renames the dialog for employees; resolves to whether it worked (failures are reported). */
  rename(title: string): Promise<boolean>;
  /** Copies the chat ID and says so (or shows it when the clipboard is not available). */
  copyChatId(): Promise<void>;
  /** The customer's last message that has text, or null. */
  lastCustomerMessage(): { id: number; name: string; text: string } | null;
}

/** The commands of a dialog in the workspace store. */
export function storeCommands(store: Store, dialogId: number): CommandContext {
  return {
    async rename(title) {
      const ok = await store.action(dialogId, 'rename', { title });
      if (ok) store.toast('Dialog renamed', 'info');
      return ok;
    },
    async copyChatId() {
      const d = store.getState().dialogs.get(dialogId);
      if (!d) {
        store.toast('The chat ID is not known yet');
        return;
      }
      const id = String(d.chat_id);
      try {
        await navigator.clipboard.writeText(id);
        store.toast(`Chat ID copied: ${id}`, 'info');
      } catch {
        // No clipboard (e.g. a plain-HTTP origin) or no permission: show it to copy by hand.
        store.toast(`Chat ID: ${id} (could not copy it to the clipboard)`);
      }
    },
    lastCustomerMessage() {
      const s = store.getState();
      const items = s.threads.get(dialogId)?.items ?? [];
      for (let i = items.length - 1; i >= 0; i--) {
        const m = items[i];
        if (m.author.kind !== 'customer' || m.deleted || m.system || !m.text) continue;
        const name = m.author.name || s.dialogs.get(dialogId)?.customer.name || 'Customer';
        return { id: m.id, name, text: m.text };
      }
      return null;
    },
  };
}

/** The store's commands for the dialog, or undefined outside a store (e.g. in isolated tests). */
export function useStoreCommands(dialogId: number): CommandContext | undefined {
  const store = useContext(StoreContext);
  return useMemo(() => (store ? storeCommands(store, dialogId) : undefined), [store, dialogId]);
}

export const COMMAND_LIST_ID = 'command-list';
export const commandOptionId = (name: CommandName) => `command-${name}`;

/** The commands part of the `/` popup: a listbox the textarea drives like the quick answers. */
export function CommandList({
  items,
  active,
  onPick,
  onHover,
}: {
  items: CommandMatch[];
  /** Index into `items`; -1 when the active option is elsewhere. */
  active: number;
  onPick: (c: CommandMatch) => void;
  onHover: (index: number) => void;
}) {
  return (
    <ul role="listbox" id={COMMAND_LIST_ID} aria-label="Commands" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {items.map((c, i) => (
        <li
          key={c.spec.name}
          id={commandOptionId(c.spec.name)}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'qa-option qa-active' : 'qa-option'}
          // Keep the focus in the textarea.
          onMouseDown={(e) => e.preventDefault()}
          onMouseEnter={() => onHover(i)}
          onClick={() => onPick(c)}
        >
          <span className="qa-title">{c.arg && c.spec.arg !== 'none' ? `/${c.spec.name} ${c.arg}` : c.spec.usage}</span>
          <span className="qa-section">Command</span>
          <span className="qa-text">{c.spec.description}</span>
        </li>
      ))}
    </ul>
  );
}
