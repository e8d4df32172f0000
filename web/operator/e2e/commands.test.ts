// Reply box commands in a real browser: an operator types `/` and sees the commands with their
// descriptions; `/rename VIP customer` + Enter renames the dialog for employees, `/chatid`
// copies the chat ID (the toast shows it), `/quote` puts the customer's last message into the
// reply box as a quote and the reply sent from it answers that message. No command is ever
// sent as a message.
import { expect, test } from 'vitest';
import {
  createEmployee, createLine, customerSays, dialogMessages, messageLog, openWorkspace, poll, screenshot,
  unnamedControls, useServerAndBrowser,
} from './harness';

const env = useServerAndBrowser();

test('/rename, /chatid and /quote run from the reply box and are never sent', async () => {
  const { server, browser } = env;
  const op = await createEmployee(server, 'Cora Commands');
  const { channel } = await createLine(server, 'Commands line', [op.id]);
  const who = { id: 'cmd-1', name: 'Carl Customer' };
  await customerSays(server, channel, who, 'Hello?');
  const last = await customerSays(server, channel, who, 'My order 42 is late');
  const dialogId = last.dialog_id;
  await server.api('POST', `/api/v1/dialogs/${dialogId}/answer`, {}, op);
  const before = await server.api('GET', `/api/v1/dialogs/${dialogId}`, undefined, op);
  expect(before.custom_title).toBe(false);

  const { context, page } = await openWorkspace(browser, server, op, `/dialogs/${dialogId}`, (c) =>
    c.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
  );
  context.setDefaultTimeout(15_000);
  const operatorMessages = async () =>
    (await dialogMessages(server, dialogId, op)).filter((m) => m.author.kind === 'operator' && !m.system);
  try {
    await messageLog(page).getByText('My order 42 is late').waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();

    // `/` lists the commands, each with what it does.
    await box.pressSequentially('/');
    const commands = page.getByRole('listbox', { name: 'Commands' });
    await commands.waitFor();
    const options = commands.getByRole('option');
    expect(await options.count()).toBe(3);
    await commands.getByRole('option', { name: /\/rename <new title>.*Rename the dialog/ }).waitFor();
    await commands.getByRole('option', { name: /\/chatid.*Copy the chat ID/ }).waitFor();
    await commands.getByRole('option', { name: /\/quote.*Quote the customer's last message/ }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, 'commands');

    // /rename VIP customer + Enter: renamed for employees, nothing sent.
    await box.pressSequentially('rename VIP customer');
    await commands.getByRole('option', { name: /\/rename VIP customer/ }).waitFor();
    await box.press('Enter');
    await poll(async () => {
      const d = await server.api('GET', `/api/v1/dialogs/${dialogId}`, undefined, op);
      return [d.custom_title, d.title];
    }).toEqual([true, 'VIP customer']);
    await page.getByRole('status').filter({ hasText: 'Dialog renamed' }).waitFor();
    await page.getByRole('heading', { name: 'VIP customer' }).waitFor();
    await poll(() => box.inputValue()).toBe('');
    expect(await operatorMessages()).toEqual([]);

    // /chatid + Enter: the toast shows the chat ID, which is on the clipboard.
    const chatId = String(before.chat_id);
    await box.pressSequentially('/chatid');
    await commands.getByRole('option', { name: /\/chatid/ }).waitFor();
    await box.press('Enter');
    const toast = page.getByRole('status').filter({ hasText: `Chat ID copied: ${chatId}` });
    await toast.waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(chatId);
    await poll(() => box.inputValue()).toBe('');
    await poll(() => commands.count()).toBe(0);

    // /quote + Enter: the customer's last message as a quote; the reply answers it.
    await box.pressSequentially('/quote');
    await box.press('Enter');
    const quote = `[quote=Carl Customer]My order 42 is late[/quote]\n`;
    await poll(() => box.inputValue()).toBe(quote);
    await page.getByText(`Replying to message #${last.message_id}`).waitFor();
    await box.press('End');
    await box.pressSequentially('It ships today.');
    await box.press('Enter');
    await poll(() => box.inputValue()).toBe('');
    let sent: any[] = [];
    await poll(async () => (sent = await operatorMessages()).length).toBe(1);
    expect(sent[0].text).toBe(quote + 'It ships today.');
    expect(sent[0].reply_to).toBe(last.message_id);

    // /rename with no title: a hint, nothing renamed or sent.
    await box.pressSequentially('/rename');
    await box.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Type the new title after /rename' }).waitFor();
    expect(await box.inputValue()).toBe('/rename ');
    expect((await operatorMessages()).length).toBe(1);
    expect((await server.api('GET', `/api/v1/dialogs/${dialogId}`, undefined, op)).title).toBe('VIP customer');

    // None of the commands reached the customer's conversation.
    const all = await dialogMessages(server, dialogId, op);
    expect(all.filter((m) => /^\s*\/(rename|chatid|quote)\b/.test(m.text))).toEqual([]);
  } finally {
    await context.close();
  }
});
