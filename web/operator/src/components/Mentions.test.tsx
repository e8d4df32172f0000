import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DirectoryEntry } from '../api/types';
import { resetDrafts } from '../state/drafts';
import { employee, fakeFetch, line } from '../test/fixtures';
import { mentionMarkup, mentionToken } from './Mentions';
import type { QuickAnswerContext } from './QuickAnswers';
import { ReplyBox } from './ReplyBox';

// The real picker (a web component with IndexedDB) does not run in jsdom: a stand-in that
// fires the same `emoji-click` event.
vi.mock('./emojiPickerElement', () => ({
  createEmojiPicker: () => {
    const el = document.createElement('div');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'rocket';
    b.addEventListener('click', () => el.dispatchEvent(new CustomEvent('emoji-click', { detail: { unicode: '🚀' } })));
    el.appendChild(b);
    return el;
  },
}));

/** Lets the debounced search run. */
const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 250)));

const person = (id: number, name: string, over: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  id, name, avatar_url: '', role: 'operator', online: false, away: false, ...over,
});
const PEOPLE = [
  person(1, 'Me Myself'),
  person(7, 'Colin Colleague', { online: true }),
  person(8, 'Cora Coworker', { role: 'supervisor' }),
  person(9, 'Dan Other'),
];

function serve() {
  return fakeFetch({
    '/api/v1/directory/employees': (url: URL) => {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      return { items: PEOPLE.filter((p) => p.name.toLowerCase().includes(q)), next_cursor: null };
    },
    '/api/v1/quick-answers': (url: URL) => {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const all = [{ id: 1, title: 'Thanks', text: 'Thank you!', line_id: null, section: null, created_by: 1, created_at: '', updated_at: '' }];
      return { items: all.filter((a) => a.title.toLowerCase().includes(q)), next_cursor: null };
    },
  });
}

const qa: QuickAnswerContext = { me: employee(), lineId: 1, lines: new Map([[1, line({ queue: [1] })]]) };

function renderBox(onSend = vi.fn(async () => true)) {
  render(<ReplyBox dialogId={1} onSend={onSend} onTyping={vi.fn()} quickAnswers={qa} mentions={{ meId: 1 }} />);
  return { onSend, box: screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement };
}

beforeEach(() => resetDrafts());
afterEach(() => vi.unstubAllGlobals());

describe('mentionToken', () => {
  it('finds an @ at the start or after whitespace followed by letters, up to the caret', () => {
    expect(mentionToken('@Col', 4)).toEqual({ start: 0, end: 4, query: 'Col' });
    expect(mentionToken('Hi @Col', 7)).toEqual({ start: 3, end: 7, query: 'Col' });
    expect(mentionToken('Hi @Colin Col', 13)).toEqual({ start: 3, end: 13, query: 'Colin Col' });
    expect(mentionToken('Hi\n@Зоя', 7)).toEqual({ start: 3, end: 7, query: 'Зоя' });
    expect(mentionToken('@', 1)).toBeNull();
    expect(mentionToken('@1abc', 5)).toBeNull();
    expect(mentionToken('@ Col', 5)).toBeNull();
    expect(mentionToken('mail a@b.com', 12)).toBeNull();
    expect(mentionToken('Hi @Colin ', 10)).toBeNull();
    // Only what is before the caret counts.
    expect(mentionToken('Hi @Col and more', 7)).toEqual({ start: 3, end: 7, query: 'Col' });
  });

  it('makes [user=ID]Name[/user] markup with a trailing space', () => {
    expect(mentionMarkup({ id: 7, name: 'Colin Colleague' })).toBe('[user=7]Colin Colleague[/user] ');
    expect(mentionMarkup({ id: 3, name: 'Odd [/user] Name' })).toBe('[user=3]Odd /user Name[/user] ');
  });
});

