// Checks the harness itself: a server starts, employees and lines can be made, a customer
// message goes through the connector and Chromium can load the served page.
import { expect, test } from 'vitest';
import { createEmployee, createLine, customerSays, useServerAndBrowser } from './harness';

const env = useServerAndBrowser();

test('server, accounts, a line and a customer message', async () => {
  const op = await createEmployee(env.server, 'Olga Harness');
  const { channel } = await createLine(env.server, 'Harness line', [op.id]);
  const r = await customerSays(env.server, channel, { id: 'u1', name: 'Customer One' }, 'hello');
  expect(r.duplicate).toBe(false);
  const page = await env.server.api('GET', '/api/v1/dialogs?view=all');
  expect(page.items.map((d: any) => d.id)).toContain(r.dialog_id);
  const ctx = await env.browser.newContext();
  const p = await ctx.newPage();
  const resp = await p.goto(env.server.url + '/');
  expect(resp?.status()).toBe(200);
  await ctx.close();
});
