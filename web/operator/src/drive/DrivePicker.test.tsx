// The Drive picker in the reply box: tabs, folder navigation with the breadcrumb, search,
// choosing files across tabs (up to what fits) → done chips that Send names, "Load more",
// the empty, loading and error states, and names as text.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReplyBox } from '../components/ReplyBox';
import { attachExisting, getAttachments, resetAttachments } from '../state/attachments';
import { resetDrafts } from '../state/drafts';
import { chatFile, driveFile, fakeDrive, folder, requests } from './testutil';

const XSS = '<img src=x onerror=alert(1)>';

function renderBox(onSend = vi.fn(async (..._args: unknown[]) => true)) {
  render(<ReplyBox dialogId={1} onSend={onSend} onTyping={() => {}} upload={vi.fn()} />);
  return { onSend };
}

async function openPicker(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Attach from Drive' }));
  return screen.findByRole('dialog', { name: 'Attach from Drive' });
}

const chips = () => within(screen.getByRole('list', { name: 'Attachments' })).getAllByRole('listitem');
const crumbs = (dlg: HTMLElement) =>
  within(within(dlg).getByRole('navigation', { name: 'Folder path' })).getAllByRole('listitem').map((li) => li.textContent);

beforeEach(() => {
  resetDrafts();
  resetAttachments();
});
afterEach(() => vi.restoreAllMocks());

