// The dialog list at scale: 10,000 dialogs (filled by `omniline demo`) all paged into the
// All tab by scrolling. The list must stay virtualised (a bounded number of rows in the DOM)
// and reach the oldest dialog; scroll frame times are printed as figures, not asserted.
import { expect, test } from 'vitest';
import { openWorkspace, screenshot, useServerAndBrowser } from './harness';

const DIALOGS = 10_000;
const env = useServerAndBrowser({ demo: { dialogs: DIALOGS, messagesPerDialog: 4 } });

test('10,000 dialogs: the list pages in on scroll, stays virtualised and scrolls smoothly', async () => {
  const { context, page } = await openWorkspace(env.browser, env.server, env.server.admin);
  await page.getByRole('tab', { name: /^All/ }).click();
  const list = page.getByRole('listbox', { name: 'Dialogs' });
  await list.getByRole('option').first().waitFor();

  // Scroll to the end until every dialog is loaded (50 per page).
  const loaded = () =>
    list.evaluate((el) => (el.firstElementChild as HTMLElement).getBoundingClientRect().height);
  const rowHeight = await list.getByRole('option').first().evaluate((el) => el.getBoundingClientRect().height);
  const started = Date.now();
  let height = 0;
  for (let i = 0; i < 400 && height < DIALOGS * rowHeight - 1; ++i) {
    await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(loaded, { timeout: 10_000 }).toBeGreaterThan(height);
    height = await loaded();
    // However far we are, only the visible rows (plus overscan) exist.
    expect(await list.getByRole('option').count()).toBeLessThan(60);
  }
  const pagingSeconds = (Date.now() - started) / 1000;
  expect(Math.round(height / rowHeight)).toBe(DIALOGS);

  // The oldest dialog is the last row, and it is rendered.
  await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await list.getByRole('option').last().waitFor({ state: 'visible' });

  // Fling from the bottom back to the top in 200 steps, one per animation frame.
  const frames: number[] = await list.evaluate(async (el) => {
    const times: number[] = [];
    let last = performance.now();
    for (let i = 200; i >= 0; --i) {
      el.scrollTop = (el.scrollHeight * i) / 200;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  });
  frames.sort((a, b) => a - b);
  const pct = (p: number) => frames[Math.min(frames.length - 1, Math.floor((frames.length * p) / 100))].toFixed(1);
  console.log(
    `[scale] ${DIALOGS} dialogs paged in by scrolling in ${pagingSeconds.toFixed(1)} s; ` +
      `scroll frames over the whole list: p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${pct(100)} ms; ` +
      `rows in the DOM: ${await list.getByRole('option').count()}`,
  );
  expect(await list.getByRole('option').count()).toBeLessThan(60);
  await screenshot(page, 'scale-10000-dialogs');
  await context.close();
}, 240_000);
