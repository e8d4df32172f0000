// Files in a real browser against a real server: an operator attaches a picture and a text
// file (chips, then a message with a preview and a download card that the customer gets with
// signed URLs; the download is an attachment); a visitor attaches a picture in the widget on
// a shop page and the operator sees it arrive live (and the operator's file reaches the
// widget); a file over the upload limit shows the server's error on its chip.
import { beforeAll, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  createEmployee, createLine, createWebchatChannel, dialogMessages, dialogRow, launchShopBrowser, messageLog,
  openWorkspace, pollWithin, screenshot, unnamedControls, useServerAndBrowser, widgetMessages, widgetSay,
  widgetStart, type Account,
} from './harness';

const poll = pollWithin(15_000);

// A 96×64 PNG in four colours: small enough for a constant, big enough to see in screenshots.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAAAgklEQVR42u3QQREAEBAAQE0E8JDBXxc9tBDLiyhqnJmd2QSb6jih5NlDSYIECRIkSJAgQYIECRIkSJAgQYIECRIkSJAgQYIECRIkSJAgQYIEfRx0Vyy7lVAECRIkSJAgQYIECRIkSJAgQYIECRIkSJAgQYIECRIkSJAgQYIECfo46AH3p1HSlxfGVQAAAABJRU5ErkJggg==',
  'base64',
);
const INVOICE = 'Invoice 2026-117\nMetro 3, blue: 1 × 89.00 EUR\n';

// The widget runs on a page at http://shop.test (served by the router), like a customer's site.
const env = useServerAndBrowser({ launch: launchShopBrowser });
const SHOP = 'http://shop.test';

async function open(account: Account, path = '/') {
  const w = await openWorkspace(env.browser, env.server, account, path);
  w.context.setDefaultTimeout(15_000);
  return w;
}

/** Clicks the button that opens the file chooser and picks `files` in it. */
async function chooseFiles(page: Page, button: string, files: Array<{ name: string; mimeType: string; buffer: Buffer }>) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button }).click()]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles(files);
}

/** The natural width of the first `img` the locator finds once it has loaded (0 if broken). */
function loadedWidth(page: Page, selector: string) {
  return page.locator(selector).first().evaluate((el) => {
    const img = el as HTMLImageElement;
    return img.complete ? img.naturalWidth : -1;
  });
}

