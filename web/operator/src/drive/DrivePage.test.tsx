// The Drive page: browsing by path, new folder (server messages, 409), rename and delete
// (confirm, 409 "not empty"), who is offered what, uploads into the open folder (progress,
// errors, drop), Move to…, Remove from Drive, and "Save to Drive" from the chat files.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError, type UploadOptions } from '../api/client';
import type { DriveFile, Employee } from '../api/types';
import { employee } from '../test/fixtures';
import DrivePage, { type DriveUploader } from './DrivePage';
import { chatFile, driveFile, fakeDrive, folder, requests } from './testutil';

const XSS = '<img src=x onerror=alert(1)>';
const ADMIN = employee({ id: 1, name: 'Ada', role: 'admin' });
const OPERATOR = employee({ id: 2, name: 'Olga', role: 'operator' });

function at(path: string) {
  window.history.replaceState(null, '', path);
}

/** An uploader whose uploads finish when the test says so. */
function fakeUploader() {
  const calls: Array<{ folderId: number; file: File; opts: UploadOptions; resolve: (f: DriveFile) => void; reject: (e: Error) => void }> = [];
  const upload: DriveUploader = vi.fn(
    (folderId: number, file: File, opts: UploadOptions) =>
      new Promise<DriveFile>((resolve, reject) => calls.push({ folderId, file, opts, resolve, reject })),
  );
  return { upload, calls };
}

function renderPage(me: Employee = ADMIN, upload: DriveUploader = fakeUploader().upload) {
  return render(<DrivePage me={me} upload={upload} />);
}

const rowOf = (list: string, name: string) =>
  within(screen.getByRole('list', { name: list })).getAllByRole('listitem').find((li) => li.querySelector('.drv-name')?.textContent === name)!;
const names = (list: string) =>
  within(screen.getByRole('list', { name: list })).getAllByRole('listitem').map((li) => li.querySelector('.drv-name')!.textContent);
const status = () => screen.getAllByRole('status').find((s) => s.classList.contains('drv-status'))!;

beforeEach(() => at('/drive'));
afterEach(() => vi.restoreAllMocks());

