// Operator actions in a real browser: answer and reply, forward to a colleague (who sees it
// arrive live), take over, pin, hidden messages (never shown to the customer), close and
// spam, and the history across sessions. One server and one browser for the file; each test
// has its own line, employees and customers, so the tests do not depend on each other.
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  createEmployee, createLine, createWebchatChannel, customerSays, dialogMessages, dialogRow, messageById,
  messageLog, openWorkspace, poll, screenshot, useServerAndBrowser, widgetMessages, widgetSay, widgetStart,
  type Account,
} from './harness';

const env = useServerAndBrowser();

async function open(account: Account, path = '/') {
  const w = await openWorkspace(env.browser, env.server, account, path);
  w.context.setDefaultTimeout(15_000);
  return w;
}

const dialog = (id: number, as?: Account) => env.server.api('GET', `/api/v1/dialogs/${id}`, undefined, as);

/** Opens the open dialog's "More actions" menu and picks `item`. */
async function moreAction(page: Page, item: string) {
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

/** Types into the reply box and sends with Enter. */
async function reply(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.click();
  await box.fill(text);
  await box.press('Enter');
  await poll(() => box.inputValue()).toBe('');
}

test('answer: the dialog moves to My dialogs and a reply sent with Enter reaches the customer', async () => {
  const op = await createEmployee(env.server, 'Anna Answer');
  const { channel } = await createLine(env.server, 'Answer line', [op.id]);
  const r = await customerSays(env.server, channel, { id: 'ans-1', name: 'Arthur Asks' }, 'Where is my parcel?');
  const { context, page } = await open(op);
  try {
    await dialogRow(page, r.dialog_id).click();
    await poll(() => new URL(page.url()).pathname).toBe(`/dialogs/${r.dialog_id}`);
    await messageLog(page).getByText('Where is my parcel?').waitFor();
    await page.getByRole('button', { name: 'Answer', exact: true }).click();
    await poll(async () => (await dialog(r.dialog_id)).session.status).toBe('in_work');
    expect((await dialog(r.dialog_id)).session.operator_id).toBe(op.id);

    // Gone from Unanswered, listed in My dialogs.
    await poll(async () => (await page.getByTestId('unanswered-count').count())
      ? (await page.getByTestId('unanswered-count').textContent())?.trim() : '0').toMatch(/^0?$/);
    await page.getByRole('tab', { name: /My dialogs/ }).click();
    await dialogRow(page, r.dialog_id).waitFor();
    await page.getByRole('tab', { name: /Unanswered/ }).click();
    await poll(() => dialogRow(page, r.dialog_id).count()).toBe(0);
    await page.getByRole('tab', { name: /My dialogs/ }).click();
    await dialogRow(page, r.dialog_id).waitFor();

    await reply(page, 'It left our warehouse today.');
    await poll(async () => (await dialogMessages(env.server, r.dialog_id)).filter(
      (m) => m.author.kind === 'operator' && m.text === 'It left our warehouse today.' && !m.hidden).length).toBe(1);
    const log = messageLog(page);
    await poll(() => log.locator('[data-author-kind="operator"]').filter({ hasText: 'It left our warehouse today.' }).count()).toBe(1);
    expect((await dialog(r.dialog_id)).session.status).toBe('operator_replied');
    await screenshot(page, 'actions-answer-reply');
  } finally {
    await context.close();
  }
});

test('forward to a second operator, who sees it arrive live in another browser', async () => {
  const first = await createEmployee(env.server, 'Fiona Forward');
  const second = await createEmployee(env.server, 'Felix Receiver');
  const { channel } = await createLine(env.server, 'Forward line', [first.id]);
  const r = await customerSays(env.server, channel, { id: 'fwd-1', name: 'Frank Customer' }, 'Please pass me on');
  await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, first);
  const a = await open(first, `/dialogs/${r.dialog_id}`);
  const b = await open(second);
  try {
    await b.page.getByRole('listbox', { name: 'Dialogs' }).waitFor();
    expect(await dialogRow(b.page, r.dialog_id).count()).toBe(0);

    await messageLog(a.page).getByText('Please pass me on').waitFor();
    await a.page.getByRole('button', { name: 'Forward', exact: true }).click();
    const picker = a.page.getByRole('dialog', { name: 'Forward' });
    await picker.waitFor();
    await picker.getByRole('searchbox', { name: 'Search employees and lines' })
      .or(picker.getByRole('textbox', { name: 'Search employees and lines' })).fill('Felix');
    await picker.getByRole('option', { name: /Felix Receiver/ }).click();
    await screenshot(a.page, 'actions-forward-picker');
    await poll(async () => (await dialog(r.dialog_id)).session.operator_id).toBe(second.id);
    expect((await dialog(r.dialog_id)).session.status).toBe('new');
    await poll(() => picker.count()).toBe(0);

    // The second operator's workspace shows it without a reload.
    await dialogRow(b.page, r.dialog_id).waitFor();
    await poll(async () => (await b.page.getByTestId('unanswered-count').textContent())?.trim()).toBe('1');
    await poll(() => b.page.title()).toBe('(1) Omniline');
    await screenshot(b.page, 'actions-forward-arrived');
    // And can answer it.
    await dialogRow(b.page, r.dialog_id).click();
    await b.page.getByRole('button', { name: 'Answer', exact: true }).click();
    await poll(async () => (await dialog(r.dialog_id)).session.status).toBe('in_work');
    expect((await dialog(r.dialog_id)).session.operator_id).toBe(second.id);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('take over: a supervisor takes over a dialog an operator answered', async () => {
  const op = await createEmployee(env.server, 'Olaf Operator');
  const sup = await createEmployee(env.server, 'Sara Supervisor', 'supervisor');
  const { channel } = await createLine(env.server, 'Takeover line', [op.id]);
  const r = await customerSays(env.server, channel, { id: 'to-1', name: 'Tom Customer' }, 'I want a manager');
  await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, op);
  await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/messages`, { text: 'Let me check' }, op);
  const { context, page } = await open(sup, `/dialogs/${r.dialog_id}`);
  try {
    await messageLog(page).getByText('Let me check').waitFor();
    await moreAction(page, 'Take over');
    await poll(async () => (await dialog(r.dialog_id)).session.operator_id).toBe(sup.id);
    await page.getByRole('tab', { name: /My dialogs/ }).click();
    await dialogRow(page, r.dialog_id).waitFor();
    // Now it is the supervisor's: the active top bar.
    await page.getByRole('button', { name: 'Close dialog' }).waitFor();
    await screenshot(page, 'actions-take-over');
  } finally {
    await context.close();
  }
});

test('pin to me and unpin', async () => {
  const op = await createEmployee(env.server, 'Pia Pinner');
  const { channel } = await createLine(env.server, 'Pin line', [op.id]);
  const r = await customerSays(env.server, channel, { id: 'pin-1', name: 'Paul Regular' }, 'Keep me with you');
  await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, op);
  const { context, page } = await open(op, `/dialogs/${r.dialog_id}`);
  try {
    await messageLog(page).getByText('Keep me with you').waitFor();
    await moreAction(page, 'Pin to me');
    await poll(async () => (await dialog(r.dialog_id)).session.pinned).toBe(true);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Unpin' }).waitFor();
    await screenshot(page, 'actions-pinned');
    await page.getByRole('menuitem', { name: 'Unpin' }).click();
    await poll(async () => (await dialog(r.dialog_id)).session.pinned).toBe(false);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Pin to me' }).waitFor();
    await page.keyboard.press('Escape');
  } finally {
    await context.close();
  }
});

test('a hidden message is greyed for staff and never reaches the customer', async () => {
  const op = await createEmployee(env.server, 'Hugo Hidden');
  const { line } = await createLine(env.server, 'Hidden line', [op.id]);
  const web = await createWebchatChannel(env.server, line.id);
  const visitor = await widgetStart(env.server, web.id, 'Helga Visitor');
  const first = await widgetSay(env.server, visitor, 'Can you check my order?');
  const dialogId: number = first.dialog_id;
  await env.server.api('POST', `/api/v1/dialogs/${dialogId}/answer`, {}, op);
  const { context, page } = await open(op, `/dialogs/${dialogId}`);
  try {
    await messageLog(page).getByText('Can you check my order?').waitFor();
    const hiddenBox = page.getByRole('checkbox', { name: 'Hidden message' });
    await hiddenBox.check();
    await reply(page, 'Note for colleagues: VIP customer');
    await poll(async () => (await dialogMessages(env.server, dialogId)).filter(
      (m) => m.text === 'Note for colleagues: VIP customer').map((m) => m.hidden)).toEqual([true]);
    const note = (await dialogMessages(env.server, dialogId)).find((m) => m.text === 'Note for colleagues: VIP customer');
    await messageById(page, note.id).waitFor();
    expect(await messageById(page, note.id).getAttribute('data-hidden')).toBe('true');

    // A public message for comparison.
    if (await hiddenBox.isChecked()) await hiddenBox.uncheck();
    await reply(page, 'We are on it!');
    await poll(async () => (await dialogMessages(env.server, dialogId)).filter(
      (m) => m.text === 'We are on it!').map((m) => m.hidden)).toEqual([false]);
    const pub = (await dialogMessages(env.server, dialogId)).find((m) => m.text === 'We are on it!');
    await messageById(page, pub.id).waitFor();
    expect(await messageById(page, pub.id).getAttribute('data-hidden')).not.toBe('true');
    // Greyed: the hidden one looks different from a public operator message.
    const look = (id: number) => messageById(page, id).evaluate((el) => {
      const s = getComputedStyle(el);
      const inner = el.firstElementChild ? getComputedStyle(el.firstElementChild) : s;
      return [s.color, s.backgroundColor, s.opacity, s.fontStyle, inner.color, inner.backgroundColor, inner.opacity].join('|');
    });
    expect(await look(note.id)).not.toBe(await look(pub.id));
    await screenshot(page, 'actions-hidden-message');

    // The customer sees the public reply and not the note.
    const seen = await widgetMessages(env.server, visitor);
    const texts = seen.map((m) => m.text);
    expect(texts).toContain('We are on it!');
    expect(texts).toContain('Can you check my order?');
    expect(texts.join('\n')).not.toContain('VIP customer');
  } finally {
    await context.close();
  }
});

test('close a dialog; mark another as spam', async () => {
  const op = await createEmployee(env.server, 'Carla Closer');
  const { channel } = await createLine(env.server, 'Close line', [op.id]);
  const done = await customerSays(env.server, channel, { id: 'cl-1', name: 'Chris Done' }, 'Thanks, that is all');
  const spam = await customerSays(env.server, channel, { id: 'cl-2', name: 'Cheap Pills' }, 'BUY CHEAP PILLS NOW');
  await env.server.api('POST', `/api/v1/dialogs/${done.dialog_id}/answer`, {}, op);
  const { context, page } = await open(op, `/dialogs/${done.dialog_id}`);
  try {
    await messageLog(page).getByText('Thanks, that is all').waitFor();
    await page.getByRole('button', { name: 'Close dialog' }).click();
    await poll(async () => (await dialog(done.dialog_id)).session.status).toBe('closed');
    await page.getByRole('tab', { name: /My dialogs/ }).click();
    await poll(() => dialogRow(page, done.dialog_id).count()).toBe(0);
    await screenshot(page, 'actions-closed');

    await page.getByRole('tab', { name: /Unanswered/ }).click();
    await dialogRow(page, spam.dialog_id).click();
    await messageLog(page).getByText('BUY CHEAP PILLS NOW').waitFor();
    await page.getByRole('button', { name: 'Spam / Force close' }).click();
    // The app asks which: "Mark as spam" or "Force close" (a modal named like the button).
    const choice = page.getByRole('dialog', { name: 'Spam / Force close' });
    await choice.waitFor();
    await screenshot(page, 'actions-spam-choice');
    await choice.getByRole('button', { name: 'Mark as spam' }).click();
    await poll(async () => (await dialog(spam.dialog_id)).session.status).toBe('spam');
    await poll(() => dialogRow(page, spam.dialog_id).count()).toBe(0);
    await screenshot(page, 'actions-spam');
  } finally {
    await context.close();
  }
});

test('history across two sessions: both sessions in the dialog view and in the history window', async () => {
  const op = await createEmployee(env.server, 'Hanna History');
  const { channel } = await createLine(env.server, 'History line', [op.id]);
  const user = { id: 'hist-1', name: 'Henry Returning' };
  const r1 = await customerSays(env.server, channel, user, 'First visit question');
  await env.server.api('POST', `/api/v1/dialogs/${r1.dialog_id}/answer`, {}, op);
  await env.server.api('POST', `/api/v1/dialogs/${r1.dialog_id}/messages`, { text: 'First visit answer' }, op);
  const s1 = (await dialog(r1.dialog_id)).session.id;
  const { context, page } = await open(op, `/dialogs/${r1.dialog_id}`);
  try {
    await messageLog(page).getByText('First visit answer').waitFor();
    await page.getByRole('button', { name: 'Close dialog' }).click();
    await poll(async () => (await dialog(r1.dialog_id)).session.status).toBe('closed');
    // The workspace has taken the close in (a closed dialog has no "Close dialog" button).
    // (A customer writing before that is the race covered in workspace-live.)
    await poll(() => page.getByRole('button', { name: 'Close dialog' }).count()).toBe(0);

    const r2 = await customerSays(env.server, channel, user, 'Second visit question');
    expect(r2.dialog_id).toBe(r1.dialog_id);
    const s2 = (await dialog(r1.dialog_id)).session.id;
    expect(s2).not.toBe(s1);

    // The open dialog shows both sessions, each behind its divider.
    const log = messageLog(page);
    await log.getByText('Second visit question').waitFor();
    await log.getByText('First visit question').waitFor();
    const dividers = log.getByRole('separator').filter({ hasText: /Session #\d+/ });
    await poll(() => dividers.count()).toBe(2);
    const dividerTexts = await dividers.allTextContents();
    expect(dividerTexts.join('\n')).toContain(`Session #${s1}`);
    expect(dividerTexts.join('\n')).toContain(`Session #${s2}`);
    // "Session #id · status": the first one is closed, the second new.
    await poll(async () => (await dividers.allTextContents()).map((t) => t.trim()), 5_000)
      .toEqual([`Session #${s1} · closed`, `Session #${s2} · new`]);
    await screenshot(page, 'actions-history-two-sessions');

    // "View history" on the (new, unanswered) session.
    await moreAction(page, 'View history');
    const hist = page.getByRole('dialog', { name: 'History' });
    await hist.getByText('First visit question').waitFor();
    await hist.getByText('First visit answer').waitFor();
    await hist.getByText('Second visit question').waitFor();
    await screenshot(page, 'actions-history-window');
    await page.keyboard.press('Escape');
    await poll(() => hist.count()).toBe(0);

    // "Message history" once it is answered again.
    await page.getByRole('button', { name: 'Answer', exact: true }).click();
    await poll(async () => (await dialog(r1.dialog_id)).session.status).toBe('in_work');
    await moreAction(page, 'Message history');
    await hist.getByText('First visit question').waitFor();
    await hist.getByText('Second visit question').waitFor();
  } finally {
    await context.close();
  }
});

test('rename, invite a colleague, and the message menu: quote, edit, delete', async () => {
  const op = await createEmployee(env.server, 'Mona Menu');
  const colleague = await createEmployee(env.server, 'Ivo Invited');
  const { channel } = await createLine(env.server, 'Menu line', [op.id]);
  const r = await customerSays(env.server, channel, { id: 'menu-1', name: 'Mark Menu' }, 'Quote me please');
  await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, op);
  const mine = await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/messages`, { text: 'A typo hre' }, op);
  const doomed = await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/messages`, { text: 'Sent by mistake' }, op);
  const { context, page } = await open(op, `/dialogs/${r.dialog_id}`);
  try {
    await messageLog(page).getByText('Sent by mistake').waitFor();

    // Rename.
    await moreAction(page, 'Rename');
    const rename = page.getByRole('dialog', { name: 'Rename dialog' });
    await rename.getByRole('textbox', { name: 'Title' }).fill('VIP: Mark');
    await rename.getByRole('button', { name: 'Save' }).click();
    await poll(async () => (await dialog(r.dialog_id)).title).toBe('VIP: Mark');
    await poll(() => rename.count()).toBe(0);
    await page.getByRole('heading', { name: 'VIP: Mark' }).waitFor();
    await page.getByRole('tab', { name: /My dialogs/ }).click();
    await poll(async () => (await dialogRow(page, r.dialog_id).count()) ? dialogRow(page, r.dialog_id).textContent() : '')
      .toContain('VIP: Mark');

    // Invite: the colleague (not in the line's queue) can then open the dialog.
    expect((await env.server.raw('GET', `/api/v1/dialogs/${r.dialog_id}`, undefined, colleague)).status).toBe(404);
    await page.getByRole('button', { name: 'Invite user' }).click();
    const invite = page.getByRole('dialog', { name: 'Invite user' });
    await invite.getByRole('searchbox').fill('Ivo');
    await invite.getByRole('option', { name: /Ivo Invited/ }).click();
    await poll(async () => (await env.server.raw('GET', `/api/v1/dialogs/${r.dialog_id}`, undefined, colleague)).status).toBe(200);
    await poll(() => invite.count()).toBe(0);

    // Quote the customer's message: the reply refers to it.
    const quoted = messageById(page, r.message_id);
    await quoted.getByRole('button', { name: 'Message actions' }).click();
    await page.getByRole('menuitem', { name: 'Quote' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await poll(() => page.evaluate(() => document.activeElement?.id ?? '')).toBe(await box.getAttribute('id'));
    await box.press('End');
    await box.pressSequentially(' Sure.');
    await box.press('Enter');
    await poll(async () => (await dialogMessages(env.server, r.dialog_id)).filter(
      (m) => m.author.kind === 'operator' && m.text.includes('Sure.')).length).toBe(1);
    const quoting = (await dialogMessages(env.server, r.dialog_id)).find((m) => m.author.kind === 'operator' && m.text.includes('Sure.'));
    expect(quoting.reply_to === r.message_id || quoting.text.includes('Quote me please'),
      'the reply refers to the quoted message: ' + JSON.stringify(quoting)).toBe(true);

    // Edit my own message.
    await messageById(page, mine.id).getByRole('button', { name: 'Message actions' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const edit = messageById(page, mine.id).getByRole('textbox');
    await edit.fill('A typo here');
    await edit.press('Enter');
    await poll(async () => (await dialogMessages(env.server, r.dialog_id)).find((m) => m.id === mine.id)?.text).toBe('A typo here');
    await poll(() => messageById(page, mine.id).textContent()).toContain('A typo here');

    // Delete another, after confirming.
    await messageById(page, doomed.id).getByRole('button', { name: 'Message actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete message' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await poll(async () => (await dialogMessages(env.server, r.dialog_id)).find((m) => m.id === doomed.id)?.deleted).toBe(true);
    await poll(() => messageById(page, doomed.id).textContent()).not.toContain('Sent by mistake');
    await screenshot(page, 'actions-menu-edit-delete');
  } finally {
    await context.close();
  }
});
