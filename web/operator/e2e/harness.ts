// Browser-test harness: a real `omniline serve` on a free loopback port with a fresh SQLite
// data dir and the test clock, Debian's Chromium driven by playwright-core, and small API
// helpers (as the admin, an employee or a custom-connector customer) to set scenes up.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
export const BIN = process.env.OMNILINE_BIN ?? join(repo, 'build/omniline');
export const WEB_DIR = process.env.OMNILINE_WEB_DIR ?? join(repo, 'build/web');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = process.env.OMNILINE_E2E_ARTIFACTS ?? join(here, '../e2e-artifacts');

export interface Account {
  id: number;
  name: string;
  email: string;
  password: string;
  role: string;
  token: string;
  csrf: string;
}

export interface Server {
  url: string;
  port: number;
  dataDir: string;
  admin: Account;
  /** REST call; `as` is the account (default: the admin). Throws on non-2xx unless `raw`. */
  api<T = any>(method: string, path: string, body?: unknown, as?: Account): Promise<T>;
  raw(method: string, path: string, body?: unknown, as?: Account): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
  /** Kills the server hard and starts it again on the same port and data dir. */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

async function waitReady(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`omniline exited (${proc.exitCode}):\n${log()}`);
    try {
      const r = await fetch(url + '/readyz');
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('omniline did not become ready:\n' + log());
}

async function call(url: string, method: string, path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: r.status, json };
}

export interface ServerOptions {
  /** Fill the data dir first with `omniline demo` (a "Demo" line answered by the admin). */
  demo?: { dialogs: number; messagesPerDialog: number };
  /** More `omniline serve` flags after the harness's own, e.g. `['--telegram-api-url', url]` (also on restart). */
  serveArgs?: string[];
}

export async function startServer(opts: ServerOptions = {}): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omniline-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminEmail = 'admin@example.test';
  const adminPassword = 'admin-password-123';
  let proc!: ChildProcess;
  let output = '';
  const launch = async () => {
    output = '';
    proc = spawn(
      BIN,
      ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--web-dir', WEB_DIR, '--test-clock',
       '--access-log', '0', '--shutdown-grace', '1', ...(opts.serveArgs ?? [])],
      {
        env: { ...process.env, OMNILINE_ADMIN_EMAIL: adminEmail, OMNILINE_ADMIN_PASSWORD: adminPassword },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-20_000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    await waitReady(url, proc, () => output);
  };
  if (opts.demo) {
    const r = spawnSync(BIN, ['demo', '--data-dir', dataDir, '--dialogs', String(opts.demo.dialogs),
      '--messages-per-dialog', String(opts.demo.messagesPerDialog)], {
      env: { ...process.env, OMNILINE_ADMIN_EMAIL: adminEmail, OMNILINE_ADMIN_PASSWORD: adminPassword },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`omniline demo failed (${r.status}): ${r.stderr}${r.stdout}`);
  }
  await launch();

  const login = async (email: string, password: string) => {
    const r = await call(url, 'POST', '/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const l = await login(adminEmail, adminPassword);
  const admin: Account = {
    id: l.employee.id, name: l.employee.name, email: adminEmail, password: adminPassword,
    role: 'admin', token: l.token, csrf: l.csrf_token,
  };
  const server: Server = {
    url, port, dataDir, admin,
    async raw(method, path, body, as = admin) {
      return call(url, method, path, body, as.token);
    },
    async api(method, path, body, as = admin) {
      const r = await call(url, method, path, body, as.token);
      if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
      return r.json;
    },
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await done;
      }
      await launch();
    },
  };
  return server;
}

/** Creates an employee (as the admin) and signs them in over the API. */
export async function createEmployee(
  server: Server, name: string, role: 'admin' | 'supervisor' | 'operator' = 'operator',
): Promise<Account> {
  const email = name.toLowerCase().replace(/[^a-z0-9]+/g, '.') + '@example.test';
  const password = 'password-' + name.length + '-long-enough';
  const e = await server.api('POST', '/api/v1/employees', { name, email, role, password });
  const l = await call(server.url, 'POST', '/api/v1/auth/login', { email, password });
  if (l.status !== 200) throw new Error('login failed for ' + email);
  return { id: e.id, name, email, password, role, token: l.json.token, csrf: l.json.csrf_token };
}

export interface LineSetup {
  line: any;
  channel: any; // a custom-connector channel (kind api) with its secret
}

/** A line with the given queue and a custom-connector channel on it. */
export async function createLine(server: Server, name: string, queue: number[], routing: object = {}): Promise<LineSetup> {
  const line = await server.api('POST', '/api/v1/lines', { name, queue, routing: { mode: 'all', ...routing } });
  const channel = await server.api('POST', `/api/v1/lines/${line.id}/channels`, { kind: 'api', name: name + ' connector' });
  return { line, channel };
}

let messageCounter = 0;
/** A customer message through the custom connector: `{dialog_id, message_id, duplicate}`. */
export async function customerSays(
  server: Server, channel: any, user: { id: string; name: string }, text: string, messageId?: string,
): Promise<{ dialog_id: number; message_id: number; duplicate: boolean }> {
  const r = await fetch(`${server.url}/hooks/api/${channel.id}/messages`, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + channel.secret, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      user: { id: user.id, name: user.name },
      chat: { id: 'chat-' + user.id },
      message: { id: messageId ?? `m${Date.now()}-${++messageCounter}`, text },
    }),
  });
  const json = await r.json();
  if (r.status !== 200) throw new Error('connector message: ' + r.status + ' ' + JSON.stringify(json));
  return json;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    headless: true,
  });
}

