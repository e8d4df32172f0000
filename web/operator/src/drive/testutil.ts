// A small in-memory Drive behind a mocked fetch, for the Drive page and picker tests: folders
// (names unique in their parent, the server's name checks, delete only when empty), files
// (newest first, search by name, cursor paging) and chat files, with the server's status codes.
import type { ChatFile, DriveFile, DriveFolder } from '../api/types';
import { mockFetch, type Call } from '../admin/testutil';

const T = '2026-11-25T12:00:00.000Z';

export function folder(id: number, name: string, parent = 0, createdBy = 1): DriveFolder {
  return { id, parent_id: parent, name, created_by: createdBy, created_at: T };
}

export function driveFile(id: number, name: string, folderId: number | null = 0, over: Partial<DriveFile> = {}): DriveFile {
  const image = /\.(png|jpe?g|gif|webp)$/i.test(name);
  return {
    id, name, size: 1234, mime: image ? 'image/png' : 'text/plain', image, url: `/files/${id}?exp=1&sig=ab`,
    created_at: T, uploaded_by: 1, folder_id: folderId, ...over,
  };
}

export function chatFile(id: number, name: string, dialogId = 7, over: Partial<ChatFile> = {}): ChatFile {
  return { ...driveFile(id, name, null, { uploaded_by: null }), dialog_id: dialogId, message_id: id * 10, ...over };
}

export interface FakeDrive {
  folders: DriveFolder[];
  files: DriveFile[];
  chat: ChatFile[];
  /** Every request, in order. */
  calls: Call[];
  /** Makes the next requests whose "METHOD path" starts with `prefix` fail with this answer. */
  failNext(prefix: string, status: number, code: string, message: string, times?: number): void;
  /** Page size when the request has no limit (the app asks for 50). */
  pageSize?: number;
}

const err = (status: number, code: string, message: string) => ({ status, json: { error: { code, message } } });

