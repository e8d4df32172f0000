// The widget's DOM in jsdom, against a fake server (fetch) and a fake socket: the shadow root,
// the accessible button and window, sending through the outbox, live operator messages as
// text, read receipts, the unread badge and Escape.
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';

interface Call {
  method: string;
  path: string;
  body: any;
  auth: string | null;
}

let calls: Call[] = [];
let stored: any[] = [];
let online = true;
let sockets: FakeSocket[] = [];
let config: unknown = null; // null: the server has no settings (404)
let validTokens = new Set(['olw_test']);
/** Answers POST /api/v1/widget/files (the multipart form it got); default: the file stored. */
let uploadAnswer: ((form: FormData) => Response) | null = null;
let uploads = 0;
let uploaded = new Map<number, any>();

class FakeSocket {
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onopen: (() => void) | null = null;
  sent: any[] = [];
  constructor(readonly url: string) {
    sockets.push(this);
    setTimeout(() => this.emit({ seq: 0, type: 'hello', data: { customer_id: 7, last_seq: 10 } }), 0);
  }
  send(s: string) {
    this.sent.push(JSON.parse(s));
  }
  close() {
    this.onclose?.();
  }
  emit(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status, headers: { 'Content-Type': 'application/json' },
  });
}

async function fakeFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const u = new URL(url);
  const method = init.method ?? 'GET';
  const body = init.body instanceof FormData ? init.body : init.body ? JSON.parse(String(init.body)) : undefined;
  const auth = (init.headers as Record<string, string> | undefined)?.Authorization ?? null;
  calls.push({ method, path: u.pathname + u.search, body, auth });
  if (!online) throw new TypeError('Failed to fetch');
  if (u.pathname.endsWith('/config')) {
    return config ? json(200, config) : json(404, { error: { code: 'not_found', message: 'no' } });
  }
  if (u.pathname.endsWith('/session')) {
    if (body?.token && validTokens.has(body.token)) {
      return json(200, { token: body.token, customer: { id: 7, name: '', email: '' }, channel: { id: 5, name: 'Site' }, dialog: null });
    }
    const w = (config as any)?.widget;
    if (w?.consent_required && body?.consent !== true) return json(400, { error: { code: 'invalid_request', message: 'consent' } });
    if (w?.prechat_required && w.prechat_fields.some((f: string) => !body?.[f])) {
      return json(400, { error: { code: 'invalid_request', message: 'fields' } });
    }
    return json(200, { token: 'olw_test', customer: { id: 7, name: body?.name ?? '', email: '' }, channel: { id: 5, name: 'Site' }, dialog: null });
  }
  if (u.pathname === '/api/v1/widget/messages' && method === 'GET') return json(200, { items: stored, next_cursor: null });
  if (u.pathname === '/api/v1/widget/files' && method === 'POST') {
    if (uploadAnswer) return uploadAnswer(body);
    const f = body.get('file') as File;
    const id = 50 + ++uploads;
    const file = {
      id, name: f.name, size: f.size, mime: f.type, image: f.type.startsWith('image/'), url: `/files/${id}?exp=9&sig=s${id}`,
    };
    uploaded.set(id, file);
    return json(201, file);
  }
  if (u.pathname === '/api/v1/widget/messages' && method === 'POST') {
    const files = (body.files ?? []).map((id: number) => uploaded.get(id) ?? ({
      id, name: `file-${id}`, size: 10, mime: 'text/plain', image: false, url: `/files/${id}?exp=9&sig=s${id}`,
    }));
    const m = {
      id: 100 + stored.length, dialog_id: 1, author: { kind: 'customer', name: 'Me' }, text: body.text, reply_to: null,
      created_at: '2026-11-25T12:00:00.000Z', edited_at: null, deleted: false, client_id: 'c7:' + body.client_id, files,
    };
    stored.push(m);
    return json(201, m);
  }
  if (u.pathname === '/api/v1/widget/read' || u.pathname === '/api/v1/widget/typing') return new Response(null, { status: 204 });
  return json(404, { error: { code: 'not_found', message: 'no' } });
}

let Widget: typeof import('./widget').Widget;

beforeAll(async () => {
  vi.stubGlobal('fetch', fakeFetch);
  (window as any).fetch = fakeFetch;
  vi.stubGlobal('WebSocket', FakeSocket);
  ({ Widget } = await import('./widget'));
});

