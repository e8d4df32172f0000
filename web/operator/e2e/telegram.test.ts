// A Telegram channel end to end against the Bot API emulator (tests/telegram): an admin connects a
// bot through the admin page (a bad token refused with the server's message, then the bot shown,
// never its token); a Telegram user writes; the operator sees the dialog live with the Telegram
// icon and the user's name, answers, and the user gets it. Then Telegram refuses a message
// (403, as when the user blocked the bot): the workspace shows "Not delivered", "Send again"
// delivers it and the mark goes away.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  createEmployee, dialogRow, launchBrowser, messageLog, openWorkspace, poll, screenshot, startServer,
  startTelegramEmulator, unnamedControls, type Server, type TelegramEmulator,
} from './harness';

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const TANYA = { id: 5001, first_name: 'Tanya', last_name: 'Telegramova', username: 'tanya_tg', is_bot: false };

let emulator: TelegramEmulator | undefined;
let server: Server | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  emulator = await startTelegramEmulator();
  server = await startServer({ serveArgs: ['--telegram-api-url', emulator.url, '--telegram-poll-ms', '50'] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await emulator?.stop();
});

/** The Telegram user writes to the bot (the emulator's client API). */
async function tanyaSays(text: string) {
  await emulator!.post('/sendMessage', {
    botToken: TOKEN,
    from: TANYA,
    chat: { id: TANYA.id, first_name: TANYA.first_name, type: 'private' },
    date: Math.floor(Date.now() / 1000),
    text,
  });
}

/** The texts the bot sent to Tanya's chat, as the emulator keeps them. */
async function botSentToTanya(): Promise<string[]> {
  const h = await emulator!.post<{ result: { message: { text: string; chat_id: number | string } }[] }>(
    '/getUpdatesHistory', { token: TOKEN });
  return h.result.filter((u) => String(u.message.chat_id) === String(TANYA.id)).map((u) => u.message.text);
}

const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;

