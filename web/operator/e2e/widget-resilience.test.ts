// The website chat widget under stress: an offline visitor's messages are queued and delivered
// exactly once, a lost answer is not stored twice, a refused message can be retried, a hostile
// host page cannot restyle the widget, markup in messages stays text both ways, the channel's
// appearance and pre-chat form apply, and the /demo page embeds the widget.
import { beforeAll, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  XSS_PAYLOADS, createEmployee, launchShopBrowser, pollWithin, screenshot, useServerAndBrowser, type Account,
} from './harness';

const poll = pollWithin(15_000);

// A page on shop.test (served by the router) loads the widget from the server on loopback.
const env = useServerAndBrowser({ launch: launchShopBrowser });
let op: Account;
let channel: any;

const SHOP = 'http://shop.test';

beforeAll(async () => {
  op = await createEmployee(env.server, 'Oscar Operator');
  const line = await env.server.api('POST', '/api/v1/lines', { name: 'Website', queue: [op.id], routing: { mode: 'all' } });
  channel = await env.server.api('POST', `/api/v1/lines/${line.id}/channels`, { kind: 'webchat', name: 'Site' });
  await env.server.api('PATCH', `/api/v1/channels/${channel.id}`, { allowed_origins: ['http://shop.test'] });
});

// A host page that tries its best to restyle everything, the widget included.
const HOSTILE_CSS = `<style>
  * { all: unset !important; font-size: 40px !important; display: block !important; color: red !important;
      font-family: "Comic Sans MS", cursive !important; line-height: 3 !important; letter-spacing: 5px !important;
      box-sizing: content-box !important; }
  button { display: none !important; }
  div { padding: 30px !important; border: 5px solid lime !important; background: yellow !important; }
  [data-omniline-widget], [data-omniline-widget] * { opacity: .1 !important; transform: rotate(45deg) !important; }
  textarea, input { width: 10px !important; }
  html { font-size: 5px !important; }
</style>`;

function shopPage(head = '', channelId = channel.id): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${head}</head>
<body><h1>Welcome to the shop</h1><p>Products and things.</p>
<script src="${env.server.url}/widget.js" data-channel="${channelId}" async></script></body></html>`;
}

async function newShopContext(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await env.browser.newContext({ viewport });
  context.setDefaultTimeout(15_000);
  await context.route(`${SHOP}/**`, (route) => {
    const url = new URL(route.request().url());
    const hostile = url.pathname.startsWith('/hostile');
    const ch = Number(url.searchParams.get('channel')) || channel.id;
    return route.fulfill({ contentType: 'text/html; charset=utf-8', body: shopPage(hostile ? HOSTILE_CSS : '', ch) });
  });
  return context;
}

const toggle = (page: Page) => page.getByRole('button', { name: /^(Open|Close) chat$/ });
const chatWindow = (page: Page) => page.locator('[data-omniline-widget] [role="dialog"]');
const messageBox = (page: Page) => chatWindow(page).getByRole('textbox', { name: 'Message' });
const bubbles = (page: Page) => page.locator('[data-omniline-widget] .ow-msg[data-message-id]');

async function openShop(context: BrowserContext, path = '/'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(SHOP + path);
  await toggle(page).waitFor();
  return page;
}

async function openChat(page: Page) {
  if ((await toggle(page).getAttribute('aria-expanded')) !== 'true') await toggle(page).click();
  await chatWindow(page).waitFor();
}

async function say(page: Page, text: string) {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

function visitorToken(page: Page, channelId = channel.id): Promise<string | null> {
  return page.evaluate((k) => localStorage.getItem(k), `omniline.widget.${channelId}.token`);
}

/** The visitor's conversation as the customer API returns it. */
async function storedForVisitor(page: Page, channelId = channel.id): Promise<any[]> {
  const token = await visitorToken(page, channelId);
  if (!token) return [];
  const r = await fetch(`${env.server.url}/api/v1/widget/messages?limit=200`, { headers: { Authorization: 'Bearer ' + token } });
  return (await r.json()).items;
}

