// The operator workspace in a real browser: signing in and out through the form, a customer
// message arriving live (list, counters, title, desktop notification) and keyboard use with
// accessible names. One server and one browser for the file; each test has its own line,
// operator and customers, so the tests do not depend on each other.
import { expect, test } from 'vitest';
import {
  createEmployee, createLine, customerSays, dialogMessages, dialogRow, messageLog, openWorkspace,
  openWorkspaceWithNotifications, poll, screenshot, unnamedControls, useServerAndBrowser,
} from './harness';

const env = useServerAndBrowser();

test('sign-in through the form: a wrong password is refused, the right one opens the workspace; sign-out', async () => {
  const op = await createEmployee(env.server, 'Sina Signin');
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(env.server.url + '/');
    await page.getByLabel('E-mail').fill(op.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await poll(() => alert.count()).toBeGreaterThan(0);
    await poll(async () => (await alert.first().textContent())?.trim() ?? '').not.toBe('');
    await screenshot(page, 'basics-signin-wrong-password');
    // Still on the form, nothing of the workspace.
    await poll(() => page.getByRole('tab', { name: /Unanswered/ }).count()).toBe(0);

    await page.getByLabel('Password').fill(op.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: /Unanswered/ }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('listbox', { name: 'Dialogs' }).waitFor();
    await screenshot(page, 'basics-signin-workspace');
    // The session survives a reload (the cookie, not page state).
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await poll(() => page.getByRole('tab', { name: /Unanswered/ }).count()).toBe(0);
    // The server-side session is gone too: the cookie no longer authenticates.
    const me = await page.request.get(env.server.url + '/api/v1/me');
    expect(me.status()).toBe(401);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'basics-signed-out');
  } finally {
    await context.close();
  }
});

test('a customer message appears live in Unanswered with the counters, the title and a notification', async () => {
  const op = await createEmployee(env.server, 'Lena Live');
  const { channel } = await createLine(env.server, 'Live line', [op.id]);
  const { context, page } = await openWorkspaceWithNotifications(env.browser, env.server, op);
  try {
    const tab = page.getByRole('tab', { name: /Unanswered/ });
    await tab.waitFor();
    await page.getByRole('listbox', { name: 'Dialogs' }).waitFor();
    await poll(() => page.title()).toBe('Omniline');
    // A marker that a reload would wipe out.
    await page.evaluate(() => ((window as any).__noReload = 'still here'));
    // Let the realtime socket connect before the customer writes (it is opened at start-up);
    // the message must arrive through it either way.
    const r = await customerSays(env.server, channel, { id: 'live-1', name: 'Liam Customer' }, 'Hello, is anyone there?');

    await dialogRow(page, r.dialog_id).waitFor();
    await poll(() => dialogRow(page, r.dialog_id).textContent()).toContain('Liam Customer');
    await poll(async () => (await page.getByTestId('unanswered-count').textContent())?.trim()).toBe('1');
    await poll(async () => (await tab.textContent()) ?? '').toContain('1');
    await poll(() => page.title()).toBe('(1) Omniline');
    await poll(() => page.evaluate(() => (window as any).__notifications.length)).toBeGreaterThan(0);
    const notes: { title: string; body: string }[] = await page.evaluate(() => (window as any).__notifications);
    expect(notes.map((n) => n.title + ' ' + n.body).join('\n')).toMatch(/Liam Customer|Hello, is anyone there\?/);
    expect(await page.evaluate(() => (window as any).__noReload)).toBe('still here');
    await screenshot(page, 'basics-live-unanswered');

    // A second customer: the counters follow.
    const r2 = await customerSays(env.server, channel, { id: 'live-2', name: 'Mia Customer' }, 'Second question');
    await dialogRow(page, r2.dialog_id).waitFor();
    await poll(async () => (await page.getByTestId('unanswered-count').textContent())?.trim()).toBe('2');
    await poll(() => page.title()).toBe('(2) Omniline');
    expect(await page.evaluate(() => (window as any).__noReload)).toBe('still here');
    // Unread badges on the rows.
    await poll(async () => (await dialogRow(page, r.dialog_id).getByTestId('unread-count').textContent())?.trim()).toBe('1');
    await customerSays(env.server, channel, { id: 'live-1', name: 'Liam Customer' }, 'Hello again?');
    await poll(async () => (await dialogRow(page, r.dialog_id).getByTestId('unread-count').textContent())?.trim()).toBe('2');

    // Search narrows the list to the matching customer.
    await page.getByRole('searchbox', { name: 'Search dialogs' }).fill('mia');
    await poll(() => dialogRow(page, r.dialog_id).count()).toBe(0);
    await dialogRow(page, r2.dialog_id).waitFor();
    await page.getByRole('searchbox', { name: 'Search dialogs' }).fill('');
    await dialogRow(page, r.dialog_id).waitFor();

    // The sound toggle and the Away switch.
    await page.getByRole('button', { name: 'Mute sound' }).click();
    await page.getByRole('button', { name: 'Unmute sound' }).waitFor();
    const away = page.getByRole('switch', { name: 'Away' });
    expect(await away.getAttribute('aria-checked')).toBe('false');
    await away.click();
    await poll(() => away.getAttribute('aria-checked')).toBe('true');
    await poll(async () => (await env.server.api('GET', '/api/v1/me', undefined, op)).away).toBe(true);
    await screenshot(page, 'basics-muted-away');
    await page.reload();
    await page.getByRole('button', { name: 'Unmute sound' }).waitFor();
    await poll(() => page.getByRole('switch', { name: 'Away' }).getAttribute('aria-checked')).toBe('true');
    await page.getByRole('switch', { name: 'Away' }).click();
    await poll(async () => (await env.server.api('GET', '/api/v1/me', undefined, op)).away).toBe(false);
  } finally {
    await context.close();
  }
});

