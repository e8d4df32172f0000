// JSON shapes of the REST API and the realtime socket, as docs/openapi.yaml describes them.
// Ids are integers; times are RFC 3339 UTC strings.
import type { MessageFile } from '../../../shared/files';

/**
 * An attached file (`POST /api/v1/files` answers one; messages carry them in `files`):
 * `{id, name, size, mime, image, url}`, `url` a signed, expiring same-origin download URL.
 */
export type { MessageFile };

export type Role = 'admin' | 'supervisor' | 'operator';

export interface Employee {
  id: number;
  name: string;
  email: string;
  role: Role;
  avatar_url: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}

/** `GET /api/v1/directory/employees`: what any employee may see of a colleague. */
export interface DirectoryEntry {
  id: number;
  name: string;
  avatar_url: string;
  role: Role;
  online: boolean;
  away: boolean;
}

export type RoutingMode = 'evenly' | 'strictly' | 'all';
export type CountedStatus = 'new' | 'answered' | 'waiting_customer' | 'closing';

export interface Routing {
  mode: RoutingMode;
  queue_time_s: number;
  max_chats: number;
  max_chats_count: CountedStatus[];
  only_available: boolean;
}

export interface Line {
  id: number;
  name: string;
  queue: number[];
  routing: Routing;
  created_at: string;
  updated_at: string;
}

export type ChannelKind = 'webchat' | 'api' | 'telegram';

/** A telegram channel's bot as the server shows it (its token is never returned). */
export interface TelegramBot {
  bot_id: number;
  username: string;
  first_name: string;
  /** How updates arrive: Omniline polls getUpdates, or Telegram calls the webhook. */
  mode: 'polling' | 'webhook';
}

export interface Channel {
  id: number;
  line_id: number;
  kind: ChannelKind;
  name: string;
  webhook_url: string;
  allowed_origins: string[];
  active: boolean;
  created_at: string;
  updated_at: string;
  /** Only in the reply to creation and to `PATCH {"rotate_secret": true}`. */
  secret?: string;
  /** Telegram channels only: the bot (null when its record cannot be read). */
  telegram?: TelegramBot | null;
}

export interface Customer {
  id: number;
  channel_id: number;
  external_id: string;
  name: string;
  email: string;
  phone: string;
  created_at: string;
}

export type SessionStatus =
  | 'new' | 'skipped' | 'in_work' | 'operator_replied' | 'waiting_operator' | 'closing'
  | 'closed' | 'spam' | 'silently_closed';

export interface Session {
  id: number;
  status: SessionStatus;
  operator_id: number | null;
  line_id: number;
  pinned: boolean;
  offer_deadline: string | null;
  created_at: string;
  assigned_at: string | null;
  answered_at: string | null;
  first_reply_at: string | null;
  closed_at: string | null;
  message_count: number;
}

export type AuthorKind = 'customer' | 'operator' | 'system' | 'bot' | string;
export type Delivery = 'none' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Message {
  id: number;
  dialog_id: number;
  session_id: number;
  author: { kind: AuthorKind; name: string; id?: number };
  text: string;
  hidden: boolean;
  reply_to: number | null;
  external_id: string | null;
  /** For system messages: what happened, e.g. `{"kind":"assigned","employee_id":3}`. */
  system: ({ kind: string } & Record<string, unknown>) | null;
  delivery: Delivery;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  /** Attached files, possibly none; missing in older data (read it with `filesOf`). */
  files?: MessageFile[];
}

export interface Dialog {
  id: number;
  chat_id: number;
  line_id: number;
  channel_id: number;
  /** What every employee may know of the dialog's channel; null when it was deleted. */
  channel: { id: number; kind: ChannelKind; name: string } | null;
  title: string;
  custom_title: boolean;
  customer: Customer;
  session: Session;
  last_message: Message | null;
  last_message_at: string | null;
  customer_read_id: number;
  created_at: string;
  /** For the signed-in employee: customer messages after their read mark. Absent in events. */
  unread?: number;
}

export interface DialogCounts {
  unanswered: number;
  mine: number;
  /** null for operators (they may not list all dialogs). */
  all?: number | null;
}

/** `GET /api/v1/dialogs/{id}/related`: summaries, not filtered by the caller's access. */
export interface RelatedDialog {
  id: number;
  channel_id: number;
  line_id: number;
  /** The custom title only; "" when the dialog was not renamed. */
  title: string;
  last_message_at: string | null;
}

export interface LoginResponse {
  token: string;
  csrf_token: string;
  expires_at: string;
  employee: Employee;
}

export type TypingAuthor = { kind: 'operator' | 'customer'; id?: number; name: string };

export type RealtimeFrame =
  | { seq: number; type: 'hello'; data: { employee_id: number; last_seq: number } }
  | { seq: number; type: 'resumed'; data: { seq: number } }
  | { seq: number; type: 'resync_required'; data: { reason: string } }
  | { seq: number; type: 'error'; data: { code: string; message: string } }
  | { type: 'pong' }
  // A customer's message in an ongoing session carries the dialog too (no dialog.updated follows).
  | { seq: number; type: 'message.created' | 'message.updated'; data: { message: Message; dialog?: Dialog } }
  | { seq: number; type: 'dialog.created' | 'dialog.updated'; data: { dialog: Dialog } }
  | { seq: number; type: 'dialog.read'; data: { dialog_id: number; message_id: number; employee_id?: number; by?: string } }
  | { seq: number; type: 'line.updated' | 'line.deleted'; data: { line: Line } }
  | { seq: number; type: 'typing'; data: { dialog_id: number; author: TypingAuthor } }
  | { seq: number; type: 'presence'; data: { employee_id: number; online?: boolean; away?: boolean } };

/** A reply template (`/api/v1/quick-answers`): global when `line_id` is null. */
export interface QuickAnswer {
  id: number;
  title: string;
  /** The message format (BBCode subset). */
  text: string;
  line_id: number | null;
  section: string | null;
  created_by: number;
  created_at: string;
  updated_at: string;
}

export interface QuickAnswerInput {
  title: string;
  text: string;
  section: string | null;
  line_id: number | null;
}

/** A folder of the company Drive (`/api/v1/drive/folders`); `parent_id` 0 is the root. */
export interface DriveFolder {
  id: number;
  parent_id: number;
  name: string;
  created_by: number;
  created_at: string;
}

/** `GET /api/v1/drive/folders?parent_id=N`: the breadcrumb down to N (empty at the root), its subfolders. */
export interface FolderListing {
  path: DriveFolder[];
  items: DriveFolder[];
}

/** A file as the Drive lists it: a message file plus who uploaded it and where it is in the Drive. */
export interface DriveFile extends MessageFile {
  created_at: string;
  /** The employee who uploaded it; null for files of customers and channels. */
  uploaded_by: number | null;
  /** null: not in the Drive; 0: its root; else a folder. */
  folder_id: number | null;
}

/** `GET /api/v1/drive/chat-files`: a file of a chat the viewer may see, and where it was sent. */
export interface ChatFile extends DriveFile {
  dialog_id: number;
  message_id: number;
}
