import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StoreContext } from '../state/context';
import { Store } from '../state/store';
import { dialog, employee, fakeFetch, line, message } from '../test/fixtures';
import { MessageItem } from './MessageItem';

const edited = message(5, {
  author: { kind: 'operator', name: 'Olga', id: 1 },
  text: 'Third [b]version[/b]',
  edited_at: '2026-11-25T12:10:00.000Z',
});

const edits = {
  items: [
    { previous_text: 'First <img src=x onerror="window.__xss=1"> [i]version[/i]', editor_id: 1, edited_at: '2026-11-25T12:05:00.000Z' },
    { previous_text: 'Second version', editor_id: 9, edited_at: '2026-11-25T12:10:00.000Z' },
  ],
  next_cursor: null,
};

async function setup(withStore = true) {
  const calls = fakeFetch({
    '/api/v1/messages/5/edits': edits,
    '/api/v1/dialogs/counts': { unanswered: 0, mine: 0, all: null },
    '/api/v1/dialogs': { items: [], next_cursor: null },
    '/api/v1/lines': { items: [line()], next_cursor: null },
    '/api/v1/directory/employees': {
      items: [{ id: 1, name: 'Olga Operator', avatar_url: '', role: 'operator', online: true, away: false }],
      next_cursor: null,
    },
  });
  const item = <MessageItem message={edited} dialog={dialog(1)} />;
  if (withStore) {
    const store = new Store(employee());
    await store.sync();
    render(<StoreContext.Provider value={store}>{item}</StoreContext.Provider>);
  } else {
    render(item);
  }
  return { calls, user: userEvent.setup() };
}

afterEach(() => vi.unstubAllGlobals());

describe('Earlier versions of an edited message', () => {
  it('opens from the "(edited)" button and lists every earlier text, then the current one', async () => {
    const { calls, user } = await setup();
    const button = screen.getByRole('button', { name: 'Edited — show earlier versions' });
    expect(button).toHaveTextContent('(edited)');
    await user.click(button);
    const dlg = await screen.findByRole('dialog', { name: 'Earlier versions' });
    expect(calls.some((c) => c.method === 'GET' && c.path === '/api/v1/messages/5/edits')).toBe(true);
    const earlier = await within(dlg).findAllByTestId('earlier-version');
    expect(earlier).toHaveLength(2);
    // Oldest first, with editor names (from the directory, else "Employee #id") and times.
    expect(earlier[0]).toHaveTextContent('First');
    expect(earlier[0]).toHaveTextContent('Replaced by Olga Operator');
    expect(earlier[0].querySelector('time')).toHaveAttribute('datetime', '2026-11-25T12:05:00.000Z');
    expect(earlier[1]).toHaveTextContent('Second version');
    expect(earlier[1]).toHaveTextContent('Replaced by Employee #9');
    const current = within(dlg).getByTestId('current-version');
    expect(current).toHaveTextContent('Third version');
    expect(current).toHaveTextContent('edited by Employee #9');
    // BBCode is rendered, markup stays literal text.
    expect(within(current).getByText('version').tagName).toBe('STRONG');
    expect(within(earlier[0]).getByText('version').tagName).toBe('EM');
    expect(earlier[0]).toHaveTextContent('<img src=x onerror="window.__xss=1">');
    expect(dlg.querySelector('img')).toBeNull();
    expect((window as { __xss?: number }).__xss).toBeUndefined();
  });

  it('closes on Escape and gives focus back to the button', async () => {
    const { user } = await setup();
    const button = screen.getByRole('button', { name: 'Edited — show earlier versions' });
    await user.click(button);
    await screen.findAllByTestId('earlier-version');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Earlier versions' })).toBeNull();
    expect(button).toHaveFocus();
  });

  it('names editors "Employee #id" without a store and shows load errors', async () => {
    const { user } = await setup(false);
    await user.click(screen.getByRole('button', { name: 'Edited — show earlier versions' }));
    const earlier = await screen.findAllByTestId('earlier-version');
    expect(earlier[0]).toHaveTextContent('Replaced by Employee #1');

    await user.keyboard('{Escape}');
    fakeFetch({});
    await user.click(screen.getByRole('button', { name: 'Edited — show earlier versions' }));
    const dlg = await screen.findByRole('dialog', { name: 'Earlier versions' });
    expect(await within(dlg).findByRole('alert')).toHaveTextContent('Not found');
  });

  it('has no button on messages that were never edited', async () => {
    fakeFetch({});
    render(<MessageItem message={message(6)} dialog={dialog(1)} />);
    expect(screen.queryByRole('button', { name: /Edited/ })).toBeNull();
    await act(async () => {});
  });
});
