// The website live-chat widget (web/widget → /widget.js) on a customer's page, in Chromium,
// against a real server: the visitor and an operator (over the API) talk both ways live, the
// conversation survives a reload, two tabs stay in sync, the unread badge and read receipts
// work, and the window is accessible and full-screen on a phone.
//
// The host page is a cross-origin page at http://shop.test served by Playwright's router, the
// way a company would embed the snippet; the channel allows that origin.
import { beforeAll, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  createEmployee, launchShopBrowser, openWorkspace, pollWithin, screenshot, unnamedControls,
  useServerAndBrowser, type Account,
} from './harness';

const poll = pollWithin(15_000);

// A page on shop.test (served by the router) loads the widget from the server on loopback.
const env = useServerAndBrowser({ launch: launchShopBrowser });
let op: Account;
let line: any;
let channel: any;

beforeAll(async () => {
  op = await createEmployee(env.server, 'Olivia Operator');
  line = await env.server.api('POST', '/api/v1/lines', { name: 'Website', queue: [op.id], routing: { mode: 'all' } });
  channel = await env.server.api('POST', `/api/v1/lines/${line.id}/channels`, { kind: 'webchat', name: 'Site' });
  await env.server.api('PATCH', `/api/v1/channels/${channel.id}`, { allowed_origins: ['http://shop.test'] });
});

const SHOP = 'http://shop.test';

function shopPage(channelId: number, extraHead = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${extraHead}</head>
<body><h1>Welcome to the shop</h1><p>Products and things.</p>
<script src="${env.server.url}/widget.js" data-channel="${channelId}" async></script></body></html>`;
}

async function newShopContext(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await env.browser.newContext({ viewport });
  context.setDefaultTimeout(15_000);
  await context.route(`${SHOP}/**`, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: shopPage(channel.id) }),
  );
  return context;
}

async function openShop(context: BrowserContext, path = '/'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(SHOP + path);
  await page.getByRole('button', { name: /^(Open|Close) chat$/ }).waitFor();
  return page;
}

const toggle = (page: Page) => page.getByRole('button', { name: /^(Open|Close) chat$/ });
const chatWindow = (page: Page) => page.getByRole('dialog', { name: 'Chat with us' });
const log = (page: Page) => chatWindow(page).getByRole('log');
const bubbles = (page: Page) => page.locator('[data-omniline-widget] .ow-msg[data-message-id]');

/** The visitor's token as the widget stored it in the page's localStorage. */
function visitorToken(page: Page): Promise<string | null> {
  return page.evaluate((k) => localStorage.getItem(k), `omniline.widget.${channel.id}.token`);
}

/** The visitor's dialog id (from the customer API with the page's token), once it exists. */
async function dialogOfVisitor(page: Page): Promise<number> {
  let id = 0;
  await poll(async () => {
    const token = await visitorToken(page);
    if (!token) return 0;
    const r = await fetch(`${env.server.url}/api/v1/widget/messages`, { headers: { Authorization: 'Bearer ' + token } });
    const j = await r.json();
    id = j.items?.[0]?.dialog_id ?? 0;
    return id;
  }).toBeGreaterThan(0);
  return id;
}

async function staffTexts(dialogId: number): Promise<string[]> {
  const page = await env.server.api('GET', `/api/v1/dialogs/${dialogId}/messages?limit=200`, undefined, op);
  return page.items.filter((m: any) => !m.hidden && !m.system).map((m: any) => m.text);
}

test('round trip both ways, typing, read receipts, keyboard and screenshots', async () => {
  const context = await newShopContext();
  try {
    const page = await openShop(context);
    const button = toggle(page);
    expect(await button.getAttribute('aria-label')).toBe('Open chat');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await screenshot(page, 'widget-closed');

    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await button.getAttribute('aria-label')).toBe('Close chat');
    const win = chatWindow(page);
    await win.waitFor();
    expect(await log(page).getAttribute('aria-live')).toBe('polite');
    const box = win.getByRole('textbox', { name: 'Message' });
    // Focus goes to the message box on open.
    await poll(() => box.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);

    await box.fill('Hello, do you have the Metro 3 in blue?');
    await win.getByRole('button', { name: 'Send' }).click();
    await poll(() => bubbles(page).count()).toBe(1);
    expect(await box.inputValue()).toBe('');
    const mine = bubbles(page).first();
    await poll(() => mine.getAttribute('data-status')).toBe('sent');

    // The operator sees it over the API and answers.
    const dialog = { id: await dialogOfVisitor(page) };
    await poll(() => staffTexts(dialog.id)).toEqual(['Hello, do you have the Metro 3 in blue?']);
    await env.server.api('POST', `/api/v1/dialogs/${dialog.id}/typing`, {}, op);
    await win.getByText('Olivia Operator is typing…').waitFor();
    await env.server.api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'Yes! [b]Two[/b] left in stock.' }, op);
    const reply = log(page).locator('.ow-op[data-message-id]');
    await reply.waitFor();
    expect(await reply.locator('.ow-bubble').textContent()).toBe('Yes! Two left in stock.');
    expect(await reply.locator('.ow-bubble strong').textContent()).toBe('Two');
    expect(await reply.locator('.ow-author').textContent()).toBe('Olivia Operator');
    // The typing notice goes away when the message arrives.
    await poll(() => win.getByText('is typing…').count()).toBe(0);

    // The operator reads the visitor's message: a read receipt.
    const myId = Number(await mine.getAttribute('data-message-id'));
    await env.server.api('POST', `/api/v1/dialogs/${dialog.id}/read`, { message_id: myId }, op);
    await poll(() => mine.getAttribute('data-status')).toBe('read');
    expect(await mine.locator('.ow-status').textContent()).toBe('Read');

    // The open, visible window told the server that the visitor read the reply.
    const staffView = await env.server.api('GET', `/api/v1/dialogs/${dialog.id}`, undefined, op);
    const replyId = Number(await reply.getAttribute('data-message-id'));
    if ('customer_read_id' in staffView) await poll(async () => (await env.server.api('GET', `/api/v1/dialogs/${dialog.id}`, undefined, op)).customer_read_id).toBe(replyId);

    // Enter sends, Shift+Enter is a new line.
    await box.focus();
    await page.keyboard.type('Line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('Line two');
    await page.keyboard.press('Enter');
    await poll(() => staffTexts(dialog.id)).toEqual([
      'Hello, do you have the Metro 3 in blue?', 'Yes! [b]Two[/b] left in stock.', 'Line one\nLine two',
    ]);
    await poll(() => bubbles(page).count()).toBe(3);
    await screenshot(page, 'widget-open-desktop');

    // Every control in the widget has a name.
    expect(await unnamedControls(page, '[data-omniline-widget]')).toEqual([]);

    // The visitor types: the operator's workspace shows it (typing goes out at most every 3 s).
    const ws = await openWorkspace(env.browser, env.server, op, `/dialogs/${dialog.id}`);
    try {
      await ws.page.getByText('Line one', { exact: false }).first().waitFor();
      await box.focus();
      // Keep typing until it shows (the workspace's socket may still be connecting, and typing
      // is an ephemeral event that is not replayed).
      const shown = ws.page.getByText(/is typing…/);
      for (let i = 0; i < 40 && !(await shown.isVisible()); i++) {
        await page.keyboard.type('a');
        await page.waitForTimeout(500);
      }
      await shown.waitFor({ timeout: 1000 });
    } finally {
      await ws.context.close();
    }
    await box.fill('');

    // Escape closes and gives focus back to the button.
    await page.keyboard.press('Escape');
    await win.waitFor({ state: 'hidden' });
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await button.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    // Keyboard only: Enter on the focused button opens it again.
    await page.keyboard.press('Enter');
    await win.waitFor();
    await page.keyboard.press('Escape');
  } finally {
    await context.close();
  }
});