describe('mention popup', () => {
  it('lists colleagues (without me) and inserts the chosen one with Enter, replacing @query', async () => {
    const calls = serve();
    const user = userEvent.setup();
    const { box, onSend } = renderBox();
    await user.type(box, 'Hi @Co');
    const list = await screen.findByRole('listbox', { name: 'Mention a colleague' });
    const names = () => within(list).getAllByRole('option').map((o) => o.querySelector('.mention-name')?.textContent);
    await waitFor(() => expect(names()).toEqual(['Colin Colleague', 'Cora Coworker']));
    expect(calls.some((c) => c.path.startsWith('/api/v1/directory/employees?') && c.path.includes('q=Co'))).toBe(true);
    // Debounced: not one request per letter.
    expect(calls.filter((c) => c.path.startsWith('/api/v1/directory/employees')).length).toBe(1);
    expect(within(list).getAllByRole('option')[0]).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-controls', 'mention-list');
    expect(box).toHaveAttribute('aria-activedescendant', 'mention-7');

    await user.keyboard('{ArrowDown}');
    expect(within(list).getAllByRole('option')[1]).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-activedescendant', 'mention-8');
    await user.keyboard('{ArrowDown}'); // wraps around
    expect(within(list).getAllByRole('option')[0]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{ArrowUp}');
    expect(within(list).getAllByRole('option')[1]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('Hi [user=8]Cora Coworker[/user] ');
    expect(box.selectionStart).toBe(box.value.length);
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();

    await user.type(box, 'see this{Enter}');
    expect(onSend).toHaveBeenCalledWith('Hi [user=8]Cora Coworker[/user] see this', false, null, []);
  });

  it('inserts with Tab in the middle of the text, keeping what follows', async () => {
    serve();
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, 'Hi  please');
    box.setSelectionRange(3, 3);
    await user.type(box, '@coli', { initialSelectionStart: 3, initialSelectionEnd: 3 });
    const list = await screen.findByRole('listbox', { name: 'Mention a colleague' });
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(1));
    await user.keyboard('{Tab}');
    expect(box).toHaveValue('Hi [user=7]Colin Colleague[/user]  please');
    expect(box.selectionStart).toBe('Hi [user=7]Colin Colleague[/user] '.length);
    expect(box).toHaveFocus();
  });

  it('closes on Escape (that @ stays closed) and then Enter sends the text as typed', async () => {
    serve();
    const user = userEvent.setup();
    const { box, onSend } = renderBox();
    await user.type(box, '@Dan');
    await screen.findByRole('listbox', { name: 'Mention a colleague' });
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await user.type(box, ' O');
    await settle();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('@Dan O', false, null, []);
  });

  it('a click picks a colleague; no match shows nothing', async () => {
    serve();
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, '@zzz');
    await settle();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    await user.clear(box);
    await user.type(box, '@dan');
    const list = await screen.findByRole('listbox', { name: 'Mention a colleague' });
    await user.click(within(list).getByRole('option', { name: /Dan Other/ }));
    expect(box).toHaveValue('[user=9]Dan Other[/user] ');
  });

  it('does not conflict with the / quick answers popup: the nearer trigger wins', async () => {
    const calls = serve();
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, '/thanks');
    await screen.findByRole('listbox', { name: 'Quick answers' });
    expect(screen.queryByRole('listbox', { name: 'Mention a colleague' })).not.toBeInTheDocument();
    await user.type(box, ' @Col');
    await screen.findByRole('listbox', { name: 'Mention a colleague' });
    expect(screen.getAllByRole('listbox')).toHaveLength(1);
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('/thanks [user=7]Colin Colleague[/user] ');
    // An @ inside an e-mail address or after the quick answer's query opens nothing new.
    await user.clear(box);
    await user.type(box, 'mail me at me@example.com');
    await settle();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(calls.filter((c) => c.path.includes('q=example')).length).toBe(0);
  });

  it('has no popup without mentions enabled', async () => {
    const calls = serve();
    const user = userEvent.setup();
    render(<ReplyBox dialogId={1} onSend={vi.fn(async () => true)} onTyping={vi.fn()} />);
    await user.type(screen.getByRole('textbox', { name: 'Message' }), '@Col');
    await settle();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(calls).toEqual([]);
  });

  it('renders names as text, never as markup', async () => {
    fakeFetch({ '/api/v1/directory/employees': { items: [person(5, '<img src=x onerror=alert(1)>')], next_cursor: null } });
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, '@x');
    const list = await screen.findByRole('listbox', { name: 'Mention a colleague' });
    expect(list.querySelector('img')).toBeNull();
    expect(within(list).getByText('<img src=x onerror=alert(1)>')).toBeInTheDocument();
  });
});

describe('emoji button', () => {
  it('opens the picker, inserts the picked emoji at the caret and closes', async () => {
    const user = userEvent.setup();
    const { box } = renderBox();
    await user.type(box, 'Hi there');
    box.setSelectionRange(2, 2);
    const button = screen.getByRole('button', { name: 'Insert emoji' });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    await user.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Emoji picker' });
    expect(button).toHaveAttribute('aria-expanded', 'true');
    await user.click(await within(dialog).findByRole('button', { name: 'rocket' }));
    expect(box).toHaveValue('Hi🚀 there');
    expect(box.selectionStart).toBe(2 + '🚀'.length);
    expect(box).toHaveFocus();
    expect(screen.queryByRole('dialog', { name: 'Emoji picker' })).not.toBeInTheDocument();
  });

  it('closes on Escape and gives the focus back to the button', async () => {
    const user = userEvent.setup();
    renderBox();
    const button = screen.getByRole('button', { name: 'Insert emoji' });
    await user.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Emoji picker' });
    const inside = await within(dialog).findByRole('button', { name: 'rocket' });
    inside.focus();
    fireEvent.keyDown(inside, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Emoji picker' })).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });
});
