import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { QuickAnswer } from '../api/types';
import { StoreContext } from '../state/context';
import { resetDrafts } from '../state/drafts';
import { Store } from '../state/store';
import { dialog, employee, fakeFetch, line, message } from '../test/fixtures';
import {
  cleanTitle, commandToken, matchCommands, parseCommand, quoteMarkup, titleTooLong, type CommandContext,
} from './Commands';
import type { QuickAnswerContext } from './QuickAnswers';
import { ReplyBox } from './ReplyBox';

/** Lets the debounced quick answer search run. */
const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 250)));

const names = (xs: { spec: { name: string } }[]) => xs.map((c) => c.spec.name);

function fakeCommands(over: Partial<CommandContext> = {}) {
  return {
    rename: vi.fn(async () => true),
    copyChatId: vi.fn(async () => {}),
    lastCustomerMessage: vi.fn(() => ({ id: 41, name: 'Ada Customer', text: 'Where is my order?' })),
    ...over,
  } satisfies CommandContext;
}

function renderBox(commands: CommandContext = fakeCommands(), quickAnswers?: QuickAnswerContext) {
  const onSend = vi.fn(async () => true);
  render(<ReplyBox dialogId={1} onSend={onSend} onTyping={vi.fn()} commands={commands} quickAnswers={quickAnswers} />);
  return { onSend, commands, box: screen.getByRole('textbox', { name: 'Message' }) };
}

beforeEach(() => resetDrafts());
afterEach(() => vi.unstubAllGlobals());

describe('command matching', () => {
  it('finds a command typed from the start of the draft up to the caret', () => {
    expect(commandToken('/', 1)).toEqual({ start: 0, end: 1, name: '', arg: null });
    expect(commandToken('/ren', 4)).toEqual({ start: 0, end: 4, name: 'ren', arg: null });
    expect(commandToken('  /rename VIP customer', 22)).toEqual({ start: 2, end: 22, name: 'rename', arg: 'VIP customer' });
    expect(commandToken('/rename A/B', 11)).toEqual({ start: 0, end: 11, name: 'rename', arg: 'A/B' });
    expect(commandToken('Hi /chatid', 10)).toBeNull();
    expect(commandToken('/ x', 3)).toBeNull();
    expect(commandToken('/quote\nmore', 11)).toBeNull();
  });

  it('lists the commands a prefix stands for, and after a space only the exact one', () => {
    expect(names(matchCommands('', null))).toEqual(['rename', 'chatid', 'quote']);
    expect(names(matchCommands('r', null))).toEqual(['rename']);
    expect(names(matchCommands('CH', null))).toEqual(['chatid']);
    expect(matchCommands('greet', null)).toEqual([]);
    expect(matchCommands('rename', '  VIP customer ')).toMatchObject([{ spec: { name: 'rename' }, arg: 'VIP customer' }]);
    expect(matchCommands('ren', 'VIP')).toEqual([]);
  });

  it('tells whether a whole draft is a command', () => {
    expect(parseCommand('/chatid')).toMatchObject({ spec: { name: 'chatid' }, arg: '' });
    expect(parseCommand(' /Rename  New title \n')).toMatchObject({ spec: { name: 'rename' }, arg: 'New title' });
    expect(parseCommand('/quote\nThanks')).toMatchObject({ spec: { name: 'quote' }, arg: 'Thanks' });
    expect(parseCommand('/chat')).toBeNull();
    expect(parseCommand('/refunds')).toBeNull();
    expect(parseCommand('Hi /chatid')).toBeNull();
  });

  it('cleans titles and builds quotes', () => {
    expect(cleanTitle(' VIP \t\u0007 customer\n')).toBe('VIP customer');
    expect(titleTooLong('x'.repeat(255))).toBe(false);
    expect(titleTooLong('я'.repeat(128))).toBe(true);
    expect(quoteMarkup('Ada [A]', 'Hi')).toBe('[quote=Ada A]Hi[/quote]\n');
    expect(quoteMarkup('', 'Hi')).toBe('[quote]Hi[/quote]\n');
  });
});