describe('Drive picker', () => {
  it('opens with the Drive tab: folders and files of the root; Escape closes it and focus goes back', async () => {
    const user = userEvent.setup();
    fakeDrive({
      folders: [folder(1, 'Contracts'), folder(2, 'archive'), folder(3, 'Inside', 1)],
      files: [driveFile(10, 'price-list.txt'), driveFile(11, 'deep.txt', 1)],
    });
    renderBox();
    const button = screen.getByRole('button', { name: 'Attach from Drive' });
    const dlg = await openPicker(user);
    const tabs = within(dlg).getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(['Drive', 'Chat files']);
    expect(tabs[0]).toHaveAttribute('aria-selected', 'true');
    // The search box has focus (the first field of the modal).
    expect(within(dlg).getByRole('searchbox', { name: 'Search this folder' })).toHaveFocus();
    const folders = await within(dlg).findByRole('list', { name: 'Folders' });
    expect(within(folders).getAllByRole('button').map((b) => b.textContent)).toEqual(['archive', 'Contracts']);
    const files = await within(dlg).findByRole('list', { name: 'Files' });
    expect(within(files).getAllByRole('checkbox')).toHaveLength(1);
    expect(within(dlg).getByRole('checkbox', { name: 'price-list.txt' })).toHaveAccessibleDescription(/1\.2 KB/);
    expect(within(dlg).getByRole('button', { name: 'Attach files' })).toBeDisabled();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(button).toHaveFocus();
  });

  it('walks into folders and back up the breadcrumb; focus lands on the folder it is in', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({
      folders: [folder(1, 'Contracts'), folder(3, '2026', 1)],
      files: [driveFile(10, 'root.txt'), driveFile(11, 'signed.pdf', 1), driveFile(12, 'draft.pdf', 3)],
    });
    renderBox();
    const dlg = await openPicker(user);
    expect(crumbs(dlg)).toEqual(['Drive']);
    await user.click(await within(dlg).findByRole('button', { name: 'Contracts' }));
    await within(dlg).findByRole('checkbox', { name: 'signed.pdf' });
    expect(crumbs(dlg)).toEqual(['Drive', 'Contracts']);
    const here = within(dlg).getByText('Contracts', { selector: '[aria-current="page"]' });
    expect(here).toHaveFocus();
    expect(within(dlg).queryByRole('checkbox', { name: 'root.txt' })).toBeNull();
    expect(requests(drive, 'GET /api/v1/drive/folders?parent_id=1')).toHaveLength(1);
    expect(requests(drive, 'GET /api/v1/drive/files?folder_id=1&')).toHaveLength(1);

    await user.click(within(dlg).getByRole('button', { name: '2026' }));
    await within(dlg).findByRole('checkbox', { name: 'draft.pdf' });
    expect(crumbs(dlg)).toEqual(['Drive', 'Contracts', '2026']);
    // Up to the root through the breadcrumb.
    await user.click(within(within(dlg).getByRole('navigation', { name: 'Folder path' })).getByRole('button', { name: 'Drive' }));
    await within(dlg).findByRole('checkbox', { name: 'root.txt' });
    expect(crumbs(dlg)).toEqual(['Drive']);
  });

  it('searches the folder by name: files on the server, subfolders here', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({
      folders: [folder(1, 'Contracts'), folder(2, 'Invoices')],
      files: [driveFile(10, 'invoice-1.txt'), driveFile(11, 'photo.png')],
    });
    renderBox();
    const dlg = await openPicker(user);
    await within(dlg).findByRole('checkbox', { name: 'photo.png' });
    await user.type(within(dlg).getByRole('searchbox', { name: 'Search this folder' }), 'INVO');
    await waitFor(() => {
      expect(within(dlg).queryByRole('checkbox', { name: 'photo.png' })).toBeNull();
      expect(within(dlg).getByRole('checkbox', { name: 'invoice-1.txt' })).toBeInTheDocument();
    });
    expect(within(within(dlg).getByRole('list', { name: 'Folders' })).getAllByRole('button').map((b) => b.textContent)).toEqual(['Invoices']);
    expect(requests(drive, 'GET /api/v1/drive/files').at(-1)).toContain('q=INVO');
    await user.clear(within(dlg).getByRole('searchbox', { name: 'Search this folder' }));
    await user.type(within(dlg).getByRole('searchbox', { name: 'Search this folder' }), 'nothing');
    expect(await within(dlg).findByText('Nothing here matches “nothing”.')).toBeInTheDocument();
  });

  it('chooses files in both tabs and attaches them as done chips that Send names', async () => {
    const user = userEvent.setup();
    fakeDrive({
      folders: [folder(1, 'Contracts')],
      files: [driveFile(10, 'terms.pdf'), driveFile(11, 'signed.pdf', 1)],
      chat: [chatFile(20, 'screenshot.png', 7), chatFile(21, 'log.txt', 8)],
    });
    const { onSend } = renderBox();
    const dlg = await openPicker(user);
    await user.click(await within(dlg).findByRole('button', { name: 'Contracts' }));
    await user.click(await within(dlg).findByRole('checkbox', { name: 'signed.pdf' }));
    expect(within(dlg).getByRole('button', { name: 'Attach 1 file' })).toBeEnabled();

    await user.click(within(dlg).getByRole('tab', { name: 'Chat files' }));
    expect(within(dlg).getByRole('tab', { name: 'Chat files' })).toHaveAttribute('aria-selected', 'true');
    const shot = await within(dlg).findByRole('checkbox', { name: 'screenshot.png' });
    expect(shot).toHaveAccessibleDescription(/Dialog #7/);
    await user.click(shot);
    // Back in the Drive tab, the folder and the choice are as they were.
    await user.click(within(dlg).getByRole('tab', { name: 'Drive' }));
    expect(within(dlg).getByRole('checkbox', { name: 'signed.pdf' })).toBeChecked();
    expect(within(dlg).getByRole('status')).toHaveTextContent('2 chosen.');
    await user.click(within(dlg).getByRole('button', { name: 'Attach 2 files' }));

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(chips().map((c) => [c.querySelector('.chip-name')!.textContent, c.getAttribute('data-state')])).toEqual([
      ['signed.pdf', 'done'],
      ['screenshot.png', 'done'],
    ]);
    expect(chips()[0]).toHaveTextContent('1.2 KB');
    expect(getAttachments(1).map((a) => a.file)).toEqual([
      { id: 11, name: 'signed.pdf', size: 1234, mime: 'text/plain', image: false, url: '/files/11?exp=1&sig=ab' },
      { id: 20, name: 'screenshot.png', size: 1234, mime: 'image/png', image: true, url: '/files/20?exp=1&sig=ab' },
    ]);
    const send = screen.getByRole('button', { name: 'Send' });
    expect(send).toBeEnabled();
    await user.click(send);
    expect(onSend).toHaveBeenCalledWith('', false, null, [11, 20]);
    expect(screen.queryByRole('list', { name: 'Attachments' })).toBeNull();
  });

  it('does not attach a file twice, and only as many as fit in one message', async () => {
    const user = userEvent.setup();
    fakeDrive({ files: [driveFile(10, 'a.txt'), driveFile(11, 'b.txt'), driveFile(12, 'c.txt')] });
    renderBox();
    // Eight files are on the reply already, one of them a.txt.
    act(() => {
      attachExisting(1, [driveFile(10, 'a.txt'), ...Array.from({ length: 7 }, (_, i) => driveFile(50 + i, `x${i}.txt`))]);
    });
    const dlg = await openPicker(user);
    await user.click(await within(dlg).findByRole('checkbox', { name: 'a.txt' }));
    await user.click(within(dlg).getByRole('checkbox', { name: 'b.txt' }));
    // Two more fit: the third cannot be chosen.
    expect(within(dlg).getByRole('checkbox', { name: 'c.txt' })).toBeDisabled();
    expect(within(dlg).getByRole('status')).toHaveTextContent('at most 10 files go with one message');
    await user.click(within(dlg).getByRole('checkbox', { name: 'b.txt' }));
    expect(within(dlg).getByRole('checkbox', { name: 'c.txt' })).toBeEnabled();
    await user.click(within(dlg).getByRole('checkbox', { name: 'c.txt' }));
    await user.click(within(dlg).getByRole('button', { name: 'Attach 2 files' }));
    // a.txt was there already: one chip for it, and c.txt added.
    expect(chips().map((c) => c.querySelector('.chip-name')!.textContent)).toEqual([
      'a.txt', 'x0.txt', 'x1.txt', 'x2.txt', 'x3.txt', 'x4.txt', 'x5.txt', 'x6.txt', 'c.txt',
    ]);
  });

  it('with ten files on the message, says that none fits', async () => {
    const user = userEvent.setup();
    fakeDrive({ files: [driveFile(10, 'a.txt')] });
    renderBox();
    act(() => {
      attachExisting(1, Array.from({ length: 10 }, (_, i) => driveFile(50 + i, `x${i}.txt`)));
    });
    const dlg = await openPicker(user);
    expect(await within(dlg).findByRole('checkbox', { name: 'a.txt' })).toBeDisabled();
    expect(within(dlg).getByRole('status')).toHaveTextContent('This message has 10 files already');
  });

  it('shows the empty states of an empty Drive and of no chat files', async () => {
    const user = userEvent.setup();
    fakeDrive();
    renderBox();
    const dlg = await openPicker(user);
    expect(await within(dlg).findByText('This folder is empty')).toBeInTheDocument();
    await user.click(within(dlg).getByRole('tab', { name: 'Chat files' }));
    expect(await within(dlg).findByText('No files in your chats yet')).toBeInTheDocument();
    await user.type(within(dlg).getByRole('searchbox', { name: 'Search chat files' }), 'zip');
    expect(await within(dlg).findByText('No chat files match “zip”.')).toBeInTheDocument();
  });

  it('shows loading, then the server error with "Try again"', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ files: [driveFile(10, 'a.txt')] });
    drive.failNext('GET /api/v1/drive/files', 500, 'internal', 'The database is busy.');
    renderBox();
    const dlg = await openPicker(user);
    const alert = await within(dlg).findByRole('alert');
    expect(alert).toHaveTextContent('The database is busy.');
    expect(within(dlg).queryByText('This folder is empty')).toBeNull();
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await within(dlg).findByRole('checkbox', { name: 'a.txt' })).toBeInTheDocument();
    expect(within(dlg).queryByRole('alert')).toBeNull();
  });

  it('says "Loading files…" while the first page is on its way', async () => {
    const user = userEvent.setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fakeDrive({ files: [driveFile(10, 'a.txt')] });
    const spy = vi.mocked(globalThis.fetch);
    const answer = spy.getMockImplementation()!;
    spy.mockImplementation(async (input, init) => {
      if (String(input).startsWith('/api/v1/drive/files')) await gate;
      return answer(input, init);
    });
    renderBox();
    const dlg = await openPicker(user);
    expect(await within(dlg).findByText('Loading files…')).toBeInTheDocument();
    release();
    expect(await within(dlg).findByRole('checkbox', { name: 'a.txt' })).toBeInTheDocument();
    expect(within(dlg).queryByText('Loading files…')).toBeNull();
  });

  it('loads more with next_cursor', async () => {
    const user = userEvent.setup();
    const drive = fakeDrive({ chat: Array.from({ length: 60 }, (_, i) => chatFile(100 + i, `file-${100 + i}.txt`)) });
    renderBox();
    const dlg = await openPicker(user);
    await user.click(within(dlg).getByRole('tab', { name: 'Chat files' }));
    const list = await within(dlg).findByRole('list', { name: 'Chat files' });
    expect(within(list).getAllByRole('checkbox')).toHaveLength(50);
    await user.click(within(dlg).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(list).getAllByRole('checkbox')).toHaveLength(60));
    expect(within(list).getAllByRole('checkbox').at(-1)).toHaveAccessibleName('file-100.txt');
    expect(requests(drive, 'GET /api/v1/drive/chat-files').at(-1)).toMatch(/cursor=/);
    expect(within(dlg).queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('shows folder and file names as text', async () => {
    const user = userEvent.setup();
    fakeDrive({ folders: [folder(1, XSS)], files: [driveFile(10, XSS)] });
    renderBox();
    const dlg = await openPicker(user);
    expect(await within(dlg).findByRole('button', { name: XSS })).toBeInTheDocument();
    expect(await within(dlg).findByRole('checkbox', { name: XSS })).toBeInTheDocument();
    expect(dlg.querySelector('img')).toBeNull();
  });
});