describe('Drive page: browsing', () => {
  it('shows the root: folders as links, files with download links and details', async () => {
    fakeDrive({
      folders: [folder(1, 'Contracts'), folder(2, 'archive')],
      files: [driveFile(10, 'terms.txt'), driveFile(11, 'logo.png')],
    });
    renderPage();
    expect(screen.getByRole('heading', { level: 1, name: 'Drive' })).toBeInTheDocument();
    const folders = await screen.findByRole('list', { name: 'Folders' });
    expect(within(folders).getByRole('link', { name: 'Contracts' })).toHaveAttribute('href', '/drive/folders/1');
    expect(names('Folders')).toEqual(['archive', 'Contracts']);
    await screen.findByRole('list', { name: 'Files' });
    expect(names('Files')).toEqual(['logo.png', 'terms.txt']);
    const doc = within(rowOf('Files', 'terms.txt')).getByRole('link', { name: 'terms.txt' });
    expect(doc).toHaveAttribute('href', new URL('/files/10?exp=1&sig=ab', location.href).href);
    expect(doc).toHaveAttribute('download');
    const pic = within(rowOf('Files', 'logo.png')).getByRole('link', { name: 'logo.png' });
    expect(pic).toHaveAttribute('target', '_blank');
    expect(pic).toHaveAttribute('rel', 'noopener noreferrer');
    expect(rowOf('Files', 'terms.txt')).toHaveTextContent('1.2 KB');
  });

  it('opens a folder by its path: breadcrumb, its subfolders and files; the top bar link goes up', async () => {
    at('/drive/folders/3');
    const drive = fakeDrive({
      folders: [folder(1, 'Contracts'), folder(3, '2026', 1), folder(4, 'Q1', 3)],
      files: [driveFile(10, 'root.txt'), driveFile(12, 'draft.txt', 3)],
    });
    renderPage();
    const crumbs = screen.getByRole('navigation', { name: 'Folder path' });
    await within(crumbs).findByText('2026');
    expect(within(crumbs).getByRole('link', { name: 'Drive' })).toHaveAttribute('href', '/drive');
    expect(within(crumbs).getByRole('link', { name: 'Contracts' })).toHaveAttribute('href', '/drive/folders/1');
    expect(within(crumbs).getByText('2026')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('heading', { level: 1, name: '2026' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Q1' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'draft.txt' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'root.txt' })).toBeNull();
    expect(requests(drive, 'GET /api/v1/drive/files')).toEqual(['GET /api/v1/drive/files?folder_id=3&limit=50']);

    // A click on a breadcrumb link navigates in the app, and focus moves to the folder's name.
    await userEvent.click(within(crumbs).getByRole('link', { name: 'Contracts' }));
    expect(location.pathname).toBe('/drive/folders/1');
    expect(await screen.findByRole('link', { name: '2026' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Contracts' })).toHaveFocus();
    // The chat files are asked for again in each folder (files sent meanwhile show up).
    await waitFor(() => expect(requests(drive, 'GET /api/v1/drive/chat-files')).toHaveLength(2));
  });

  it('says when a folder does not exist', async () => {
    at('/drive/folders/77');
    fakeDrive();
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent('This folder does not exist (any more).');
    expect(screen.getByRole('link', { name: 'Go to the top of the Drive' })).toHaveAttribute('href', '/drive');
    expect(screen.queryByRole('button', { name: 'Upload files' })).toBeNull();
  });

  it('shows the empty state, and searches the folder by name', async () => {
    const drive = fakeDrive({ files: [driveFile(10, 'Invoice-7.txt'), driveFile(11, 'notes.txt')] });
    renderPage();
    await screen.findByRole('link', { name: 'notes.txt' });
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search this folder' }), 'invoice');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'notes.txt' })).toBeNull());
    expect(await screen.findByRole('link', { name: 'Invoice-7.txt' })).toBeInTheDocument();
    expect(requests(drive, 'GET /api/v1/drive/files').at(-1)).toBe('GET /api/v1/drive/files?folder_id=0&q=invoice&limit=50');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search this folder' }), 'zzz');
    expect(await screen.findByText('Nothing here matches “invoicezzz”.')).toBeInTheDocument();
  });

  it('says "This folder is empty" in an empty folder', async () => {
    at('/drive/folders/1');
    fakeDrive({ folders: [folder(1, 'Empty one')] });
    renderPage();
    expect(await screen.findByText('This folder is empty')).toBeInTheDocument();
  });

  it('pages the files with "Load more"', async () => {
    fakeDrive({ files: Array.from({ length: 55 }, (_, i) => driveFile(100 + i, `f${100 + i}.txt`)) });
    renderPage();
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Files' })).getAllByRole('listitem')).toHaveLength(50));
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Files' })).getAllByRole('listitem')).toHaveLength(55));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('renders folder and file names as text', async () => {
    fakeDrive({ folders: [folder(1, XSS)], files: [driveFile(10, XSS)], chat: [chatFile(20, XSS)] });
    const { container } = renderPage();
    expect(await screen.findAllByRole('link', { name: XSS })).not.toHaveLength(0);
    await waitFor(() => expect(container.querySelectorAll('.drv-name')).toHaveLength(3));
    for (const n of container.querySelectorAll('.drv-name')) expect(n.textContent).toBe(XSS);
    expect(container.querySelector('img')).toBeNull();
  });
});

describe('Drive page: folders', () => {
  it('creates a folder: the server\'s messages for a bad name and a taken one, then the new folder', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ folders: [folder(1, 'Contracts')] });
    renderPage();
    await screen.findByRole('link', { name: 'Contracts' });
    await user.click(screen.getByRole('button', { name: 'New folder' }));
    const form = screen.getByRole('form', { name: 'New folder' });
    const name = within(form).getByRole('textbox', { name: 'Folder name' });
    expect(name).toHaveFocus();

    await user.click(within(form).getByRole('button', { name: 'Create' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('name is required');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription('name is required');

    await user.type(name, 'a/b{Enter}');
    expect(await within(form).findByRole('alert')).toHaveTextContent('name may not contain / or \\');

    await user.clear(name);
    expect(within(form).queryByRole('alert')).toBeNull();
    await user.type(name, 'Contracts{Enter}');
    expect(await within(form).findByRole('alert')).toHaveTextContent('a folder of that name is already there');

    await user.clear(name);
    await user.type(name, '  Invoices {Enter}');
    await waitFor(() => expect(screen.queryByRole('form', { name: 'New folder' })).toBeNull());
    expect(names('Folders')).toEqual(['Contracts', 'Invoices']);
    expect(status()).toHaveTextContent('Folder “Invoices” created.');
    expect(drive.calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { name: '' }, { name: 'a/b' }, { name: 'Contracts' }, { name: '  Invoices ' },
    ]);
  });

  it('creates a folder inside the open folder; Escape closes the form', async () => {
    at('/drive/folders/1');
    const user = userEvent.setup();
    const drive = fakeDrive({ folders: [folder(1, 'Contracts')] });
    renderPage();
    await screen.findByText('This folder is empty');
    await user.click(screen.getByRole('button', { name: 'New folder' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('form', { name: 'New folder' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'New folder' }));
    await user.type(screen.getByRole('textbox', { name: 'Folder name' }), '2026{Enter}');
    expect(await screen.findByRole('link', { name: '2026' })).toHaveAttribute('href', '/drive/folders/101');
    expect(drive.calls.find((c) => c.method === 'POST')!.body).toEqual({ name: '2026', parent_id: 1 });
  });

  it('renames a folder inline, showing a taken name\'s conflict', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ folders: [folder(1, 'Contracts'), folder(2, 'Old')] });
    renderPage();
    await screen.findByRole('link', { name: 'Old' });
    await user.click(within(rowOf('Folders', 'Old')).getByRole('button', { name: 'Rename' }));
    const form = screen.getByRole('form', { name: 'Rename “Old”' });
    const name = within(form).getByRole('textbox', { name: 'Folder name' });
    expect(name).toHaveValue('Old');
    expect(name).toHaveFocus();
    await user.clear(name);
    await user.type(name, 'Contracts{Enter}');
    expect(await within(form).findByRole('alert')).toHaveTextContent('a folder of that name is already there');
    await user.clear(name);
    await user.type(name, 'Archive{Enter}');
    await waitFor(() => expect(names('Folders')).toEqual(['Archive', 'Contracts']));
    expect(status()).toHaveTextContent('Folder renamed to “Archive”.');
    expect(drive.calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body])).toEqual([
      ['/api/v1/drive/folders/2', { name: 'Contracts' }],
      ['/api/v1/drive/folders/2', { name: 'Archive' }],
    ]);
  });

  it('deletes a folder after confirming; a folder that is not empty stays, and says why', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ folders: [folder(1, 'Full'), folder(2, 'Empty')], files: [driveFile(10, 'in-full.txt', 1)] });
    renderPage();
    await screen.findByRole('link', { name: 'Full' });

    // Cancel does nothing.
    await user.click(within(rowOf('Folders', 'Empty')).getByRole('button', { name: 'Delete' }));
    let dlg = screen.getByRole('dialog', { name: 'Delete folder' });
    expect(dlg).toHaveTextContent('Delete the folder “Empty”?');
    await user.click(within(dlg).getByRole('button', { name: 'Cancel' }));
    expect(requests(drive, 'DELETE')).toEqual([]);

    await user.click(within(rowOf('Folders', 'Full')).getByRole('button', { name: 'Delete' }));
    dlg = screen.getByRole('dialog', { name: 'Delete folder' });
    await user.click(within(dlg).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('“Full” is not empty: move or remove what is in it first.');
    expect(names('Folders')).toEqual(['Empty', 'Full']);

    await user.click(within(rowOf('Folders', 'Empty')).getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete folder' })).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(names('Folders')).toEqual(['Full']));
    expect(status()).toHaveTextContent('Folder “Empty” deleted.');
    expect(requests(drive, 'DELETE')).toEqual(['DELETE /api/v1/drive/folders/1', 'DELETE /api/v1/drive/folders/2']);
  });

  it('offers rename and delete only on the folders an operator made; an admin gets them on all', async () => {
    fakeDrive({ folders: [folder(1, 'Theirs', 0, 1), folder(2, 'Mine', 0, 2)] });
    const { unmount } = renderPage(OPERATOR);
    await screen.findByRole('link', { name: 'Mine' });
    expect(within(rowOf('Folders', 'Theirs')).queryByRole('button')).toBeNull();
    expect(within(rowOf('Folders', 'Mine')).getAllByRole('button').map((b) => b.textContent)).toEqual(['Rename', 'Delete']);
    unmount();
    renderPage(ADMIN);
    await screen.findByRole('link', { name: 'Mine' });
    expect(within(rowOf('Folders', 'Theirs')).getAllByRole('button').map((b) => b.textContent)).toEqual(['Rename', 'Delete']);
  });
});

describe('Drive page: files', () => {
  const file = (name: string, body = 'x'.repeat(100)) => new File([body], name, { type: 'text/plain' });

  it('uploads into the open folder with progress; done files join the list, errors stay on their chip', async () => {
    at('/drive/folders/1');
    const user = userEvent.setup();
    fakeDrive({ folders: [folder(1, 'Contracts')] });
    const { upload, calls } = fakeUploader();
    renderPage(ADMIN, upload);
    await screen.findByText('This folder is empty');
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});
    await user.click(screen.getByRole('button', { name: 'Upload files' }));
    expect(click).toHaveBeenCalledTimes(1);
    click.mockRestore();
    await user.upload(screen.getByTestId('drive-upload-input'), [file('offer.txt'), file('huge.iso')]);
    expect(calls.map((c) => [c.folderId, c.file.name])).toEqual([[1, 'offer.txt'], [1, 'huge.iso']]);
    const uploads = screen.getByRole('list', { name: 'Uploads' });
    expect(within(uploads).getAllByRole('listitem')).toHaveLength(2);
    act(() => calls[0].opts.onProgress!(30, 100));
    expect(within(uploads).getAllByRole('listitem')[0]).toHaveTextContent('uploading… 30%');
    expect(within(uploads).getByRole('progressbar', { name: 'Uploading offer.txt' })).toBeInTheDocument();

    await act(async () => {
      calls[0].resolve(driveFile(30, 'offer.txt', 1));
      calls[1].reject(new ApiError(413, 'too_large', 'too large: at most 25 MiB may be sent'));
    });
    expect(await screen.findByRole('link', { name: 'offer.txt' })).toBeInTheDocument();
    expect(screen.queryByText('This folder is empty')).toBeNull();
    expect(status()).toHaveTextContent('Uploaded “offer.txt”.');
    const left = within(screen.getByRole('list', { name: 'Uploads' })).getAllByRole('listitem');
    expect(left).toHaveLength(1);
    expect(left[0]).toHaveAttribute('data-state', 'error');
    expect(within(left[0]).getByRole('alert')).toHaveTextContent('too large: at most 25 MiB may be sent');
    await user.click(screen.getByRole('button', { name: 'Remove huge.iso' }));
    expect(screen.queryByRole('list', { name: 'Uploads' })).toBeNull();
  });

  it('uploads dropped files; removing a chip cancels its upload', async () => {
    fakeDrive();
    const { upload, calls } = fakeUploader();
    renderPage(ADMIN, upload);
    await screen.findByText('This folder is empty');
    const area = screen.getByRole('region', { name: 'Drive' });
    fireEvent.dragOver(area, { dataTransfer: { types: ['Files'], files: [], dropEffect: 'none' } });
    expect(area).toHaveClass('drv-dragging');
    fireEvent.drop(area, { dataTransfer: { types: ['Files'], files: [file('dropped.txt')] } });
    expect(area).not.toHaveClass('drv-dragging');
    expect(calls.map((c) => [c.folderId, c.file.name])).toEqual([[0, 'dropped.txt']]);
    await userEvent.click(screen.getByRole('button', { name: 'Remove dropped.txt' }));
    expect(calls[0].opts.signal!.aborted).toBe(true);
    expect(screen.queryByRole('list', { name: 'Uploads' })).toBeNull();
  });

  it('moves a file to another folder through "Move to…"', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({
      folders: [folder(1, 'Contracts'), folder(3, '2026', 1)],
      files: [driveFile(10, 'offer.txt'), driveFile(11, 'stay.txt')],
    });
    renderPage();
    await screen.findByRole('link', { name: 'offer.txt' });
    await user.click(within(rowOf('Files', 'offer.txt')).getByRole('button', { name: 'Move to…' }));
    const dlg = screen.getByRole('dialog', { name: 'Move “offer.txt” to…' });
    // It is in the root now: not a place to move it to.
    expect(await within(dlg).findByRole('button', { name: 'Already in this folder' })).toBeDisabled();
    await user.click(within(dlg).getByRole('button', { name: 'Contracts' }));
    await user.click(await within(dlg).findByRole('button', { name: '2026' }));
    await within(within(dlg).getByRole('navigation', { name: 'Move to folder' })).findByText('2026');
    await user.click(within(dlg).getByRole('button', { name: 'Move here' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(names('Files')).toEqual(['stay.txt']);
    expect(status()).toHaveTextContent('Moved “offer.txt” to “2026”.');
    expect(drive.calls.filter((c) => c.method === 'PUT').map((c) => [c.path, c.body])).toEqual([
      ['/api/v1/drive/files/10', { folder_id: 3 }],
    ]);
  });

  it('shows a failed move in the dialog', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ folders: [folder(1, 'Contracts')], files: [driveFile(10, 'offer.txt')] });
    drive.failNext('PUT', 404, 'not_found', 'folder not found');
    renderPage();
    await screen.findByRole('link', { name: 'offer.txt' });
    await user.click(within(rowOf('Files', 'offer.txt')).getByRole('button', { name: 'Move to…' }));
    const dlg = screen.getByRole('dialog', { name: 'Move “offer.txt” to…' });
    await user.click(await within(dlg).findByRole('button', { name: 'Contracts' }));
    await user.click(await within(dlg).findByRole('button', { name: 'Move here' }));
    expect(await within(dlg).findByRole('alert')).toHaveTextContent('folder not found');
    expect(names('Files')).toEqual(['offer.txt']);
  });

  it('takes a file out of the Drive after confirming; offered to the uploader, admins and supervisors', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ files: [driveFile(10, 'mine.txt', 0, { uploaded_by: 2 }), driveFile(11, 'theirs.txt', 0, { uploaded_by: 1 })] });
    const { unmount } = renderPage(OPERATOR);
    await screen.findByRole('link', { name: 'mine.txt' });
    expect(within(rowOf('Files', 'theirs.txt')).queryByRole('button', { name: 'Remove from Drive' })).toBeNull();
    expect(within(rowOf('Files', 'theirs.txt')).getByRole('button', { name: 'Move to…' })).toBeInTheDocument();
    await user.click(within(rowOf('Files', 'mine.txt')).getByRole('button', { name: 'Remove from Drive' }));
    const dlg = screen.getByRole('dialog', { name: 'Remove from Drive' });
    expect(dlg).toHaveTextContent('Take “mine.txt” out of the Drive?');
    await user.click(within(dlg).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(names('Files')).toEqual(['theirs.txt']));
    expect(status()).toHaveTextContent('“mine.txt” was taken out of the Drive.');
    expect(requests(drive, 'DELETE')).toEqual(['DELETE /api/v1/drive/files/10']);
    unmount();
    renderPage(employee({ id: 3, role: 'supervisor' }));
    await screen.findByRole('link', { name: 'theirs.txt' });
    expect(within(rowOf('Files', 'theirs.txt')).getByRole('button', { name: 'Remove from Drive' })).toBeInTheDocument();
  });
});

