// The workspace across a server crash: kill -9 and restart while a dialog is open. The
// offline banner shows, a customer message sent while the workspace is reconnecting is shown
// once after it reconnects, and live updates carry on. Its own file: the restart would
// disturb other tests.
import { expect, test } from 'vitest';
import {
  createEmployee, createLine, customerSays, dialogRow, messageLog, openWorkspace, poll, screenshot,
  useServerAndBrowser,
} from './harness';

const env = useServerAndBrowser();

test('connection drop: offline banner, reconnect, nothing lost and nothing doubled', async () => {
  const op = await createEmployee(env.server, 'Rita Reconnect');
  const { channel } = await createLine(env.server, 'Reconnect line', [op.id]);
  const user = { id: 'rc-1', name: 'Ronald Patient' };
  const r = await customerSays(env.server, channel, user, 'Before the outage');
  await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, op);
  const { context, page } = await openWorkspace(env.browser, env.server, op, `/dialogs/${r.dialog_id}`);
  context.setDefaultTimeout(20_000);
  try {
    const log = messageLog(page);
    const banner = page.getByTestId('offline-banner');
    await log.getByText('Before the outage').waitFor();
    // Connected: no banner (absent or hidden).
    await poll(() => banner.isVisible()).toBe(false);
    // A live message first, so we know the socket is up before the crash.
    await customerSays(env.server, channel, user, 'Still online');
    await log.getByText('Still online').waitFor();

    const restarted = env.server.restart();
    restarted.catch(() => {}); // awaited below; keeps a failed restart from being "unhandled" meanwhile
    await banner.waitFor({ state: 'visible' });
    expect(await banner.getAttribute('role')).toBe('status');
    await screenshot(page, 'live-offline-banner');
    await restarted;
    // The server is back; the workspace may still be waiting to reconnect. Write now.
    const bannerWhenSent = await banner.isVisible();
    const during = await customerSays(env.server, channel, user, 'Written during the outage');
    const other = await customerSays(env.server, channel, { id: 'rc-2', name: 'Nora Newcomer' }, 'A new dialog meanwhile');

    await banner.waitFor({ state: 'hidden', timeout: 30_000 });
    await log.getByText('Written during the outage').waitFor();
    await page.getByRole('tab', { name: /Unanswered/ }).click();
    await dialogRow(page, other.dialog_id).waitFor();
    // Exactly once each.
    await poll(() => log.locator(`[data-message-id="${during.message_id}"]`).count()).toBe(1);
    expect(await log.getByText('Written during the outage', { exact: true }).count()).toBe(1);
    expect(await log.getByText('Before the outage', { exact: true }).count()).toBe(1);
    expect(await log.getByText('Still online', { exact: true }).count()).toBe(1);
    expect(await dialogRow(page, other.dialog_id).count()).toBe(1);
    // The counters caught up too.
    await poll(async () => (await page.getByTestId('unanswered-count').textContent())?.trim()).toBe('1');
    await poll(() => page.title()).toBe('(1) Omniline');
    await screenshot(page, 'live-reconnected');

    // Live again after the reconnect.
    const after = await customerSays(env.server, channel, user, 'After the outage');
    await poll(() => log.locator(`[data-message-id="${after.message_id}"]`).count()).toBe(1);
    const ids = await log.locator('[data-message-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id')));
    expect(new Set(ids).size, 'duplicate message ids in the log: ' + ids.join(',')).toBe(ids.length);
    // (Informational) whether the message was sent while the banner was still up.
    console.log(`customer message sent while the offline banner was ${bannerWhenSent ? 'visible' : 'already gone'}`);
  } finally {
    await context.close();
  }
});

test('a late answer to an action does not undo newer live updates', async () => {
  // The browser may process an action's HTTP answer after realtime events of later changes
  // (they travel separately). Here the answer to "Close dialog" is held back until the
  // customer has written again (a new session) and the workspace has shown that message.
  const op = await createEmployee(env.server, 'Lars Late');
  const { channel } = await createLine(env.server, 'Late line', [op.id]);
  const user = { id: 'late-1', name: 'Lotte Quick' };
  const r = await customerSays(env.server, channel, user, 'Thanks, bye');
  await env.server.api('POST', `/api/v1/dialogs/${r.dialog_id}/answer`, {}, op);
  const { context, page } = await openWorkspace(env.browser, env.server, op, `/dialogs/${r.dialog_id}`);
  context.setDefaultTimeout(15_000);
  try {
    const log = messageLog(page);
    await log.getByText('Thanks, bye').waitFor();
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    let delivered!: () => void;
    const answered = new Promise<void>((ok) => (delivered = ok));
    await page.route(`**/api/v1/dialogs/${r.dialog_id}/close`, async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
      delivered();
    });
    await page.getByRole('button', { name: 'Close dialog' }).click();
    await poll(async () => (await env.server.api('GET', `/api/v1/dialogs/${r.dialog_id}`)).session.status).toBe('closed');
    const again = await customerSays(env.server, channel, user, 'Oh, one more thing');
    await poll(() => log.locator(`[data-message-id="${again.message_id}"]`).count()).toBe(1);
    const s2 = (await env.server.api('GET', `/api/v1/dialogs/${r.dialog_id}`)).session.id;
    const finished = page.waitForEvent('requestfinished', (req) => req.url().endsWith(`/dialogs/${r.dialog_id}/close`));
    release();
    await answered;
    await finished; // the stale answer (session closed) has been read by the page
    // One round trip through the page's task queue, so its fetch continuation has run.
    await page.evaluate(() => new Promise((ok) => setTimeout(ok, 0)));
    await screenshot(page, 'live-late-action-answer');

    // The workspace shows the newest state: the new, unanswered session.
    await poll(() => page.getByRole('button', { name: 'Answer', exact: true }).count()).toBe(1);
    await poll(async () => (await log.getByRole('separator').allTextContents()).map((t) => t.trim()))
      .toContain(`Session #${s2} · new`);
    expect(await page.getByRole('button', { name: 'Close dialog' }).count()).toBe(0);
    await page.getByRole('tab', { name: /Unanswered/ }).click();
    await dialogRow(page, r.dialog_id).waitFor();
  } finally {
    await context.close();
  }
});
