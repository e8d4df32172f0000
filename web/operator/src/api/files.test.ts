// The file endpoints: the multipart upload over XMLHttpRequest (CSRF header, one `file` part,
// no hand-made Content-Type, progress, the server's errors, cancelling) and `files` in the
// message a reply sends.
import { ApiError, setUnauthorizedHandler } from './client';
import { sendMessage, uploadFile } from './endpoints';
import { fakeFetch, message } from '../test/fixtures';

class FakeXHR {
  static last: FakeXHR | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  withCredentials = false;
  body: unknown = null;
  status = 0;
  responseText = '';
  aborted = false;
  private listeners: Record<string, Array<(e?: unknown) => void>> = {};
  private uploadListeners: Record<string, Array<(e: unknown) => void>> = {};
  upload = {
    addEventListener: (type: string, f: (e: unknown) => void) => (this.uploadListeners[type] ??= []).push(f),
  };
  constructor() {
    FakeXHR.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  addEventListener(type: string, f: (e?: unknown) => void) {
    (this.listeners[type] ??= []).push(f);
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.fire('abort');
  }
  fire(type: string) {
    for (const f of this.listeners[type] ?? []) f();
  }
  progress(loaded: number, total: number) {
    for (const f of this.uploadListeners.progress ?? []) f({ lengthComputable: true, loaded, total });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = body === undefined ? '' : JSON.stringify(body);
    this.fire('load');
  }
}

const served = { id: 12, name: 'photo.png', size: 3, mime: 'image/png', image: true, url: '/files/12?exp=1&sig=ab' };

beforeEach(() => {
  vi.stubGlobal('XMLHttpRequest', FakeXHR);
  document.cookie = 'omniline_csrf=tok%2Bcsrf';
});
afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(null);
});

describe('uploadFile', () => {
  it('POSTs one multipart part named file with the CSRF header and reports progress', async () => {
    const progress = vi.fn();
    const f = new File(['png'], 'photo.png', { type: 'image/png' });
    const p = uploadFile(f, { onProgress: progress });
    const xhr = FakeXHR.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/files');
    expect(xhr.withCredentials).toBe(true);
    expect(xhr.headers['X-CSRF-Token']).toBe('tok+csrf');
    // The browser writes the multipart Content-Type (with its boundary), never us.
    expect(Object.keys(xhr.headers).map((k) => k.toLowerCase())).not.toContain('content-type');
    expect(xhr.body).toBeInstanceOf(FormData);
    const form = xhr.body as FormData;
    expect([...form.keys()]).toEqual(['file']);
    expect((form.get('file') as File).name).toBe('photo.png');
    xhr.progress(1, 3);
    expect(progress).toHaveBeenCalledWith(1, 3);
    xhr.answer(201, served);
    await expect(p).resolves.toEqual(served);
  });

  it('rejects with the server error (413 too_large) and a fallback without a body', async () => {
    const p = uploadFile(new File(['x'], 'big.bin'));
    FakeXHR.last!.answer(413, { error: { code: 'too_large', message: 'The file is larger than 25 MiB.' } });
    await expect(p).rejects.toMatchObject({ status: 413, code: 'too_large', message: 'The file is larger than 25 MiB.' });
    const q = uploadFile(new File(['x'], 'big.bin'));
    FakeXHR.last!.answer(413, undefined);
    await expect(q).rejects.toMatchObject({ status: 413, message: 'The file is too large.' });
  });

  it('a network error, a cancel and a 401 (back to sign-in)', async () => {
    const a = uploadFile(new File(['x'], 'a'));
    FakeXHR.last!.fire('error');
    await expect(a).rejects.toMatchObject({ code: 'network' });

    const ctl = new AbortController();
    const b = uploadFile(new File(['x'], 'b'), { signal: ctl.signal });
    const xhr = FakeXHR.last!;
    ctl.abort();
    expect(xhr.aborted).toBe(true);
    await expect(b).rejects.toBeInstanceOf(ApiError);
    await expect(b).rejects.toMatchObject({ code: 'aborted' });

    const signedOut = vi.fn();
    setUnauthorizedHandler(signedOut);
    const c = uploadFile(new File(['x'], 'c'));
    FakeXHR.last!.answer(401, { error: { code: 'unauthorized', message: 'Sign in' } });
    await expect(c).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toHaveBeenCalled();
  });
});

describe('sendMessage', () => {
  it('sends file ids next to the text, and no files key without files', async () => {
    const calls = fakeFetch({ '/api/v1/dialogs/4/messages': message(9, { files: [served] }) });
    const m = await sendMessage(4, '', false, null, [12, 13]);
    expect(calls[0]).toEqual({ method: 'POST', path: '/api/v1/dialogs/4/messages', body: { text: '', hidden: false, files: [12, 13] } });
    expect(m.files).toEqual([served]);
    await sendMessage(4, 'hi', true, 7);
    expect(calls[1].body).toEqual({ text: 'hi', hidden: true, reply_to: 7 });
  });
});
