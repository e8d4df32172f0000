// The widget: a chat button and window in a shadow root, the visitor's session, live messages
// both ways, typing, read receipts, the unread badge, the offline outbox and tab sync, and
// files: "Attach a file" (or a paste) uploads, then sends a message with them through the
// outbox; pictures show as previews, other files as download links.
import { filesOf, formatSize, MAX_FILES, type MessageFile } from '../../shared/files';
import {
  Api, DEFAULT_SETTINGS, HttpError, NetworkError,
  type CustomerDialog, type CustomerMessage, type WidgetConfig, type WidgetSettings,
} from './api';
import { backoff } from './backoff';
import { render } from './bbcode';
import { MAX_TEXT, Outbox, type Attempt, type OutboxItem } from './outbox';
import { Realtime, type RealtimeEvent } from './realtime';
import { browserKV, type KV } from './storage';
import { CSS } from './styles';

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm3 5v2h10V9H7zm0 4v2h7v-2H7z';
const CLOSE_ICON = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z';
const MIN_ICON = 'M5 11h14v2H5z';
const ATTACH_ICON =
  'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z';
const TYPING_SEND_EVERY = 3000;
const TYPING_SHOW_FOR = 6000;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, cls?: string, attrs?: Record<string, string>, text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', path);
  svg.appendChild(p);
  return svg;
}

/** Black or white, whichever reads better on the colour. */
export function onColor(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (L + 0.05) / 0.05 > 1.05 / (L + 0.05) ? '#111827' : '#ffffff';
}

/** A random UUID v4 (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newClientId(): string {
  const c = (globalThis as any).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The part of a stored client_id (`c<customer>:<ours>`) that the browser chose. */
function ownClientId(stored: string | undefined): string | null {
  if (!stored) return null;
  const i = stored.indexOf(':');
  return i >= 0 ? stored.slice(i + 1) : stored;
}

/** What of a message's files changes how it looks (the URL is signed anew on each load). */
function filesSig(files: MessageFile[]): string {
  return files.map((f) => `${f.id} ${f.url}`).join(',');
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? '?').slice(0, 2);
  return s.toUpperCase();
}

function timeOf(iso: string | number): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  try {
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  } catch {
    return d.toISOString().slice(11, 16);
  }
}

