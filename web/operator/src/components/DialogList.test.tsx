import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Employee } from '../api/types';
import { StoreContext } from '../state/context';
import { Store } from '../state/store';
import { dialog, employee, fakeFetch, line } from '../test/fixtures';
import { DialogList } from './DialogList';

async function setup(me: Employee = employee(), count = 5) {
  const dialogs = Array.from({ length: count }, (_, i) => dialog(i + 1, { unread: i === 1 ? 3 : 0 }));
  fakeFetch({
    '/api/v1/dialogs/counts': { unanswered: 5, mine: 0, all: null },
    '/api/v1/dialogs': { items: dialogs, next_cursor: null },
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
  return store;
}

beforeEach(() => {
  window.history.replaceState(null, '', '/');
  // jsdom has no layout; give the scroll container a size so the virtualiser renders rows.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(320);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('DialogList', () => {
  it('lists dialogs with the unanswered counter and unread badges', async () => {
    await setup();
    expect(screen.getByRole('tab', { name: 'Unanswered 5' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('unanswered-count')).toHaveTextContent('5');
    const list = screen.getByRole('listbox', { name: 'Dialogs' });
    const rows = within(list).getAllByRole('option');
    expect(rows.map((r) => r.getAttribute('data-dialog-id'))).toEqual(['1', '2', '3', '4', '5']);
    expect(within(rows[1]).getByTestId('unread-count')).toHaveTextContent('3');
    expect(within(rows[0]).queryByTestId('unread-count')).toBeNull();
  });

  it('hides the All tab from operators and shows it to supervisors', async () => {
    await setup();
    expect(screen.queryByRole('tab', { name: 'All' })).toBeNull();
    expect(screen.getByRole('tab', { name: 'My dialogs' })).toBeInTheDocument();
  });

  it('shows the All tab to supervisors', async () => {
    await setup(employee({ role: 'supervisor' }));
    expect(screen.getByRole('tab', { name: 'All' })).toBeInTheDocument();
  });

  it('moves the selection with Up/Down and opens with Enter', async () => {
    const user = userEvent.setup();
    await setup();
    const list = screen.getByRole('listbox', { name: 'Dialogs' });
    list.focus();
    const selected = () => within(list).getAllByRole('option').filter((o) => o.getAttribute('aria-selected') === 'true');

    await user.keyboard('{ArrowDown}');
    expect(selected().map((o) => o.dataset.dialogId)).toEqual(['1']);
    expect(list).toHaveAttribute('aria-activedescendant', 'dialog-row-1');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(selected().map((o) => o.dataset.dialogId)).toEqual(['3']);
    await user.keyboard('{ArrowUp}');
    expect(selected().map((o) => o.dataset.dialogId)).toEqual(['2']);
    // Stops at the ends.
    await user.keyboard('{ArrowUp}{ArrowUp}{ArrowUp}');
    expect(selected().map((o) => o.dataset.dialogId)).toEqual(['1']);
    await user.keyboard('{End}');
    expect(selected().map((o) => o.dataset.dialogId)).toEqual(['5']);
    await user.keyboard('{Enter}');
    expect(window.location.pathname).toBe('/dialogs/5');
  });

  it('opens a dialog on click', async () => {
    const user = userEvent.setup();
    await setup();
    await user.click(screen.getAllByRole('option')[2]);
    expect(window.location.pathname).toBe('/dialogs/3');
  });

  it('places live dialogs in order and drops ones that leave the view', async () => {
    const store = await setup();
    const fresh = dialog(9, { last_message_at: '2026-11-25T13:00:00.000Z' });
    act(() => store.apply({ seq: 1, type: 'dialog.created', data: { dialog: fresh } }));
    let ids = screen.getAllByRole('option').map((o) => o.dataset.dialogId);
    expect(ids[0]).toBe('9');
    act(() =>
      store.apply({ seq: 2, type: 'dialog.updated', data: { dialog: dialog(9, {}, { status: 'in_work', operator_id: 7 }) } }),
    );
    ids = screen.getAllByRole('option').map((o) => o.dataset.dialogId);
    expect(ids).not.toContain('9');
  });

  it('renders only a window of 10,000 rows and keeps keyboard navigation working', async () => {
    const user = userEvent.setup();
    await setup(employee(), 10_000);
    const list = screen.getByRole('listbox', { name: 'Dialogs' });
    expect(within(list).getAllByRole('option').length).toBeLessThan(40);
    list.focus();
    await user.keyboard('{End}');
    expect(list).toHaveAttribute('aria-activedescendant', 'dialog-row-10000');
  });

  it('counts unread customer messages of dialogs that are not open', async () => {
    const store = await setup();
    const msg = { id: 100, dialog_id: 1, session_id: 10, author: { kind: 'customer', name: 'C' }, text: 'hi', hidden: false,
      reply_to: null, external_id: null, system: null, delivery: 'none' as const, created_at: '2026-11-25T12:00:00.000Z',
      edited_at: null, deleted: false };
    act(() => store.apply({ seq: 1, type: 'message.created', data: { message: msg } }));
    act(() => store.apply({ seq: 2, type: 'message.created', data: { message: { ...msg, id: 101 } } }));
    const row = screen.getAllByRole('option')[0];
    expect(within(row).getByTestId('unread-count')).toHaveTextContent('2');
  });
});
