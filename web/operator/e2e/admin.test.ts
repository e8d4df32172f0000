// The admin pages in a real browser against a real server: employees, a line with its queue,
// routing and operator-name setting, a website-chat channel with its widget settings and a
// custom-connector channel; an operator gets no admin pages.
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  createEmployee, customerSays, openWorkspace, screenshot, unnamedControls, useServerAndBrowser, type Account,
} from './harness';

const env = useServerAndBrowser();

const T = { timeout: 10_000 };

async function visible(locator: ReturnType<Page['locator']>) {
  await locator.first().waitFor({ state: 'visible', ...T });
  return locator.first();
}

test('an admin manages employees, a line, its queue, routing and channels', async () => {
  const olga = await createEmployee(env.server, 'Olga Queue');
  const ivan = await createEmployee(env.server, 'Ivan Queue');
  const { context, page } = await openWorkspace(env.browser, env.server, env.server.admin, '/admin');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    // Employees: the list, then "Add employee".
    await visible(page.getByRole('heading', { name: 'Employees', exact: true }));
    await visible(page.getByRole('cell', { name: 'Olga Queue' }));
    await page.getByRole('button', { name: 'Add employee' }).click();
    const form = page.getByRole('form', { name: 'Add employee' });
    await form.getByRole('button', { name: 'Create employee' }).click();
    await visible(form.getByText('Enter a name.'));
    await form.getByLabel('Name', { exact: true }).fill('Nina <New>');
    await form.getByLabel('E-mail').fill('nina.new@example.test');
    await form.getByLabel('Role').selectOption('supervisor');
    await form.getByLabel('Password').fill('nina-password-123');
    await form.getByRole('button', { name: 'Create employee' }).click();
    await visible(page.getByRole('cell', { name: 'Nina <New>' }));
    const all = await env.server.api('GET', '/api/v1/employees?limit=200');
    const nina = all.items.find((e: any) => e.email === 'nina.new@example.test');
    expect(nina).toMatchObject({ name: 'Nina <New>', role: 'supervisor', active: true });
    // The same e-mail again: the server's 409 message is shown in the form.
    await page.getByRole('button', { name: 'Add employee' }).click();
    await form.getByLabel('Name', { exact: true }).fill('Nina Twice');
    await form.getByLabel('E-mail').fill('nina.new@example.test');
    await form.getByLabel('Password').fill('nina-password-123');
    await form.getByRole('button', { name: 'Create employee' }).click();
    await visible(form.getByRole('alert').filter({ hasText: /e-mail|email|exists|taken/i }));
    await form.getByRole('button', { name: 'Cancel' }).click();
    await screenshot(page, 'admin-employees');

    // Deactivate Nina, confirming in the dialog.
    await page.getByRole('button', { name: 'Edit Nina <New>' }).click();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    const dlg = page.getByRole('dialog');
    await visible(dlg);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached', ...T });
    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await dlg.getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(async () => (await env.server.api('GET', `/api/v1/employees/${nina.id}`)).active, T).toBe(false);

    // Lines: "New line".
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Lines' }).click();
    await visible(page.getByRole('heading', { name: 'Lines', exact: true }));
    await page.getByRole('button', { name: 'New line' }).click();
    await page.getByLabel('Line name').fill('Support');
    await page.getByRole('button', { name: 'Create line' }).click();
    await page.waitForURL(/\/admin\/lines\/\d+$/, T);
    const lineId = Number(new URL(page.url()).pathname.split('/').pop());
    await visible(page.getByRole('heading', { name: 'Line: Support' }));

    // Queue: add two employees, reorder by drag and drop, then by the buttons.
    const getLine = () => env.server.api('GET', `/api/v1/lines/${lineId}`);
    for (const who of [olga, ivan]) {
      await page.getByLabel('Employee to add').selectOption(String(who.id));
      await page.getByRole('button', { name: 'Add to queue' }).click();
      await visible(page.getByRole('button', { name: `Remove ${who.name} from the queue` }));
    }
    await expect.poll(async () => (await getLine()).queue, T).toEqual([olga.id, ivan.id]);
    await page.dragAndDrop(`[data-testid="queue-item-${ivan.id}"]`, `[data-testid="queue-item-${olga.id}"]`);
    await expect.poll(async () => (await getLine()).queue, T).toEqual([ivan.id, olga.id]);
    await page.getByRole('button', { name: 'Move Ivan Queue down' }).click();
    await expect.poll(async () => (await getLine()).queue, T).toEqual([olga.id, ivan.id]);
    // Keyboard: focus stays on the moved operator's button.
    await page.getByRole('button', { name: 'Move Olga Queue down' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await getLine()).queue, T).toEqual([ivan.id, olga.id]);
    // Olga is now last, so her Down button is disabled and focus moved to her Up button.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), T).toBe('Move Olga Queue up');

    // Routing: mode and limits, then Save → PATCH.
    await page.getByRole('radio', { name: 'Strictly in order' }).check();
    await page.getByLabel('Offer time (seconds)').fill('abc');
    await page.getByRole('button', { name: 'Save routing' }).click();
    await visible(page.getByText('Fix the highlighted fields, then save again.'));
    await page.getByLabel('Offer time (seconds)').fill('45');
    await page.getByLabel('Maximum chats per operator').fill('3');
    await page.getByRole('checkbox', { name: 'Closing' }).check();
    await page.getByRole('button', { name: 'Save routing' }).click();
    await visible(page.getByText('Routing settings saved.'));
    const saved = await getLine();
    expect(saved.routing).toMatchObject({
      mode: 'strictly', queue_time_s: 45, max_chats: 3,
      max_chats_count: ['new', 'answered', 'waiting_customer', 'closing'],
    });
    expect(saved.queue).toEqual([ivan.id, olga.id]);
    await screenshot(page, 'admin-line');

    // Operators' names: off → customers see "Support".
    const showOp = page.getByRole('checkbox', { name: "Show operators' names and photos to customers" });
    expect(await showOp.isChecked()).toBe(true);
    await showOp.uncheck();
    await page.getByRole('button', { name: 'Save operator names' }).click();
    await expect.poll(async () => (await getLine()).show_operator, T).toBe(false);

    // A website chat: the embed snippet carries the channel id.
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByLabel('Channel type').selectOption('webchat');
    await page.getByLabel('Channel name').fill('Shop chat');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/\/admin\/channels\/\d+$/, T);
    const webchatId = Number(new URL(page.url()).pathname.split('/').pop());
    const snippet = await visible(page.getByLabel('Embed snippet'));
    expect(await snippet.inputValue()).toBe(
      `<script src="${env.server.url}/widget.js" data-channel="${webchatId}" async></script>`,
    );
    await page.getByLabel('New origin').fill('https://shop.example.com');
    await page.getByRole('button', { name: 'Add origin' }).click();
    await visible(page.getByRole('button', { name: 'Remove origin https://shop.example.com' }));
    expect((await env.server.api('GET', `/api/v1/channels/${webchatId}`)).allowed_origins).toEqual(['https://shop.example.com']);
    await screenshot(page, 'admin-channel');

    // Widget settings: a bad colour is refused before sending, then title and colour are saved.
    const widget = page.getByRole('form', { name: 'Widget', exact: true });
    await visible(widget);
    const title = widget.getByLabel('Title', { exact: true });
    expect(await title.inputValue()).toBe('Chat with us');
    await title.fill('Ask the <Shop>');
    await widget.getByLabel('Hex code').fill('#12345z');
    await widget.getByRole('button', { name: 'Save widget' }).click();
    await visible(widget.getByText('Fix the highlighted fields, then save again.'));
    expect((await env.server.api('GET', `/api/v1/channels/${webchatId}`)).widget.title).toBe('Chat with us');
    await widget.getByLabel('Colour', { exact: true }).fill('#d946ef');
    expect(await widget.getByLabel('Hex code').inputValue()).toBe('#d946ef');
    await widget.getByRole('radio', { name: 'Left' }).check();
    await widget.getByRole('group', { name: 'Pre-chat form' }).getByRole('checkbox', { name: 'Name' }).check();
    await widget.getByRole('checkbox', { name: 'Visitors must fill in the form' }).check();
    await widget.getByRole('button', { name: 'Save widget' }).click();
    await visible(widget.getByText('Widget settings saved.'));
    const savedWidget = (await env.server.api('GET', `/api/v1/channels/${webchatId}`)).widget;
    expect(savedWidget).toMatchObject({
      title: 'Ask the <Shop>', color: '#d946ef', position: 'left', prechat_fields: ['name'], prechat_required: true,
    });
    expect(await unnamedControls(page, '.adm-widget-form')).toEqual([]);
    await widget.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-widget-settings');

    // Deleting the line is refused while it has channels: the server's message is shown.
    await page.getByRole('link', { name: /Line: Support/ }).click();
    await page.waitForURL(new RegExp(`/admin/lines/${lineId}$`), T);
    await page.getByRole('button', { name: 'Delete line' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete line' }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'the line still has channels' }));
    expect((await getLine()).id).toBe(lineId);

    // A custom connector: endpoint and secret (which really works).
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByLabel('Channel type').selectOption('api');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/\/admin\/channels\/\d+$/, T);
    const apiId = Number(new URL(page.url()).pathname.split('/').pop());
    const secret = await (await visible(page.getByLabel('Channel secret'))).inputValue();
    expect(secret).toMatch(/^olk_/);
    await visible(page.getByText('This secret is shown only now', { exact: false }));
    expect(await page.getByLabel('Inbound endpoint').inputValue()).toBe(`${env.server.url}/hooks/api/${apiId}/messages`);
    const r = await customerSays(env.server, { id: apiId, secret }, { id: 'cust-1', name: 'Carla' }, 'hello from e2e');
    expect(r.duplicate).toBe(false);
    await screenshot(page, 'admin-channel-api');
    // After a reload the secret is gone; rotating (confirmed) shows a new one.
    await page.reload();
    await visible(page.getByText('The secret is hidden', { exact: false }));
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await (await visible(page.getByLabel('Channel secret'))).inputValue();
    expect(rotated).toMatch(/^olk_/);
    expect(rotated).not.toBe(secret);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('an operator gets no admin pages', async () => {
  const op: Account = await createEmployee(env.server, 'Oscar Operator');
  const { context, page } = await openWorkspace(env.browser, env.server, op, '/admin');
  try {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    const body = (await page.locator('body').innerText()).trim();
    expect(body.length).toBeGreaterThan(0); // the app rendered something
    expect(await page.getByRole('button', { name: 'Add employee' }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Administration' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New line' }).count()).toBe(0);
  } finally {
    await context.close();
  }
});
