import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { QuickAnswer } from '../api/types';
import { resetDrafts } from '../state/drafts';
import { dialog, employee, fakeFetch, line, message } from '../test/fixtures';
import { SaveQuickAnswerDialog, slashToken, type QuickAnswerContext } from './QuickAnswers';
import { MessageMenu } from './MessageMenu';
import { ReplyBox } from './ReplyBox';

/** Lets the debounced search run (and find nothing to show). */
const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 250)));

const T = '2026-11-25T12:00:00.000Z';
const answer = (id: number, title: string, text: string, over: Partial<QuickAnswer> = {}): QuickAnswer => ({
  id, title, text, line_id: null, section: null, created_by: 1, created_at: T, updated_at: T, ...over,
});
const ANSWERS = [
  answer(1, 'Greeting', 'Hello! How can I help?'),
  answer(2, 'Greeting (evening)', 'Good evening!'),
  answer(3, 'Refunds', 'Money back in 14 days.', { line_id: 1, section: 'Billing' }),
];

function serve() {
  return fakeFetch({
    '/api/v1/quick-answers': (url: URL) => {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      return {
        items: ANSWERS.filter((a) => a.title.toLowerCase().includes(q) || a.text.toLowerCase().includes(q)),
        next_cursor: null,
      };
    },
  });
}

const ctx: QuickAnswerContext = { me: employee(), lineId: 1, lines: new Map([[1, line({ queue: [1] })]]) };

function renderBox(onSend = vi.fn(async () => true)) {
  render(<ReplyBox dialogId={1} onSend={onSend} onTyping={vi.fn()} quickAnswers={ctx} />);
  return { onSend, box: screen.getByRole('textbox', { name: 'Message' }) };
}

beforeEach(() => resetDrafts());
afterEach(() => vi.unstubAllGlobals());

describe('slashToken', () => {
  it('finds a slash at the start or after whitespace, with words up to the caret', () => {
    expect(slashToken('/greet', 6)).toEqual({ start: 0, end: 6, query: 'greet' });
    expect(slashToken('Hi /greet the', 13)).toEqual({ start: 3, end: 13, query: 'greet the' });
    expect(slashToken('/', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(slashToken('and/or', 6)).toBeNull();
    expect(slashToken('http://x', 8)).toBeNull();
    expect(slashToken('/ greet', 7)).toBeNull();
    expect(slashToken('/greet\nmore', 11)).toBeNull();
  });
});

describe('quick answers popup', () => {
  it('searches as you type and inserts the chosen answer with Enter, replacing /query', async () => {
    const calls = serve();
    const user = userEvent.setup();
    const { box, onSend } = renderBox();
    await user.type(box, 'Hi /greet');
    const list = await screen.findByRole('listbox', { name: 'Quick answers' });
    expect(within(list).getAllByRole('option').map((o) => o.querySelector('.qa-title')?.textContent)).toEqual([
      'Greeting',
      'Greeting (evening)',
    ]);
    expect(calls.some((c) => c.path.includes('q=greet') && c.path.includes('line_id=1'))).toBe(true);
    expect(within(list).getAllByRole('option')[0]).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-activedescendant', 'quick-answer-1');

    await user.keyboard('{ArrowDown}');
    expect(within(list).getAllByRole('option')[1]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{ArrowDown}');  // wraps around
    expect(within(list).getAllByRole('option')[0]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{ArrowUp}');
    expect(within(list).getAllByRole('option')[1]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('Hi Good evening!');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();

    // The next Enter sends as usual.
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('Hi Good evening!', false, null, []);
  });

  it('closes on Escape and then lets Enter send the text as typed', async () => {
    serve();
    const user = userEvent.setup();
    const { box, onSend } = renderBox();
    await user.type(box, '/refund');
    await screen.findByRole('listbox', { name: 'Quick answers' });
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await user.type(box, 's');  // the same slash stays dismissed
    await settle();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('/refunds', false, null, []);
  });

  it('shows nothing when nothing matches, and a click picks an answer', async () => {
    serve();
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, '/zzz');
    await settle();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await user.clear(box);
    await user.type(box, '/money');
    const list = await screen.findByRole('listbox', { name: 'Quick answers' });
    await user.click(within(list).getByRole('option'));
    expect(box).toHaveValue('Money back in 14 days.');
  });

  it('renders answers as text, never as markup', async () => {
    fakeFetch({
      '/api/v1/quick-answers': { items: [answer(9, '<img src=x onerror=alert(1)>', '<b>bold</b>')], next_cursor: null },
    });
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, '/x');
    const list = await screen.findByRole('listbox', { name: 'Quick answers' });
    expect(list.querySelector('img, b')).toBeNull();
    expect(within(list).getByText('<img src=x onerror=alert(1)>')).toBeInTheDocument();
  });

  it('has no popup or button without quick answers', async () => {
    const calls = serve();
    const user = userEvent.setup();
    render(<ReplyBox dialogId={1} onSend={vi.fn(async () => true)} onTyping={vi.fn()} />);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), '/greet');
    await settle();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Quick answers' })).not.toBeInTheDocument();
    expect(calls).toEqual([]);
  });
});

describe('quick answers management', () => {
  it('lists answers by section and inserts one into the reply box', async () => {
    serve();
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.click(screen.getByRole('button', { name: 'Quick answers' }));
    const dialog = await screen.findByRole('dialog', { name: 'Quick answers' });
    await waitFor(() => expect(within(dialog).getByRole('region', { name: 'Billing' })).toBeInTheDocument());
    // An operator manages their line's answers, not global ones.
    expect(within(dialog).getByRole('button', { name: 'Edit “Refunds”' })).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Edit “Greeting”' })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Insert “Greeting”' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(box).toHaveValue('Hello! How can I help?');
  });
});

describe('Save as quick answer', () => {
  it('is offered in the message menu only when the caller allows it', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn();
    const base = { onQuote: vi.fn(), onNewSession: vi.fn(), onEdit: vi.fn(), onDelete: vi.fn() };
    const m = message(4, { text: 'Hello there' });
    const d = dialog(1, {}, { status: 'in_work', operator_id: 1 });
    const { unmount } = render(
      <MessageMenu message={m} dialog={d} me={employee()} lines={ctx.lines} handlers={{ ...base, onSaveQuickAnswer: onSave }} />,
    );
    await user.click(screen.getByRole('button', { name: 'Message actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Save as quick answer' }));
    expect(onSave).toHaveBeenCalledWith(m);
    unmount();
    render(<MessageMenu message={m} dialog={d} me={employee()} lines={ctx.lines} handlers={base} />);
    await user.click(screen.getByRole('button', { name: 'Message actions' }));
    expect(screen.queryByRole('menuitem', { name: 'Save as quick answer' })).not.toBeInTheDocument();
  });
});