test('keyboard: the list opens a dialog with ArrowDown/Enter, Shift+Enter is a newline and Enter sends; every control is named', async () => {
  const op = await createEmployee(env.server, 'Kira Keys');
  const { channel } = await createLine(env.server, 'Keyboard line', [op.id]);
  const a = await customerSays(env.server, channel, { id: 'kb-1', name: 'Karl First' }, 'First keyboard question');
  const b = await customerSays(env.server, channel, { id: 'kb-2', name: 'Kate Second' }, 'Second keyboard question');
  const { context, page } = await openWorkspace(env.browser, env.server, op);
  try {
    const list = page.getByRole('listbox', { name: 'Dialogs' });
    await dialogRow(page, a.dialog_id).waitFor();
    await dialogRow(page, b.dialog_id).waitFor();
    // Keyboard only from here: focus the list, move, open.
    await list.focus();
    const focusedBefore = await page.evaluate(() => document.activeElement?.getAttribute('role') ?? document.activeElement?.tagName);
    expect(['listbox', 'option']).toContain(focusedBefore);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await poll(() => new URL(page.url()).pathname).toMatch(/^\/dialogs\/\d+$/);
    const opened = Number(new URL(page.url()).pathname.split('/')[2]);
    expect([a.dialog_id, b.dialog_id]).toContain(opened);
    await messageLog(page).waitFor();
    const openedText = opened === a.dialog_id ? 'First keyboard question' : 'Second keyboard question';
    await messageLog(page).getByText(openedText).waitFor();

    // The reply box: Shift+Enter is a newline, Enter sends.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    expect(await box.inputValue()).toBe('line one\nline two');
    await screenshot(page, 'basics-keyboard-multiline');
    await page.keyboard.press('Enter');
    await poll(async () => (await dialogMessages(env.server, opened)).some(
      (m) => m.author.kind === 'operator' && m.text === 'line one\nline two' && !m.hidden)).toBe(true);
    await poll(() => box.inputValue()).toBe('');
    await poll(() => messageLog(page).locator('[data-author-kind="operator"]').filter({ hasText: 'line two' }).count()).toBe(1);
    // Sending answered it: one unanswered dialog left, in the list, the badge and the title.
    await poll(async () => (await page.getByTestId('unanswered-count').textContent())?.trim()).toBe('1');
    await poll(() => page.title()).toBe('(1) Omniline');
    await poll(() => dialogRow(page, opened).count()).toBe(0);

    // Every button, link, textbox… of the workspace (with a dialog open) has an accessible name.
    const unnamed = await unnamedControls(page);
    await screenshot(page, 'basics-keyboard-sent');
    expect(unnamed, 'controls without an accessible name:\n' + unnamed.join('\n')).toEqual([]);
    // And with the dialog's menu open.
    const more = page.getByRole('button', { name: 'More actions' });
    if (await more.count()) {
      await more.first().click();
      await page.getByRole('menu').waitFor();
      const inMenu = await unnamedControls(page);
      expect(inMenu, 'controls without an accessible name (menu open):\n' + inMenu.join('\n')).toEqual([]);
      await page.keyboard.press('Escape');
      await poll(() => page.getByRole('menu').count()).toBe(0);
    }
    // And in the Forward picker, which takes the keyboard focus into its search box.
    await page.getByRole('button', { name: 'Forward', exact: true }).click();
    const picker = page.getByRole('dialog', { name: 'Forward' });
    await picker.waitFor();
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '')).toBe('Search employees and lines');
    const inPicker = await unnamedControls(page);
    expect(inPicker, 'controls without an accessible name (Forward picker):\n' + inPicker.join('\n')).toEqual([]);
    await page.keyboard.press('Escape');
    await poll(() => picker.count()).toBe(0);
  } finally {
    await context.close();
  }
});

test('switching between dialogs shows only the open dialog', async () => {
  const op = await createEmployee(env.server, 'Sven Switch');
  const { channel } = await createLine(env.server, 'Switch line', [op.id]);
  const a = await customerSays(env.server, channel, { id: 'sw-1', name: 'Alma Alpha' }, 'Alpha asks');
  const b = await customerSays(env.server, channel, { id: 'sw-2', name: 'Bert Beta' }, 'Beta asks');
  const { context, page } = await openWorkspace(env.browser, env.server, op);
  context.setDefaultTimeout(15_000);
  try {
    await dialogRow(page, a.dialog_id).click();
    await messageLog(page).getByText('Alpha asks').waitFor();
    await dialogRow(page, b.dialog_id).click();
    await poll(() => new URL(page.url()).pathname).toBe(`/dialogs/${b.dialog_id}`);
    await page.getByRole('log').getByText('Beta asks').waitFor();
    await page.getByRole('heading', { name: 'Bert Beta' }).first().waitFor();
    await screenshot(page, 'basics-switch-dialog');
    // One message log, holding Beta's messages and nothing of Alpha's.
    await poll(() => page.getByRole('log').count(), 3_000).toBe(1);
    expect(await messageLog(page).getByText('Alpha asks').count()).toBe(0);
    // And back: Alpha's again, alone.
    await dialogRow(page, a.dialog_id).click();
    await page.getByRole('log').getByText('Alpha asks').first().waitFor();
    await poll(() => page.getByRole('log').count(), 3_000).toBe(1);
    expect(await messageLog(page).getByText('Beta asks').count()).toBe(0);
  } finally {
    await context.close();
  }
});
