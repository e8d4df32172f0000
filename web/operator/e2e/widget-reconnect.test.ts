// The website chat widget across a server crash (kill -9 and restart): the visitor sees
// "Reconnecting…", a message written during the outage is delivered once when the server is
// back, the socket reconnects by itself and resumes, so an operator message sent before the
// widget reconnected is not lost, and nothing shows twice. Its own file: the restart would
// disturb other tests.
import { beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  createEmployee, launchShopBrowser, pollWithin, screenshot, useServerAndBrowser, type Account,
} from './harness';

const poll = pollWithin(30_000);

// A page on shop.test (served by the router) loads the widget from the server on loopback.
const env = useServerAndBrowser({ launch: launchShopBrowser });
let op: Account;
let channel: any;
const SHOP = 'http://shop.test';

beforeAll(async () => {
  op = await createEmployee(env.server, 'Rhea Restart');
  const line = await env.server.api('POST', '/api/v1/lines', { name: 'Website', queue: [op.id], routing: { mode: 'all' } });
  channel = await env.server.api('POST', `/api/v1/lines/${line.id}/channels`, { kind: 'webchat', name: 'Site' });
});

async function stored(page: Page): Promise<any[]> {
  const token = await page.evaluate((k) => localStorage.getItem(k), `omniline.widget.${channel.id}.token`);
  const r = await fetch(`${env.server.url}/api/v1/widget/messages?limit=200`, { headers: { Authorization: 'Bearer ' + token } });
  return (await r.json()).items;
}

test('server crash: queued message delivered once, socket resumes, no operator message lost', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(30_000);
  await context.route(`${SHOP}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script src="${env.server.url}/widget.js" data-channel="${channel.id}" async></script></body></html>`,
    }),
  );
  try {
    const page = await context.newPage();
    await page.goto(SHOP + '/');
    await page.getByRole('button', { name: 'Open chat' }).click();
    const win = page.getByRole('dialog', { name: 'Chat with us' });
    const box = win.getByRole('textbox', { name: 'Message' });
    await box.fill('Before the crash');
    await box.press('Enter');
    await poll(() => page.locator('[data-omniline-widget] [data-status="sent"]').count()).toBe(1);
    const dialogId = (await stored(page))[0].dialog_id;
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Live before the crash' }, op);
    await win.getByText('Live before the crash').waitFor();

    // Crash: kill -9, and write while the server is down.
    const restarted = env.server.restart();
    await box.fill('Written during the outage');
    await box.press('Enter');
    // The restart is quick, so the "Reconnecting…" / offline banner may or may not get to show.
    const bannerSeen = await win.locator('.ow-banner').waitFor({ state: 'visible', timeout: 4000 }).then(() => true, () => false);
    await restarted;
    // The server is back; the widget may still be waiting to reconnect. The operator writes now.
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Sent while you were away' }, op);

    await win.getByText('Sent while you were away').waitFor();
    await poll(async () => (await stored(page)).filter((m) => m.text === 'Written during the outage').length).toBe(1);
    await poll(() => page.locator('[data-omniline-widget] .ow-me[data-status="sending"]').count()).toBe(0);
    await win.locator('.ow-banner').waitFor({ state: 'hidden' });

    // Live again, and every message shows exactly once.
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Live after the crash' }, op);
    await win.getByText('Live after the crash').waitFor();
    const shown = await page.locator('[data-omniline-widget] .ow-msg[data-message-id] .ow-bubble').allTextContents();
    // (The queued message and the operator's may be stored in either order.)
    expect([...shown].sort()).toEqual([
      'Before the crash', 'Live after the crash', 'Live before the crash', 'Sent while you were away', 'Written during the outage',
    ]);
    expect((await stored(page)).map((m) => m.text)).toEqual(shown); // in the server's order
    await screenshot(page, 'widget-after-restart');
    console.log(`banner during the outage: ${bannerSeen ? 'shown' : 'not shown (reconnected first)'}`);
  } finally {
    await context.close();
  }
});