beforeEach(() => {
  calls = [];
  stored = [];
  online = true;
  sockets = [];
  config = null;
  validTokens = new Set(['olw_test']);
  uploadAnswer = null;
  uploads = 0;
  uploaded = new Map();
  localStorage.clear();
  document.body.innerHTML = '';
});
const mounted: Array<{ destroy(): void }> = [];
afterEach(() => {
  for (const w of mounted.splice(0)) w.destroy();
  document.body.innerHTML = '';
});

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(f: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(10);
  }
}

async function mount() {
  const w = new Widget({ origin: 'https://chat.example', channelId: '5' });
  mounted.push(w);
  await w.start();
  const root = w.root;
  const $ = <T extends Element = HTMLElement>(sel: string) => root.querySelector(sel) as T;
  return { w, root, $ };
}

describe('widget', () => {
  test('renders in a shadow root with an accessible button and window', async () => {
    const { w, $ } = await mount();
    expect(document.body.contains(w.host)).toBe(true);
    expect(w.host.style.getPropertyValue('all')).toBe('initial');
    expect(w.host.style.getPropertyPriority('all')).toBe('important');
    const button = $<HTMLButtonElement>('button.ow-toggle');
    expect(button.getAttribute('aria-label')).toBe('Open chat');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    const win = $('[role="dialog"]');
    expect(win.getAttribute('aria-label')).toBe('Chat with us'); // the defaults (config 404)
    expect(win.hidden).toBe(true);
    expect($('[role="log"]').getAttribute('aria-live')).toBe('polite');
    expect($('textarea').getAttribute('aria-label')).toBe('Message');
    expect($('button.ow-send').textContent).toBe('Send');
    // Nothing is created until the visitor writes.
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/widget/channels/5/config']);

    button.click();
    expect(win.hidden).toBe(false);
    expect(button.getAttribute('aria-label')).toBe('Close chat');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(w.root.activeElement).toBe($('textarea'));
    expect(localStorage.getItem('omniline.widget.5.open')).toBe('1');

    $('textarea').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect(win.hidden).toBe(true);
    expect(w.root.activeElement).toBe(button);
    expect(localStorage.getItem('omniline.widget.5.open')).toBe('0');
  });

  test('takes the dialog a message.created carries: the ended note goes when the conversation is open again', async () => {
    const { $, root } = await mount();
    $<HTMLButtonElement>('button.ow-toggle').click();
    const box = $<HTMLTextAreaElement>('textarea');
    box.value = 'Hi';
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(() => !!root.querySelector('.ow-me[data-message-id]'));
    await until(() => sockets.length === 1);
    const ws = sockets[0];
    ws.emit({ seq: 21, type: 'dialog.updated', data: { dialog: { id: 1, status: 'closed', operator_assigned: true } } });
    expect($('.ow-note').hidden).toBe(false);
    const op = {
      id: 300, dialog_id: 1, author: { kind: 'operator', name: 'Ann' }, text: 'back', reply_to: null,
      created_at: '2026-11-25T12:01:00.000Z', edited_at: null, deleted: false,
    };
    ws.emit({ seq: 22, type: 'message.created', data: { message: op, dialog: { id: 1, status: 'open', operator_assigned: true } } });
    expect($('.ow-note').hidden).toBe(true);
    expect(root.querySelector('.ow-op[data-message-id="300"]')).not.toBeNull();
  });

  test('sends through the outbox, goes live, shows operator messages as text, receipts and badge', async () => {
    const { $, root } = await mount();
    $<HTMLButtonElement>('button.ow-toggle').click();
    const box = $<HTMLTextAreaElement>('textarea');
    box.value = 'Hello <b>there</b>';
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(box.value).toBe('');
    // Shown at once as sending, with a client id.
    const pending = $('.ow-me');
    expect(pending.getAttribute('data-status')).toBe('sending');
    const clientId = pending.getAttribute('data-client-id')!;
    expect(clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await until(() => !!root.querySelector('.ow-me[data-message-id]'));
    const post = calls.find((c) => c.method === 'POST' && c.path === '/api/v1/widget/messages')!;
    expect(post.body).toEqual({ text: 'Hello <b>there</b>', client_id: clientId });
    expect(post.auth).toBe('Bearer olw_test');
    expect(localStorage.getItem('omniline.widget.5.token')).toBe('olw_test');
    expect(localStorage.getItem('omniline.widget.5.outbox')).toBeNull();
    expect(root.querySelectorAll('.ow-me').length).toBe(1);
    expect($('.ow-me .ow-bubble').textContent).toBe('Hello <b>there</b>');
    expect(root.querySelectorAll('.ow-bubble b').length).toBe(0);

    // The socket: a live operator message with markup (and our own message again: deduped).
    await until(() => sockets.length === 1);
    const ws = sockets[0];
    expect(ws.url).toBe('wss://chat.example/api/v1/widget/realtime?token=olw_test');
    ws.emit({ seq: 11, type: 'message.created', data: { message: stored[0] } });
    ws.emit({ seq: 12, type: 'typing', data: { dialog_id: 1, author: { kind: 'operator', name: 'Ann' } } });
    expect($('.ow-typing').textContent).toBe('Ann is typing…');
    const op = {
      id: 200, dialog_id: 1, author: { kind: 'operator', name: 'Ann', avatar_url: 'javascript:alert(1)' },
      text: '<img src=x onerror=alert(1)> [url=javascript:alert(1)]x[/url] [i]hi[/i]', reply_to: null,
      created_at: '2026-11-25T12:01:00.000Z', edited_at: null, deleted: false,
    };
    ws.emit({ seq: 13, type: 'message.created', data: { message: op } });
    expect(root.querySelectorAll('.ow-msg[data-message-id]').length).toBe(2);
    const opRow = $('.ow-op[data-message-id="200"]');
    expect(opRow.querySelector('.ow-bubble')!.textContent).toBe('<img src=x onerror=alert(1)> [url=javascript:alert(1)]x[/url] hi');
    expect(opRow.querySelectorAll('img, a').length).toBe(0);
    expect(opRow.querySelector('em')!.textContent).toBe('hi');
    expect(opRow.querySelector('.ow-author')!.textContent).toBe('Ann');
    expect($('.ow-typing').textContent).toBe(''); // the message ended the typing notice
    // The open window reads it.
    await until(() => calls.some((c) => c.path === '/api/v1/widget/read'));
    expect(calls.filter((c) => c.path === '/api/v1/widget/read').at(-1)!.body).toEqual({ message_id: 200 });

    // The operator read our message: a read receipt.
    expect($('.ow-me').getAttribute('data-status')).toBe('sent');
    ws.emit({ seq: 14, type: 'dialog.read', data: { dialog_id: 1, by: 'operator', message_id: 100 } });
    expect($('.ow-me').getAttribute('data-status')).toBe('read');
    expect($('.ow-me .ow-status').textContent).toBe('Read');

    // Closed: operator messages count on the badge.
    $<HTMLButtonElement>('button.ow-toggle').click();
    ws.emit({ seq: 15, type: 'message.created', data: { message: { ...op, id: 201, text: 'one' } } });
    ws.emit({ seq: 16, type: 'message.created', data: { message: { ...op, id: 202, text: 'two' } } });
    ws.emit({ seq: 16, type: 'message.created', data: { message: { ...op, id: 203, text: 'replayed seq: ignored' } } });
    const badge = $('.ow-badge');
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('2');
    expect($('button.ow-toggle').getAttribute('aria-describedby')).toBe('ow-unread');
    $<HTMLButtonElement>('button.ow-toggle').click();
    expect(badge.hidden).toBe(true);

    // Typing is sent (by socket) at most once per 3 s.
    box.value = 'a';
    box.dispatchEvent(new Event('input'));
    box.value = 'ab';
    box.dispatchEvent(new Event('input'));
    expect(ws.sent.filter((m) => m.type === 'typing').length).toBeLessThanOrEqual(1);
  });

  test('offline: queued with a banner, sent when the network is back; too long is refused', async () => {
    const { $, root } = await mount();
    $<HTMLButtonElement>('button.ow-toggle').click();
    online = false;
    const box = $<HTMLTextAreaElement>('textarea');
    box.value = 'while offline';
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(() => !$('.ow-banner').hidden);
    expect($('.ow-banner').textContent).toContain('offline');
    expect($('.ow-me').getAttribute('data-status')).toBe('sending');
    expect(JSON.parse(localStorage.getItem('omniline.widget.5.outbox')!)[0].text).toBe('while offline');
    // Files need the network: no attaching while offline.
    expect($<HTMLButtonElement>('button.ow-attach').disabled).toBe(true);
    online = true;
    window.dispatchEvent(new Event('online'));
    await until(() => !!root.querySelector('.ow-me[data-message-id]'));
    expect(stored.map((m) => m.text)).toEqual(['while offline']);
    expect($('.ow-banner').hidden).toBe(true);
    expect($<HTMLButtonElement>('button.ow-attach').disabled).toBe(false);

    box.value = 'x'.repeat(10_001);
    box.dispatchEvent(new Event('input'));
    expect($('.ow-limit').hidden).toBe(false);
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await tick(20);
    expect(stored.length).toBe(1);
    expect(box.value.length).toBe(10_001);
  });

  test('a stored token that is no longer valid brings the required form back', async () => {
    config = {
      channel: { id: 5, name: 'Site' },
      widget: {
        title: 'Hi there', greeting: '', color: '#FFEE00', position: 'left', prechat_fields: ['name', 'phone'],
        prechat_required: true, consent_required: true, consent_text: 'Yes, <b>fine</b>',
      },
      show_operator: true,
    };
    localStorage.setItem('omniline.widget.5.token', 'olw_old');
    localStorage.setItem('omniline.widget.5.seen', '99');
    const { $, root } = await mount();
    // The look: colour (a light one gets dark text), side and title.
    const wrap = $('.ow');
    expect(wrap.classList.contains('ow-left')).toBe(true);
    expect(wrap.style.getPropertyValue('--ow-accent')).toBe('#ffee00');
    expect(wrap.style.getPropertyValue('--ow-on-accent')).toBe('#111827');
    expect($('[role="dialog"]').getAttribute('aria-label')).toBe('Hi there');
    await until(() => localStorage.getItem('omniline.widget.5.token') === null);
    expect(localStorage.getItem('omniline.widget.5.seen')).toBeNull();
    $<HTMLButtonElement>('button.ow-toggle').click();
    const form = $<HTMLFormElement>('form.ow-form');
    expect(form.hidden).toBe(false);
    expect($<HTMLFormElement>('form.ow-composer').hidden).toBe(true);
    expect(root.activeElement).toBe($('input[name="name"]'));
    expect($('.ow-consent span').textContent).toBe('Yes, <b>fine</b>');
    expect(root.querySelectorAll('.ow-consent b').length).toBe(0);
    $<HTMLInputElement>('input[name="name"]').value = 'Nina';
    $<HTMLInputElement>('input[name="phone"]').value = '+49 30 1234567';
    $<HTMLInputElement>('input[name="consent"]').checked = true;
    form.requestSubmit();
    await until(() => localStorage.getItem('omniline.widget.5.token') === 'olw_test');
    const start = calls.filter((c) => c.path.endsWith('/session')).at(-1)!;
    expect(start.body).toEqual({ name: 'Nina', phone: '+49 30 1234567', consent: true });
    await until(() => !$<HTMLFormElement>('form.ow-composer').hidden);
    expect(form.hidden).toBe(true);
    expect(root.activeElement).toBe($('textarea'));
  });

  test('other tabs: open state, outbox and sign-out arrive through storage events', async () => {
    localStorage.setItem('omniline.widget.5.token', 'olw_test');
    const { $, root } = await mount();
    const fire = (key: string, newValue: string | null) => {
      if (newValue === null) localStorage.removeItem(key);
      else localStorage.setItem(key, newValue);
      window.dispatchEvent(new StorageEvent('storage', { key, newValue, storageArea: localStorage }));
    };
    fire('omniline.widget.5.open', '1');
    expect($('[role="dialog"]').hidden).toBe(false);
    expect(root.activeElement).toBeNull(); // another tab's action does not move focus here
    online = false; // so that this tab cannot send it before we look
    fire('omniline.widget.5.outbox', JSON.stringify([
      { client_id: 'other-tab-1', text: 'typed in another tab', created: Date.now(), state: 'pending', attempts: 0, next_at: Date.now() + 60_000 },
    ]));
    expect($('.ow-me[data-client-id="other-tab-1"] .ow-bubble').textContent).toBe('typed in another tab');
    fire('omniline.widget.5.open', '0');
    expect($('[role="dialog"]').hidden).toBe(true);
    fire('omniline.widget.5.token', null);
    expect(root.querySelectorAll('.ow-msg[data-message-id]').length).toBe(0);
  });
});

const XSS = '<img src=x onerror=alert(1)>';

/** Picks `files` in the widget's (hidden) file input, as the file chooser would. */
function choose(input: HTMLInputElement, files: File[]) {
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  input.dispatchEvent(new Event('change'));
}

describe('files', () => {
  test('"Attach a file" uploads with the token, sends a message with the files, shows previews and links', async () => {
    const { $, root } = await mount();
    $<HTMLButtonElement>('button.ow-toggle').click();
    const attach = $<HTMLButtonElement>('button.ow-attach');
    expect(attach.getAttribute('aria-label')).toBe('Attach a file');
    expect(attach.disabled).toBe(false);
    const input = $<HTMLInputElement>('input[type="file"]');
    expect(input.multiple).toBe(true);
    expect(input.hidden).toBe(true);
    const click = vi.spyOn(input, 'click').mockImplementation(() => {});
    attach.click();
    expect(click).toHaveBeenCalled();

    choose(input, [new File(['png!'], 'photo.png', { type: 'image/png' }), new File(['hello'], 'notes.txt', { type: 'text/plain' })]);
    // While they upload: a pending message with their names.
    const pending = $('.ow-me[data-status="uploading"]');
    expect(pending.querySelector('.ow-status')!.textContent).toBe('Uploading…');
    expect([...pending.querySelectorAll('.ow-uploading')].map((e) => e.textContent)).toEqual(['photo.png', 'notes.txt']);

    await until(() => !!root.querySelector('.ow-me[data-message-id]'));
    // A session first (a new visitor), then the uploads with its token, then the message.
    const ups = calls.filter((c) => c.path === '/api/v1/widget/files');
    expect(ups.map((c) => [c.method, c.auth])).toEqual([['POST', 'Bearer olw_test'], ['POST', 'Bearer olw_test']]);
    expect(ups[0].body).toBeInstanceOf(FormData);
    expect([...(ups[0].body as FormData).keys()]).toEqual(['file']);
    expect(((ups[0].body as FormData).get('file') as File).name).toBe('photo.png');
    const post = calls.find((c) => c.method === 'POST' && c.path === '/api/v1/widget/messages')!;
    expect(post.body).toEqual({ text: '', client_id: expect.any(String), files: [51, 52] });
    expect(root.querySelector('[data-status="uploading"]')).toBeNull();
    expect(localStorage.getItem('omniline.widget.5.outbox')).toBeNull();

    const row = $('.ow-me[data-message-id]');
    expect(row.querySelector('.ow-bubble')).toBeNull(); // files alone: no empty text bubble
    const img = row.querySelector('img')!;
    expect(img.getAttribute('alt')).toBe('photo.png');
    expect(img.getAttribute('src')).toBe('https://chat.example/files/51?exp=9&sig=s51');
    const open = img.closest('a')!;
    expect(open.getAttribute('href')).toBe('https://chat.example/files/51?exp=9&sig=s51');
    expect(open.getAttribute('target')).toBe('_blank');
    expect(open.getAttribute('rel')).toBe('noopener noreferrer');
    const card = row.querySelector<HTMLAnchorElement>('a.ow-file')!;
    expect(card.getAttribute('href')).toBe('https://chat.example/files/52?exp=9&sig=s52');
    expect(card.hasAttribute('download')).toBe(true);
    expect(card.querySelector('.ow-file-name')!.textContent).toBe('notes.txt');
    expect(card.querySelector('.ow-file-size')!.textContent).toBe('5 B');
  });

  test('a refused upload (413) says why and sends nothing', async () => {
    localStorage.setItem('omniline.widget.5.token', 'olw_test');
    uploadAnswer = () => json(413, { error: { code: 'too_large', message: 'The file is larger than 25 MiB.' } });
    const { $, root } = await mount();
    $<HTMLButtonElement>('button.ow-toggle').click();
    choose($<HTMLInputElement>('input[type="file"]'), [new File(['x'], 'big.bin')]);
    const err = root.querySelector<HTMLElement>('.ow-file-error[role="alert"]')!;
    await until(() => !err.hidden);
    expect(err.textContent).toBe('big.bin: The file is larger than 25 MiB.');
    await tick(20);
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/widget/messages')).toBe(false);
    expect(root.querySelector('.ow-me')).toBeNull();
    // The next attempt clears the message.
    uploadAnswer = null;
    choose($<HTMLInputElement>('input[type="file"]'), [new File(['y'], 'small.txt')]);
    expect(err.hidden).toBe(true);
    await until(() => !!root.querySelector('.ow-me[data-message-id]'));
  });

  test("the operator's files arrive live; names stay text and only http(s) links are made", async () => {
    localStorage.setItem('omniline.widget.5.token', 'olw_test');
    stored = [{
      id: 90, dialog_id: 1, author: { kind: 'operator', name: 'Ann' }, text: 'older, without files', reply_to: null,
      created_at: '2026-11-25T11:00:00.000Z', edited_at: null, deleted: false,
    }];
    const { $, root } = await mount();
    $<HTMLButtonElement>('button.ow-toggle').click();
    await until(() => !!root.querySelector('[data-message-id="90"]'));
    expect(root.querySelector('[data-message-id="90"] .ow-files')).toBeNull();
    await until(() => sockets.length === 1);
    sockets[0].emit({
      seq: 11, type: 'message.created', data: {
        message: {
          id: 91, dialog_id: 1, author: { kind: 'operator', name: 'Ann' }, text: 'Here you go', reply_to: null,
          created_at: '2026-11-25T12:01:00.000Z', edited_at: null, deleted: false,
          files: [
            { id: 7, name: XSS + '.png', size: 2048, mime: 'image/png', image: true, url: '/files/7?exp=9&sig=a' },
            { id: 8, name: XSS, size: 1_258_291, mime: 'application/pdf', image: false, url: '/files/8?exp=9&sig=b' },
            { id: 9, name: 'evil.txt', size: 1, mime: 'text/plain', image: false, url: 'javascript:alert(1)' },
          ],
        },
      },
    });
    const row = $('.ow-op[data-message-id="91"]');
    expect(row.querySelector('.ow-bubble')!.textContent).toBe('Here you go');
    const imgs = row.querySelectorAll('img');
    expect(imgs.length).toBe(1);
    expect(imgs[0].getAttribute('alt')).toBe(XSS + '.png');
    expect(imgs[0].getAttribute('src')).toBe('https://chat.example/files/7?exp=9&sig=a');
    expect(row.querySelector('.ow-file-name')!.textContent).toBe(XSS);
    expect(row.querySelector('.ow-file-size')!.textContent).toBe('1.2 MB');
    expect(row.querySelector('[onerror]')).toBeNull();
    const links = [...row.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['https://chat.example/files/7?exp=9&sig=a', 'https://chat.example/files/8?exp=9&sig=b']);
    expect([...row.querySelectorAll('.ow-file')].at(-1)!.textContent).toBe('evil.txt');
  });

  test('a queued message with files is shown with them and sent with their ids', async () => {
    localStorage.setItem('omniline.widget.5.token', 'olw_test');
    online = false;
    localStorage.setItem('omniline.widget.5.outbox', JSON.stringify([{
      client_id: 'q-1', text: 'see attached', created: Date.now(), state: 'pending', attempts: 0, next_at: Date.now(),
      files: [{ id: 77, name: 'scan.pdf', size: 3000, mime: 'application/pdf', image: false, url: '/files/77?exp=9&sig=q' }],
    }]));
    const { $, root } = await mount();
    $<HTMLButtonElement>('button.ow-toggle').click();
    const pending = $('.ow-me[data-client-id="q-1"]');
    expect(pending.querySelector('.ow-bubble')!.textContent).toBe('see attached');
    expect(pending.querySelector('.ow-file-name')!.textContent).toBe('scan.pdf');
    online = true;
    window.dispatchEvent(new Event('online'));
    await until(() => !!root.querySelector('.ow-me[data-message-id]'));
    const post = calls.find((c) => c.method === 'POST' && c.path === '/api/v1/widget/messages')!;
    expect(post.body).toEqual({ text: 'see attached', client_id: 'q-1', files: [77] });
  });
});
