// Typed wrappers of the REST endpoints the workspace uses, so components never build paths.
import { api, upload, withQuery, type Page, type UploadOptions } from './client';
import type {
  ChatFile, Dialog, DialogCounts, DirectoryEntry, DriveFile, DriveFolder, Employee, FolderListing, Line, LoginResponse,
  Message, MessageFile, QuickAnswer, QuickAnswerInput, RelatedDialog, Session,
} from './types';

export type View = 'unanswered' | 'mine' | 'all';

export const login = (email: string, password: string) =>
  api<LoginResponse>('POST', '/api/v1/auth/login', { email, password });
export const logout = () => api<void>('POST', '/api/v1/auth/logout');
export const getMe = () => api<Employee>('GET', '/api/v1/me');
export const setAway = (away: boolean) => api<{ away: boolean }>('PUT', '/api/v1/me/away', { away });

export const listDialogs = (view: View, q: string, cursor: string | null, limit = 50) =>
  api<Page<Dialog>>('GET', withQuery('/api/v1/dialogs', { view, q, cursor, limit }));
export const dialogCounts = () => api<DialogCounts>('GET', '/api/v1/dialogs/counts');
export const getDialog = (id: number) => api<Dialog>('GET', `/api/v1/dialogs/${id}`);
export const relatedDialogs = (id: number) => api<Page<RelatedDialog>>('GET', `/api/v1/dialogs/${id}/related`);
export const dialogSessions = (id: number, cursor: string | null, limit = 50) =>
  api<Page<Session>>('GET', withQuery(`/api/v1/dialogs/${id}/sessions`, { cursor, limit }));

export const listMessages = (dialogId: number, cursor: string | null, limit = 50) =>
  api<Page<Message>>('GET', withQuery(`/api/v1/dialogs/${dialogId}/messages`, { cursor, limit }));
/** `files`: ids of uploaded files (at most 10); `text` may then be empty. */
export const sendMessage = (
  dialogId: number, text: string, hidden: boolean, replyTo: number | null, files: number[] = [],
) =>
  api<Message>('POST', `/api/v1/dialogs/${dialogId}/messages`, {
    text,
    hidden,
    ...(replyTo ? { reply_to: replyTo } : {}),
    ...(files.length ? { files } : {}),
  });

/** Uploads one file (multipart, one part named `file`) to attach to a message. */
export function uploadFile(file: File, opts?: UploadOptions): Promise<MessageFile> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<MessageFile>('/api/v1/files', form, opts);
}
/** Uploads one file straight into a Drive folder (0: the root). */
export function uploadToDrive(folderId: number, file: File, opts?: UploadOptions): Promise<DriveFile> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<DriveFile>(withQuery('/api/v1/files', { folder_id: folderId }), form, opts);
}
export const editMessage = (id: number, text: string) => api<Message>('PATCH', `/api/v1/messages/${id}`, { text });
/** Sends an operator message whose delivery failed once more: 200 with delivery "pending", 409 unless it failed. */
export const retryDelivery = (id: number) => api<Message>('POST', `/api/v1/messages/${id}/retry`);
export const deleteMessage = (id: number) => api<void>('DELETE', `/api/v1/messages/${id}`);

export type DialogAction =
  | 'answer' | 'skip' | 'forward' | 'close' | 'accept_and_close' | 'spam' | 'force_close' | 'take_over'
  | 'pin' | 'unpin' | 'invite' | 'rename' | 'new_session' | 'read';

export interface ActionBody {
  employee_id?: number;
  line_id?: number;
  title?: string;
  from_message_id?: number;
  message_id?: number;
}

export const dialogAction = (id: number, action: DialogAction, body?: ActionBody) =>
  api<Dialog>('POST', `/api/v1/dialogs/${id}/${action}`, body ?? {});

export const listLines = (cursor: string | null) =>
  api<Page<Line>>('GET', withQuery('/api/v1/lines', { cursor, limit: 200 }));
export const directory = (q: string, cursor: string | null, limit = 50) =>
  api<Page<DirectoryEntry>>('GET', withQuery('/api/v1/directory/employees', { q, cursor, limit }));

export interface QuickAnswerQuery {
  q?: string;
  /** The global answers plus this line's. */
  line_id?: number | null;
  section?: string;
  cursor?: string | null;
  limit?: number;
}
export const listQuickAnswers = (query: QuickAnswerQuery) =>
  api<Page<QuickAnswer>>('GET', withQuery('/api/v1/quick-answers', { ...query }));
export const quickAnswerSections = (lineId: number | null) =>
  api<{ items: string[] }>('GET', withQuery('/api/v1/quick-answers/sections', { line_id: lineId }));
export const createQuickAnswer = (input: QuickAnswerInput) =>
  api<QuickAnswer>('POST', '/api/v1/quick-answers', input);
export const updateQuickAnswer = (id: number, patch: Partial<QuickAnswerInput>) =>
  api<QuickAnswer>('PATCH', `/api/v1/quick-answers/${id}`, patch);
export const deleteQuickAnswer = (id: number) => api<void>('DELETE', `/api/v1/quick-answers/${id}`);

// The company Drive: folders (0 is the root), the files put into them, and the files of chats.
export const driveFolders = (parentId: number) =>
  api<FolderListing>('GET', withQuery('/api/v1/drive/folders', { parent_id: parentId || null }));
export const createDriveFolder = (name: string, parentId: number) =>
  api<DriveFolder>('POST', '/api/v1/drive/folders', { name, ...(parentId ? { parent_id: parentId } : {}) });
export const renameDriveFolder = (id: number, name: string) =>
  api<DriveFolder>('PATCH', `/api/v1/drive/folders/${id}`, { name });
export const deleteDriveFolder = (id: number) => api<void>('DELETE', `/api/v1/drive/folders/${id}`);
export const driveFiles = (folderId: number, q: string, cursor: string | null, limit = 50) =>
  api<Page<DriveFile>>('GET', withQuery('/api/v1/drive/files', { folder_id: folderId, q, cursor, limit }));
export const chatFiles = (q: string, cursor: string | null, limit = 50) =>
  api<Page<ChatFile>>('GET', withQuery('/api/v1/drive/chat-files', { q, cursor, limit }));
/** Puts a file (own upload, Drive file, file of a chat I can open) into a folder, or moves it there. */
export const putDriveFile = (id: number, folderId: number) =>
  api<DriveFile>('PUT', `/api/v1/drive/files/${id}`, { folder_id: folderId });
/** Takes a file out of the Drive (its chats keep it). */
export const removeDriveFile = (id: number) => api<void>('DELETE', `/api/v1/drive/files/${id}`);

/** Follows `next_cursor` to the end; for short lists such as lines. */
export async function fetchAll<T>(page: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const p: Page<T> = await page(cursor);
    out.push(...p.items);
    cursor = p.next_cursor;
  } while (cursor);
  return out;
}