async function get(path: string) {
  const r = await fetch(env.server.url + path);
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

test('an operator attaches a picture and a text file: chips, preview, download card; the customer gets both', async () => {
  const op = await createEmployee(env.server, 'Fay Files');
  const { line } = await createLine(env.server, 'Files line', [op.id]);
  const web = await createWebchatChannel(env.server, line.id);
  const visitor = await widgetStart(env.server, web.id, 'Vera Visitor');
  const first = await widgetSay(env.server, visitor, 'Could you send me the invoice?');
  const dialogId: number = first.dialog_id;
  await env.server.api('POST', `/api/v1/dialogs/${dialogId}/answer`, {}, op);
  const { context, page } = await open(op, `/dialogs/${dialogId}`);
  try {
    await messageLog(page).getByText('Could you send me the invoice?').waitFor();
    await chooseFiles(page, 'Attach files', [
      { name: 'chart.png', mimeType: 'image/png', buffer: PNG },
      { name: 'invoice.txt', mimeType: 'text/plain', buffer: Buffer.from(INVOICE) },
    ]);
    const chips = page.getByRole('list', { name: 'Attachments' }).getByRole('listitem');
    await poll(() => chips.count()).toBe(2);
    await poll(() => page.locator('.chip[data-state="done"]').count()).toBe(2);
    expect(await chips.allTextContents()).toEqual([expect.stringContaining('chart.png'), expect.stringContaining('invoice.txt')]);
    await page.getByRole('button', { name: 'Remove invoice.txt' }).waitFor();
    expect(await unnamedControls(page, 'form.reply')).toEqual([]);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Here is your invoice, and the chart.');
    await screenshot(page, 'files-reply-chips');
    await box.press('Enter');
    await poll(() => chips.count()).toBe(0);
    await poll(() => box.inputValue()).toBe('');

    // Staff see the files on the message.
    let staff: any;
    await poll(async () => {
      staff = (await dialogMessages(env.server, dialogId, op)).find((m) => m.text === 'Here is your invoice, and the chart.');
      return staff?.files?.map((f: any) => [f.name, f.image]);
    }).toEqual([['chart.png', true], ['invoice.txt', false]]);

    // The log: the picture as a preview (loaded), the text file as a download card.
    const msg = messageLog(page).locator(`[data-message-id="${staff.id}"]`);
    await msg.waitFor();
    const img = msg.getByRole('img', { name: 'chart.png' });
    await img.waitFor();
    await poll(() => loadedWidth(page, `[data-message-id="${staff.id}"] img[alt="chart.png"]`)).toBe(96);
    const preview = msg.locator('a.msg-image');
    expect(await preview.getAttribute('target')).toBe('_blank');
    expect(await preview.getAttribute('rel')).toBe('noopener noreferrer');
    const card = msg.getByRole('link', { name: /invoice\.txt/ });
    expect(await card.getAttribute('download')).toBe('');
    expect(await card.textContent()).toContain(`${Buffer.byteLength(INVOICE)} B`);
    await msg.scrollIntoViewIfNeeded();
    await screenshot(page, 'files-message-image');

    // A click on the card downloads the file; a click on the preview opens the picture in a tab.
    const [download] = await Promise.all([page.waitForEvent('download'), card.click()]);
    expect(download.suggestedFilename()).toBe('invoice.txt');
    const [tab] = await Promise.all([context.waitForEvent('page'), img.click()]);
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toBe(`/files/${staff.files[0].id}`);
    await tab.close();

    // The customer gets the same files with signed URLs.
    const mine = (await widgetMessages(env.server, visitor)).find((m) => m.text === 'Here is your invoice, and the chart.');
    expect(mine.files.map((f: any) => [f.name, f.mime, f.image, f.size])).toEqual([
      ['chart.png', 'image/png', true, PNG.length],
      ['invoice.txt', expect.stringMatching(/^text\/plain/), false, Buffer.byteLength(INVOICE)],
    ]);
    for (const f of mine.files) expect(f.url).toMatch(/^\/files\/\d+\?.*sig=/);
    const text = await get(mine.files[1].url);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(text.body.toString()).toBe(INVOICE);
    const pic = await get(mine.files[0].url);
    expect(pic.status).toBe(200);
    expect(pic.headers.get('content-type')).toBe('image/png');
    expect(pic.headers.get('content-disposition') ?? 'inline').toMatch(/^inline/);
    expect(pic.body.equals(PNG)).toBe(true);
    // A URL whose signature was tampered with is refused.
    expect((await get(mine.files[1].url.replace(/sig=([0-9a-f])/, (_: string, c: string) => `sig=${c === '0' ? '1' : '0'}`))).status)
      .toBeGreaterThanOrEqual(400);

    // Files alone: Send with no text.
    await chooseFiles(page, 'Attach files', [{ name: 'second.txt', mimeType: 'text/plain', buffer: Buffer.from('two') }]);
    await poll(() => page.locator('.chip[data-state="done"]').count()).toBe(1);
    const send = page.getByRole('button', { name: 'Send' });
    await poll(() => send.isEnabled()).toBe(true);
    await send.click();
    await poll(async () => (await dialogMessages(env.server, dialogId, op)).filter(
      (m) => m.text === '' && m.files?.length === 1 && m.files[0].name === 'second.txt').length).toBe(1);
    await messageLog(page).getByRole('link', { name: /second\.txt/ }).waitFor();
  } finally {
    await context.close();
  }
});

// ---- The widget ----

let shopOp: Account;
let shopChannel: any;

beforeAll(async () => {
  shopOp = await createEmployee(env.server, 'Wanda Widget');
  const line = await env.server.api('POST', '/api/v1/lines', { name: 'Shop files', queue: [shopOp.id], routing: { mode: 'all' } });
  shopChannel = await createWebchatChannel(env.server, line.id, 'Shop');
  await env.server.api('PATCH', `/api/v1/channels/${shopChannel.id}`, { allowed_origins: [SHOP] });
});

async function newShopContext(): Promise<BrowserContext> {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  await context.route(`${SHOP}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Welcome to the shop</h1>
<script src="${env.server.url}/widget.js" data-channel="${shopChannel.id}" async></script></body></html>`,
    }),
  );
  return context;
}