test('reload keeps the conversation; two tabs stay in sync; unread badge', async () => {
  const context = await newShopContext();
  try {
    const a = await openShop(context, '/products');
    await toggle(a).click();
    await chatWindow(a).getByRole('textbox', { name: 'Message' }).fill('First from tab A');
    await chatWindow(a).getByRole('textbox', { name: 'Message' }).press('Enter');
    await poll(() => a.locator('[data-omniline-widget] .ow-me[data-status="sent"]').count()).toBe(1);
    const token = await a.evaluate(() => Object.keys(localStorage).find((k) => k.endsWith('.token')));
    expect(token).toBe(`omniline.widget.${channel.id}.token`);

    // Navigation to another page of the site: the same conversation, the window still open.
    await a.goto(SHOP + '/checkout');
    await chatWindow(a).waitFor();
    await log(a).getByText('First from tab A').waitFor();
    await a.reload();
    await chatWindow(a).waitFor();
    await log(a).getByText('First from tab A').waitFor();
    expect(await bubbles(a).count()).toBe(1);

    // A second tab of the same visitor.
    const b = await openShop(context, '/about');
    await chatWindow(b).waitFor(); // the open state is shared
    await log(b).getByText('First from tab A').waitFor();
    await chatWindow(b).getByRole('textbox', { name: 'Message' }).fill('Second, from tab B');
    await chatWindow(b).getByRole('textbox', { name: 'Message' }).press('Enter');
    await log(a).getByText('Second, from tab B').waitFor();

    const dialogId = await dialogOfVisitor(a);
    await poll(() => staffTexts(dialogId)).toEqual(['First from tab A', 'Second, from tab B']);
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Both tabs should see this' }, op);
    await log(a).getByText('Both tabs should see this').waitFor();
    await log(b).getByText('Both tabs should see this').waitFor();
    for (const p of [a, b]) {
      const ids = await bubbles(p).evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id')));
      expect(ids.length).toBe(3);
      expect(new Set(ids).size).toBe(3);
    }

    // Closing in one tab closes in the other; the badge counts operator messages since.
    await toggle(a).click();
    await chatWindow(b).waitFor({ state: 'hidden' });
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Unread one' }, op);
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Unread two' }, op);
    const badge = a.locator('[data-omniline-widget] .ow-badge');
    await poll(() => badge.textContent()).toBe('2');
    expect(await badge.isVisible()).toBe(true);
    await poll(() => b.locator('[data-omniline-widget] .ow-badge').textContent()).toBe('2');
    await screenshot(a, 'widget-unread-badge');
    await toggle(b).click();
    await poll(() => badge.isVisible()).toBe(false);
    await log(b).getByText('Unread two').waitFor();
    // And after a reload the badge stays at 0 (seen).
    await toggle(b).click();
    await b.reload();
    await toggle(b).waitFor();
    await poll(() => b.locator('[data-omniline-widget] .ow-badge').isVisible()).toBe(false);
  } finally {
    await context.close();
  }
});

