// The one way the app talks to the server's REST API: same-origin, the session cookie for
// authentication and the CSRF cookie echoed in `X-CSRF-Token` on every state change.
// Errors come back as ApiError with the server's `{"error":{"code","message"}}`.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Called when any request answers 401: the app goes back to the sign-in screen. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export function csrfToken(): string {
  const m = document.cookie.match(/(?:^|; )omniline_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : '';
}

/** Builds `path?k=v&…`, leaving out undefined, null and empty values. */
export function withQuery(path: string, query: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r: Response;
  try {
    r = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection.');
  }
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!r.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    if (r.status === 401 && onUnauthorized && !path.startsWith('/api/v1/auth/')) onUnauthorized();
    throw new ApiError(r.status, err?.code ?? 'http_' + r.status, err?.message ?? `Request failed (${r.status})`);
  }
  return json as T;
}
