import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StoreContext } from '../state/context';
import { Store } from '../state/store';
import { employee } from '../test/fixtures';
import { Toasts } from './Toasts';

beforeEach(() => window.history.replaceState(null, '', '/'));

describe('Toasts', () => {
  it('shows a mention as a status toast whose "Open" button goes to the dialog', async () => {
    const store = new Store(employee());
    render(
      <StoreContext.Provider value={store}>
        <Toasts />
      </StoreContext.Provider>,
    );
    act(() =>
      store.apply({
        seq: 3, type: 'mention',
        data: { employee_id: 1, dialog_id: 7, message_id: 70, by: { id: 2, name: 'Ivan' }, hidden: false, text: 'look' },
      }),
    );
    const toast = screen.getByRole('status');
    expect(toast).toHaveTextContent('Ivan mentioned you in a dialog');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Open' }));
    expect(window.location.pathname).toBe('/dialogs/7');
    expect(screen.queryByRole('status')).toBeNull();
    store.dispose();
  });
});
