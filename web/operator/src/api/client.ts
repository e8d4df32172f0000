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

export interface UploadOptions {
  /** Bytes sent so far and the total, as the upload goes. */
  onProgress?: (loaded: number, total: number) => void;
  /** Aborting rejects with ApiError code `aborted`. */
  signal?: AbortSignal;
}

/**
 * POSTs `form` (multipart/form-data; the browser sets the boundary) with the session cookie
 * and the CSRF header, like `api`, but over XMLHttpRequest, which reports upload progress
 * (fetch does not). Errors come back as ApiError just the same.
 */
export function upload<T>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const { signal, onProgress } = opts;
    const abort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', abort);
    if (signal?.aborted) {
      reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
      return;
    }
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    if (onProgress) {
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) onProgress(e.loaded, e.total);
      });
    }
    xhr.addEventListener('load', () => {
      done();
      let json: unknown = null;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        json = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(json as T);
        return;
      }
      const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
      if (xhr.status === 401 && onUnauthorized) onUnauthorized();
      const fallback = xhr.status === 413 ? 'The file is too large.' : `Upload failed (${xhr.status})`;
      reject(new ApiError(xhr.status, err?.code ?? 'http_' + xhr.status, err?.message ?? fallback));
    });
    xhr.addEventListener('error', () => {
      done();
      reject(new ApiError(0, 'network', 'The upload failed: the server cannot be reached.'));
    });
    xhr.addEventListener('abort', () => {
      done();
      reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
    });
    signal?.addEventListener('abort', abort);
    xhr.send(form);
  });
}
