// Mentions and edit history in a real browser: operator A mentions colleague B (who is not in
// the dialog's line) over REST; B's workspace shows a toast with "Open" and a desktop
// notification, and does not count it as an unanswered dialog. Then A edits the message and
// the "(edited)" button in A's workspace lists both versions.
import { expect, test } from 'vitest';
import {
  createEmployee, createLine, customerSays, messageById, openWorkspaceWithNotifications, poll, screenshot,
  useServerAndBrowser,
} from './harness';

const env = useServerAndBrowser();

type Note = { title: string; body: string };

test('a mention raises a toast and a notification for the mentioned colleague; "(edited)" shows earlier versions', async () => {
  const { server, browser } = env;
  const a = await createEmployee(server, 'Anna Mentioner');
  const b = await createEmployee(server, 'Boris Mentioned');
  const { channel } = await createLine(server, 'Mentions line', [a.id]);
  const r = await customerSays(server, channel, { id: 'men-1', name: 'Carl Customer' }, 'I need help with my order');
  await server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, a);

  const sb = await openWorkspaceWithNotifications(browser, server, b);
  const sa = await openWorkspaceWithNotifications(browser, server, a, `/dialogs/${r.dialog_id}`);
  try {
    // B's workspace is loaded and its realtime socket is open (the directory shows B online).
    await sb.page.getByRole('listbox', { name: 'Dialogs' }).waitFor();
    await poll(async () => {
      const d = await server.api('GET', '/api/v1/directory/employees?limit=200', undefined, a);
      return d.items.find((e: { id: number }) => e.id === b.id)?.online;
    }).toBe(true);
    await sa.page.getByText('I need help with my order').waitFor();
    const notesBefore: Note[] = await sb.page.evaluate(() => (window as any).__notifications);

    const sent = await server.api(
      'POST', `/api/v1/dialogs/${r.dialog_id}/messages`, { text: `[user=${b.id}]B[/user] please look` }, a,
    );

    // B: a status toast with an "Open" button, and one desktop notification.
    const toast = sb.page.getByRole('status').filter({ hasText: 'Anna Mentioner mentioned you in a dialog' });
    await toast.waitFor();
    await poll(async () => {
      const notes: Note[] = await sb.page.evaluate(() => (window as any).__notifications);
      return notes.filter((n) => n.title === 'Anna Mentioner mentioned you').length;
    }).toBe(1);
    const notes: Note[] = await sb.page.evaluate(() => (window as any).__notifications);
    const note = notes.find((n) => n.title === 'Anna Mentioner mentioned you')!;
    expect(note.body).toContain('please look');
    expect(note.body).not.toContain('[user=');
    // Nothing else was announced (it is not a new unanswered dialog for B).
    expect(notes.length).toBe(notesBefore.length + 1);
    await poll(() => sb.page.title()).toBe('Omniline');
    await screenshot(sb.page, 'mention-toast');

    // "Open" goes to the dialog (whether B may load it depends on the server's access rules).
    await toast.getByRole('button', { name: 'Open' }).click();
    await poll(() => new URL(sb.page.url()).pathname).toBe(`/dialogs/${r.dialog_id}`);
    await poll(() => toast.count()).toBe(0);
    // A is not mentioned: no mention notification in A's workspace.
    const notesA: Note[] = await sa.page.evaluate(() => (window as any).__notifications);
    expect(notesA.some((n) => n.title.includes('mentioned you'))).toBe(false);

    // A edits the message; A's open dialog shows "(edited)" with both versions.
    await server.api('PATCH', `/api/v1/messages/${sent.id}`, { text: 'Please look at [b]the order[/b]' }, a);
    const item = messageById(sa.page, sent.id);
    await poll(async () => (await item.textContent()) ?? '').toContain('Please look at the order');
    const edited = item.getByRole('button', { name: 'Edited — show earlier versions' });
    await edited.click();
    const dlg = sa.page.getByRole('dialog', { name: 'Earlier versions' });
    await dlg.waitFor();
    const earlier = dlg.getByTestId('earlier-version');
    await poll(() => earlier.count()).toBe(1);
    expect(await earlier.first().textContent()).toContain('please look');
    expect(await earlier.first().textContent()).toContain('Replaced by Anna Mentioner');
    const current = dlg.getByTestId('current-version');
    expect(await current.textContent()).toContain('Please look at the order');
    expect(await current.locator('strong').textContent()).toBe('the order');
    await screenshot(sa.page, 'edit-versions');
    await sa.page.keyboard.press('Escape');
    await poll(() => dlg.count()).toBe(0);
    expect(await edited.evaluate((el) => el === document.activeElement)).toBe(true);
  } finally {
    await sb.context.close();
    await sa.context.close();
  }
});
