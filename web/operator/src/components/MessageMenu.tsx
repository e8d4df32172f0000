// The per-message menu; which items exist follows the server's rules (state/rules.ts).
import { putDriveFile } from '../api/endpoints';
import type { Dialog, Employee, Line, Message } from '../api/types';
import { messageMenuRules } from '../state/rules';
import type { Store } from '../state/store';
import { filesOf } from '../../../shared/files';
import { Menu, type MenuItem } from './Menu';

export interface MessageMenuHandlers {
  onQuote(m: Message): void;
  onNewSession(m: Message): void;
  onEdit(m: Message): void;
  onDelete(m: Message): void;
  /** Offered on messages with text when set (the caller checks that I may save one). */
  onSaveQuickAnswer?(m: Message): void;
  /** Offered on messages with files when set: puts each file into the Drive's root. */
  onSaveToDrive?(m: Message): void;
  /** Offered on operator messages whose delivery failed when set: sends it once more. */
  onRetry?(m: Message): Promise<unknown> | void;
}

export function MessageMenu({
  message,
  dialog,
  me,
  lines,
  handlers,
}: {
  message: Message;
  dialog: Dialog;
  me: Employee;
  lines: ReadonlyMap<number, Line>;
  handlers: MessageMenuHandlers;
}) {
  const rules = messageMenuRules(message, dialog, me, lines);
  const items: MenuItem[] = [];
  const retry = handlers.onRetry;
  if (retry && rules.retry) items.push({ label: 'Send again', onSelect: () => void retry(message) });
  if (rules.quote) items.push({ label: 'Quote', onSelect: () => handlers.onQuote(message) });
  if (rules.newSession) items.push({ label: 'Close dialog and create new', onSelect: () => handlers.onNewSession(message) });
  if (rules.edit) items.push({ label: 'Edit', onSelect: () => handlers.onEdit(message) });
  if (rules.delete) items.push({ label: 'Delete', onSelect: () => handlers.onDelete(message) });
  const save = handlers.onSaveQuickAnswer;
  if (save && rules.quote) items.push({ label: 'Save as quick answer', onSelect: () => save(message) });
  const toDrive = handlers.onSaveToDrive;
  if (toDrive && rules.saveToDrive) items.push({ label: 'Save to Drive', onSelect: () => toDrive(message) });
  return <Menu label="Message actions" items={items} buttonContent="⋯" className="msg-menu" />;
}

/**
 * "Save to Drive": puts each file of the message into the Drive's root (PUT, so a file already
 * in a folder moves there), then says so in a toast; a failure is an error toast.
 */
export async function saveToDrive(store: Pick<Store, 'attempt' | 'toast'>, m: Message): Promise<boolean> {
  const files = filesOf(m);
  if (!files.length) return false;
  const done = await store.attempt(() => Promise.all(files.map((f) => putDriveFile(f.id, 0))));
  if (!done) return false;
  store.toast('Saved to Drive', 'info');
  return true;
}