test('a Telegram bot: connected by an admin, a user writes, the operator answers, a refused message is sent again', async () => {
  const s = server!;
  const op = await createEmployee(s, 'Oleg Telegram');
  const line = await s.api('POST', '/api/v1/lines', {
    name: 'Telegram line', queue: [op.id], routing: { mode: 'all', only_available: false },
  });

  // ---- The admin connects the bot through the line's page. ----
  const admin = await openWorkspace(browser!, s, s.admin, `/admin/lines/${line.id}`);
  admin.context.setDefaultTimeout(15_000);
  const errors: string[] = [];
  admin.page.on('pageerror', (e) => errors.push(String(e)));
  try {
    const page = admin.page;
    await page.getByRole('button', { name: 'Add channel' }).click();
    const form = page.getByRole('form', { name: 'Add channel' });
    await form.getByLabel('Channel type').selectOption('telegram');
    const token = form.getByLabel('Bot token');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await token.getAttribute('autocomplete')).toBe('off');
    await form.getByText('From @BotFather').waitFor();
    // A malformed token: the server's 400 message in the form.
    await token.fill('not a token');
    await form.getByRole('button', { name: 'Create channel' }).click();
    await form.getByRole('alert').filter({ hasText: /does not look like a Telegram bot token/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/lines/${line.id}`);

    await token.fill(TOKEN);
    await form.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/\/admin\/channels\/\d+$/);
    const card = page.getByRole('region', { name: 'Telegram bot' });
    await card.getByText('@TestNameBot').waitFor();
    await card.getByText('Test First name', { exact: true }).waitFor();
    await card.getByText(/^Polling/).waitFor();
    expect(await page.locator('body').textContent()).not.toContain(TOKEN);
    expect(await page.content()).not.toContain(TOKEN);
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, 'telegram-admin-channel');

    const channelId = Number(/\/admin\/channels\/(\d+)$/.exec(page.url())![1]);
    const ch = await s.api('GET', `/api/v1/channels/${channelId}`);
    expect(ch).toMatchObject({ kind: 'telegram', line_id: line.id, telegram: { username: 'TestNameBot', mode: 'polling' } });
    // The line's page lists it with the bot.
    await page.getByRole('link', { name: /← Line/ }).click();
    await page.getByRole('listitem').filter({ hasText: 'Telegram (@TestNameBot)' }).waitFor();
    expect(errors).toEqual([]);
  } finally {
    await admin.context.close();
  }

  // ---- The operator's workspace is open when Tanya writes. ----
  const { context, page } = await openWorkspace(browser!, s, op);
  context.setDefaultTimeout(15_000);
  const errors2: string[] = [];
  page.on('pageerror', (e) => errors2.push(String(e)));
  try {
    await page.getByRole('listbox', { name: 'Dialogs' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await tanyaSays('Hello from Telegram!');

    let dialogId = 0;
    await poll(async () => {
      const list = await s.api('GET', '/api/v1/dialogs?view=all&limit=50');
      dialogId = list.items.find((d: any) => d.customer.name === 'Tanya Telegramova')?.id ?? 0;
      return dialogId;
    }).toBeGreaterThan(0);
    // Live in the list: the Telegram icon and her name from Telegram.
    const row = dialogRow(page, dialogId);
    await row.waitFor();
    await poll(() => row.textContent()).toContain('Tanya Telegramova');
    const icon = row.locator('[data-channel-kind="telegram"]');
    await icon.waitFor();
    expect(await icon.getAttribute('aria-label')).toMatch(/^Telegram/);
    expect(await icon.locator('svg path').count()).toBe(1);
    await screenshot(page, 'telegram-dialog-live');

    await row.click();
    const log = messageLog(page);
    await log.getByText('Hello from Telegram!').waitFor();
    await page.getByRole('region', { name: /^Dialog:/ }).locator('[data-channel-kind="telegram"]').waitFor();
    await page.getByRole('button', { name: 'Answer', exact: true }).click();

    // The operator answers; the bot sends it to Tanya; the message is marked sent.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Hi Tanya, how can I help?');
    await box.press('Enter');
    await poll(async () => count(await botSentToTanya(), 'Hi Tanya, how can I help?')).toBe(1);
    const first = log.locator('[data-message-id]').filter({ hasText: 'Hi Tanya, how can I help?' });
    await first.getByRole('img', { name: 'Sent' }).waitFor();

    // Telegram refuses the next one (403: the user blocked the bot).
    await emulator!.post('/__fail', { count: 1, status: 403, method: 'sendMessage' });
    await box.fill('Are you still there?');
    await box.press('Enter');
    const second = log.locator('[data-message-id]').filter({ hasText: 'Are you still there?' });
    const mark = second.getByRole('status', { name: 'Not delivered' });
    await mark.waitFor();
    expect(await mark.textContent()).toContain('Not delivered');
    expect(count(await botSentToTanya(), 'Are you still there?')).toBe(0);
    const again = second.getByRole('button', { name: 'Send again' });
    await again.waitFor();
    await screenshot(page, 'telegram-dialog-not-delivered');

    // Send again: the emulator gets it once, the mark goes away.
    await again.click();
    await poll(async () => count(await botSentToTanya(), 'Are you still there?')).toBe(1);
    await poll(() => second.getByText('Not delivered').count()).toBe(0);
    await second.getByRole('img', { name: 'Sent' }).waitFor();
    expect(await second.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    const stored = await s.api('GET', `/api/v1/dialogs/${dialogId}/messages?limit=50`);
    const retried = stored.items.find((m: any) => m.text === 'Are you still there?');
    expect(retried.delivery).toBe('sent');
    expect(count(await botSentToTanya(), 'Hi Tanya, how can I help?')).toBe(1);
    await screenshot(page, 'telegram-dialog-sent-again');
    expect(errors2).toEqual([]);
  } finally {
    await context.close();
  }
});
