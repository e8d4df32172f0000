// The per-message menu; which items exist follows the server's rules (state/rules.ts).
import type { Dialog, Employee, Line, Message } from '../api/types';
import { messageMenuRules } from '../state/rules';
import { Menu, type MenuItem } from './Menu';

export interface MessageMenuHandlers {
  onQuote(m: Message): void;
  onNewSession(m: Message): void;
  onEdit(m: Message): void;
  onDelete(m: Message): void;
  /** Offered on messages with text when set (the caller checks that I may save one). */
  onSaveQuickAnswer?(m: Message): void;
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
  if (rules.quote) items.push({ label: 'Quote', onSelect: () => handlers.onQuote(message) });
  if (rules.newSession) items.push({ label: 'Close dialog and create new', onSelect: () => handlers.onNewSession(message) });
  if (rules.edit) items.push({ label: 'Edit', onSelect: () => handlers.onEdit(message) });
  if (rules.delete) items.push({ label: 'Delete', onSelect: () => handlers.onDelete(message) });
  const save = handlers.onSaveQuickAnswer;
  if (save && rules.quote) items.push({ label: 'Save as quick answer', onSelect: () => save(message) });
  return <Menu label="Message actions" items={items} buttonContent="⋯" className="msg-menu" />;
}
