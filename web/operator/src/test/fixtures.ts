// Builders for API objects and a fake `fetch` that answers by path, for component tests.
import type { Dialog, Employee, Line, Message } from '../api/types';

const T = '2026-11-25T12:00:00.000Z';

export function employee(over: Partial<Employee> = {}): Employee {
  return {
    id: 1, name: 'Olga', email: 'olga@example.test', role: 'operator', avatar_url: '', active: true,
    created_at: T, updated_at: T, ...over,
  };
}

export function line(over: Partial<Line> = {}): Line {
  return {
    id: 1, name: 'Support', queue: [1],
    routing: { mode: 'all', queue_time_s: 60, max_chats: 5, max_chats_count: ['new'], only_available: false },
    created_at: T, updated_at: T, ...over,
  };
}

export function dialog(id: number, over: Partial<Dialog> = {}, session: Partial<Dialog['session']> = {}): Dialog {
  return {
    id, chat_id: id, line_id: 1, channel_id: 1, channel: { id: 1, kind: 'api', name: 'Connector' },
    title: `Customer ${id}`, custom_title: false,
    customer: { id, channel_id: 1, external_id: `u${id}`, name: `Customer ${id}`, email: '', phone: '', created_at: T },
    session: {
      id: id * 10, status: 'new', operator_id: null, line_id: 1, pinned: false, offer_deadline: null, created_at: T,
      assigned_at: null, answered_at: null, first_reply_at: null, closed_at: null, message_count: 1, ...session,
    },
    last_message: null, last_message_at: `2026-11-25T12:${String(59 - (id % 60)).padStart(2, '0')}:00.000Z`,
    customer_read_id: 0, created_at: T, unread: 0, ...over,
  };
}

export function message(id: number, over: Partial<Message> = {}): Message {
  return {
    id, dialog_id: 1, session_id: 10, author: { kind: 'customer', name: 'Customer 1', id: 1 }, text: `Message ${id}`,
    hidden: false, reply_to: null, external_id: null, system: null, delivery: 'none', created_at: T, edited_at: null,
    deleted: false, ...over,
  };
}

type Route = (url: URL, init: RequestInit) => unknown;

/** Stubs global fetch: the first route whose key is a prefix of the path answers (JSON, 200). */
export function fakeFetch(routes: Record<string, Route | object>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    calls.push({ method: init.method ?? 'GET', path: url.pathname + url.search, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const key = Object.keys(routes)
      .filter((k) => url.pathname.startsWith(k))
      .sort((a, b) => b.length - a.length)[0];
    if (!key) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'Not found' } }), { status: 404 });
    const r = routes[key];
    const body = typeof r === 'function' ? (r as Route)(url, init) : r;
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}
