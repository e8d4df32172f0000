import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Dialog, Employee, Message } from '../api/types';
import { StoreContext } from '../state/context';
import { Store } from '../state/store';
import { dialog, employee, fakeFetch, line, message } from '../test/fixtures';
import { MessageItem } from './MessageItem';
import { MessageMenu, saveToDrive, type MessageMenuHandlers } from './MessageMenu';
import { Toasts } from './Toasts';

const lines = new Map([[1, line({ queue: [1] })]]);
// Dialog 1, session 10, answered by operator 1 (me).
const mine = dialog(1, {}, { status: 'in_work', operator_id: 1 });

function handlers(): MessageMenuHandlers {
  return { onQuote: vi.fn(), onNewSession: vi.fn(), onEdit: vi.fn(), onDelete: vi.fn() };
}

async function itemsFor(m: Message, d: Dialog = mine, me: Employee = employee()) {
  const user = userEvent.setup();
  const h = handlers();
  render(<MessageMenu message={m} dialog={d} me={me} lines={lines} handlers={h} />);
  const button = screen.queryByRole('button', { name: 'Message actions' });
  if (!button) return { items: [] as string[], h, user };
  await user.click(button);
  return { items: screen.getAllByRole('menuitem').map((i) => i.textContent), h, user };
}

const own = (over: Partial<Message> = {}) => message(5, { author: { kind: 'operator', name: 'Olga', id: 1 }, ...over });
const colleague = (over: Partial<Message> = {}) => message(6, { author: { kind: 'operator', name: 'Ivan', id: 2 }, ...over });