test('a long conversation loads the newest page first and older ones on demand', async () => {
  const context = await newShopContext();
  try {
    const page = await openShop(context);
    await toggle(page).click();
    await chatWindow(page).getByRole('textbox', { name: 'Message' }).fill('Tell me everything');
    await chatWindow(page).getByRole('textbox', { name: 'Message' }).press('Enter');
    const dialogId = await dialogOfVisitor(page);
    for (let i = 1; i <= 60; i++) {
      await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: `Fact number ${i}` }, op);
    }
    await log(page).getByText('Fact number 60', { exact: true }).waitFor();
    await page.reload();
    await log(page).getByText('Fact number 60', { exact: true }).waitFor();
    await poll(() => bubbles(page).count()).toBe(50);
    // The newest is in view.
    const last = log(page).getByText('Fact number 60', { exact: true });
    expect(await last.isVisible()).toBe(true);
    const earlier = log(page).getByRole('button', { name: 'Show earlier messages' });
    await earlier.click();
    await poll(() => bubbles(page).count()).toBe(61);
    await earlier.waitFor({ state: 'hidden' });
    const texts = await log(page).locator('.ow-msg[data-message-id] .ow-bubble').allTextContents();
    expect(texts[0]).toBe('Tell me everything');
    expect(texts.slice(1)).toEqual(Array.from({ length: 60 }, (_, i) => `Fact number ${i + 1}`));
  } finally {
    await context.close();
  }
});

test('phone: the window is full screen at 360 px and the operator name shows', async () => {
  const context = await newShopContext({ width: 360, height: 740 });
  try {
    const page = await openShop(context);
    await toggle(page).click();
    const win = chatWindow(page);
    await win.waitFor();
    const box = await win.boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 360, height: 740 });
    const input = win.getByRole('textbox', { name: 'Message' });
    await input.fill('Small screen hello');
    await input.press('Enter');
    const dialog = { id: await dialogOfVisitor(page) };
    await poll(() => staffTexts(dialog.id)).toEqual(['Small screen hello']);
    // The operator has an avatar (served here by the router): the widget shows it.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await context.route('http://avatars.test/**', (route) => route.fulfill({ contentType: 'image/png', body: png }));
    await env.server.api('PATCH', '/api/v1/me', { avatar_url: 'http://avatars.test/olivia.png' }, op);
    await env.server.api('POST', `/api/v1/dialogs/${dialog.id}/messages`, { text: 'Hello on the small screen! A longer answer that has to wrap over several lines on a phone.' }, op);
    await log(page).getByText('Hello on the small screen!', { exact: false }).waitFor();
    const avatar = log(page).locator('.ow-op .ow-avatar img');
    const hasAvatar = await avatar.count();
    if (hasAvatar) {
      expect(await avatar.getAttribute('src')).toBe('http://avatars.test/olivia.png');
      await poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    } else {
      console.log('this server sends no author.avatar_url in the customer view');
    }
    expect(await log(page).locator('.ow-op .ow-author').textContent()).toBe('Olivia Operator');
    // Nothing sticks out sideways.
    const overflow = await page.evaluate(() => {
      const host = document.querySelector('[data-omniline-widget]')!;
      const root = host.shadowRoot!;
      return [...root.querySelectorAll('*')].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5);
      }).map((e) => e.className);
    });
    expect(overflow).toEqual([]);
    const send = await win.getByRole('button', { name: 'Send' }).boundingBox();
    expect(send!.x + send!.width).toBeLessThanOrEqual(360);
    await screenshot(page, 'widget-open-phone');
    // The minimise button closes it on a phone (the round button is under the window).
    await win.getByRole('button', { name: 'Minimize chat' }).click();
    await win.waitFor({ state: 'hidden' });
  } finally {
    await context.close();
  }
});