/**
 * A fresh browser context signed in as `account` (cookies set from an API login, so only the
 * sign-in test goes through the form) with the workspace open. Notifications are granted.
 */
export async function openWorkspace(
  browser: Browser, server: Server, account: Account, path = '/',
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['notifications'], { origin: server.url });
  if (prepare) await prepare(context);
  const l = await call(server.url, 'POST', '/api/v1/auth/login', { email: account.email, password: account.password });
  if (l.status !== 200) throw new Error('login failed for ' + account.email);
  await context.addCookies([
    { name: 'omniline_session', value: l.json.token, url: server.url, httpOnly: true, sameSite: 'Lax' },
    { name: 'omniline_csrf', value: l.json.csrf_token, url: server.url, sameSite: 'Strict' },
  ]);
  const page = await context.newPage();
  await page.goto(server.url + path);
  return { context, page };
}

/** Saves a full-page screenshot as e2e-artifacts/<name>.png (kept by CI as a test artifact). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, name.replace(/[^a-zA-Z0-9_-]+/g, '-') + '.png');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---- Helpers for the workspace browser tests (appended; the ones above are unchanged) ----

/** A website-chat (`webchat`) channel on an existing line, so customers can use the widget API. */
export async function createWebchatChannel(server: Server, lineId: number, name = 'Website chat'): Promise<any> {
  return server.api('POST', `/api/v1/lines/${lineId}/channels`, { kind: 'webchat', name });
}

export interface WidgetCustomer {
  token: string;
  customer: { id: number; name: string; email: string };
  channelId: number;
}

async function widgetCall(server: Server, method: string, path: string, token?: string, body?: unknown) {
  const r = await call(server.url, method, path, body, token);
  if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Starts a website-chat visitor (the customer side) on a `webchat` channel. */
export async function widgetStart(server: Server, channelId: number, name: string): Promise<WidgetCustomer> {
  const s = await widgetCall(server, 'POST', `/api/v1/widget/channels/${channelId}/session`, undefined, { name });
  return { token: s.token, customer: s.customer, channelId };
}

/** The visitor sends a message; answers the stored CustomerMessage (with `dialog_id`). */
export async function widgetSay(server: Server, who: WidgetCustomer, text: string): Promise<any> {
  return widgetCall(server, 'POST', '/api/v1/widget/messages', who.token, { text });
}

/** Everything the visitor sees of their conversation (all pages, oldest first). */
export async function widgetMessages(server: Server, who: WidgetCustomer): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page: any = await widgetCall(server, 'GET', '/api/v1/widget/messages' + q, who.token);
    out.unshift(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** A dialog's whole history as staff see it (all pages, oldest first). */
export async function dialogMessages(server: Server, dialogId: number, as?: Account): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page: any = await server.api('GET', `/api/v1/dialogs/${dialogId}/messages${q}`, undefined, as);
    out.unshift(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/**
 * Replaces `window.Notification` in every page of the context (before any script runs) with a
 * stub whose permission is `granted` and that records each notification in
 * `window.__notifications` as `{title, body, tag}`.
 */
export async function stubNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as any;
    w.__notifications = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission(cb?: (p: string) => void) {
        cb?.('granted');
        return Promise.resolve('granted');
      }
      title: string;
      body: string;
      onclick: unknown = null;
      onclose: unknown = null;
      onshow: unknown = null;
      onerror: unknown = null;
      constructor(title: string, options: { body?: string; tag?: string } = {}) {
        this.title = title;
        this.body = options.body ?? '';
        w.__notifications.push({ title, body: options.body ?? '', tag: options.tag ?? '' });
      }
      close() {}
      addEventListener() {}
      removeEventListener() {}
    }
    w.Notification = FakeNotification;
  });
}

/**
 * Like openWorkspace, but the Notification stub is installed before the page loads (and the
 * page is not opened until then). `path` defaults to `/`.
 */
export function openWorkspaceWithNotifications(
  browser: Browser, server: Server, account: Account, path = '/',
): Promise<{ context: BrowserContext; page: Page }> {
  return openWorkspace(browser, server, account, path, stubNotifications);
}