describe('Drive page: chat files', () => {
  it('saves a chat\'s file into the open folder', async () => {
    at('/drive/folders/1');
    const user = userEvent.setup();
    const drive = fakeDrive({
      folders: [folder(1, 'Contracts'), folder(2, 'Elsewhere')],
      chat: [chatFile(20, 'scan.pdf', 7), chatFile(21, 'other.txt', 8), chatFile(22, 'filed.txt', 9, { folder_id: 2 })],
    });
    renderPage(OPERATOR);
    const chat = await screen.findByRole('list', { name: 'Chat files' });
    expect(within(chat).getByRole('link', { name: 'Dialog #7' })).toHaveAttribute('href', '/dialogs/7');
    await screen.findByText('This folder is empty');
    const row = rowOf('Chat files', 'scan.pdf');
    await user.click(within(row).getByRole('button', { name: 'Save to Drive' }));
    await waitFor(() => expect(names('Files')).toEqual(['scan.pdf']));
    expect(within(rowOf('Chat files', 'scan.pdf')).getByText('In this folder')).toBeInTheDocument();
    expect(within(rowOf('Chat files', 'other.txt')).getByRole('button', { name: 'Save to Drive' })).toBeEnabled();
    // A file filed elsewhere is not moved from here: it links to its folder.
    expect(within(rowOf('Chat files', 'filed.txt')).queryByRole('button', { name: 'Save to Drive' })).toBeNull();
    expect(within(rowOf('Chat files', 'filed.txt')).getByRole('link', { name: 'In the Drive' })).toHaveAttribute('href', '/drive/folders/2');
    expect(status()).toHaveTextContent('Saved “scan.pdf” to “Contracts”.');
    expect(drive.calls.filter((c) => c.method === 'PUT').map((c) => [c.path, c.body])).toEqual([
      ['/api/v1/drive/files/20', { folder_id: 1 }],
    ]);
  });

  it('shows the empty state and the server error of saving', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ chat: [chatFile(20, 'scan.pdf')] });
    drive.failNext('PUT', 403, 'forbidden', 'you may not see this chat');
    renderPage();
    await user.click(within(await screen.findByRole('list', { name: 'Chat files' })).getByRole('button', { name: 'Save to Drive' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('you may not see this chat');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();

    drive.chat = [];
    await user.type(screen.getByRole('searchbox', { name: 'Search chat files' }), 'x');
    expect(await screen.findByText('No chat files match “x”.')).toBeInTheDocument();
    await user.clear(screen.getByRole('searchbox', { name: 'Search chat files' }));
    expect(await screen.findByText('No files in your chats yet')).toBeInTheDocument();
  });
});
