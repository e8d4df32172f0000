// Files in the reply box (attach, paste, drop; chips with progress, errors and remove; what
// Send sends) and in messages (image previews, download cards, names as text).
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError, type UploadOptions } from '../api/client';
import type { Message, MessageFile } from '../api/types';
import { StoreContext } from '../state/context';
import { resetAttachments, type Uploader } from '../state/attachments';
import { resetDrafts } from '../state/drafts';
import { Store } from '../state/store';
import { dialog, employee, fakeFetch, line, message } from '../test/fixtures';
import { DialogList } from './DialogList';
import { MessageItem } from './MessageItem';
import { ReplyBox } from './ReplyBox';

const XSS = '<img src=x onerror=alert(1)>';

function served(id: number, name: string, over: Partial<MessageFile> = {}): MessageFile {
  const image = /\.(png|jpe?g|gif|webp)$/i.test(name);
  return {
    id, name, size: 12_345, mime: image ? 'image/png' : 'text/plain', image,
    url: `/files/${id}?exp=1765000000&sig=ab12`, ...over,
  };
}

/** An uploader whose uploads finish when the test says so. */
function fakeUploader() {
  const calls: Array<{
    file: File; opts: UploadOptions; resolve: (f: MessageFile) => void; reject: (e: Error) => void;
  }> = [];
  const upload: Uploader = vi.fn(
    (file: File, opts: UploadOptions) => new Promise<MessageFile>((resolve, reject) => calls.push({ file, opts, resolve, reject })),
  );
  return { upload, calls };
}

const file = (name: string, body = 'x'.repeat(100), type = 'text/plain') => new File([body], name, { type });

function renderBox(upload: Uploader, onSend = vi.fn(async (..._args: unknown[]) => true), dialogId = 1) {
  const r = render(<ReplyBox key={dialogId} dialogId={dialogId} onSend={onSend} onTyping={() => {}} upload={upload} />);
  return { ...r, onSend };
}

const input = () => screen.getByTestId('attach-input') as HTMLInputElement;
const chips = () => within(screen.getByRole('list', { name: 'Attachments' })).getAllByRole('listitem');
const sendButton = () => screen.getByRole('button', { name: 'Send' });
const textbox = () => screen.getByRole('textbox', { name: 'Message' });