/** The row of a dialog in the dialog list (listbox "Dialogs", options with data-dialog-id). */
export function dialogRow(page: Page, dialogId: number) {
  return page.getByRole('listbox', { name: 'Dialogs' }).locator(`[data-dialog-id="${dialogId}"]`);
}

/** The open dialog's message log (role=log "Messages"). */
export function messageLog(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

/** One message in the open dialog's log, by id. */
export function messageById(page: Page, messageId: number) {
  return messageLog(page).locator(`[data-message-id="${messageId}"]`);
}

const NAMED_ROLES = ['button', 'link', 'textbox', 'searchbox', 'checkbox', 'switch', 'combobox', 'tab', 'menuitem',
  'menuitemcheckbox', 'radio', 'option', 'slider', 'spinbutton', 'listbox', 'dialog', 'log', 'complementary'];

/**
 * Lines of Playwright's accessibility snapshot of the page whose role needs a name but has
 * none (e.g. `- button` or `- textbox: some value`). Empty when every control is named.
 */
export async function unnamedControls(page: Page, root = 'body'): Promise<string[]> {
  const snap = await page.locator(root).ariaSnapshot();
  const re = new RegExp(`^\\s*- (${NAMED_ROLES.join('|')})(\\s*\\[[^\\]]*\\])*\\s*(:.*)?$`);
  return snap.split('\n').filter((l) => re.test(l));
}

/** Markup and BBCode that must show as literal text and never run. */
export const XSS_PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '[url=javascript:window.__xss=1]x[/url]',
  '"><svg onload=window.__xss=1>',
  '[b]<i>bold</i>[/b]',
  '<a href="javascript:window.__xss=1">click</a>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '[img]javascript:window.__xss=1[/img]',
  '{{constructor.constructor(\'window.__xss=1\')()}}',
];

/**
 * Like launchBrowser, but a page on a public-looking origin (shop.test, served by the test's
 * router) may load from the server on loopback: Chromium's Private Network Access checks would
 * block that, and they are not what the widget tests are about.
 */
export function launchShopBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,' +
        'PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks'],
    headless: true,
  });
}

/**
 * The set-up every test file shares: registers a beforeAll that starts a server (with `opts`,
 * e.g. `demo`, which also gives the hook 120 s) and launches a browser (`opts.launch`, by
 * default launchBrowser), and an afterAll that closes both. Read `server` and `browser` from
 * the returned object inside hooks and tests (they are set once the beforeAll has run); a
 * file's own beforeAll registered after this call runs after it.
 */
export function useServerAndBrowser(
  opts: ServerOptions & { launch?: () => Promise<Browser> } = {},
): { readonly server: Server; readonly browser: Browser } {
  const { launch = launchBrowser, ...serverOptions } = opts;
  let server: Server | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(serverOptions);
    browser = await launch();
  }, opts.demo ? 120_000 : undefined);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('useServerAndBrowser: the server is not started yet (use it in a hook or test)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('useServerAndBrowser: the browser is not launched yet (use it in a hook or test)');
      return browser;
    },
  };
}

/** expect.poll every 100 ms with a default timeout of `defaultTimeout` ms instead of vitest's 1 s. */
export function pollWithin(defaultTimeout: number) {
  return <T>(fn: () => T | Promise<T>, timeout = defaultTimeout) => expect.poll(fn, { timeout, interval: 100 });
}

/** expect.poll with a timeout that fits a live UI (vitest's default is 1 s). */
export const poll = pollWithin(10_000);

// ---- The Telegram Bot API emulator (tests/telegram: telegram-test-api behind a failure-injecting front) ----

export const TELEGRAM_EMULATOR = join(repo, 'tests/telegram/emulator.mjs');

export interface TelegramEmulator {
  /** The front's base URL, for `serve --telegram-api-url`. */
  url: string;
  /** POST to the emulator (its client API, or `/__fail`); throws on non-2xx. */
  post<T = any>(path: string, body: unknown): Promise<T>;
  /** Stops the emulator process (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `node tests/telegram/emulator.mjs` and waits for its `ready <port>`. */
export async function startTelegramEmulator(): Promise<TelegramEmulator> {
  const proc = spawn(process.execPath, [TELEGRAM_EMULATOR], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave it running, even when the test process ends without its afterAll.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the Telegram emulator did not start:\n' + output)), 20_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      const m = /^ready (\d+)$/m.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-20_000)));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the Telegram emulator exited (${code}):\n${output}`));
    });
  }).catch(async (e) => {
    proc.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw e;
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async post(path, body) {
      const r = await fetch(url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const text = await r.text();
      if (!r.ok) throw new Error(`emulator ${path}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const hard = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(hard);
    },
  };
}
