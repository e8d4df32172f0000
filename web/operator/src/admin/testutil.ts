// Test helpers: a fetch mock that answers by method and path and records the calls.
import { vi } from 'vitest';
import type { Channel, Employee, Line } from '../api/types';

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

type Handler = (call: Call) => { status?: number; json?: unknown } | undefined;

export function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** Installs a fetch mock; handlers are tried in order, the first to answer wins. */
export function mockFetch(...handlers: Handler[]) {
  const calls: Call[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const call = { method, path: url, body };
    calls.push(call);
    for (const h of handlers) {
      const r = h(call);
      if (r) return r.status === 204 ? new Response(null, { status: 204 }) : json(r.status ?? 200, r.json);
    }
    return json(404, { error: { code: 'not_found', message: `no mock for ${method} ${url}` } });
  });
  return { calls, spy };
}

export function route(method: string, path: string | RegExp, answer: (c: Call) => { status?: number; json?: unknown }): Handler {
  return (c) => {
    if (c.method !== method) return undefined;
    const p = c.path.split('?')[0];
    if (typeof path === 'string' ? p !== path : !path.test(p)) return undefined;
    return answer(c);
  };
}

const T = '2026-01-01T00:00:00Z';

export function employee(id: number, name: string, extra: Partial<Employee> = {}): Employee {
  return {
    id, name, email: name.toLowerCase().replace(/\s+/g, '.') + '@example.test', role: 'operator',
    avatar_url: '', active: true, created_at: T, updated_at: T, ...extra,
  };
}

export function line(id: number, name: string, queue: number[], extra: Partial<Line> = {}): Line {
  return {
    id, name, queue,
    routing: { mode: 'evenly', queue_time_s: 60, max_chats: 0, max_chats_count: ['new', 'answered', 'waiting_customer'], only_available: true },
    created_at: T, updated_at: T, ...extra,
  };
}

export function channel(id: number, lineId: number, kind: Channel['kind'], extra: Partial<Channel> = {}): Channel {
  return {
    id, line_id: lineId, kind, name: kind === 'webchat' ? 'Website chat' : 'Connector', webhook_url: '',
    allowed_origins: [], active: true, created_at: T, updated_at: T, ...extra,
  };
}

export const ADMIN = employee(1, 'Ada Admin', { role: 'admin' });
