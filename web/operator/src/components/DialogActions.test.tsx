import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Dialog, Employee } from '../api/types';
import { StoreContext } from '../state/context';
import { Store } from '../state/store';
import { dialog, employee, fakeFetch, line } from '../test/fixtures';
import { DialogActions } from './DialogActions';

const me = employee({ id: 1 });

async function setup(d: Dialog, who: Employee = me) {
  const calls = fakeFetch({
    '/api/v1/lines': { items: [line({ id: 1, queue: [1] }), line({ id: 2, name: 'Sales', queue: [] })], next_cursor: null },
    '/api/v1/directory/employees': {
      items: [{ id: 2, name: 'Ivan', avatar_url: '', role: 'operator', online: true, away: false }],
      next_cursor: null,
    },
    '/api/v1/dialogs': { items: [], next_cursor: null },
    [`/api/v1/dialogs/${d.id}/forward`]: d,
  });
  const store = new Store(who);
  await store.sync();
  render(
    <StoreContext.Provider value={store}>
      <DialogActions dialog={d} me={who} />
    </StoreContext.Provider>,
  );
  const toolbar = screen.getByRole('toolbar', { name: 'Dialog actions' });
  const buttons = within(toolbar)
    .getAllByRole('button')
    .map((b) => b.getAttribute('aria-label') ?? b.textContent);
  const user = userEvent.setup();
  const more = async () => {
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    const items = screen.getAllByRole('menuitem').map((i) => i.textContent);
    await user.keyboard('{Escape}');
    return items;
  };
  return { buttons, more, user, calls };
}

afterEach(() => vi.unstubAllGlobals());

describe('DialogActions', () => {
  it('offers the unanswered actions on a queued dialog of my line', async () => {
    const { buttons, more } = await setup(dialog(1));
    expect(buttons).toEqual(['Answer', 'Forward', 'Accept and close', 'Spam / Force close', 'More actions']);
    expect(await more()).toEqual(['View history', 'Take over']);
  });

  it('offers an operator only history and take over on a dialog offered to someone else', async () => {
    const { buttons, more } = await setup(dialog(1, {}, { operator_id: 2 }));
    expect(buttons).toEqual(['More actions']);
    expect(await more()).toEqual(['View history', 'Take over']);
  });

  it('lets a supervisor answer a dialog offered to someone else, but not accept and close it', async () => {
    const { buttons } = await setup(dialog(1, {}, { operator_id: 2 }), employee({ id: 5, role: 'supervisor' }));
    expect(buttons).toEqual(['Answer', 'Forward', 'Spam / Force close', 'More actions']);
  });

  it('offers the active-dialog toolbar on my answered dialog', async () => {
    const { buttons, more } = await setup(dialog(1, {}, { status: 'in_work', operator_id: 1 }));
    expect(buttons).toEqual(['Invite user', 'Forward', 'Close dialog', 'More actions']);
    expect(await more()).toEqual(['Pin to me', 'Message history', 'Spam / Force close', 'Rename', 'Copy chat ID']);
  });

  it('offers Unpin on a pinned dialog', async () => {
    const { more } = await setup(dialog(1, {}, { status: 'operator_replied', operator_id: 1, pinned: true }));
    expect(await more()).toContain('Unpin');
  });

  it('forwards through one picker of employees and lines, and traps focus in it', async () => {
    const { user, calls } = await setup(dialog(1, {}, { status: 'in_work', operator_id: 1 }));
    const forward = screen.getByRole('button', { name: 'Forward' });
    await user.click(forward);
    const picker = screen.getByRole('dialog', { name: 'Forward' });
    const search = within(picker).getByRole('searchbox', { name: 'Search employees and lines' });
    expect(search).toHaveFocus();
    await within(picker).findByRole('option', { name: /Ivan/ });
    const options = within(picker).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining('Ivan'), 'Line: Sales']);

    // Tab cycles inside the dialog.
    const focusables = [within(picker).getByRole('button', { name: 'Close' }), search, ...options];
    focusables[focusables.length - 1].focus();
    await user.tab();
    expect(focusables[0]).toHaveFocus();

    await user.click(within(picker).getByRole('option', { name: 'Line: Sales' }));
    expect(calls).toContainEqual({ method: 'POST', path: '/api/v1/dialogs/1/forward', body: { line_id: 2 } });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('closes a dialog on Escape and gives focus back', async () => {
    const { user } = await setup(dialog(1, {}, { status: 'in_work', operator_id: 1 }));
    const invite = screen.getByRole('button', { name: 'Invite user' });
    await user.click(invite);
    expect(screen.getByRole('dialog', { name: 'Invite user' })).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search employees' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(invite).toHaveFocus();
  });
});
