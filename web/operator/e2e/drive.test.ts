// The Drive in a real browser against a real server: the admin makes a folder "Contracts" on
// /drive (a taken name gets the server's 409 message) and uploads a text file into it; an
// operator of a line with a connector dialog attaches that file with "Attach from Drive" and
// sends it (a download card; the signed URL answers 200 as an attachment); deleting the folder,
// which is not empty, says so; "Save to Drive" in the message menu puts a message's file into
// the Drive's root; a file of a chat shows under "Chat files" and "Save to Drive" files it.
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  createEmployee, createLine, customerSays, dialogMessages, messageById, messageLog, openWorkspace, pollWithin, screenshot,
  unnamedControls, useServerAndBrowser, type Account,
} from './harness';

const poll = pollWithin(15_000);
const env = useServerAndBrowser();

const CONTRACT = 'Contract 2026-04\nParties: Omniline and Example Ltd.\nSigned.\n';

async function open(account: Account, path: string) {
  const w = await openWorkspace(env.browser, env.server, account, path);
  w.context.setDefaultTimeout(15_000);
  return w;
}

/** Clicks the button that opens the file chooser and picks `files` in it. */
async function chooseFiles(page: Page, button: string, files: Array<{ name: string; mimeType: string; buffer: Buffer }>) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button }).click()]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles(files);
}

/** Uploads a file as an employee (Bearer token, multipart) like the workspace does. */
async function uploadAs(who: Account, name: string, body: string): Promise<any> {
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'text/plain' }), name);
  const r = await fetch(env.server.url + '/api/v1/files', {
    method: 'POST', headers: { Authorization: 'Bearer ' + who.token, 'X-CSRF-Token': who.csrf }, body: form,
  });
  expect(r.status).toBe(201);
  return r.json();
}

/** The Drive's files of a folder (0: the root), as the server lists them. */
async function driveFiles(folderId: number): Promise<any[]> {
  return (await env.server.api('GET', `/api/v1/drive/files?folder_id=${folderId}&limit=200`)).items;
}