async function dialogOfVisitor(page: Page, channelId = channel.id): Promise<number> {
  let id = 0;
  await poll(async () => (id = (await storedForVisitor(page, channelId))[0]?.dialog_id ?? 0)).toBeGreaterThan(0);
  return id;
}

test('offline: messages typed offline show at once and are delivered exactly once when back online', async () => {
  const context = await newShopContext();
  try {
    const page = await openShop(context);
    await openChat(page);
    await say(page, 'Online first');
    await poll(() => page.locator('[data-omniline-widget] [data-status="sent"]').count()).toBe(1);

    await context.setOffline(true);
    await say(page, 'Queued while offline #1');
    await say(page, 'Queued while offline #2');
    const pending = page.locator('[data-omniline-widget] .ow-me[data-status="sending"]');
    await poll(() => pending.count()).toBe(2);
    await page.locator('[data-omniline-widget] .ow-banner', { hasText: 'offline' }).waitFor();
    const outbox = await page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? '[]'), `omniline.widget.${channel.id}.outbox`);
    expect(outbox.map((i: any) => i.text)).toEqual(['Queued while offline #1', 'Queued while offline #2']);
    expect(outbox.every((i: any) => /^[0-9a-f-]{36}$/.test(i.client_id))).toBe(true);
    await screenshot(page, 'widget-offline-queued');
    // Still offline a while later: nothing was stored.
    await page.waitForTimeout(1500);
    expect((await storedForVisitor(page)).map((m) => m.text)).toEqual(['Online first']);

    await context.setOffline(false);
    await poll(() => pending.count()).toBe(0);
    await poll(async () => (await storedForVisitor(page)).map((m) => m.text)).toEqual([
      'Online first', 'Queued while offline #1', 'Queued while offline #2',
    ]);
    // Shown once each, with server ids; the outbox is empty.
    const shown = await bubbles(page).evaluateAll((els) => els.map((e) => e.querySelector('.ow-bubble')!.textContent));
    expect(shown).toEqual(['Online first', 'Queued while offline #1', 'Queued while offline #2']);
    expect(await page.evaluate((k) => localStorage.getItem(k), `omniline.widget.${channel.id}.outbox`)).toBeNull();
    await page.locator('[data-omniline-widget] .ow-banner').waitFor({ state: 'hidden' });

    // A message queued offline survives a reload and goes out after it.
    await context.setOffline(true);
    await say(page, 'Queued before a reload');
    await poll(() => pending.count()).toBe(1);
    await context.setOffline(false);
    await page.reload();
    await chatWindow(page).waitFor();
    await poll(async () => (await storedForVisitor(page)).filter((m) => m.text === 'Queued before a reload').length).toBe(1);
    await poll(() => page.locator('[data-omniline-widget] .ow-bubble', { hasText: 'Queued before a reload' }).count()).toBe(1);
  } finally {
    await context.close();
  }
});