function safeImage(url: unknown): string | null {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

interface Row {
  key: string;
  sig: string;
  node: HTMLElement;
}

export interface WidgetOptions {
  origin: string;
  channelId: string;
  kv?: KV;
}

export class Widget {
  readonly api: Api;
  private readonly kv: KV;
  private readonly keys: Record<'token' | 'outbox' | 'open' | 'seen' | 'opread', string>;
  private readonly outbox: Outbox;
  private readonly rt: Realtime;
  private cfg: WidgetConfig = { channel: null, widget: DEFAULT_SETTINGS, show_operator: true };

  // State
  private messages = new Map<number, CustomerMessage>();
  private olderCursor: string | null = null;
  private dialog: CustomerDialog | null = null;
  private open = false;
  private offline = false;
  private suspect = false;
  private unavailable = false;
  private historyLoaded = false;
  private readPosted = 0;
  private lastTypingSent = 0;
  private operatorTyping: { name: string; until: number } | null = null;
  private sessionPromise: Promise<boolean> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private probeTimer: ReturnType<typeof setTimeout> | null = null;
  private probeAttempt = 0;
  private downTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnecting = false;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private historyLoading: Promise<void> | null = null;
  private formShown = false;
  private rows = new Map<string, Row>();
  private unlisten: Array<() => void> = [];
  private configLoaded = false;
  private destroyed = false;
  /** Files being uploaded, by batch: their names (shown as a pending message). */
  private uploads = new Map<string, string[]>();
  private uploadSeq = 0;

  // DOM
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
  private wrap!: HTMLElement;
  private toggle!: HTMLButtonElement;
  private toggleIcon!: HTMLElement;
  private badge!: HTMLElement;
  private badgeText!: HTMLElement;
  private win!: HTMLElement;
  private titleEl!: HTMLElement;
  private banner!: HTMLElement;
  private log!: HTMLElement;
  private earlier!: HTMLButtonElement;
  private list!: HTMLElement;
  private note!: HTMLElement;
  private typingEl!: HTMLElement;
  private form!: HTMLFormElement;
  private composer!: HTMLFormElement;
  private input!: HTMLTextAreaElement;
  private sendBtn!: HTMLButtonElement;
  private attachBtn!: HTMLButtonElement;
  private fileInput!: HTMLInputElement;
  private limitEl!: HTMLElement;
  private fileErr!: HTMLElement;

  constructor(opts: WidgetOptions) {
    this.api = new Api(opts.origin, opts.channelId);
    this.kv = opts.kv ?? browserKV();
    const p = `omniline.widget.${opts.channelId}.`;
    this.keys = { token: p + 'token', outbox: p + 'outbox', open: p + 'open', seen: p + 'seen', opread: p + 'opread' };
    this.outbox = new Outbox(this.kv, this.keys.outbox);
    this.api.token = this.kv.get(this.keys.token);
    this.rt = new Realtime(() => this.api.socketUrl(), {
      onFresh: () => void this.loadHistory(),
      onResumed: () => this.networkBack(),
      onEvent: (e) => this.onEvent(e),
      onStatus: (up) => this.socketStatus(up),
    });
    this.host = document.createElement('div');
    this.host.setAttribute('data-omniline-widget', opts.channelId);
    // The page's styles must not reach the widget: `all: initial` (important, inline, so it
    // beats any page rule) stops inheritance into the shadow tree; the box itself is empty.
    this.host.style.cssText =
      'all: initial !important; position: fixed !important; width: 0 !important; height: 0 !important; ' +
      'top: auto !important; left: auto !important; right: 0 !important; bottom: 0 !important; ' +
      'z-index: 2147483647 !important; display: block !important; overflow: visible !important; ' +
      'visibility: visible !important; opacity: 1 !important; transform: none !important; ' +
      'filter: none !important; contain: none !important; pointer-events: auto !important;';
    this.root = this.host.attachShadow({ mode: 'open' });
  }

  // ---- Start ----

  async start() {
    let cfg: WidgetConfig | null = null;
    try {
      cfg = await this.api.config();
    } catch (e) {
      if (e instanceof HttpError && e.status === 403) {
        // This site is not among the channel's allowed origins: stay out of the page.
        console.warn('[omniline] this site is not allowed to use chat channel ' + this.api.channelId);
        return;
      }
      // 404 from a server without widget settings, or no network: the defaults.
    }
    if (cfg) this.cfg = cfg;
    this.configLoaded = !!cfg;
    this.build();
    (document.body ?? document.documentElement).appendChild(this.host);
    this.applyOpen(this.kv.get(this.keys.open) === '1', false);
    this.listen(window, 'storage', (e) => this.onStorage(e as StorageEvent));
    this.listen(window, 'online', () => this.networkBack());
    this.listen(window, 'offline', () => this.setOffline(true, true));
    this.listen(document, 'visibilitychange', () => this.markRead());
    this.renderAll();
    if (this.api.token) void this.resume();
    else if (this.outbox.list().length) this.scheduleFlush(0);
  }

  private listen(target: EventTarget, type: string, f: (e: Event) => void) {
    target.addEventListener(type, f);
    this.unlisten.push(() => target.removeEventListener(type, f));
  }

  /** Removes the widget from the page and stops everything it runs. */
  destroy() {
    this.destroyed = true;
    for (const f of this.unlisten.splice(0)) f();
    this.rt.stop();
    for (const t of [this.flushTimer, this.probeTimer, this.downTimer, this.typingTimer]) if (t) clearTimeout(t);
    this.flushTimer = this.probeTimer = this.downTimer = this.typingTimer = null;
    this.host.remove();
  }

  /** A stored token: refresh the session (dialog state), then go live. */
  private async resume() {
    try {
      const s = await this.api.session({ token: this.api.token });
      this.adoptSession(s.token, s.dialog);
    } catch (e) {
      if (e instanceof HttpError && (e.status === 404 || e.status === 403)) {
        this.setUnavailable();
        return;
      }
      if (e instanceof HttpError && e.status === 400) {
        // The stored token is no longer valid and a new visitor must fill in the form first.
        this.forgetToken();
        return;
      }
      // Offline or the server is down: carry on with the stored token; the socket retries.
      if (e instanceof NetworkError) this.setOffline(true);
    }
    if (this.destroyed) return;
    this.rt.start();
    this.scheduleFlush(0);
  }

  /** Back to a new visitor (no token): the form if the channel has one. */
  private forgetToken(fromOtherTab = false) {
    if (!fromOtherTab) {
      this.kv.remove(this.keys.token);
      this.kv.remove(this.keys.seen);
      this.kv.remove(this.keys.opread);
    }
    this.api.token = null;
    this.rt.reset();
    this.messages.clear();
    this.dialog = null;
    this.olderCursor = null;
    this.readPosted = 0;
    this.historyLoaded = false;
    this.formShown = this.needsForm();
    this.renderAll();
  }

  private adoptSession(token: string, dialog: CustomerDialog | null) {
    const changed = token !== this.api.token;
    this.api.token = token;
    if (this.kv.get(this.keys.token) !== token) this.kv.set(this.keys.token, token);
    if (dialog) this.dialog = dialog;
    if (changed) {
      // Another visitor identity (the old token was refused): start from scratch.
      if (this.messages.size) {
        this.kv.remove(this.keys.seen);
        this.kv.remove(this.keys.opread);
      }
      this.messages.clear();
      this.olderCursor = null;
      this.readPosted = 0;
      this.historyLoaded = false;
      this.rt.reset();
    }
    this.rt.start();
    this.renderAll();
  }

  /** One session request at a time; resolves true when there is a token. */
  private ensureSession(fields: Record<string, unknown> = {}): Promise<boolean> {
    if (this.api.token && !Object.keys(fields).length) return Promise.resolve(true);
    if (this.sessionPromise) return this.sessionPromise;
    const body: Record<string, unknown> = { ...fields };
    if (this.api.token) body.token = this.api.token;
    this.sessionPromise = this.api
      .session(body)
      .then((s) => {
        this.adoptSession(s.token, s.dialog);
        this.setOffline(false);
        return true;
      })
      .catch((e) => {
        if (e instanceof NetworkError) this.setOffline(true);
        else if (e instanceof HttpError && (e.status === 404 || e.status === 403)) this.setUnavailable();
        throw e;
      })
      .finally(() => {
        this.sessionPromise = null;
      });
    return this.sessionPromise;
  }

  // ---- DOM ----

  private build() {
    const s: WidgetSettings = this.cfg.widget;
    const style = document.createElement('style');
    style.textContent = CSS;
    // Constructed sheets are not subject to the host page's style-src CSP; <style> is the fallback.
    let adopted = false;
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      (this.root as any).adoptedStyleSheets = [sheet];
      adopted = true;
    } catch {
      adopted = false;
    }
    if (!adopted) this.root.appendChild(style);

    this.wrap = el('div', 'ow');

    // The button.
    this.toggle = el('button', 'ow-toggle', { type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false' });
    this.toggleIcon = el('span');
    this.toggleIcon.style.display = 'contents';
    this.badge = el('span', 'ow-badge', { 'aria-hidden': 'true' });
    this.badge.hidden = true;
    this.badgeText = el('span', 'ow-sr', { id: 'ow-unread' });
    this.toggle.append(this.toggleIcon, this.badge, this.badgeText);
    this.toggle.addEventListener('click', () => this.setOpen(!this.open, true));

    // The window.
    this.win = el('div', 'ow-window', { role: 'dialog', 'aria-label': s.title, 'aria-modal': 'false' });
    this.win.hidden = true;
    const head = el('div', 'ow-head');
    this.titleEl = el('h2', 'ow-title', undefined, s.title);
    const min = el('button', 'ow-min', { type: 'button', 'aria-label': 'Minimize chat', title: 'Minimize' });
    min.appendChild(icon(MIN_ICON));
    min.addEventListener('click', () => this.setOpen(false, true));
    head.append(this.titleEl, min);
    this.banner = el('div', 'ow-banner', { role: 'status' });
    this.banner.hidden = true;

    this.log = el('div', 'ow-log', { role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: '0' });
    this.earlier = el('button', 'ow-earlier', { type: 'button' }, 'Show earlier messages');
    this.earlier.hidden = true;
    this.earlier.addEventListener('click', () => void this.loadOlder());
    this.list = el('div', 'ow-list');
    this.note = el('div', 'ow-note');
    this.note.hidden = true;
    this.log.append(this.earlier, this.list, this.note);
    this.typingEl = el('div', 'ow-typing', { 'aria-live': 'polite' });

    this.form = this.buildForm();
    this.form.hidden = true;

    this.composer = el('form', 'ow-composer', { novalidate: '' });
    this.input = el('textarea', 'ow-input', { 'aria-label': 'Message', placeholder: 'Write a message…', rows: '1' });
    this.sendBtn = el('button', 'ow-send', { type: 'submit' }, 'Send');
    this.attachBtn = el('button', 'ow-attach', { type: 'button', 'aria-label': 'Attach a file', title: 'Attach a file' });
    this.attachBtn.appendChild(icon(ATTACH_ICON));
    this.fileInput = el('input', undefined, { type: 'file', multiple: '', tabindex: '-1', 'aria-hidden': 'true' });
    this.fileInput.hidden = true;
    this.attachBtn.addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      const files = Array.from(this.fileInput.files ?? []);
      this.fileInput.value = ''; // the same file may be picked again
      void this.attachFiles(files);
    });
    this.input.addEventListener('paste', (e) => {
      const files = Array.from(e.clipboardData?.files ?? []);
      if (!files.length || this.attachBtn.disabled) return;
      e.preventDefault();
      void this.attachFiles(files);
    });
    this.composer.append(this.attachBtn, this.fileInput, this.input, this.sendBtn);
    this.limitEl = el('div', 'ow-limit', { role: 'alert' });
    this.limitEl.hidden = true;
    this.fileErr = el('div', 'ow-file-error', { role: 'alert' });
    this.fileErr.hidden = true;
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitText();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submitText();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.checkLimit();
      if (this.input.value.trim()) this.sendTyping();
    });

    // A picture that loads makes the log taller: a reader at the end stays there.
    this.log.addEventListener('load', (e) => {
      const img = e.target;
      if (!(img instanceof HTMLImageElement)) return;
      const gap = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight;
      if (gap - img.offsetHeight < 80) this.scrollToEnd();
    }, true);

    this.win.append(head, this.banner, this.log, this.typingEl, this.form, this.composer, this.limitEl, this.fileErr);
    this.wrap.append(this.win, this.toggle);
    this.wrap.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.open) {
        e.preventDefault();
        e.stopPropagation();
        this.setOpen(false, true);
      }
    });
    this.root.appendChild(this.wrap);
    this.applyLook();
  }

  /** The channel's colour, side and title (again after the settings were reloaded). */
  private applyLook() {
    const s: WidgetSettings = this.cfg.widget;
    this.wrap.classList.toggle('ow-left', s.position === 'left');
    this.wrap.style.setProperty('--ow-accent', s.color);
    this.wrap.style.setProperty('--ow-on-accent', onColor(s.color));
    this.wrap.style.setProperty('--ow-focus', onColor(s.color) === '#ffffff' ? s.color : '#1d4ed8');
    this.win.setAttribute('aria-label', s.title);
    this.titleEl.textContent = s.title;
  }

  /**
   * The server refused to start a session without the pre-chat form (the settings could not
   * be loaded at first): load them again and show the form; queued messages wait for it.
   */
  private async reloadConfig() {
    try {
      this.cfg = await this.api.config();
      this.configLoaded = true;
    } catch {
      return;
    }
    this.applyLook();
    const form = this.buildForm();
    this.form.replaceWith(form);
    this.form = form;
    this.formShown = this.needsForm();
    this.renderAll();
    if (this.open && this.formShown) form.querySelector<HTMLElement>('input')?.focus();
  }

  private buildForm(): HTMLFormElement {
    const s = this.cfg.widget;
    const form = el('form', 'ow-form', { novalidate: '', 'aria-label': 'Before we start' });
    form.appendChild(el('p', undefined, undefined, s.prechat_required ? 'Please introduce yourself to start the chat.' : 'Introduce yourself (optional).'));
    const labels = { name: 'Name', email: 'Email', phone: 'Phone' } as const;
    const types = { name: 'text', email: 'email', phone: 'tel' } as const;
    const auto = { name: 'name', email: 'email', phone: 'tel' } as const;
    for (const f of s.prechat_fields) {
      const id = 'ow-f-' + f;
      const wrap = el('div', 'ow-field');
      const label = el('label', undefined, { for: id }, labels[f] + (s.prechat_required ? ' *' : ''));
      const input = el('input', undefined, { id, name: f, type: types[f], autocomplete: auto[f], maxlength: f === 'email' ? '254' : '200' });
      if (s.prechat_required) input.setAttribute('aria-required', 'true');
      wrap.append(label, input);
      form.appendChild(wrap);
    }
    if (s.consent_required) {
      const label = el('label', 'ow-consent');
      const box = el('input', undefined, { type: 'checkbox', name: 'consent', 'aria-required': 'true' });
      label.append(box, el('span', undefined, undefined, s.consent_text || 'I agree to the processing of my personal data.'));
      form.appendChild(label);
    }
    const err = el('div', 'ow-form-error', { role: 'alert' });
    err.hidden = true;
    const start = el('button', 'ow-start', { type: 'submit' }, 'Start chat');
    form.append(err, start);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submitForm(form, err, start);
    });
    return form;
  }

  private needsForm(): boolean {
    const s = this.cfg.widget;
    return !this.api.token && (s.prechat_fields.length > 0 || s.consent_required);
  }

  private async submitForm(form: HTMLFormElement, err: HTMLElement, start: HTMLButtonElement) {
    const s = this.cfg.widget;
    const fields: Record<string, unknown> = {};
    let problem = '';
    let firstBad: HTMLElement | null = null;
    for (const f of s.prechat_fields) {
      const input = form.querySelector<HTMLInputElement>(`input[name="${f}"]`)!;
      const v = input.value.trim();
      let bad = false;
      if (!v && s.prechat_required) {
        bad = true;
        problem ||= 'Please fill in all fields.';
      } else if (v && f === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) {
        bad = true;
        problem ||= 'Please enter a valid email address.';
      } else if (v && f === 'phone' && !/^[+()\d][\d\s().-]{4,30}$/.test(v)) {
        bad = true;
        problem ||= 'Please enter a valid phone number.';
      }
      input.setAttribute('aria-invalid', bad ? 'true' : 'false');
      if (bad) firstBad ||= input;
      if (v) fields[f] = v;
    }
    const consent = form.querySelector<HTMLInputElement>('input[name="consent"]');
    if (consent) {
      consent.setAttribute('aria-invalid', consent.checked ? 'false' : 'true');
      if (!consent.checked) {
        problem ||= 'Please give your consent to start the chat.';
        firstBad ||= consent;
      } else fields.consent = true;
    }
    if (problem) {
      err.textContent = problem;
      err.hidden = false;
      firstBad?.focus();
      return;
    }
    err.hidden = true;
    start.disabled = true;
    try {
      await this.ensureSession(fields);
      this.formShown = false;
      this.renderChrome();
      this.input.focus();
      this.scheduleFlush(0);
    } catch (e) {
      err.textContent = e instanceof NetworkError
        ? 'You seem to be offline. Please try again in a moment.'
        : 'Sorry, the chat could not be started. Please try again.';
      err.hidden = false;
    } finally {
      start.disabled = false;
    }
  }

  private autosize() {
    this.input.style.height = 'auto';
    this.input.style.height = Math.min(120, Math.max(40, this.input.scrollHeight + 2)) + 'px';
  }

  private checkLimit(): boolean {
    const n = this.input.value.length;
    const over = n > MAX_TEXT;
    this.limitEl.hidden = !over;
    if (over) this.limitEl.textContent = `Your message is too long (${n.toLocaleString()} of at most ${MAX_TEXT.toLocaleString()} characters).`;
    this.input.setAttribute('aria-invalid', over ? 'true' : 'false');
    return !over;
  }

  // ---- Open / close ----

  private setOpen(open: boolean, fromUser: boolean) {
    this.kv.set(this.keys.open, open ? '1' : '0');
    this.applyOpen(open, fromUser);
  }

  private applyOpen(open: boolean, moveFocus: boolean) {
    const was = this.open;
    this.open = open;
    this.win.hidden = !open;
    this.wrap.classList.toggle('ow-open', open);
    this.toggle.setAttribute('aria-expanded', String(open));
    this.toggle.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    this.toggleIcon.textContent = '';
    this.toggleIcon.appendChild(icon(open ? CLOSE_ICON : CHAT_ICON));
    if (open && !was) {
      if (this.api.token && !this.historyLoaded) void this.loadHistory();
      this.renderChrome();
      this.scrollToEnd();
      if (moveFocus) {
        const target = this.formShown ? this.form.querySelector<HTMLElement>('input') : this.input;
        (target ?? this.input).focus();
      }
    } else if (!open && was && moveFocus) {
      this.toggle.focus();
    }
    this.markSeen();
    this.markRead();
    this.renderBadge();
  }

  // ---- Sending ----

  private submitText() {
    if (this.unavailable) return;
    const text = this.input.value;
    if (!text.trim()) return;
    if (!this.checkLimit()) return;
    this.outbox.enqueue(text, newClientId());
    this.fileErr.hidden = true;
    this.input.value = '';
    this.autosize();
    this.renderMessages();
    this.scrollToEnd();
    this.scheduleFlush(0);
  }

  /**
   * Uploads the files one by one, then queues one message with those that went up (the
   * outbox sends it like any other); what failed is said under the composer.
   */
  private async attachFiles(all: File[]) {
    if (!all.length || this.unavailable || this.offline) return;
    const files = all.slice(0, MAX_FILES);
    const problems: string[] = [];
    if (all.length > files.length) problems.push(`At most ${MAX_FILES} files can be sent at once.`);
    const key = 'u' + ++this.uploadSeq;
    this.uploads.set(key, files.map((f) => f.name || 'file'));
    this.fileErr.hidden = true;
    this.renderMessages();
    this.scrollToEnd();
    const done: MessageFile[] = [];
    try {
      if (!this.api.token) await this.ensureSession();
      for (const f of files) {
        try {
          done.push(await this.api.upload(f));
          this.setOffline(false);
        } catch (e) {
          if (e instanceof NetworkError) this.setOffline(true);
          problems.push(`${f.name || 'file'}: ${e instanceof HttpError && e.message ? e.message : 'could not be uploaded.'}`);
          if (e instanceof HttpError && e.status === 401) {
            this.forgetToken(); // the token no longer works: the next attempt starts a new session
            break;
          }
        }
      }
    } catch {
      problems.push('Sorry, the files could not be sent. Please try again.');
    }
    this.uploads.delete(key);
    if (done.length) this.outbox.enqueue('', newClientId(), done);
    this.fileErr.textContent = problems.join(' ');
    this.fileErr.hidden = !problems.length;
    this.renderMessages();
    this.scrollToEnd();
    if (done.length) this.scheduleFlush(0);
  }

  private scheduleFlush(delay: number) {
    if (this.destroyed) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, Math.max(0, delay));
  }

  private async flush() {
    if (this.unavailable || this.outbox.busy || !this.outbox.list().some((i) => i.state === 'pending')) return;
    if (!this.api.token) {
      if (this.formShown) return; // sent once the visitor has filled in the form
      try {
        await this.ensureSession();
      } catch (e) {
        if (e instanceof HttpError && e.status === 400) void this.reloadConfig();
        else this.scheduleFlush(5000);
        return;
      }
    }
    if (this.outbox.busy) return;
    await this.outbox.flush(
      (item) => this.sendOne(item),
      (_item, message) => {
        if (message && typeof message === 'object') this.addMessages([message as CustomerMessage]);
      },
    );
    this.renderMessages();
    const next = this.outbox.nextDue();
    if (next !== null) this.scheduleFlush(next - Date.now());
  }

  private async sendOne(item: OutboxItem): Promise<Attempt> {
    try {
      const m = await this.api.send(item.text, item.client_id, item.files?.map((f) => f.id));
      this.setOffline(false);
      return { status: 201, message: m };
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.status === 401) {
          // The token no longer works: forget it; the next try starts a new session.
          this.forgetToken();
          return { status: 503 };
        }
        return { status: e.status, retryAfterMs: e.retryAfterMs, error: e.message };
      }
      this.setOffline(true);
      return { status: null };
    }
  }

  private sendTyping() {
    const now = Date.now();
    if (!this.api.token || !this.dialog || now - this.lastTypingSent < TYPING_SEND_EVERY) return;
    this.lastTypingSent = now;
    if (!this.rt.send({ type: 'typing' })) void this.api.typing().catch(() => undefined);
  }

  /** A socket that stays down for a few seconds shows as "Reconnecting…". */
  private socketStatus(up: boolean) {
    if (this.downTimer) clearTimeout(this.downTimer);
    this.downTimer = null;
    if (up) {
      this.reconnecting = false;
      this.networkBack();
      this.renderChrome();
    } else {
      this.downTimer = setTimeout(() => {
        this.reconnecting = true;
        this.renderChrome();
      }, 3000);
    }
  }

  private networkBack() {
    // The settings could not be loaded at first (offline): now they can.
    if (!this.configLoaded && this.wrap && !this.api.token) void this.reloadConfig();
    this.setOffline(false);
    this.rt.kick();
    this.outbox.wake();
    this.scheduleFlush(0);
    this.markRead();
  }

  /**
   * A request got no answer (`v`), or one got through (`!v`). One failed request while the
   * browser says it is online may be a blip: the banner waits for a probe to fail too, unless
   * `sure` (the browser reports offline, or the probe failed).
   */
  private setOffline(v: boolean, sure = false) {
    this.suspect = v;
    if (v) this.scheduleProbe();
    const show = v && (sure || this.offline || (typeof navigator !== 'undefined' && navigator.onLine === false));
    if (this.offline === show) return;
    this.offline = show;
    this.renderChrome();
    this.renderMessages();
  }

  /**
   * While a request failed for want of a network, ask the server now and then (with backoff)
   * whether it is reachable again; the first answer clears the offline state and sends what
   * is queued. (The socket alone is no proof: it may outlive the network it came over.)
   */
  private scheduleProbe() {
    if (this.probeTimer || this.unavailable || this.destroyed) return;
    const delay = backoff(this.probeAttempt++);
    this.probeTimer = setTimeout(async () => {
      this.probeTimer = null;
      if (!this.suspect) {
        this.probeAttempt = 0;
        return;
      }
      try {
        await this.api.messages(null, 1); // without a token: a 401, which is an answer too
        this.probeAttempt = 0;
        this.networkBack();
      } catch (e) {
        if (e instanceof HttpError) {
          this.probeAttempt = 0;
          this.networkBack();
        } else this.setOffline(true, true);
      }
    }, delay);
  }

  private setUnavailable() {
    this.unavailable = true;
    this.rt.stop();
    this.renderChrome();
  }

  // ---- History and events ----

  private loadHistory(): Promise<void> {
    if (!this.api.token) return Promise.resolve();
    if (this.historyLoading) return this.historyLoading;
    this.historyLoading = (async () => {
      try {
        const page = await this.api.messages(null, 50);
        this.setOffline(false);
        this.historyLoaded = true;
        if (!this.messages.size || this.olderCursor === null) this.olderCursor = page.next_cursor;
        this.addMessages(page.items);
        if (page.items.length && !this.dialog) this.dialog = { id: page.items[0].dialog_id, status: 'open', operator_assigned: false };
      } catch (e) {
        if (e instanceof NetworkError) this.setOffline(true);
      } finally {
        this.historyLoading = null;
      }
    })();
    return this.historyLoading;
  }

  private async loadOlder() {
    if (!this.olderCursor) return;
    this.earlier.disabled = true;
    try {
      const page = await this.api.messages(this.olderCursor, 50);
      this.olderCursor = page.next_cursor;
      // Keep the view where it was: the older messages appear above it.
      const before = this.log.scrollHeight - this.log.scrollTop;
      this.addMessages(page.items, false);
      this.log.scrollTop = this.log.scrollHeight - before;
    } catch (e) {
      if (e instanceof NetworkError) this.setOffline(true);
    } finally {
      this.earlier.disabled = false;
    }
  }

  private addMessages(items: CustomerMessage[], stick = true) {
    const atEnd = this.nearEnd();
    for (const m of items) {
      if (!m || typeof m.id !== 'number') continue;
      const old = this.messages.get(m.id);
      if (old && old.edited_at && !m.edited_at && !m.deleted) continue; // keep the newer edit
      this.messages.set(m.id, m);
      const own = ownClientId(m.client_id);
      if (m.author?.kind === 'customer' && own && this.outbox.list().some((i) => i.client_id === own)) {
        this.outbox.remove(own);
      }
      if (m.author?.kind === 'operator' && this.operatorTyping) this.operatorTyping = null;
    }
    this.markSeen();
    this.renderMessages();
    this.renderTyping();
    this.renderBadge();
    this.markRead();
    if (stick && atEnd) this.scrollToEnd();
  }

  private onEvent(e: RealtimeEvent) {
    const d = e.data ?? {};
    switch (e.type) {
      case 'message.created':
      case 'message.updated':
        // A message in an ongoing session carries the dialog too (no dialog.updated follows).
        if (d.dialog) {
          this.dialog = d.dialog;
          this.renderChrome();
        }
        if (d.message) this.addMessages([d.message]);
        break;
      case 'dialog.created':
      case 'dialog.updated':
        if (d.dialog) {
          this.dialog = d.dialog;
          this.renderChrome();
        }
        break;
      case 'dialog.read':
        if (d.by === 'operator' && typeof d.message_id === 'number' && d.message_id > this.operatorRead()) {
          this.kv.set(this.keys.opread, String(d.message_id));
          this.renderMessages();
        } else if (d.by === 'customer' && typeof d.message_id === 'number') {
          this.readPosted = Math.max(this.readPosted, d.message_id);
        }
        break;
      case 'typing':
        if (d.author?.kind === 'operator') {
          this.operatorTyping = { name: this.operatorName(d.author?.name), until: Date.now() + TYPING_SHOW_FOR };
          this.renderTyping();
        }
        break;
    }
  }

  private onStorage(e: StorageEvent) {
    if (e.storageArea && e.storageArea !== window.localStorage) return;
    switch (e.key) {
      case this.keys.token: {
        const t = e.newValue;
        if (t && t !== this.api.token) {
          this.api.token = t;
          this.messages.clear();
          this.historyLoaded = false;
          this.rt.reset();
          this.rt.start();
          this.formShown = false;
          this.renderAll();
        } else if (!t && this.api.token) {
          this.forgetToken(true);
        }
        break;
      }
      case this.keys.outbox:
        this.renderMessages();
        this.scrollToEnd();
        this.scheduleFlush(0);
        break;
      case this.keys.open:
        if ((e.newValue === '1') !== this.open) this.applyOpen(e.newValue === '1', false);
        break;
      case this.keys.seen:
        this.renderBadge();
        break;
      case this.keys.opread:
        this.renderMessages();
        break;
    }
  }

  // ---- Read state ----

  private operatorRead(): number {
    return Number(this.kv.get(this.keys.opread)) || 0;
  }

  private newestId(): number {
    let n = 0;
    for (const id of this.messages.keys()) n = Math.max(n, id);
    return n;
  }

  private markSeen() {
    if (!this.open) return;
    const n = this.newestId();
    if (n > (Number(this.kv.get(this.keys.seen)) || 0)) this.kv.set(this.keys.seen, String(n));
  }

  private markRead() {
    if (!this.open || document.visibilityState === 'hidden' || !this.api.token) return;
    const n = this.newestId();
    if (!n || n <= this.readPosted) return;
    // Only worth telling when the newest message is from the operator side or unread by us.
    this.readPosted = n;
    this.api.read(n).catch(() => {
      if (this.readPosted === n) this.readPosted = 0;
    });
  }

  private unreadCount(): number {
    const seen = Number(this.kv.get(this.keys.seen)) || 0;
    let n = 0;
    for (const m of this.messages.values()) if (m.author?.kind === 'operator' && m.id > seen && !m.deleted) n++;
    return n;
  }

  // ---- Rendering ----

  private operatorName(name: unknown): string {
    if (!this.cfg.show_operator) return 'Support';
    return typeof name === 'string' && name.trim() ? name.trim() : 'Support';
  }

  private renderAll() {
    this.formShown = this.needsForm();
    this.renderChrome();
    this.renderMessages();
    this.renderBadge();
  }

  private renderChrome() {
    if (!this.wrap) return;
    this.formShown = this.formShown && this.needsForm();
    this.form.hidden = !this.formShown || this.unavailable;
    this.composer.hidden = this.formShown || this.unavailable;
    // Files are uploaded at once, so they need the network (text waits in the outbox).
    this.attachBtn.disabled = this.offline || this.unavailable;
    this.attachBtn.title = this.attachBtn.disabled ? 'Files can be sent when you are online' : 'Attach a file';
    if (this.unavailable) {
      this.banner.hidden = false;
      this.banner.className = 'ow-banner ow-error';
      this.banner.textContent = 'The chat is not available right now.';
    } else if (this.offline) {
      this.banner.hidden = false;
      this.banner.className = 'ow-banner';
      this.banner.textContent = 'You are offline. Messages will be sent when the connection is back.';
    } else if (this.reconnecting && this.api.token) {
      this.banner.hidden = false;
      this.banner.className = 'ow-banner';
      this.banner.textContent = 'Reconnecting…';
    } else {
      this.banner.hidden = true;
    }
    const closed = this.dialog?.status === 'closed' && this.messages.size > 0;
    this.note.hidden = !closed;
    this.note.textContent = closed ? 'This conversation has ended. Write to us again any time.' : '';
    this.earlier.hidden = !this.olderCursor;
  }

  private renderBadge() {
    if (!this.toggle) return;
    const n = this.open ? 0 : this.unreadCount();
    this.badge.hidden = n === 0;
    this.badge.textContent = n > 99 ? '99+' : String(n);
    this.badgeText.textContent = n ? `${n} unread message${n === 1 ? '' : 's'}` : '';
    if (n) this.toggle.setAttribute('aria-describedby', 'ow-unread');
    else this.toggle.removeAttribute('aria-describedby');
  }

  private renderTyping() {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    const t = this.operatorTyping;
    if (t && t.until > Date.now()) {
      this.typingEl.textContent = `${t.name} is typing…`;
      this.typingTimer = setTimeout(() => this.renderTyping(), t.until - Date.now() + 50);
    } else {
      this.operatorTyping = null;
      this.typingEl.textContent = '';
    }
  }

  private nearEnd(): boolean {
    if (!this.log) return true;
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
  }

  private scrollToEnd() {
    if (this.log) this.log.scrollTop = this.log.scrollHeight;
  }

  private renderMessages() {
    if (!this.list) return;
    this.renderChrome();
    const opRead = this.operatorRead();
    const sorted = [...this.messages.values()].sort((a, b) => a.id - b.id);
    const sentIds = new Set<string>();
    for (const m of sorted) {
      const own = ownClientId(m.client_id);
      if (own) sentIds.add(own);
    }
    const want: Array<{ key: string; sig: string; make: () => HTMLElement }> = [];
    const greeting = this.cfg.widget.greeting.trim();
    if (greeting) {
      want.push({ key: 'greeting', sig: greeting, make: () => this.bubble({ kind: 'greeting', text: greeting }) });
    }
    let prevAuthor = '';
    for (const m of sorted) {
      const op = m.author?.kind === 'operator';
      const name = op ? this.operatorName(m.author?.name) : '';
      const avatar = op && this.cfg.show_operator ? safeImage(m.author?.avatar_url) : null;
      const status = op ? '' : m.id <= opRead ? 'read' : 'sent';
      const groupKey = op ? 'op:' + name : 'me';
      const showAuthor = op && groupKey !== prevAuthor;
      prevAuthor = groupKey;
      const files = filesOf(m);
      const sig = [m.text, m.deleted, m.edited_at, name, avatar, status, showAuthor, filesSig(files)].join('\u0001');
      want.push({
        key: 'm' + m.id,
        sig,
        make: () => this.bubble({
          kind: op ? 'op' : 'me', id: m.id, clientId: ownClientId(m.client_id) ?? undefined, text: m.text,
          deleted: m.deleted, edited: !!m.edited_at, name, avatar, showAuthor, status, time: m.created_at, files,
        }),
      });
    }
    for (const item of this.outbox.list()) {
      if (sentIds.has(item.client_id)) continue;
      const status = item.state === 'failed' ? 'failed' : 'sending';
      const files = filesOf(item);
      const sig = [item.text, status, this.offline, filesSig(files)].join('\u0001');
      want.push({
        key: 'c' + item.client_id,
        sig,
        make: () => this.bubble({ kind: 'me', clientId: item.client_id, text: item.text, status, time: item.created, files }),
      });
    }
    for (const [key, names] of this.uploads) {
      want.push({
        key,
        sig: names.join('\u0001'),
        make: () => this.bubble({ kind: 'me', text: '', status: 'uploading', uploading: names }),
      });
    }
    // Keyed update: unchanged rows stay as they are (so the live region announces only news).
    const keep = new Set(want.map((w) => w.key));
    for (const [k, row] of this.rows) {
      if (!keep.has(k)) {
        row.node.remove();
        this.rows.delete(k);
      }
    }
    let cursor: ChildNode | null = this.list.firstChild;
    for (const w of want) {
      let row = this.rows.get(w.key);
      if (!row) {
        row = { key: w.key, sig: w.sig, node: w.make() };
        this.rows.set(w.key, row);
      } else if (row.sig !== w.sig) {
        const node = w.make();
        if (cursor === row.node) cursor = node;
        row.node.replaceWith(node);
        row.node = node;
        row.sig = w.sig;
      }
      if (row.node === cursor) cursor = cursor.nextSibling;
      else this.list.insertBefore(row.node, cursor);
    }
  }

  private bubble(m: {
    kind: 'op' | 'me' | 'greeting';
    id?: number;
    clientId?: string;
    text: string;
    deleted?: boolean;
    edited?: boolean;
    name?: string;
    avatar?: string | null;
    showAuthor?: boolean;
    status?: string;
    time?: string | number;
    files?: MessageFile[];
    /** Names of files still uploading. */
    uploading?: string[];
  }): HTMLElement {
    const kind = m.kind === 'greeting' ? 'op' : m.kind;
    const row = el('div', `ow-msg ow-${kind}` + (m.kind === 'greeting' ? ' ow-greeting' : ''));
    if (m.id !== undefined) row.setAttribute('data-message-id', String(m.id));
    if (m.clientId) row.setAttribute('data-client-id', m.clientId);
    if (m.status) {
      row.setAttribute('data-status', m.status);
      if (m.status === 'sending' || m.status === 'uploading') row.classList.add('ow-pending');
      if (m.status === 'failed') row.classList.add('ow-failed');
    }
    if (m.deleted) row.classList.add('ow-deleted');
    if (kind === 'op') {
      const av = el('div', 'ow-avatar', { 'aria-hidden': 'true' }, m.kind === 'greeting' ? '' : initials(m.name ?? 'S'));
      if (m.kind === 'greeting') av.appendChild(icon(CHAT_ICON)).setAttribute('width', '16');
      if (m.avatar) {
        const img = el('img', undefined, { alt: '', referrerpolicy: 'no-referrer', loading: 'lazy' });
        img.addEventListener('error', () => img.remove());
        img.addEventListener('load', () => av.classList.add('ow-img'));
        img.src = m.avatar;
        av.appendChild(img);
      }
      row.appendChild(av);
    }
    const body = el('div', 'ow-body');
    if (m.showAuthor && m.name) body.appendChild(el('div', 'ow-author', undefined, m.name));
    const bubble = el('div', 'ow-bubble');
    if (m.deleted) bubble.textContent = 'Message deleted';
    else bubble.appendChild(render(m.text));
    // Screen readers hear who wrote each message, also where the name is not repeated on screen.
    if (kind === 'op' && m.name && !m.showAuthor && m.kind !== 'greeting') body.appendChild(el('span', 'ow-sr', undefined, m.name + ':'));
    const files = m.deleted ? [] : m.files ?? [];
    // A message of files alone has no text bubble.
    if (m.deleted || m.text !== '' || (!files.length && !m.uploading)) body.appendChild(bubble);
    if (files.length) body.appendChild(this.filesNode(files));
    if (m.uploading) {
      const box = el('div', 'ow-files');
      for (const n of m.uploading) box.appendChild(el('span', 'ow-file ow-uploading', undefined, n));
      body.appendChild(box);
    }
    if (m.kind !== 'greeting') {
      const meta = el('div', 'ow-meta');
      if (m.time !== undefined) meta.appendChild(el('time', undefined, undefined, timeOf(m.time)));
      if (m.edited && !m.deleted) meta.appendChild(el('span', undefined, undefined, 'edited'));
      if (m.status) {
        const label = m.status === 'read' ? 'Read' : m.status === 'sent' ? 'Sent'
          : m.status === 'failed' ? 'Not sent' : m.status === 'uploading' ? 'Uploading…'
            : this.offline ? 'Waiting for network…' : 'Sending…';
        meta.appendChild(el('span', 'ow-status', undefined, label));
      }
      if (m.status === 'failed' && m.clientId) {
        const id = m.clientId;
        const retry = el('button', 'ow-retry', { type: 'button' }, 'Retry');
        retry.addEventListener('click', () => {
          this.outbox.retry(id);
          this.renderMessages();
          this.scheduleFlush(0);
        });
        meta.appendChild(retry);
      }
      body.appendChild(meta);
    }
    row.appendChild(body);
    return row;
  }

  /**
   * A message's files: pictures as previews (a link that opens them in a new tab), anything
   * else as a download link with name and size. Names only ever become text and attributes.
   */
  private filesNode(files: MessageFile[]): HTMLElement {
    const box = el('div', 'ow-files');
    for (const f of files) {
      const href = this.api.fileUrl(f.url);
      if (!href) {
        box.appendChild(el('span', 'ow-file', undefined, f.name));
        continue;
      }
      // A new tab in both cases: an expired link must not take the visitor off the site.
      const a = el('a', f.image ? 'ow-image' : 'ow-file', { href, target: '_blank', rel: 'noopener noreferrer' });
      if (f.image) {
        a.title = f.name;
        const img = el('img', undefined, { alt: f.name, loading: 'lazy', referrerpolicy: 'no-referrer' });
        img.src = href;
        a.appendChild(img);
      } else {
        a.setAttribute('download', '');
        a.append(el('span', 'ow-file-name', undefined, f.name), el('span', 'ow-file-size', undefined, formatSize(f.size)));
      }
      box.appendChild(a);
    }
    return box;
  }
}