test('a folder made on /drive, a file uploaded into it, attached from the Drive and sent; chat files saved to the Drive', async () => {
  const admin = env.server.admin;
  const op = await createEmployee(env.server, 'Dora Drive');
  const { channel } = await createLine(env.server, 'Drive line', [op.id]);
  const said = await customerSays(env.server, channel, { id: 'carla', name: 'Carla Customer' }, 'Could you send me the signed contract?');
  const dialogId = said.dialog_id;
  await env.server.api('POST', `/api/v1/dialogs/${dialogId}/answer`, {}, op);

  const a = await open(admin, '/drive');
  const o = await open(op, `/dialogs/${dialogId}`);
  try {
    // ---- The admin: "Contracts" on /drive, and a file uploaded into it ----
    const drive = a.page;
    const main = drive.getByRole('navigation', { name: 'Main' });
    expect(await main.getByRole('link', { name: 'Drive' }).getAttribute('aria-current')).toBe('page');
    await drive.getByText('This folder is empty').waitFor();
    await drive.getByRole('button', { name: 'New folder' }).click();
    const name = drive.getByRole('textbox', { name: 'Folder name' });
    await name.fill('Contracts');
    await name.press('Enter');
    const folderLink = drive.getByRole('list', { name: 'Folders' }).getByRole('link', { name: 'Contracts' });
    await folderLink.waitFor();
    // The same name again: the server's conflict, under the field.
    await drive.getByRole('button', { name: 'New folder' }).click();
    await name.fill('Contracts');
    await name.press('Enter');
    const why = drive.getByRole('form', { name: 'New folder' }).getByRole('alert');
    await why.waitFor();
    expect(await why.textContent()).toBe('a folder of that name is already there');
    await drive.getByRole('form', { name: 'New folder' }).getByRole('button', { name: 'Cancel' }).click();

    await folderLink.click();
    await poll(() => new URL(drive.url()).pathname).toMatch(/^\/drive\/folders\/\d+$/);
    const folderId = Number(new URL(drive.url()).pathname.split('/').pop());
    await drive.getByRole('heading', { level: 1, name: 'Contracts' }).waitFor();
    await drive.getByText('This folder is empty').waitFor();
    await chooseFiles(drive, 'Upload files', [{ name: 'contract.txt', mimeType: 'text/plain', buffer: Buffer.from(CONTRACT) }]);
    const uploaded = drive.getByRole('list', { name: 'Files', exact: true }).getByRole('link', { name: 'contract.txt' });
    await uploaded.waitFor();
    await drive.getByRole('status').filter({ hasText: 'Uploaded “contract.txt”.' }).waitFor();
    expect(await unnamedControls(drive, 'main')).toEqual([]);
    const inFolder = await driveFiles(folderId);
    expect(inFolder.map((f) => [f.name, f.folder_id, f.uploaded_by, f.size])).toEqual([
      ['contract.txt', folderId, admin.id, Buffer.byteLength(CONTRACT)],
    ]);
    await screenshot(drive, 'drive-page');

    // ---- The operator: "Attach from Drive" → Contracts → contract.txt → Send ----
    const ws = o.page;
    await messageLog(ws).getByText('Could you send me the signed contract?').waitFor();
    await ws.getByRole('button', { name: 'Attach from Drive' }).click();
    const picker = ws.getByRole('dialog', { name: 'Attach from Drive' });
    await picker.waitFor();
    expect(await picker.getByRole('tab', { name: 'Drive' }).getAttribute('aria-selected')).toBe('true');
    await picker.getByRole('list', { name: 'Folders' }).getByRole('button', { name: 'Contracts' }).click();
    const choice = picker.getByRole('checkbox', { name: 'contract.txt' });
    await choice.check();
    await poll(() => picker.getByRole('button', { name: 'Attach 1 file' }).isEnabled()).toBe(true);
    expect(await unnamedControls(ws, '[role="dialog"]')).toEqual([]);
    await screenshot(ws, 'drive-picker');
    await picker.getByRole('button', { name: 'Attach 1 file' }).click();
    await picker.waitFor({ state: 'detached' });
    const chips = ws.getByRole('list', { name: 'Attachments' }).getByRole('listitem');
    await poll(() => chips.count()).toBe(1);
    expect(await chips.first().getAttribute('data-state')).toBe('done');
    expect(await chips.first().textContent()).toContain('contract.txt');
    const send = ws.getByRole('button', { name: 'Send' });
    await poll(() => send.isEnabled()).toBe(true);
    await send.click();
    await poll(() => chips.count()).toBe(0);

    let sent: any;
    await poll(async () => {
      sent = (await dialogMessages(env.server, dialogId, op)).find((m) => m.author.kind === 'operator' && m.files?.length);
      return sent?.files.map((f: any) => [f.id, f.name]);
    }).toEqual([[inFolder[0].id, 'contract.txt']]);
    const card = messageById(ws, sent.id).getByRole('link', { name: /contract\.txt/ });
    await card.waitFor();
    expect(await card.getAttribute('download')).toBe('');
    const href = (await card.getAttribute('href'))!;
    expect(new URL(href).pathname).toBe(`/files/${inFolder[0].id}`);
    const got = await fetch(href);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(await got.text()).toBe(CONTRACT);

    // ---- The admin: Contracts holds a file, so it cannot be deleted ----
    await drive.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'Drive' }).click();
    // Back at the top, the chat files are asked for again: the file just sent is one, and in the Drive.
    await drive.getByRole('list', { name: 'Chat files' }).getByRole('listitem').filter({ hasText: 'contract.txt' })
      .getByRole('link', { name: 'In the Drive' }).waitFor();
    const row = drive.getByRole('list', { name: 'Folders' }).getByRole('listitem').filter({ hasText: 'Contracts' });
    await row.getByRole('button', { name: 'Delete' }).click();
    const confirm = drive.getByRole('dialog', { name: 'Delete folder' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    const notEmpty = drive.getByRole('alert').filter({ hasText: 'is not empty' });
    await notEmpty.waitFor();
    expect(await notEmpty.textContent()).toContain('“Contracts” is not empty: move or remove what is in it first.');
    expect((await env.server.api('GET', '/api/v1/drive/folders')).items.map((f: any) => f.name)).toEqual(['Contracts']);
    await screenshot(drive, 'drive-folder-not-empty');

    // ---- "Save to Drive" in the message menu: the message's file into the Drive's root ----
    const notes = await uploadAs(op, 'call-notes.txt', 'Called Carla at 10:00.\n');
    const withNotes = await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Notes of our call', files: [notes.id] }, op);
    await messageById(ws, withNotes.id).getByRole('link', { name: /call-notes\.txt/ }).waitFor();
    await messageById(ws, withNotes.id).getByRole('button', { name: 'Message actions' }).click();
    await ws.getByRole('menuitem', { name: 'Save to Drive' }).click();
    await ws.getByRole('status').filter({ hasText: 'Saved to Drive' }).waitFor();
    await poll(async () => (await driveFiles(0)).map((f) => f.name)).toEqual(['call-notes.txt']);

    // ---- Chat files: a file of the operator's chat, saved into the Drive from /drive ----
    const receipt = await uploadAs(op, 'receipt.txt', 'Receipt 88: 120.00 EUR\n');
    await env.server.api('POST', `/api/v1/dialogs/${dialogId}/messages`, { text: 'Your receipt', files: [receipt.id] }, op);
    await ws.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Drive' }).click();
    await poll(() => new URL(ws.url()).pathname).toBe('/drive');
    const chatList = ws.getByRole('list', { name: 'Chat files' });
    const receiptRow = chatList.getByRole('listitem').filter({ hasText: 'receipt.txt' });
    await receiptRow.waitFor();
    // Those already in the Drive link to their folder instead.
    expect(await chatList.getByRole('listitem').filter({ hasText: 'contract.txt' }).getByRole('link', { name: 'In the Drive' }).getAttribute('href'))
      .toBe(`/drive/folders/${folderId}`);
    expect(await receiptRow.getByRole('link', { name: `Dialog #${dialogId}` }).getAttribute('href')).toBe(`/dialogs/${dialogId}`);
    await receiptRow.getByRole('button', { name: 'Save to Drive' }).click();
    await receiptRow.getByText('In this folder').waitFor();
    await ws.getByRole('list', { name: 'Files', exact: true }).getByRole('link', { name: 'receipt.txt' }).waitFor();
    await ws.getByRole('status').filter({ hasText: 'Saved “receipt.txt” to “Drive”.' }).waitFor();
    const root = await driveFiles(0);
    expect(root.map((f) => [f.name, f.folder_id, f.uploaded_by])).toEqual([
      ['receipt.txt', 0, op.id],
      ['call-notes.txt', 0, op.id],
    ]);
    await screenshot(ws, 'drive-chat-files');
  } finally {
    await a.context.close();
    await o.context.close();
  }
});