test('a lost answer is retried with the same client id and stored once; a refused message can be retried', async () => {
  const context = await newShopContext();
  try {
    const page = await openShop(context);
    await openChat(page);
    await say(page, 'Warm-up');
    await poll(() => page.locator('[data-omniline-widget] [data-status="sent"]').count()).toBe(1);

    // The server stores the message but the answer never reaches the browser.
    let lost = 0;
    await page.route(`${env.server.url}/api/v1/widget/messages`, async (route) => {
      if (route.request().method() === 'POST' && lost === 0) {
        lost++;
        await route.fetch(); // reaches the server...
        return route.abort('connectionreset'); // ...but the browser sees a network error
      }
      return route.fallback();
    });
    await say(page, 'Answer lost on the way');
    await poll(() => lost).toBe(1);
    await poll(() => page.locator('[data-omniline-widget] .ow-me[data-status="sent"]').count(), 20_000).toBe(2);
    const texts = (await storedForVisitor(page)).map((m) => m.text);
    expect(texts.filter((t) => t === 'Answer lost on the way').length).toBe(1);
    await page.unroute(`${env.server.url}/api/v1/widget/messages`);

    // A 4xx (here: the server refuses the message) marks it failed with a Retry button.
    let refuse = true;
    await page.route(`${env.server.url}/api/v1/widget/messages`, (route) => {
      if (route.request().method() === 'POST' && refuse) {
        return route.fulfill({
          status: 400, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': SHOP },
          body: JSON.stringify({ error: { code: 'invalid_request', message: 'refused for the test' } }),
        });
      }
      return route.fallback();
    });
    await say(page, 'Refused once');
    const failed = page.locator('[data-omniline-widget] .ow-me[data-status="failed"]');
    await failed.waitFor();
    expect(await failed.locator('.ow-status').textContent()).toBe('Not sent');
    await screenshot(page, 'widget-failed-retry');
    refuse = false;
    await failed.getByRole('button', { name: 'Retry' }).click();
    await poll(() => failed.count()).toBe(0);
    await poll(async () => (await storedForVisitor(page)).filter((m) => m.text === 'Refused once').length).toBe(1);

    // Too long: a client-side check, nothing is sent.
    await messageBox(page).fill('x'.repeat(10_001));
    await page.locator('[data-omniline-widget] .ow-limit').waitFor();
    await messageBox(page).press('Enter');
    await page.waitForTimeout(300);
    expect((await storedForVisitor(page)).some((m) => m.text.length > 10_000)).toBe(false);
    expect(await messageBox(page).inputValue()).toHaveLength(10_001);
  } finally {
    await context.close();
  }
});

test('a hostile host page does not change the widget', async () => {
  const context = await newShopContext();
  const props = ['font-size', 'font-family', 'color', 'background-color', 'display', 'width', 'height', 'position',
    'padding-top', 'padding-left', 'border-top-width', 'border-top-color', 'border-radius', 'line-height',
    'letter-spacing', 'opacity', 'transform', 'visibility', 'box-sizing'];
  const snapshot = async (page: Page) =>
    page.evaluate((props) => {
      const host = document.querySelector('[data-omniline-widget]') as HTMLElement;
      const root = host.shadowRoot!;
      const pick = (sel: string) => {
        const el = root.querySelector(sel)!;
        const cs = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return { sel, box: [r.x, r.y, r.width, r.height].map(Math.round), css: props.map((p) => `${p}: ${cs.getPropertyValue(p)}`) };
      };
      return ['.ow-toggle', '.ow-window', '.ow-title', '.ow-log', '.ow-input', '.ow-send', '.ow-msg .ow-bubble', '.ow-meta']
        .map(pick);
    }, props);
  try {
    const plain = await openShop(context, '/');
    await openChat(plain);
    await say(plain, 'Style check');
    await poll(() => plain.locator('[data-omniline-widget] [data-status="sent"]').count()).toBe(1);
    await plain.mouse.move(5, 5);
    await plain.waitForTimeout(400); // the button's hover transition
    const expected = await snapshot(plain);
    await plain.close();

    const hostile = await openShop(context, '/hostile');
    await chatWindow(hostile).waitFor(); // the open state carried over
    await hostile.locator('[data-omniline-widget] .ow-bubble', { hasText: 'Style check' }).waitFor();
    await messageBox(hostile).focus(); // the same focus as on the plain page after sending
    await hostile.mouse.move(5, 5);
    await hostile.waitForTimeout(400);
    const got = await snapshot(hostile);
    expect(got).toEqual(expected);
    // The page's own elements are restyled, so the stylesheet is really in force.
    expect(await hostile.evaluate(() => getComputedStyle(document.querySelector('h1')!).fontSize)).toBe('40px');
    await screenshot(hostile, 'widget-hostile-page');
    // And it still works.
    await say(hostile, 'Still works on a hostile page');
    await poll(() => hostile.locator('[data-omniline-widget] [data-status="sent"]').count()).toBe(2);
  } finally {
    await context.close();
  }
});

