// A message the channel refused: the "Not delivered" mark, "Send again" (button and menu) for anyone
// who sees the chat, the server's refusal in a toast; and the Telegram icon of telegram dialogs.
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Dialog, Employee, Message } from '../api/types';
import { StoreContext, useStore } from '../state/context';
import { Store } from '../state/store';
import { dialog, employee, line, message } from '../test/fixtures';
import { ChannelIcon } from './ChannelIcon';
import { MessageItem } from './MessageItem';
import { MessageList } from './MessageList';
import { Toasts } from './Toasts';

const lines = new Map([[1, line({ queue: [2] })]]);
// A telegram dialog answered by Ivan (2); Olga (1, an operator not responsible for it) looks at it.
const tg: Dialog = dialog(1, { channel: { id: 5, kind: 'telegram', name: 'Support bot' } }, { status: 'in_work', operator_id: 2 });
const olga = employee();
const failed = (over: Partial<Message> = {}) =>
  message(7, { author: { kind: 'operator', name: 'Ivan', id: 2 }, text: 'Are you there?', delivery: 'failed', ...over });

type Answer = { status: number; body: unknown };

function stubRetry(answer: () => Answer) {
  const calls: { method: string; path: string }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    calls.push({ method: init.method ?? 'GET', path: url.pathname });
    const a = url.pathname.endsWith('/retry') ? answer() : { status: 404, body: { error: { code: 'not_found', message: 'Not found' } } };
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': 'application/json' } });
  }));
  return calls;
}

const NONE: Message[] = [];

/** The open dialog's log as DialogView wires it, reading the thread from a store. */
function renderThread(messages: Message[], me: Employee = olga) {
  const store = new Store(me);
  // Seed the thread as a loaded one (what store.open does over REST).
  (store as unknown as { set(p: object): void }).set({
    threads: new Map([[1, { items: messages, cursor: null, loaded: true, loadingOlder: false }]]),
  });
  function Log() {
    const items = useStore((s) => s.threads.get(1)?.items ?? NONE);
    return (
      <MessageList label="Messages" messages={items} dialog={tg} sessions={[]} hasOlder={false} loadingOlder={false}
        onLoadOlder={() => {}} myId={me.id}
        interactive={{
          me, lines,
          handlers: { onQuote: vi.fn(), onNewSession: vi.fn(), onEdit: vi.fn(), onDelete: vi.fn(), onRetry: (m) => store.retryDelivery(m) },
          onSaveEdit: async () => true,
        }} />
    );
  }
  render(
    <StoreContext.Provider value={store}>
      <Log />
      <Toasts />
    </StoreContext.Provider>,
  );
  return store;
}

afterEach(() => vi.unstubAllGlobals());

describe('a message whose delivery failed', () => {
  it('shows "Not delivered" as text with an accessible name, not only an icon, and no tick', () => {
    render(<MessageItem message={failed()} dialog={tg} />);
    const mark = screen.getByRole('status', { name: 'Not delivered' });
    expect(mark).toHaveTextContent('Not delivered');
    expect(mark).toBeVisible();
    expect(screen.queryByRole('img', { name: /Sent|Delivered|Read|Sending/ })).toBeNull();
    expect(document.querySelector('.msg')).toHaveClass('msg-failed');
    // Read-only (history): the mark, but nothing to press.
    expect(screen.queryByRole('button', { name: 'Send again' })).toBeNull();
  });

  it('has no mark on other messages, hidden notes or deleted ones', () => {
    for (const m of [
      failed({ delivery: 'sent' }), failed({ hidden: true }), failed({ deleted: true, text: '' }),
      message(8, { delivery: 'failed' }),
    ]) {
      const { unmount } = render(<MessageItem message={m} dialog={tg} />);
      expect(screen.queryByText('Not delivered')).toBeNull();
      unmount();
    }
  });

  it('"Send again" calls the retry endpoint for anyone who sees the chat; the mark goes once it is pending', async () => {
    const calls = stubRetry(() => ({ status: 200, body: failed({ delivery: 'pending' }) }));
    const store = renderThread([message(6), failed()]);
    const user = userEvent.setup();
    const item = document.querySelector('[data-message-id="7"]') as HTMLElement;
    await user.click(within(item).getByRole('button', { name: 'Send again' }));
    expect(calls).toEqual([{ method: 'POST', path: '/api/v1/messages/7/retry' }]);
    expect(within(item).queryByText('Not delivered')).toBeNull();
    expect(within(item).getByRole('img', { name: 'Sending' })).toBeInTheDocument();
    // Then events move it on as usual.
    act(() => store.apply({ seq: 3, type: 'message.updated', data: { message: failed({ delivery: 'sent' }) } }));
    expect(within(item).getByRole('img', { name: 'Sent' })).toBeInTheDocument();
  });

  it('the message menu offers "Send again" too', async () => {
    const calls = stubRetry(() => ({ status: 200, body: failed({ delivery: 'pending' }) }));
    renderThread([failed()]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Message actions' }));
    const items = screen.getAllByRole('menuitem').map((i) => i.textContent);
    expect(items).toContain('Send again');
    await user.click(screen.getByRole('menuitem', { name: 'Send again' }));
    expect(calls).toEqual([{ method: 'POST', path: '/api/v1/messages/7/retry' }]);
  });

  it('the menu has no "Send again" for messages that did not fail', async () => {
    stubRetry(() => ({ status: 500, body: {} }));
    renderThread([failed({ delivery: 'sent' })]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Message actions' }));
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).not.toContain('Send again');
  });

  it('a refusal is shown in a toast and the mark stays', async () => {
    stubRetry(() => ({ status: 409, body: { error: { code: 'conflict', message: 'only a message whose delivery failed can be sent again' } } }));
    renderThread([failed()]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Send again' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The message was not sent again: only a message whose delivery failed can be sent again',
    );
    expect(screen.getByRole('status', { name: 'Not delivered' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send again' })).toBeEnabled();
  });

  it('while the retry is on its way the button is busy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    vi.stubGlobal('fetch', vi.fn(async () => {
      await gate;
      return new Response(JSON.stringify(failed({ delivery: 'pending' })), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }));
    renderThread([failed()]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Send again' }));
    expect(screen.getByRole('button', { name: 'Sending…' })).toBeDisabled();
    await act(async () => release());
    expect(screen.queryByRole('button', { name: /Send again|Sending…/ })).toBeNull();
  });
});

describe('ChannelIcon', () => {
  it('shows the Telegram icon, named, for telegram dialogs', () => {
    render(<ChannelIcon dialog={tg} />);
    const icon = screen.getByRole('img', { name: 'Telegram: Support bot' });
    expect(icon).toHaveAttribute('data-channel-kind', 'telegram');
    expect(icon.querySelector('svg path')).toHaveAttribute('d', expect.stringMatching(/^M1\.5 7\.5l12\.5-5/));
  });

  it('names the kind alone when the channel is called like it, and falls back without a channel', () => {
    const { unmount } = render(<ChannelIcon dialog={dialog(2, { channel: { id: 5, kind: 'telegram', name: 'Telegram' } })} />);
    expect(screen.getByRole('img', { name: 'Telegram' })).toBeInTheDocument();
    unmount();
    render(<ChannelIcon dialog={dialog(3, { channel: null, channel_id: 9 })} />);
    expect(screen.getByRole('img', { name: 'Channel #9' })).toHaveAttribute('data-channel-kind', 'unknown');
  });
});