describe('MessageMenu visibility', () => {
  it('offers quote and a new session on customer messages, never edit or delete', async () => {
    const { items } = await itemsFor(message(4));
    expect(items).toEqual(['Quote', 'Close dialog and create new']);
  });

  it('offers edit and delete on my own messages', async () => {
    const { items } = await itemsFor(own());
    expect(items).toEqual(['Quote', 'Close dialog and create new', 'Edit', 'Delete']);
  });

  it("does not let an operator edit or delete a colleague's message", async () => {
    const { items } = await itemsFor(colleague());
    expect(items).toEqual(['Quote', 'Close dialog and create new']);
  });

  it("lets a supervisor delete, but not edit, a colleague's message", async () => {
    const { items } = await itemsFor(colleague(), mine, employee({ id: 3, role: 'supervisor' }));
    expect(items).toEqual(['Quote', 'Close dialog and create new', 'Delete']);
  });

  it('has no menu on deleted and system messages', async () => {
    expect((await itemsFor(own({ deleted: true, text: '' }))).items).toEqual([]);
  });

  it('has no menu on system messages', async () => {
    const sys = message(7, { author: { kind: 'system', name: '' }, hidden: true, system: { kind: 'picked_up' } });
    expect((await itemsFor(sys)).items).toEqual([]);
  });

  it('offers a new session only for messages of the open current session', async () => {
    expect((await itemsFor(message(4, { session_id: 9 }))).items).toEqual(['Quote']);
  });

  it('offers no new session in a closed dialog', async () => {
    const closed = dialog(1, {}, { status: 'closed', operator_id: 1 });
    expect((await itemsFor(message(4), closed)).items).toEqual(['Quote']);
  });

  it("offers no new session to an operator who is not responsible for someone else's dialog", async () => {
    const others = dialog(1, {}, { status: 'in_work', operator_id: 2 });
    expect((await itemsFor(message(4), others)).items).toEqual(['Quote']);
  });

  it('runs the chosen action, closes on Escape and returns focus', async () => {
    const { h, user } = await itemsFor(own());
    await user.click(screen.getByRole('menuitem', { name: 'Quote' }));
    expect(h.onQuote).toHaveBeenCalled();
    expect(screen.queryByRole('menu')).toBeNull();

    const button = screen.getByRole('button', { name: 'Message actions' });
    await user.click(button);
    expect(screen.getByRole('menuitem', { name: 'Quote' })).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('menuitem', { name: 'Close dialog and create new' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(button).toHaveFocus();
  });
});

describe('MessageMenu "Save to Drive"', () => {
  const files = [
    { id: 12, name: 'a.txt', size: 3, mime: 'text/plain', image: false, url: '/files/12?sig=1' },
    { id: 13, name: 'b.png', size: 3, mime: 'image/png', image: true, url: '/files/13?sig=1' },
  ];

  async function menuWith(m: Message) {
    const user = userEvent.setup();
    const h: MessageMenuHandlers = { ...handlers(), onSaveToDrive: vi.fn() };
    render(<MessageMenu message={m} dialog={mine} me={employee()} lines={lines} handlers={h} />);
    const button = screen.queryByRole('button', { name: 'Message actions' });
    if (button) await user.click(button);
    return { h, user, items: screen.queryAllByRole('menuitem').map((i) => i.textContent) };
  }

  it('is offered on messages with files, customers\' and operators\' alike', async () => {
    const { items, h, user } = await menuWith(message(4, { files }));
    expect(items).toEqual(['Quote', 'Close dialog and create new', 'Save to Drive']);
    await user.click(screen.getByRole('menuitem', { name: 'Save to Drive' }));
    expect(h.onSaveToDrive).toHaveBeenCalledWith(expect.objectContaining({ id: 4 }));
  });

  it('is offered on a message of files alone', async () => {
    expect((await menuWith(colleague({ text: '', files }))).items).toEqual(['Close dialog and create new', 'Save to Drive']);
  });

  it('is not offered without files, nor on deleted messages', async () => {
    expect((await menuWith(message(4))).items).not.toContain('Save to Drive');
    cleanup();
    expect((await menuWith(own({ deleted: true, text: '', files }))).items).toEqual([]);
  });

  it('is not offered when the caller gives no handler', async () => {
    expect((await itemsFor(message(4, { files }))).items).not.toContain('Save to Drive');
  });
});

describe('saveToDrive', () => {
  const files = [
    { id: 12, name: 'a.txt', size: 3, mime: 'text/plain', image: false, url: '/files/12?sig=1' },
    { id: 13, name: 'b.png', size: 3, mime: 'image/png', image: true, url: '/files/13?sig=1' },
  ];
  afterEach(() => vi.unstubAllGlobals());

  function renderWithStore() {
    const store = new Store(employee());
    render(
      <StoreContext.Provider value={store}>
        <MessageItem
          message={message(4, { files })}
          dialog={mine}
          interactive={{
            me: employee(),
            lines,
            handlers: { ...handlers(), onSaveToDrive: (m) => void saveToDrive(store, m) },
            onSaveEdit: async () => true,
          }}
        />
        <Toasts />
      </StoreContext.Provider>,
    );
    return store;
  }

  it('puts each file of the message into the Drive root and says "Saved to Drive"', async () => {
    const calls = fakeFetch({ '/api/v1/drive/files/': (url: URL) => ({ id: Number(url.pathname.split('/').pop()), folder_id: 0 }) });
    const user = userEvent.setup();
    renderWithStore();
    await user.click(screen.getByRole('button', { name: 'Message actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Save to Drive' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved to Drive');
    expect(calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['PUT', '/api/v1/drive/files/12', { folder_id: 0 }],
      ['PUT', '/api/v1/drive/files/13', { folder_id: 0 }],
    ]);
  });

  it('shows the server\'s error instead when a file cannot be saved', async () => {
    vi.stubGlobal('fetch', vi.fn(async () =>
      new Response(JSON.stringify({ error: { code: 'not_found', message: 'file not found' } }), { status: 404 })));
    const user = userEvent.setup();
    renderWithStore();
    await user.click(screen.getByRole('button', { name: 'Message actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Save to Drive' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('file not found');
    expect(screen.queryByText('Saved to Drive')).toBeNull();
  });
});
