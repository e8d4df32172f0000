// Checks the harness itself: a server starts, employees and lines can be made, a customer
// message goes through the connector and Chromium can load the served page.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEmployee, createLine, customerSays, launchBrowser, startServer, type Server } from './harness';
import type { Browser } from 'playwright-core';

let server: Server;
let browser: Browser;
beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('server, accounts, a line and a customer message', async () => {
  const op = await createEmployee(server, 'Olga Harness');
  const { channel } = await createLine(server, 'Harness line', [op.id]);
  const r = await customerSays(server, channel, { id: 'u1', name: 'Customer One' }, 'hello');
  expect(r.duplicate).toBe(false);
  const page = await server.api('GET', '/api/v1/dialogs?view=all');
  expect(page.items.map((d: any) => d.id)).toContain(r.dialog_id);
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const resp = await p.goto(server.url + '/');
  expect(resp?.status()).toBe(200);
  await ctx.close();
});
