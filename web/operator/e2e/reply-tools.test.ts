// The reply box's tools in a real browser, under the page's Content-Security-Policy: an
// operator types "Hi @Col", picks colleague Colin Colleague from the mention popup with Enter,
// inserts an emoji from the emoji picker (loaded lazily, its data from our own origin) and
// sends with Enter. The stored text has the [user] mention and the emoji as UTF-8; the
// mention shares the dialog with Colin; the customer reads the name without markup.
import { expect, test } from 'vitest';
import {
  createEmployee, createLine, createWebchatChannel, customerSays, dialogMessages, messageLog, openWorkspace, poll,
  screenshot, unnamedControls, useServerAndBrowser, widgetMessages, widgetSay, widgetStart,
} from './harness';

const env = useServerAndBrowser();

const ROCKET = '\u{1F680}'; // 🚀, F0 9F 9A 80 in UTF-8

test('mention a colleague with @, insert an emoji from the picker, send with Enter', async () => {
  const { server, browser } = env;
  const op = await createEmployee(server, 'Olga Operator');
  const colin = await createEmployee(server, 'Colin Colleague');
  await createEmployee(server, 'Dora Different');
  const { line } = await createLine(server, 'Reply tools line', [op.id]);
  const web = await createWebchatChannel(server, line.id);
  const visitor = await widgetStart(server, web.id, 'Vera Visitor');
  const d = await widgetSay(server, visitor, 'Can someone help me?');
  const dialogId: number = d.dialog_id;
  await server.api('POST', `/api/v1/dialogs/${dialogId}/answer`, {}, op);
  // Colin is not in the line's queue: he may not open the dialog yet.
  expect((await server.raw('GET', `/api/v1/dialogs/${dialogId}`, undefined, colin)).status).not.toBe(200);

  const { context, page } = await openWorkspace(browser, server, op, `/dialogs/${dialogId}`);
  context.setDefaultTimeout(15_000);
  // Everything the page loads comes from our origin, and nothing breaks the CSP.
  const foreign: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy|CSP/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  try {
    await messageLog(page).getByText('Can someone help me?').waitFor();
    await page.evaluate(() => {
      (window as any).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();

    // The picker's code is not loaded before it is opened.
    const scripts = async () =>
      page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /emoji|\/assets\/data-[^/]*\.json$/i.test(n)));
    expect(await scripts()).toEqual([]);

    // @Col: the popup lists Colin (not Dora); Enter inserts the mention markup.
    await box.pressSequentially('Hi @Col');
    const popup = page.getByRole('listbox', { name: 'Mention a colleague' });
    const colinOption = popup.getByRole('option', { name: /Colin Colleague/ });
    await colinOption.waitFor();
    expect(await popup.getByRole('option').count()).toBe(1);
    expect(await colinOption.getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('listbox', { name: 'Quick answers' }).count()).toBe(0);
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, 'mention-picker');
    await box.press('Enter');
    const mention = `[user=${colin.id}]Colin Colleague[/user] `;
    await poll(() => box.inputValue()).toBe('Hi ' + mention);
    await poll(() => popup.count()).toBe(0);

    // The emoji picker: Escape closes it and gives the focus back to its button.
    const emojiButton = page.getByRole('button', { name: 'Insert emoji' });
    await emojiButton.click();
    const picker = page.getByRole('dialog', { name: 'Emoji picker' });
    await picker.waitFor();
    await picker.getByRole('menuitem').first().waitFor();
    await page.keyboard.press('Escape');
    await poll(() => picker.count()).toBe(0);
    expect(await emojiButton.evaluate((el) => el === document.activeElement)).toBe(true);

    // Open it again, search, pick the rocket: it goes in at the caret (the end).
    await emojiButton.click();
    await picker.getByRole('menuitem').first().waitFor();
    await screenshot(page, 'emoji-picker');
    await picker.getByRole('combobox', { name: 'Search' }).fill('rocket');
    const rocket = picker.getByRole('option', { name: /rocket/i }).first();
    await rocket.waitFor();
    expect(await rocket.textContent()).toBe(ROCKET);
    await rocket.click();
    await poll(() => picker.count()).toBe(0);
    await poll(() => box.inputValue()).toBe('Hi ' + mention + ROCKET);
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    // The picker came as its own chunk, its data from /assets/ on our origin.
    const loaded = await scripts();
    expect(loaded.some((n) => n.startsWith(server.url + '/assets/') && n.endsWith('.js'))).toBe(true);
    expect(loaded.some((n) => n.startsWith(server.url + '/assets/') && n.endsWith('.json'))).toBe(true);

    await box.press('Enter');
    await poll(() => box.inputValue()).toBe('');
    const sentText = `Hi [user=${colin.id}]Colin Colleague[/user] ${ROCKET}`;

    // Stored as sent: the mention markup and the emoji as UTF-8.
    let stored: any;
    await poll(async () => {
      stored = (await dialogMessages(server, dialogId, op)).find((m) => m.author.kind === 'operator' && !m.system);
      return stored?.text;
    }).toBe(sentText);
    const raw = await fetch(`${server.url}/api/v1/dialogs/${dialogId}/messages?limit=200`, {
      headers: { Authorization: 'Bearer ' + op.token },
    });
    const bytes = Buffer.from(await raw.arrayBuffer());
    const utf8 = Buffer.from(ROCKET, 'utf8');
    expect(utf8.toString('hex')).toBe('f09f9a80');
    // The API's JSON carries it as UTF-8 bytes (not as \u escapes or entities).
    expect(bytes.includes(utf8)).toBe(true);
    expect(Buffer.from(stored.text, 'utf8').includes(utf8)).toBe(true);

    // In the message list the mention is a chip named for what it is.
    const chip = messageLog(page).getByRole('img', { name: 'Mention of Colin Colleague' });
    await chip.waitFor();
    expect(await chip.textContent()).toBe('@Colin Colleague');
    await screenshot(page, 'mention-sent');

    // The mention shared the dialog with Colin.
    await poll(async () => (await server.raw('GET', `/api/v1/dialogs/${dialogId}`, undefined, colin)).status).toBe(200);

    // The customer reads the name without markup.
    await poll(async () => (await widgetMessages(server, visitor)).map((m) => m.text)).toContain(`Hi Colin Colleague ${ROCKET}`);
    expect((await widgetMessages(server, visitor)).some((m) => String(m.text).includes('[user'))).toBe(false);

    expect(foreign).toEqual([]);
    expect(await page.evaluate(() => (window as any).__csp)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a custom-connector dialog: the mention popup and "/" quick answers do not get in each other\'s way', async () => {
  const { server, browser } = env;
  const op = await createEmployee(server, 'Paula Popups');
  const colin = await createEmployee(server, 'Colette Coworker');
  const { channel } = await createLine(server, 'Popups line', [op.id]);
  const r = await customerSays(server, channel, { id: 'pop-1', name: 'Carl Customer' }, 'Hello there');
  await server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, op);
  await server.api('POST', '/api/v1/quick-answers', { title: 'Thanks', text: 'Thank you for waiting!', section: null, line_id: null });

  const { context, page } = await openWorkspace(browser, server, op, `/dialogs/${r.dialog_id}`);
  context.setDefaultTimeout(15_000);
  try {
    await messageLog(page).getByText('Hello there').waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('/thanks');
    const answers = page.getByRole('listbox', { name: 'Quick answers' });
    const people = page.getByRole('listbox', { name: 'Mention a colleague' });
    await answers.getByRole('option', { name: /Thanks/ }).waitFor();
    // After the quick answer's query, an @ opens the colleague popup instead.
    await box.pressSequentially(' @Colet');
    await people.getByRole('option', { name: /Colette Coworker/ }).waitFor();
    expect(await answers.count()).toBe(0);
    // Escape closes it; Tab then moves on as usual and Enter sends the text as typed.
    await box.press('Escape');
    await poll(() => people.count()).toBe(0);
    await box.press('Backspace');
    await box.pressSequentially('te ');
    await box.pressSequentially('@Colette');
    await people.getByRole('option', { name: /Colette Coworker/ }).waitFor();
    await box.press('Tab');
    await poll(() => box.inputValue()).toBe(`/thanks @Colete [user=${colin.id}]Colette Coworker[/user] `);
    await box.press('Enter');
    await poll(async () => (await dialogMessages(server, r.dialog_id, op)).map((m) => m.text)).toContain(
      `/thanks @Colete [user=${colin.id}]Colette Coworker[/user]`,
    );
  } finally {
    await context.close();
  }
});