export function fakeDrive(init: { folders?: DriveFolder[]; files?: DriveFile[]; chat?: ChatFile[]; me?: number } = {}): FakeDrive {
  const me = init.me ?? 1;
  const failures: Array<{ prefix: string; left: number; answer: { status: number; json: unknown } }> = [];
  let nextFolder = 100;
  const drive: FakeDrive = {
    folders: [...(init.folders ?? [])],
    files: [...(init.files ?? [])],
    chat: [...(init.chat ?? [])],
    calls: [],
    failNext(prefix, status, code, message, times = 1) {
      failures.push({ prefix, left: times, answer: err(status, code, message) });
    },
  };
  const byId = (id: number) => drive.folders.find((f) => f.id === id);
  const badName = (raw: unknown) => {
    const name = typeof raw === 'string' ? raw.trim() : '';
    if (!name) return 'name is required';
    if (new TextEncoder().encode(name).length > 100) return 'name is too long (100 bytes at most)';
    if (/[/\\]/.test(name)) return 'name may not contain / or \\';
    if (name === '.' || name === '..') return 'name may not be . or ..';
    return null;
  };
  const page = <T extends { id: number; name: string }>(items: T[], url: URL) => {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const limit = Number(url.searchParams.get('limit') ?? drive.pageSize ?? 50);
    const before = url.searchParams.get('cursor') ? Number(atob(url.searchParams.get('cursor')!)) : Infinity;
    const all = items.filter((f) => f.id < before && f.name.toLowerCase().includes(q)).sort((a, b) => b.id - a.id);
    const shown = all.slice(0, limit);
    return { json: { items: shown, next_cursor: all.length > limit ? btoa(String(shown[shown.length - 1].id)) : null } };
  };

  const handle = (c: Call): { status?: number; json?: unknown } | undefined => {
    const failure = failures.find((f) => `${c.method} ${c.path}`.startsWith(f.prefix) && f.left > 0);
    if (failure) {
      failure.left--;
      return failure.answer;
    }
    const url = new URL(c.path, 'http://localhost');
    const p = url.pathname;
    const body = (c.body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    if (c.method === 'GET' && p === '/api/v1/drive/folders') {
      const parent = Number(url.searchParams.get('parent_id') ?? 0);
      if (parent && !byId(parent)) return err(404, 'not_found', 'folder not found');
      const path: DriveFolder[] = [];
      for (let f = byId(parent); f; f = byId(f.parent_id)) path.unshift(f);
      const items = drive.folders
        .filter((f) => f.parent_id === parent)
        .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
      return { json: { path, items } };
    }
    if (c.method === 'POST' && p === '/api/v1/drive/folders') {
      const why = badName(body.name);
      if (why) return err(400, 'invalid_request', why);
      const parent = Number(body.parent_id ?? 0);
      if (parent && !byId(parent)) return err(404, 'not_found', 'folder not found');
      const name = String(body.name).trim();
      if (drive.folders.some((f) => f.parent_id === parent && f.name === name)) {
        return err(409, 'conflict', 'a folder of that name is already there');
      }
      const f = folder(++nextFolder, name, parent, me);
      drive.folders.push(f);
      return { status: 201, json: f };
    }
    if ((m = /^\/api\/v1\/drive\/folders\/(\d+)$/.exec(p))) {
      const f = byId(Number(m[1]));
      if (!f) return err(404, 'not_found', 'folder not found');
      if (c.method === 'PATCH') {
        const why = badName(body.name);
        if (why) return err(400, 'invalid_request', why);
        const name = String(body.name).trim();
        if (drive.folders.some((x) => x.id !== f.id && x.parent_id === f.parent_id && x.name === name)) {
          return err(409, 'conflict', 'a folder of that name is already there');
        }
        f.name = name;
        return { json: { ...f } };
      }
      if (c.method === 'DELETE') {
        if (drive.folders.some((x) => x.parent_id === f.id) || drive.files.some((x) => x.folder_id === f.id)) {
          return err(409, 'conflict', 'the folder is not empty: move or remove what is in it first');
        }
        drive.folders = drive.folders.filter((x) => x.id !== f.id);
        return { status: 204 };
      }
    }
    if (c.method === 'GET' && p === '/api/v1/drive/files') {
      const at = Number(url.searchParams.get('folder_id') ?? 0);
      if (at && !byId(at)) return err(404, 'not_found', 'folder not found');
      return page(drive.files.filter((f) => f.folder_id === at), url);
    }
    if (c.method === 'GET' && p === '/api/v1/drive/chat-files') return page(drive.chat, url);
    if ((m = /^\/api\/v1\/drive\/files\/(\d+)$/.exec(p))) {
      const id = Number(m[1]);
      if (c.method === 'PUT') {
        const to = Number(body.folder_id ?? 0);
        if (to && !byId(to)) return err(404, 'not_found', 'folder not found');
        let f = drive.files.find((x) => x.id === id);
        if (!f) {
          const fromChat = drive.chat.find((x) => x.id === id);
          if (!fromChat) return err(404, 'not_found', 'file not found');
          const { dialog_id: _d, message_id: _m, ...plain } = fromChat;
          f = { ...plain };
          drive.files.push(f);
        }
        f.folder_id = to;
        for (const x of drive.chat) if (x.id === id) x.folder_id = to;
        return { json: { ...f } };
      }
      if (c.method === 'DELETE') {
        const f = drive.files.find((x) => x.id === id && x.folder_id !== null);
        if (!f) return err(404, 'not_found', 'file not found in the Drive');
        drive.files = drive.files.filter((x) => x !== f);
        return { status: 204 };
      }
    }
    return undefined;
  };

  const { calls } = mockFetch(handle);
  drive.calls = calls;
  return drive;
}

/** The requests made so far as "METHOD path", optionally only those starting with `prefix`. */
export const requests = (d: FakeDrive, prefix = '') =>
  d.calls.map((c) => `${c.method} ${c.path}`).filter((s) => s.startsWith(prefix));
