// A message's edit history and the `mention` event: its shape and a guard that checks frames
// coming off the socket before the store acts on them.
import { api, type Page } from './client';

/** One entry of `GET /api/v1/messages/{id}/edits`: the text the message had before an edit. */
export interface MessageEdit {
  previous_text: string;
  editor_id: number;
  edited_at: string;
}

/** A message's earlier versions, oldest first (not paged; `next_cursor` is always null). */
export const messageEdits = (id: number) => api<Page<MessageEdit>>('GET', `/api/v1/messages/${id}/edits`);

/** `mention`: someone mentioned `employee_id` with `[user=ID]…[/user]` in a message. */
export interface Mention {
  employee_id: number;
  dialog_id: number;
  message_id: number;
  by: { id: number; name: string };
  hidden: boolean;
  /** The message text without markup. */
  text: string;
}

export interface MentionFrame {
  seq: number;
  type: 'mention';
  data: Mention;
}

/** The realtime client passes on every event type; this picks out well-formed mentions. */
export function isMentionFrame(frame: unknown): frame is MentionFrame {
  if (typeof frame !== 'object' || frame === null) return false;
  const f = frame as { type?: unknown; data?: unknown };
  if (f.type !== 'mention' || typeof f.data !== 'object' || f.data === null) return false;
  const d = f.data as Partial<Record<keyof Mention, unknown>>;
  return (
    typeof d.employee_id === 'number' &&
    typeof d.dialog_id === 'number' &&
    typeof d.message_id === 'number' &&
    typeof d.by === 'object' &&
    d.by !== null
  );
}