describe('SaveQuickAnswerDialog', () => {
  const text = 'Thanks for waiting!\nWe are on it.';

  it('lets an operator save only for the line, with the message text', async () => {
    const calls = fakeFetch({
      '/api/v1/quick-answers/sections': { items: ['Billing'] },
      '/api/v1/quick-answers': (_u: URL, init: RequestInit) => ({ ...answer(5, 'x', text), ...JSON.parse(String(init.body)) }),
    });
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<SaveQuickAnswerDialog ctx={ctx} text={text} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Save as quick answer' });
    const title = within(dialog).getByRole('textbox', { name: 'Title' });
    expect(title).toHaveValue('Thanks for waiting!');
    const scope = within(dialog).getByRole('combobox', { name: 'Scope' });
    expect(within(scope).getAllByRole('option').map((o) => o.textContent)).toEqual(['This line']);
    await user.clear(title);
    await user.type(title, 'Waiting');
    await user.type(within(dialog).getByRole('combobox', { name: 'Section' }), 'Billing');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ title: 'Waiting', text, section: 'Billing', line_id: 1 });
  });

  it('offers a supervisor all lines too, and shows server errors', async () => {
    fakeFetch({ '/api/v1/quick-answers/sections': { items: [] } });
    const user = userEvent.setup();
    const sup = { ...ctx, me: employee({ id: 3, role: 'supervisor' }) };
    render(<SaveQuickAnswerDialog ctx={sup} text={text} onClose={vi.fn()} />);
    const dialog = screen.getByRole('dialog', { name: 'Save as quick answer' });
    const scope = within(dialog).getByRole('combobox', { name: 'Scope' });
    expect(within(scope).getAllByRole('option').map((o) => o.textContent)).toEqual(['All lines', 'This line']);
    expect(scope).toHaveValue('');
    vi.stubGlobal('fetch', vi.fn(async () => new Response(
      JSON.stringify({ error: { code: 'invalid_request', message: 'title is too long' } }), { status: 400 })));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('title is too long');
  });
});