beforeEach(() => {
  resetDrafts();
  resetAttachments();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('ReplyBox attachments', () => {
  it('"Attach files" opens the file chooser for several files', async () => {
    const user = userEvent.setup();
    renderBox(fakeUploader().upload);
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});
    await user.click(screen.getByRole('button', { name: 'Attach files' }));
    expect(click).toHaveBeenCalledTimes(1);
    expect(input()).toHaveAttribute('type', 'file');
    expect(input().multiple).toBe(true);
  });

  it('uploads each chosen file at once: chips show uploading, progress, then the file; remove takes it off', async () => {
    const user = userEvent.setup();
    const { upload, calls } = fakeUploader();
    renderBox(upload);
    await user.upload(input(), [file('notes.txt'), file('photo.png', 'p'.repeat(2048), 'image/png')]);
    expect(upload).toHaveBeenCalledTimes(2);
    expect(calls.map((c) => c.file.name)).toEqual(['notes.txt', 'photo.png']);
    const [a, b] = chips();
    expect(a).toHaveAttribute('data-state', 'uploading');
    expect(a).toHaveTextContent('notes.txt');
    expect(a).toHaveTextContent('100 B');
    expect(a).toHaveTextContent('uploading…');
    expect(b).toHaveTextContent('2 KB');
    expect(within(a).getByRole('progressbar', { name: 'Uploading notes.txt' })).toBeInTheDocument();

    act(() => calls[0].opts.onProgress!(45, 100));
    expect(chips()[0]).toHaveTextContent('uploading… 45%');
    await act(async () => calls[0].resolve(served(12, 'notes.txt')));
    expect(chips()[0]).toHaveAttribute('data-state', 'done');
    expect(chips()[0]).not.toHaveTextContent('uploading');
    expect(within(chips()[0]).queryByRole('progressbar')).toBeNull();

    // Removing the one still uploading cancels its upload.
    await user.click(screen.getByRole('button', { name: 'Remove photo.png' }));
    expect(calls[1].opts.signal!.aborted).toBe(true);
    expect(chips()).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Remove notes.txt' }));
    expect(screen.queryByRole('list', { name: 'Attachments' })).toBeNull();
  });

  it('waits for uploads; sends files with empty text; clears the chips after sending', async () => {
    const user = userEvent.setup();
    const { upload, calls } = fakeUploader();
    const { onSend } = renderBox(upload);
    expect(sendButton()).toBeDisabled();
    await user.upload(input(), [file('a.txt')]);
    // Not while an upload is in flight, not even with Enter.
    expect(sendButton()).toBeDisabled();
    await user.type(textbox(), 'Here{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText('Wait until the files are uploaded, then send.')).toBeInTheDocument();
    await user.clear(textbox());
    await act(async () => calls[0].resolve(served(12, 'a.txt')));
    // Files alone may be sent.
    expect(sendButton()).toBeEnabled();
    await user.click(sendButton());
    expect(onSend).toHaveBeenCalledWith('', false, null, [12]);
    expect(screen.queryByRole('list', { name: 'Attachments' })).toBeNull();
    expect(sendButton()).toBeDisabled();
  });

  it('sends the text with the ids of every uploaded file, in order', async () => {
    const user = userEvent.setup();
    const { upload, calls } = fakeUploader();
    const { onSend } = renderBox(upload);
    await user.upload(input(), [file('a.txt'), file('b.png', 'b', 'image/png')]);
    await act(async () => {
      calls[1].resolve(served(13, 'b.png'));
      calls[0].resolve(served(12, 'a.txt'));
    });
    await user.click(screen.getByRole('checkbox', { name: 'Hidden message' }));
    await user.type(textbox(), 'Look at these{Enter}');
    expect(onSend).toHaveBeenCalledWith('Look at these', true, null, [12, 13]);
    expect(textbox()).toHaveValue('');
  });

  it('keeps text and files when sending fails', async () => {
    const user = userEvent.setup();
    const { upload, calls } = fakeUploader();
    const { onSend } = renderBox(upload, vi.fn(async () => false));
    await user.upload(input(), [file('a.txt')]);
    await act(async () => calls[0].resolve(served(12, 'a.txt')));
    await user.type(textbox(), 'try{Enter}');
    expect(onSend).toHaveBeenCalledWith('try', false, null, [12]);
    expect(textbox()).toHaveValue('try');
    expect(chips()).toHaveLength(1);
  });

  it('shows an upload error on the chip and never sends that file', async () => {
    const user = userEvent.setup();
    const { upload, calls } = fakeUploader();
    const { onSend } = renderBox(upload);
    await user.upload(input(), [file('huge.iso'), file('ok.txt')]);
    await act(async () => {
      calls[0].reject(new ApiError(413, 'too_large', 'The file is larger than 25 MiB.'));
      calls[1].resolve(served(14, 'ok.txt'));
    });
    const bad = chips()[0];
    expect(bad).toHaveAttribute('data-state', 'error');
    expect(within(bad).getByRole('alert')).toHaveTextContent('The file is larger than 25 MiB.');
    expect(bad).toHaveTextContent('huge.iso');
    await user.click(sendButton());
    expect(onSend).toHaveBeenCalledWith('', false, null, [14]);
    // Sending clears the failed chip too; a failed file alone cannot be sent.
    expect(screen.queryByRole('list', { name: 'Attachments' })).toBeNull();
    await user.upload(input(), [file('again.iso')]);
    await act(async () => calls[2].reject(new ApiError(0, 'network', 'The upload failed: the server cannot be reached.')));
    expect(chips()[0]).toHaveAttribute('data-state', 'error');
    expect(sendButton()).toBeDisabled();
  });

  it('attaches pasted and dropped files; pasted text stays text', async () => {
    const { upload } = fakeUploader();
    renderBox(upload);
    const shot = file('image.png', 'png', 'image/png');
    fireEvent.paste(textbox(), { clipboardData: { files: [shot], types: ['Files'], getData: () => '' } });
    expect(upload).toHaveBeenCalledTimes(1);
    expect(chips()[0]).toHaveTextContent('image.png');
    fireEvent.paste(textbox(), { clipboardData: { files: [], types: ['text/plain'], getData: () => 'words' } });
    expect(upload).toHaveBeenCalledTimes(1);

    const form = textbox().closest('form')!;
    const dropped = file('report.pdf', '%PDF', 'application/pdf');
    fireEvent.dragOver(form, { dataTransfer: { types: ['Files'], files: [], dropEffect: 'none' } });
    expect(form).toHaveClass('reply-dragging');
    fireEvent.drop(form, { dataTransfer: { types: ['Files'], files: [dropped] } });
    expect(form).not.toHaveClass('reply-dragging');
    expect(upload).toHaveBeenCalledTimes(2);
    expect(chips().map((c) => c.querySelector('.chip-name')!.textContent)).toEqual(['image.png', 'report.pdf']);
  });

  it('takes at most 10 files per message and says so', async () => {
    const user = userEvent.setup();
    const { upload } = fakeUploader();
    renderBox(upload);
    await user.upload(input(), Array.from({ length: 12 }, (_, i) => file(`f${i}.txt`)));
    expect(upload).toHaveBeenCalledTimes(10);
    expect(chips()).toHaveLength(10);
    expect(screen.getByText(/At most 10 files go with one message; 2 were left out\./)).toBeInTheDocument();
  });

  it('keeps the attachments of each dialog while switching, uploads carrying on', async () => {
    const user = userEvent.setup();
    const { upload, calls } = fakeUploader();
    const { rerender } = renderBox(upload);
    await user.upload(input(), [file('for-one.txt')]);
    rerender(<ReplyBox key={2} dialogId={2} onSend={vi.fn(async () => true)} onTyping={() => {}} upload={upload} />);
    expect(screen.queryByRole('list', { name: 'Attachments' })).toBeNull();
    await act(async () => calls[0].resolve(served(12, 'for-one.txt')));
    rerender(<ReplyBox key={1} dialogId={1} onSend={vi.fn(async () => true)} onTyping={() => {}} upload={upload} />);
    expect(chips()[0]).toHaveAttribute('data-state', 'done');
    expect(chips()[0]).toHaveTextContent('for-one.txt');
  });

  it('shows a file name with markup as text on the chip', async () => {
    const user = userEvent.setup();
    const { upload, calls } = fakeUploader();
    const { container } = renderBox(upload);
    await user.upload(input(), [file(XSS)]);
    await act(async () => calls[0].reject(new ApiError(400, 'invalid_request', `${XSS} is bad`)));
    expect(chips()[0].querySelector('.chip-name')!.textContent).toBe(XSS);
    expect(within(chips()[0]).getByRole('alert')).toHaveTextContent(`${XSS} is bad`);
    expect(screen.getByRole('button', { name: `Remove ${XSS}` })).toBeInTheDocument();
    expect(container.querySelectorAll('img')).toHaveLength(0);
  });
});

describe('message files', () => {
  const d = dialog(1);
  const renderMessage = (m: Message) => render(<MessageItem message={m} dialog={d} />);

  it('shows pictures as previews that open in a new tab and other files as download cards', () => {
    const m = message(5, { text: 'Two files', files: [served(12, 'photo.png'), served(13, 'invoice.pdf', { size: 1_258_291 })] });
    const { container } = renderMessage(m);
    const img = screen.getByRole('img', { name: 'photo.png' });
    expect(img).toHaveAttribute('src', new URL('/files/12?exp=1765000000&sig=ab12', location.href).href);
    const open = img.closest('a')!;
    expect(open).toHaveAttribute('href', img.getAttribute('src'));
    expect(open).toHaveAttribute('target', '_blank');
    expect(open).toHaveAttribute('rel', 'noopener noreferrer');
    expect(open).not.toHaveAttribute('download');

    const card = screen.getByRole('link', { name: /invoice\.pdf/ });
    expect(card).toHaveAttribute('href', new URL('/files/13?exp=1765000000&sig=ab12', location.href).href);
    expect(card).toHaveAttribute('download');
    expect(card).not.toHaveAttribute('target');
    expect(card).toHaveTextContent('invoice.pdf');
    expect(card).toHaveTextContent('1.2 MB');
    expect(container.querySelectorAll('img')).toHaveLength(1);
    expect(container.querySelector('.msg-body')).toHaveTextContent('Two files');
  });

  it('a message with files and no text shows only the files; no files key shows none', () => {
    const { container, unmount } = renderMessage(message(6, { text: '', files: [served(13, 'a.txt')] }));
    expect(container.querySelector('.msg-body')).toBeNull();
    expect(screen.getByRole('link', { name: /a\.txt/ })).toBeInTheDocument();
    unmount();
    const older = message(7, { text: 'old' });
    delete (older as Partial<Message>).files;
    const r = renderMessage(older);
    expect(r.container.querySelector('.msg-files')).toBeNull();
    expect(r.container.querySelector('.msg-body')).toHaveTextContent('old');
  });

  it('renders file names with markup as text, never as elements', () => {
    const m = message(8, { text: '', files: [served(12, XSS + '.png'), served(13, XSS)] });
    const { container } = renderMessage(m);
    // The one <img> is the preview, named by its file name.
    const imgs = container.querySelectorAll('img');
    expect(imgs).toHaveLength(1);
    expect(imgs[0]).toHaveAttribute('alt', XSS + '.png');
    expect(imgs[0].getAttribute('src')).toContain('/files/12');
    expect(container.querySelector('.file-name')!.textContent).toBe(XSS);
    expect(container.querySelector('[onerror]')).toBeNull();
  });

  it('does not link a file whose url is not http(s)', () => {
    const { container } = renderMessage(message(9, { files: [served(15, 'x.png', { url: 'javascript:alert(1)' })] }));
    expect(container.querySelector('a')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.file-card-dead')).toHaveTextContent('x.png');
  });
});

describe('dialog list preview', () => {
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(320);
  });

  it('shows "📎 name" for a last message with files and no text', async () => {
    const me = employee();
    const withFiles = dialog(1, { last_message: message(3, { text: '', files: [served(12, 'photo.png'), served(13, 'a.txt')] }) });
    const withText = dialog(2, { last_message: message(4, { text: 'Hello', files: [served(14, 'b.txt')] }) });
    fakeFetch({
      '/api/v1/dialogs/counts': { unanswered: 2, mine: 0, all: null },
      '/api/v1/dialogs': { items: [withFiles, withText], next_cursor: null },
      '/api/v1/lines': { items: [line()], next_cursor: null },
    });
    const store = new Store(me);
    render(
      <StoreContext.Provider value={store}>
        <DialogList me={me} openId={null} />
      </StoreContext.Provider>,
    );
    await act(async () => {
      await store.sync();
    });
    const rows = within(screen.getByRole('listbox', { name: 'Dialogs' })).getAllByRole('option');
    expect(rows[0].querySelector('.row-excerpt')).toHaveTextContent('📎 photo.png, a.txt');
    expect(rows[1].querySelector('.row-excerpt')).toHaveTextContent('Hello');
  });
});
