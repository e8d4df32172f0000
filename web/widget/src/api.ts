// The website chat's customer API (/api/v1/widget/…), as documented in docs/openapi.yaml.
import { fileHref, type MessageFile } from '../../shared/files';

export type { MessageFile };

export interface WidgetSettings {
  title: string;
  greeting: string;
  color: string;
  position: 'right' | 'left';
  prechat_fields: Array<'name' | 'email' | 'phone'>;
  prechat_required: boolean;
  consent_required: boolean;
  consent_text: string;
}

export interface WidgetConfig {
  channel: { id: number; name: string } | null;
  widget: WidgetSettings;
  show_operator: boolean;
}

export interface CustomerDialog {
  id: number;
  status: 'open' | 'closed';
  operator_assigned: boolean;
}

export interface CustomerMessage {
  id: number;
  dialog_id: number;
  author: { kind: 'customer' | 'operator' | string; name: string; avatar_url?: string };
  text: string;
  reply_to: number | null;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  client_id?: string;
  /** Attached files; missing in older data (read it with `filesOf`). */
  files?: MessageFile[];
}

export interface WidgetSession {
  token: string;
  customer: { id: number; name: string; email: string };
  channel: { id: number; name: string };
  dialog: CustomerDialog | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export const DEFAULT_SETTINGS: WidgetSettings = {
  title: 'Chat with us',
  greeting: '',
  color: '#2563eb',
  position: 'right',
  prechat_fields: [],
  prechat_required: false,
  consent_required: false,
  consent_text: '',
};

/** The server answered with a status outside 2xx. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** No answer: offline, DNS, refused, reset, timed out. */
export class NetworkError extends Error {}

const COLOR_RE = /^#[0-9a-fA-F]{6}$/;

/** The config endpoint's answer, made safe: anything missing or malformed takes the default. */
export function normalizeConfig(raw: unknown): WidgetConfig {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const w = (r.widget && typeof r.widget === 'object' ? r.widget : {}) as Record<string, any>;
  const str = (v: unknown, d: string, max = 2000) => (typeof v === 'string' ? v.slice(0, max) : d);
  const fields = Array.isArray(w.prechat_fields)
    ? (['name', 'email', 'phone'] as const).filter((f) => w.prechat_fields.includes(f))
    : [];
  const title = str(w.title, DEFAULT_SETTINGS.title, 200).trim() || DEFAULT_SETTINGS.title;
  const ch = r.channel && typeof r.channel === 'object' && typeof r.channel.id === 'number'
    ? { id: r.channel.id, name: str(r.channel.name, '', 200) }
    : null;
  return {
    channel: ch,
    widget: {
      title,
      greeting: str(w.greeting, ''),
      color: typeof w.color === 'string' && COLOR_RE.test(w.color) ? w.color.toLowerCase() : DEFAULT_SETTINGS.color,
      position: w.position === 'left' ? 'left' : 'right',
      prechat_fields: [...fields],
      prechat_required: w.prechat_required === true,
      consent_required: w.consent_required === true,
      consent_text: str(w.consent_text, ''),
    },
    show_operator: r.show_operator !== false,
  };
}

const nativeFetch: typeof fetch = window.fetch.bind(window);

export class Api {
  token: string | null = null;
  constructor(
    readonly origin: string,
    readonly channelId: string,
  ) {}

  call<T>(method: string, path: string, body?: unknown, timeoutMs = 20_000): Promise<T> {
    return this.request<T>(method, path, body === undefined ? undefined : JSON.stringify(body), timeoutMs);
  }

  /** A JSON body goes as a string (application/json), a FormData as multipart. */
  private async request<T>(method: string, path: string, body: string | FormData | undefined, timeoutMs: number): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token && path.indexOf('/session') < 0) headers.Authorization = 'Bearer ' + this.token;
    if (typeof body === 'string') headers['Content-Type'] = 'application/json';
    const ctl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctl ? setTimeout(() => ctl.abort(), timeoutMs) : 0;
    let r: Response;
    try {
      r = await nativeFetch(this.origin + path, {
        method,
        headers,
        body,
        credentials: 'omit',
        mode: 'cors',
        cache: 'no-store',
        signal: ctl?.signal,
      });
    } catch (e) {
      throw new NetworkError(String(e));
    } finally {
      clearTimeout(timer);
    }
    const text = await r.text().catch(() => '');
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!r.ok) {
      const ra = Number(r.headers.get('Retry-After'));
      throw new HttpError(
        r.status,
        json?.error?.code ?? 'http_' + r.status,
        json?.error?.message ?? r.statusText,
        Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined,
      );
    }
    return json as T;
  }

  async config(): Promise<WidgetConfig> {
    return normalizeConfig(await this.call('GET', `/api/v1/widget/channels/${encodeURIComponent(this.channelId)}/config`));
  }

  session(body: Record<string, unknown>): Promise<WidgetSession> {
    return this.call('POST', `/api/v1/widget/channels/${encodeURIComponent(this.channelId)}/session`, body);
  }

  messages(cursor?: string | null, limit = 50): Promise<Page<CustomerMessage>> {
    const q = `?limit=${limit}` + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    return this.call('GET', '/api/v1/widget/messages' + q);
  }

  /** `files`: ids of uploaded files; `text` may then be empty. */
  send(text: string, clientId: string, files?: number[]): Promise<CustomerMessage> {
    return this.call('POST', '/api/v1/widget/messages', { text, client_id: clientId, ...(files?.length ? { files } : {}) });
  }

  /** Uploads one file (multipart, one part named `file`) to attach to a message. */
  upload(file: File): Promise<MessageFile> {
    const form = new FormData();
    form.append('file', file, file.name);
    return this.request('POST', '/api/v1/widget/files', form, 120_000);
  }

  /** A file's URL (relative to the server) made absolute, or null if it is not http(s). */
  fileUrl(url: string): string | null {
    return fileHref(url, this.origin + '/');
  }

  typing(): Promise<void> {
    return this.call('POST', '/api/v1/widget/typing');
  }

  read(messageId: number): Promise<void> {
    return this.call('POST', '/api/v1/widget/read', { message_id: messageId });
  }

  socketUrl(): string {
    return this.origin.replace(/^http/, 'ws') + '/api/v1/widget/realtime?token=' + encodeURIComponent(this.token ?? '');
  }
}