test('a strict Content-Security-Policy on the host page (no inline styles) still gets a styled, working widget', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  const ws = env.server.url.replace('http', 'ws');
  await context.route(`${SHOP}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      headers: {
        'Content-Security-Policy':
          `default-src 'none'; script-src ${env.server.url}; connect-src ${env.server.url} ${ws}; style-src 'none'; img-src 'none'`,
      },
      body: shopPage(),
    }),
  );
  try {
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(SHOP + '/strict');
    await toggle(page).waitFor();
    // Styled: the round accent-coloured button, bottom right.
    expect(await toggle(page).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(37, 99, 235)');
    const box = (await toggle(page).boundingBox())!;
    expect(box.width).toBe(60);
    expect(box.x + box.width).toBe(1260);
    await openChat(page);
    await say(page, 'Hello from a strict page');
    await poll(() => page.locator('[data-omniline-widget] .ow-me[data-status="sent"]').count()).toBe(1);
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});

test('markup in operator and visitor messages shows as text', async () => {
  const context = await newShopContext();
  try {
    const page = await openShop(context);
    await openChat(page);
    for (const p of XSS_PAYLOADS) await say(page, p);
    await poll(() => page.locator('[data-omniline-widget] .ow-me[data-status="sent"]').count(), 20_000).toBe(XSS_PAYLOADS.length);
    const dialogId = await dialogOfVisitor(page);
    for (const p of XSS_PAYLOADS) await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: p }, op);
    await poll(() => page.locator('[data-omniline-widget] .ow-op[data-message-id]').count()).toBe(XSS_PAYLOADS.length);

    const report = await page.evaluate(() => {
      const root = document.querySelector('[data-omniline-widget]')!.shadowRoot!;
      const all = [...root.querySelectorAll('*')];
      return {
        xss: (window as any).__xss,
        tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))].sort(),
        handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        links: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        texts: [...root.querySelectorAll('.ow-msg[data-message-id] .ow-bubble')].map((b) => b.textContent),
      };
    });
    expect(report.xss).toBeUndefined();
    expect(report.handlers).toBe(0);
    expect(report.links).toEqual([]);
    for (const t of report.tags) {
      expect(['div', 'button', 'span', 'svg', 'path', 'h2', 'form', 'textarea', 'time', 'strong', 'label', 'input', 'p', 'br']).toContain(t);
    }
    // Every payload shows as written (BBCode's [b] becomes bold, its text intact), both ways.
    const asShown = (p: string) => p.replace(/\[\/?b\]/g, '');
    const expected = XSS_PAYLOADS.map(asShown);
    expect(report.texts).toEqual([...expected, ...expected]);
    expect(await page.evaluate(() => document.querySelectorAll('img, iframe, svg').length)).toBe(0);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    // After a reload (history over REST) too.
    await page.reload();
    await poll(() => bubbles(page).count()).toBe(2 * XSS_PAYLOADS.length);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  } finally {
    await context.close();
  }
});

test("the channel's appearance, pre-chat form and consent; hidden operators show as Support", async () => {
  // Its own line (operators hidden) and channel, so the required form does not affect the other tests.
  const line2 = await env.server.api('POST', '/api/v1/lines', { name: 'Hidden ops', queue: [op.id], routing: { mode: 'all' } });
  const ch2 = await env.server.api('POST', `/api/v1/lines/${line2.id}/channels`, { kind: 'webchat', name: 'Acme site' });
  const widget = {
    title: 'Talk to Acme', greeting: 'Hi! Ask us [b]anything[/b] <b>about bikes</b>.', color: '#16a34a', position: 'left',
    prechat_fields: ['name', 'email'], prechat_required: true, consent_required: true,
    consent_text: 'I agree to the <privacy policy>.',
  };
  const context = await newShopContext();
  const probe = await fetch(`${env.server.url}/api/v1/widget/channels/${ch2.id}/config`);
  const realSettings = probe.status === 200;
  if (realSettings) {
    await env.server.api('PATCH', `/api/v1/channels/${ch2.id}`, { widget });
    await env.server.api('PATCH', `/api/v1/lines/${line2.id}`, { show_operator: false });
  } else {
    // A server without widget settings: serve them as a newer server would.
    await context.route(`${env.server.url}/api/v1/widget/channels/${ch2.id}/config`, (route) =>
      route.fulfill({
        status: 200, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': SHOP },
        body: JSON.stringify({ channel: { id: ch2.id, name: 'Acme site' }, widget, show_operator: false }),
      }),
    );
  }
  console.log(`widget settings: ${realSettings ? "the server's" : 'served by the test (the server has none)'}`);
  try {
    const page = await openShop(context, `/?channel=${ch2.id}`);
    const button = toggle(page);
    const bb = (await button.boundingBox())!;
    expect(bb.x).toBeLessThan(100); // on the left
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(22, 163, 74)');
    await button.click();
    const win = page.getByRole('dialog', { name: 'Talk to Acme' });
    await win.waitFor();
    await win.getByText('Hi! Ask us', { exact: false }).waitFor();
    expect(await win.locator('.ow-greeting .ow-bubble').textContent()).toBe('Hi! Ask us anything <b>about bikes</b>.');
    // The form comes first; focus on its first field.
    const name = win.getByLabel('Name');
    const email = win.getByLabel('Email');
    await poll(() => name.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    expect(await win.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(false);
    await screenshot(page, 'widget-prechat-form');
    await win.getByRole('button', { name: 'Start chat' }).click();
    await win.getByRole('alert').filter({ hasText: 'Please fill in all fields.' }).waitFor();
    expect(await visitorToken(page, ch2.id)).toBeNull();
    await name.fill('Petra Pedal');
    await email.fill('not-an-email');
    await win.getByRole('button', { name: 'Start chat' }).click();
    await win.getByRole('alert').filter({ hasText: 'valid email' }).waitFor();
    await email.fill('petra@example.test');
    await win.getByRole('button', { name: 'Start chat' }).click();
    await win.getByRole('alert').filter({ hasText: 'consent' }).waitFor();
    const consent = win.getByRole('checkbox', { name: 'I agree to the <privacy policy>.' });
    await consent.check();
    await win.getByRole('button', { name: 'Start chat' }).click();
    await poll(() => visitorToken(page, ch2.id)).toMatch(/^olw_/);
    const box = win.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    await say(page, 'Hello from Petra');
    const dialogId = await dialogOfVisitor(page, ch2.id);
    const dialog = await env.server.api('GET', `/api/v1/dialogs/${dialogId}`, undefined, op);
    expect(JSON.stringify(dialog)).toContain('Petra Pedal');

    // With show_operator false, operators are "Support".
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Hello Petra!' }, op);
    const reply = page.locator('[data-omniline-widget] .ow-op[data-message-id]');
    await reply.waitFor();
    expect(await reply.locator('.ow-author').textContent()).toBe('Support');
    expect(await page.locator('[data-omniline-widget]').evaluate((h) => h.shadowRoot!.textContent!.includes('Oscar'))).toBe(false);

    // A returning visitor (stored token) is not asked again.
    await page.reload();
    await page.getByRole('dialog', { name: 'Talk to Acme' }).getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start chat' }).isVisible()).toBe(false);
  } finally {
    await context.close();
  }
});

test('/demo embeds the widget on a sample page', async (ctx) => {
  const r = await fetch(env.server.url + '/demo');
  const html = await r.text();
  if (!html.includes('data-channel=')) {
    // This server does not serve the demo page yet (it falls back to the operator app).
    ctx.skip();
    return;
  }
  expect(html).not.toContain('__CHANNEL_ID__');
  expect(html).toContain(`data-channel="${channel.id}"`); // the first website chat channel
  expect(html).toContain('Acme Bikes');
  // The demo page is on the server's own origin: the channel must allow it too.
  await env.server.api('PATCH', `/api/v1/channels/${channel.id}`, { allowed_origins: ['http://shop.test', env.server.url] });
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(r.status() + ' ' + r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(env.server.url + '/demo');
    await toggle(page).click();
    await chatWindow(page).waitFor();
    await say(page, 'Hello from the demo page');
    await poll(() => page.locator('[data-omniline-widget] [data-status="sent"]').count()).toBe(1);
    await screenshot(page, 'widget-demo-page');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