describe('commands in the reply box', () => {
  it('lists the commands with descriptions on /', async () => {
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, '/');
    const list = screen.getByRole('listbox', { name: 'Commands' });
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.querySelector('.qa-title')?.textContent)).toEqual(['/rename <new title>', '/chatid', '/quote']);
    expect(options[1]).toHaveTextContent('Copy the chat ID for an external integration');
    expect(options[0]).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-activedescendant', 'command-rename');
    await user.keyboard('{ArrowDown}');
    expect(box).toHaveAttribute('aria-activedescendant', 'command-chatid');
  });

  it('runs /chatid on Enter without sending anything', async () => {
    const user = userEvent.setup();
    const { box, onSend, commands } = renderBox();
    await user.type(box, '/chatid{Enter}');
    expect(commands.copyChatId).toHaveBeenCalledTimes(1);
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });

  it('runs a complete command on Enter even after Escape closed the popup', async () => {
    const user = userEvent.setup();
    const { box, onSend, commands } = renderBox();
    await user.type(box, '/chatid');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await user.keyboard('{Enter}');
    expect(commands.copyChatId).toHaveBeenCalledTimes(1);
    expect(onSend).not.toHaveBeenCalled();
    // The Send button does the same.
    await user.type(box, '/chatid');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(commands.copyChatId).toHaveBeenCalledTimes(2);
    expect(onSend).not.toHaveBeenCalled();
  });

  it('picks a command by Tab and by click', async () => {
    const user = userEvent.setup();
    const { box, commands } = renderBox();
    await user.type(box, '/ch');
    await user.keyboard('{Tab}');
    expect(commands.copyChatId).toHaveBeenCalledTimes(1);
    expect(box).toHaveValue('');
    await user.type(box, '/');
    await user.click(within(screen.getByRole('listbox', { name: 'Commands' })).getByRole('option', { name: /\/chatid/ }));
    expect(commands.copyChatId).toHaveBeenCalledTimes(2);
    expect(box).toHaveValue('');
  });

  it('renames with the typed title', async () => {
    const user = userEvent.setup();
    const { box, onSend, commands } = renderBox();
    await user.type(box, '/rename VIP customer');
    const option = within(screen.getByRole('listbox', { name: 'Commands' })).getByRole('option');
    expect(option).toHaveTextContent('/rename VIP customer');
    await user.keyboard('{Enter}');
    expect(commands.rename).toHaveBeenCalledWith('VIP customer');
    expect(onSend).not.toHaveBeenCalled();
    await waitFor(() => expect(box).toHaveValue(''));
  });

  it('keeps the command when renaming fails', async () => {
    const user = userEvent.setup();
    const { box, onSend } = renderBox(fakeCommands({ rename: vi.fn(async () => false) }));
    await user.type(box, '/rename Nope{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('/rename Nope');
  });

  it('asks for a title when /rename has none, and sends nothing', async () => {
    const user = userEvent.setup();
    const { box, onSend, commands } = renderBox();
    await user.type(box, '/rename{Enter}');
    expect(commands.rename).not.toHaveBeenCalled();
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('/rename ');
    expect(screen.getByRole('status')).toHaveTextContent('Type the new title after /rename');
    expect(box).toHaveAccessibleDescription(/Type the new title/);
    await user.keyboard('{Enter}');
    expect(commands.rename).not.toHaveBeenCalled();
    expect(onSend).not.toHaveBeenCalled();
    await user.keyboard('Gold{Enter}');
    expect(commands.rename).toHaveBeenCalledWith('Gold');
    expect(screen.getByRole('status')).toHaveTextContent('');
  });

  it("quotes the customer's last message into the draft, then sends it as a reply to it", async () => {
    const user = userEvent.setup();
    const { box, onSend } = renderBox();
    await user.type(box, '/quote{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('[quote=Ada Customer]Where is my order?[/quote]\n');
    expect(screen.getByText('Replying to message #41')).toBeInTheDocument();
    await user.keyboard('It ships today.{Enter}');
    expect(onSend).toHaveBeenCalledWith('[quote=Ada Customer]Where is my order?[/quote]\nIt ships today.', false, 41, []);
  });

  it('says so when there is nothing to quote', async () => {
    const user = userEvent.setup();
    const { box, onSend } = renderBox(fakeCommands({ lastCustomerMessage: () => null }));
    await user.type(box, '/quote{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('/quote');
    expect(screen.getByRole('status')).toHaveTextContent('There is no customer message to quote yet.');
  });

  it('leaves other text starting with / alone', async () => {
    const user = userEvent.setup();
    const { box, onSend, commands } = renderBox();
    await user.type(box, 'see /chatid{Enter}');
    expect(onSend).toHaveBeenCalledWith('see /chatid', false, null, []);
    await user.type(box, '/chat is a word{Enter}');
    expect(onSend).toHaveBeenCalledWith('/chat is a word', false, null, []);
    expect(commands.copyChatId).not.toHaveBeenCalled();
  });

  it('shows commands above the quick answers, Up/Down moving through both', async () => {
    const T = '2026-11-25T12:00:00.000Z';
    const qa: QuickAnswer = { id: 3, title: 'Quote policy', text: 'We quote in EUR.', line_id: null, section: null, created_by: 1, created_at: T, updated_at: T };
    fakeFetch({ '/api/v1/quick-answers': { items: [qa], next_cursor: null } });
    const user = userEvent.setup();
    const ctx: QuickAnswerContext = { me: employee(), lineId: 1, lines: new Map([[1, line({ queue: [1] })]]) };
    const { box, onSend, commands } = renderBox(fakeCommands(), ctx);
    await user.type(box, '/quo');
    const answers = await screen.findByRole('listbox', { name: 'Quick answers' });
    const cmds = screen.getByRole('listbox', { name: 'Commands' });
    expect(cmds.compareDocumentPosition(answers) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(box.getAttribute('aria-controls')).toBe('command-list quick-answer-list');
    expect(box).toHaveAttribute('aria-activedescendant', 'command-quote');
    await user.keyboard('{ArrowDown}');
    expect(box).toHaveAttribute('aria-activedescendant', 'quick-answer-3');
    expect(within(answers).getByRole('option')).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('We quote in EUR.');
    expect(commands.lastCustomerMessage).not.toHaveBeenCalled();
    expect(onSend).not.toHaveBeenCalled();
    await settle();
  });
});

describe('commands through the workspace store', () => {
  async function setup() {
    const d = dialog(1, { chat_id: 77 }, { status: 'in_work', operator_id: 1 });
    const calls = fakeFetch({
      '/api/v1/dialogs/counts': { unanswered: 0, mine: 1, all: null },
      '/api/v1/dialogs/1/rename': { ...d, title: 'VIP customer', custom_title: true },
      '/api/v1/dialogs/1/messages': {
        items: [
          message(5, { text: 'First' }),
          message(6, { text: 'Last one', author: { kind: 'customer', name: 'Ada', id: 1 } }),
          message(7, { text: 'Reply', author: { kind: 'operator', name: 'Olga', id: 1 } }),
        ],
        next_cursor: null,
      },
      '/api/v1/dialogs/1/sessions': { items: [], next_cursor: null },
      '/api/v1/dialogs/1/read': d,
      '/api/v1/dialogs/1': d,
      '/api/v1/dialogs': { items: [d], next_cursor: null },
      '/api/v1/lines': { items: [line()], next_cursor: null },
      '/api/v1/directory/employees': { items: [], next_cursor: null },
    });
    const store = new Store(employee());
    await store.sync();
    await store.open(1);
    const onSend = vi.fn(async () => true);
    render(
      <StoreContext.Provider value={store}>
        <ReplyBox dialogId={1} onSend={onSend} onTyping={vi.fn()} />
      </StoreContext.Provider>,
    );
    return { store, calls, onSend, box: screen.getByRole('textbox', { name: 'Message' }) };
  }
  const toasts = (store: Store) => store.getState().toasts.map((t) => t.text);

  it('renames through the dialog action and says so', async () => {
    const user = userEvent.setup();
    const { store, calls, onSend, box } = await setup();
    await user.type(box, '/rename VIP customer{Enter}');
    await waitFor(() => expect(toasts(store)).toContain('Dialog renamed'));
    expect(calls.find((c) => c.method === 'POST' && c.path.endsWith('/rename'))).toMatchObject({
      path: '/api/v1/dialogs/1/rename', body: { title: 'VIP customer' },
    });
    expect(store.getState().dialogs.get(1)?.title).toBe('VIP customer');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('');
  });

  it('copies the chat ID, or shows it when the clipboard fails', async () => {
    const user = userEvent.setup();
    const { store, box } = await setup();
    // userEvent brings its own clipboard; ours goes in after it.
    const writeText = vi.fn(async (_: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.type(box, '/chatid{Enter}');
    await waitFor(() => expect(toasts(store)).toContain('Chat ID copied: 77'));
    expect(writeText).toHaveBeenCalledWith('77');
    writeText.mockRejectedValueOnce(new Error('denied'));
    await user.type(box, '/chatid{Enter}');
    await waitFor(() => expect(toasts(store)).toContain('Chat ID: 77 (could not copy it to the clipboard)'));
  });

  it('quotes the last customer message of the open thread', async () => {
    const user = userEvent.setup();
    const { box } = await setup();
    await user.type(box, '/quote{Enter}');
    expect(box).toHaveValue('[quote=Ada]Last one[/quote]\n');
    expect(screen.getByText('Replying to message #6')).toBeInTheDocument();
  });
});
