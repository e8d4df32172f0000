// Quick answers in a real browser: an operator saves a message as a quick answer from the
// message menu, then in another dialog types `/greet`, picks it with Enter and sends it; the
// customer receives the text. The management modal lists it under its section.
import { expect, test } from 'vitest';
import {
  createEmployee, createLine, createWebchatChannel, messageById, messageLog, openWorkspace, poll, screenshot,
  unnamedControls, useServerAndBrowser, widgetMessages, widgetSay, widgetStart,
} from './harness';

const env = useServerAndBrowser();

test('save a message as a quick answer, then insert it with /greet and send it', async () => {
  const op = await createEmployee(env.server, 'Quinn Quick');
  const { line } = await createLine(env.server, 'Quick line', [op.id]);
  const web = await createWebchatChannel(env.server, line.id);
  const first = await widgetStart(env.server, web.id, 'Ada First');
  const d1 = await widgetSay(env.server, first, 'Hello?');
  const second = await widgetStart(env.server, web.id, 'Bob Second');
  const d2 = await widgetSay(env.server, second, 'Anyone there?');
  const greeting = 'Good day! My name is Quinn. How can I help you?';
  await env.server.api('POST', `/api/v1/dialogs/${d1.dialog_id}/answer`, {}, op);
  const mine = await env.server.api('POST', `/api/v1/dialogs/${d1.dialog_id}/messages`, { text: greeting }, op);
  await env.server.api('POST', `/api/v1/dialogs/${d2.dialog_id}/answer`, {}, op);

  const { context, page } = await openWorkspace(env.browser, env.server, op, `/dialogs/${d1.dialog_id}`);
  context.setDefaultTimeout(15_000);
  try {
    // Save the message from its menu.
    await messageById(page, mine.id).waitFor();
    await messageById(page, mine.id).getByRole('button', { name: 'Message actions' }).click();
    await page.getByRole('menuitem', { name: 'Save as quick answer' }).click();
    const save = page.getByRole('dialog', { name: 'Save as quick answer' });
    await save.getByRole('textbox', { name: 'Title' }).fill('Greeting');
    await save.getByRole('combobox', { name: 'Section' }).fill('Openers');
    // An operator may only save for their line.
    const scope = save.getByRole('combobox', { name: 'Scope' });
    expect(await scope.locator('option').allTextContents()).toEqual(['This line']);
    expect(await unnamedControls(page, '[role=dialog]')).toEqual([]);
    await save.getByRole('button', { name: 'Save' }).click();
    await poll(() => save.count()).toBe(0);
    const saved = await env.server.api('GET', '/api/v1/quick-answers?q=greeting', undefined, op);
    expect(saved.items).toHaveLength(1);
    expect(saved.items[0]).toMatchObject({ title: 'Greeting', text: greeting, section: 'Openers', line_id: line.id });

    // In the other dialog, `/greet` finds it; Enter puts its text in the reply box.
    await page.goto(`${env.server.url}/dialogs/${d2.dialog_id}`);
    await messageLog(page).getByText('Anyone there?').waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('/greet');
    const popup = page.getByRole('listbox', { name: 'Quick answers' });
    await popup.getByRole('option', { name: /Greeting/ }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, 'quick-answers');
    await box.press('Enter');
    await poll(() => box.inputValue()).toBe(greeting);
    await poll(() => popup.count()).toBe(0);
    await box.press('Enter');
    await poll(() => box.inputValue()).toBe('');

    // The customer received it.
    await poll(async () => (await widgetMessages(env.server, second)).some((m) => m.text === greeting)).toBe(true);

    // The management modal lists it under its section.
    await page.getByRole('button', { name: 'Quick answers' }).click();
    const manager = page.getByRole('dialog', { name: 'Quick answers' });
    await manager.getByRole('region', { name: 'Openers' }).getByText('Greeting', { exact: true }).waitFor();
    await screenshot(page, 'quick-answers-manage');

    // Edit it there (into another section), then delete it.
    await manager.getByRole('button', { name: 'Edit “Greeting”' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit quick answer' });
    await edit.getByRole('textbox', { name: 'Text' }).fill('Hello from [b]Quinn[/b]!');
    await edit.getByRole('combobox', { name: 'Section' }).fill('Welcome');
    await edit.getByRole('button', { name: 'Save' }).click();
    const managerAgain = page.getByRole('dialog', { name: 'Quick answers' });
    await managerAgain.getByRole('region', { name: 'Welcome' }).getByText('Hello from [b]Quinn[/b]!').waitFor();
    expect((await env.server.api('GET', `/api/v1/quick-answers/${saved.items[0].id}`, undefined, op)).section).toBe('Welcome');
    await managerAgain.getByRole('button', { name: 'Delete “Greeting”' }).click();
    await page.getByRole('dialog', { name: 'Delete quick answer' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Quick answers' }).getByText('No quick answers yet.').waitFor();
    expect((await env.server.raw('GET', `/api/v1/quick-answers/${saved.items[0].id}`, undefined, op)).status).toBe(404);
  } finally {
    await context.close();
  }
});