/** The visitor's dialog, from the customer API with the token the widget stored. */
async function dialogOfVisitor(page: Page): Promise<number> {
  let id = 0;
  await poll(async () => {
    const token = await page.evaluate((k) => localStorage.getItem(k), `omniline.widget.${shopChannel.id}.token`);
    if (!token) return 0;
    const r = await fetch(`${env.server.url}/api/v1/widget/messages`, { headers: { Authorization: 'Bearer ' + token } });
    id = (await r.json()).items?.[0]?.dialog_id ?? 0;
    return id;
  }).toBeGreaterThan(0);
  return id;
}

/** Uploads a file as an employee (Bearer token, multipart) like the workspace does. */
async function uploadAs(who: Account, name: string, type: string, data: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)], { type }), name);
  const r = await fetch(env.server.url + '/api/v1/files', {
    method: 'POST', headers: { Authorization: 'Bearer ' + who.token, 'X-CSRF-Token': who.csrf }, body: form,
  });
  return { status: r.status, json: await r.json() };
}

test('a visitor attaches a picture in the widget; the operator sees it live, and the operator\'s file reaches the widget', async () => {
  const ws = await open(shopOp, '/');
  const context = await newShopContext();
  try {
    const page = await context.newPage();
    await page.goto(SHOP + '/');
    await page.getByRole('button', { name: 'Open chat' }).click();
    const win = page.getByRole('dialog', { name: 'Chat with us' });
    await win.waitFor();
    const attach = win.getByRole('button', { name: 'Attach a file' });
    expect(await attach.isEnabled()).toBe(true);

    // The first message of the visitor is a picture alone.
    await chooseFiles(page, 'Attach a file', [{ name: 'broken-part.png', mimeType: 'image/png', buffer: PNG }]);
    const mine = page.locator('[data-omniline-widget] .ow-me[data-message-id]');
    await mine.first().waitFor();
    const shown = '[data-omniline-widget] .ow-me[data-message-id] img[alt="broken-part.png"]';
    await poll(() => loadedWidth(page, shown)).toBe(96);
    expect(await page.locator(shown).getAttribute('src')).toMatch(new RegExp(`^${env.server.url}/files/\\d+\\?`));

    // The operator: a new dialog in the list, previewed by the file's name, and the picture in it.
    const dialogId = await dialogOfVisitor(page);
    const row = dialogRow(ws.page, dialogId);
    await row.waitFor();
    await poll(() => row.locator('.row-excerpt').textContent()).toContain('📎 broken-part.png');
    await row.click();
    const opImg = messageLog(ws.page).getByRole('img', { name: 'broken-part.png' });
    await opImg.waitFor();
    await poll(() => loadedWidth(ws.page, '[role="log"] img[alt="broken-part.png"]')).toBe(96);
    await ws.page.getByRole('button', { name: 'Answer', exact: true }).click();

    // Live while the dialog is open: a second file from the visitor.
    await chooseFiles(page, 'Attach a file', [{ name: 'order.txt', mimeType: 'text/plain', buffer: Buffer.from('Order 42') }]);
    await messageLog(ws.page).getByRole('link', { name: /order\.txt/ }).waitFor();
    await screenshot(ws.page, 'files-operator-sees-visitor-image');

    // The operator sends a picture back: the widget shows it, loaded from the server.
    const up = await uploadAs(shopOp, 'answer.png', 'image/png', PNG);
    expect(up.status).toBe(201);
    expect(up.json).toMatchObject({ name: 'answer.png', image: true, mime: 'image/png', size: PNG.length });
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Is it this part?', files: [up.json.id] }, shopOp);
    const theirs = '[data-omniline-widget] .ow-op[data-message-id] img[alt="answer.png"]';
    await page.locator(theirs).waitFor();
    await poll(() => loadedWidth(page, theirs)).toBe(96);
    const link = page.locator('[data-omniline-widget] .ow-me a.ow-file').filter({ hasText: 'order.txt' });
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${env.server.url}/files/\\d+\\?`));
    expect(await unnamedControls(page, '[data-omniline-widget]')).toEqual([]);
    await screenshot(page, 'files-widget-images');

    // Offline, the attach button is off (text still goes to the outbox).
    await context.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await poll(() => attach.isDisabled()).toBe(true);
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await poll(() => attach.isEnabled()).toBe(true);

    // What staff see.
    const staff = (await dialogMessages(env.server, dialogId, shopOp)).filter((m) => m.author.kind === 'customer');
    expect(staff.map((m) => [m.text, m.files.map((f: any) => f.name)])).toEqual([['', ['broken-part.png']], ['', ['order.txt']]]);
  } finally {
    await context.close();
    await ws.context.close();
  }
});

test('a file over the upload limit shows the server\'s error on its chip and is not sent', async () => {
  const op = await createEmployee(env.server, 'Lars Limit');
  const { line } = await createLine(env.server, 'Limit line', [op.id]);
  const web = await createWebchatChannel(env.server, line.id);
  const visitor = await widgetStart(env.server, web.id, 'Hugo Huge');
  const first = await widgetSay(env.server, visitor, 'I will send a big file');
  const dialogId: number = first.dialog_id;
  await env.server.api('POST', `/api/v1/dialogs/${dialogId}/answer`, {}, op);

  // The API: a file of a few MiB is fine (the limit is 25 MiB by default), 26 MiB is 413 too_large.
  const fine = await uploadAs(op, 'three-mib.bin', 'application/octet-stream', Buffer.alloc(3 * 1024 * 1024, 7));
  expect(fine.status).toBe(201);
  expect(fine.json).toMatchObject({ name: 'three-mib.bin', size: 3 * 1024 * 1024, image: false });
  const big = Buffer.alloc(26 * 1024 * 1024, 7);
  const r = await uploadAs(op, 'huge.bin', 'application/octet-stream', big);
  expect(r.status).toBe(413);
  expect(r.json.error.code).toBe('too_large');

  const { context, page } = await open(op, `/dialogs/${dialogId}`);
  try {
    await messageLog(page).getByText('I will send a big file').waitFor();
    // Dropped onto the reply box: a 26 MiB file made in the page.
    await page.evaluate(() => {
      const form = document.querySelector('form.reply')!;
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(26 * 1024 * 1024)], 'huge.bin', { type: 'application/octet-stream' }));
      form.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    const chip = page.locator('.chip').filter({ hasText: 'huge.bin' });
    await chip.waitFor();
    await poll(() => chip.getAttribute('data-state'), 60_000).toBe('error');
    const why = (await chip.getByRole('alert').textContent()) ?? '';
    expect(why).toBe(r.json.error.message);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await screenshot(page, 'files-too-large-chip');

    // Text alone still goes, without the failed file.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Too big, I will zip it.');
    await box.press('Enter');
    await poll(async () => (await dialogMessages(env.server, dialogId, op)).filter((m) => m.text === 'Too big, I will zip it.')
      .map((m) => m.files)).toEqual([[]]);
    await poll(() => chip.count()).toBe(0);
  } finally {
    await context.close();
  }
});
