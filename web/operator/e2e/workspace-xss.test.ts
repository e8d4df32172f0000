// Customer-controlled text in the workspace: markup and BBCode in messages and in customer
// names must be shown as literal text and never run, in the dialog list, the message log, the
// customer panel, the title and the notifications.
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  XSS_PAYLOADS, createEmployee, createLine, customerSays, dialogRow, messageLog,
  openWorkspaceWithNotifications, poll, screenshot, useServerAndBrowser,
} from './harness';

const env = useServerAndBrowser();

/**
 * What may be seen of a payload: the literal text, or, for BBCode the app renders, the text
 * with the harmless formatting tags ([b], [i], [u], [s]) applied. Markup is always literal.
 */
function shownForms(p: string): string[] {
  const forms = [p];
  const stripped = p.replace(/\[\/?(b|i|u|s)\]/g, '');
  if (stripped !== p) forms.push(stripped);
  return forms;
}

async function logShows(page: Page, p: string): Promise<boolean> {
  const texts = await messageLog(page).locator('[data-message-id]').allTextContents();
  return texts.some((t) => shownForms(p).some((f) => t.includes(f)));
}

/** Nothing ran, and nothing dangerous was created from customer text anywhere on the page. */
async function assertInert(page: Page, where: string) {
  const state = await page.evaluate(() => {
    const w = window as any;
    // The app renders into #root; no <script> may appear anywhere in it (message log included).
    const app = document.getElementById('root') ?? document.body;
    const messages = Array.from(document.querySelectorAll('[data-message-id]'));
    const rows = Array.from(document.querySelectorAll('[data-dialog-id]'));
    const inCustomerText = [...messages, ...rows];
    return {
      xss: w.__xss,
      scriptsInApp: app.querySelectorAll('script').length,
      dangerousInMessages: inCustomerText.reduce(
        (n, el) => n + el.querySelectorAll('script, img, svg[onload], iframe, object, embed, [onerror], [onload], [onclick]').length, 0),
      svgInMessages: messages.reduce((n, el) => n + el.querySelectorAll('svg').length, 0),
      imgInMessages: messages.reduce((n, el) => n + el.querySelectorAll('img').length, 0),
      // javascript:/vbscript: URLs anywhere; data: URLs inside the app (the page head has a
      // `data:,` favicon of its own).
      jsHrefs: Array.from(document.querySelectorAll('[href], [src], [action], [formaction]'))
        .map((el) => ({ el, url: el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttribute('action') ?? el.getAttribute('formaction') ?? '' }))
        .filter(({ el, url }) => /^\s*(javascript|vbscript):/i.test(url) || (app.contains(el) && /^\s*data:/i.test(url)))
        .map(({ url }) => url),
      iframes: document.querySelectorAll('iframe').length,
    };
  });
  expect(state.xss, `window.__xss set (${where})`).toBeUndefined();
  expect(state.scriptsInApp, `<script> inside the app (${where})`).toBe(0);
  expect(state.dangerousInMessages, `script/img/iframe/event-handler elements in messages or rows (${where})`).toBe(0);
  expect(state.svgInMessages, `<svg> inside messages (${where})`).toBe(0);
  expect(state.imgInMessages, `<img> inside messages (${where})`).toBe(0);
  expect(state.jsHrefs, `javascript:/data: URLs (${where})`).toEqual([]);
  expect(state.iframes, `iframes (${where})`).toBe(0);
}

test('markup and BBCode in customer messages and names are shown as text and never run', async () => {
  const op = await createEmployee(env.server, 'Xena Safe');
  const { channel } = await createLine(env.server, 'XSS line', [op.id]);
  // One dialog whose messages are the corpus, and dialogs whose customer names are.
  const user = { id: 'xss-msg', name: 'Plain Name' };
  const first = await customerSays(env.server, channel, user, 'corpus follows');
  const named: { dialog_id: number; name: string }[] = [];
  const { context, page } = await openWorkspaceWithNotifications(env.browser, env.server, op);
  context.setDefaultTimeout(15_000);
  try {
    await dialogRow(page, first.dialog_id).waitFor();
    // Names arrive live (list rows, notifications).
    for (let i = 0; i < XSS_PAYLOADS.length; i++) {
      const name = XSS_PAYLOADS[i];
      const r = await customerSays(env.server, channel, { id: 'xss-name-' + i, name }, 'hello ' + i);
      named.push({ dialog_id: r.dialog_id, name });
    }
    for (const n of named) {
      await dialogRow(page, n.dialog_id).waitFor();
      await poll(() => dialogRow(page, n.dialog_id).textContent()).toContain(n.name);
    }
    await assertInert(page, 'list with hostile names');
    // Notifications are plain text by nature: they carry the names as written.
    await poll(() => page.evaluate(() => (window as any).__notifications.length)).toBeGreaterThanOrEqual(named.length);
    const notes: { title: string; body: string }[] = await page.evaluate(() => (window as any).__notifications);
    for (const n of named) expect(notes.some((x) => x.title.includes(n.name)), 'a notification names ' + n.name).toBe(true);
    await screenshot(page, 'xss-names-in-list');

    // Open a dialog with a hostile name: the title bar and the customer panel.
    const svgName = named.find((n) => n.name.includes('<svg'))!;
    await dialogRow(page, svgName.dialog_id).click();
    await messageLog(page).getByText('hello ' + named.indexOf(svgName)).waitFor();
    const panel = page.getByRole('complementary', { name: 'Customer' });
    await poll(async () => (await panel.textContent()) ?? '').toContain(svgName.name);
    await assertInert(page, 'dialog with a hostile customer name');

    // The corpus as messages, arriving live in the open dialog. (Opened by URL: switching
    // dialogs in place is covered by workspace-basics.)
    await page.goto(`${env.server.url}/dialogs/${first.dialog_id}`);
    await messageLog(page).getByText('corpus follows').waitFor();
    for (const p of XSS_PAYLOADS) await customerSays(env.server, channel, user, p);
    const log = messageLog(page);
    for (const p of XSS_PAYLOADS) await poll(() => logShows(page, p)).toBe(true);
    expect(await log.count()).toBe(1);
    await assertInert(page, 'messages arrived live');
    await screenshot(page, 'xss-messages-live');

    // And the same after a reload (the history as loaded over REST).
    await page.reload();
    await messageLog(page).getByText('corpus follows').waitFor();
    for (const p of XSS_PAYLOADS) await poll(() => logShows(page, p)).toBe(true);
    // Literal text, visible to the eye: the <i> is not an element, the [b] may be bold.
    await messageLog(page).getByText('<i>bold</i>', { exact: false }).first().waitFor();
    expect(await messageLog(page).locator('[data-message-id] i').count()).toBe(0);
    await assertInert(page, 'after reload');
    await screenshot(page, 'xss-messages-reloaded');
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  } finally {
    await context.close();
  }
});
