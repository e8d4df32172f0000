import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import AdminPages from './AdminPages';
import { validateRouting } from './RoutingForm';
import { ADMIN, channel, employee, line, mockFetch, route } from './testutil';

function at(path: string) {
  window.history.replaceState(null, '', path);
}

beforeEach(() => {
  at('/admin');
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('access', () => {
  test('a non-admin sees only the "admin rights" message', () => {
    const { calls } = mockFetch();
    render(<AdminPages me={employee(2, 'Olga Operator')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('You need admin rights');
    expect(screen.queryByRole('navigation', { name: 'Administration' })).toBeNull();
    expect(calls).toHaveLength(0);
  });
});

describe('employees', () => {
  test('lists employees, pages with Load more, shows the empty state', async () => {
    const { calls } = mockFetch(
      route('GET', '/api/v1/employees', (c) =>
        c.path.includes('cursor=c1')
          ? { json: { items: [employee(3, 'Boris <b>Bold</b>')], next_cursor: null } }
          : { json: { items: [ADMIN, employee(2, 'Olga Petrova')], next_cursor: 'c1' } },
      ),
    );
    render(<AdminPages me={ADMIN} />);
    expect(await screen.findByRole('cell', { name: 'Olga Petrova' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    // User text is rendered as text, never as HTML.
    expect(await screen.findByRole('cell', { name: 'Boris <b>Bold</b>' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(calls[1].path).toContain('cursor=c1');
  });

  test('empty state', async () => {
    mockFetch(route('GET', '/api/v1/employees', () => ({ json: { items: [], next_cursor: null } })));
    render(<AdminPages me={ADMIN} />);
    expect(await screen.findByText(/No employees yet/)).toBeInTheDocument();
  });

  test('create: validation messages, then the server error in an alert', async () => {
    const { calls } = mockFetch(
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
      route('POST', '/api/v1/employees', () => ({
        status: 409, json: { error: { code: 'conflict', message: 'An employee with this e-mail already exists.' } },
      })),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('button', { name: 'Add employee' }));
    await user.click(screen.getByRole('button', { name: 'Create employee' }));
    expect(screen.getByText('Enter a name.')).toBeInTheDocument();
    expect(screen.getByText('Enter an e-mail address.')).toBeInTheDocument();
    expect(screen.getByText('The password needs at least 8 characters.')).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await user.type(screen.getByLabelText('Name'), 'Olga Petrova');
    await user.type(screen.getByLabelText('E-mail'), 'olga@example.test');
    await user.selectOptions(screen.getByLabelText('Role'), 'supervisor');
    await user.type(screen.getByLabelText('Password'), 'long-enough-pw');
    await user.click(screen.getByRole('button', { name: 'Create employee' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('An employee with this e-mail already exists.');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ name: 'Olga Petrova', email: 'olga@example.test', role: 'supervisor', password: 'long-enough-pw' });
  });

  test('deactivate asks for confirmation in a dialog; Escape cancels', async () => {
    const olga = employee(2, 'Olga Petrova');
    const { calls } = mockFetch(
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN, olga], next_cursor: null } })),
      route('DELETE', '/api/v1/employees/2', () => ({ json: { ...olga, active: false } })),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('button', { name: 'Edit Olga Petrova' }));
    await user.click(screen.getByRole('button', { name: 'Deactivate' }));
    expect(screen.getByRole('dialog', { name: 'Deactivate Olga Petrova?' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Deactivate' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/v1/employees/2')).toBe(true));
    const row = (await screen.findByRole('cell', { name: 'Olga Petrova' })).closest('tr')!;
    await waitFor(() => expect(row).toHaveTextContent('Deactivated'));
  });
});

describe('line page', () => {
  const olga = employee(2, 'Olga');
  const ivan = employee(3, 'Ivan');
  const petr = employee(4, 'Petr');

  function lineMocks(l = line(7, 'Sales', [2, 3, 4])) {
    let current = l;
    return mockFetch(
      route('GET', '/api/v1/lines/7', () => ({ json: current })),
      route('PATCH', '/api/v1/lines/7', (c) => {
        const b = c.body as { queue?: number[]; routing?: object; name?: string };
        current = { ...current, ...(b.queue ? { queue: b.queue } : {}), ...(b.name ? { name: b.name } : {}),
          routing: { ...current.routing, ...(b.routing ?? {}) } };
        return { json: current };
      }),
      route('GET', '/api/v1/employees', () => ({
        json: { items: [ADMIN, olga, ivan, petr, employee(5, 'Gone', { active: false })], next_cursor: null },
      })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [channel(11, 7, 'webchat')], next_cursor: null } })),
      route('DELETE', '/api/v1/lines/7', () => ({
        status: 409, json: { error: { code: 'conflict', message: 'The line still has channels; delete them first.' } },
      })),
    );
  }

  test('queue reorder by buttons sends the right PATCH body and keeps focus', async () => {
    at('/admin/lines/7');
    const { calls } = lineMocks();
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    const down = await screen.findByRole('button', { name: 'Move Olga down' });
    expect(screen.getByRole('button', { name: 'Move Olga up' })).toBeDisabled();
    await user.click(down);
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ queue: [3, 2, 4] });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Move Olga down' })).toHaveFocus());
    expect(screen.getByText('Olga moved to position 2 of 3.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Move Petr up' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'PATCH')[1].body).toEqual({ queue: [3, 4, 2] });
    const items = within(screen.getByRole('list', { name: 'Queue' })).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.adm-queue-name')!.textContent)).toEqual(['Ivan', 'Petr', 'Olga']);
  });

  test('remove and add to the queue; the picker offers only active employees not in it', async () => {
    at('/admin/lines/7');
    const { calls } = lineMocks(line(7, 'Sales', [2]));
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    const picker = await screen.findByLabelText('Employee to add');
    const options = within(picker).getAllByRole('option').map((o) => o.textContent);
    expect(options.some((o) => o?.startsWith('Ivan'))).toBe(true);
    expect(options.some((o) => o?.startsWith('Olga'))).toBe(false);
    expect(options.some((o) => o?.startsWith('Gone'))).toBe(false);
    await user.selectOptions(picker, '4');
    await user.click(screen.getByRole('button', { name: 'Add to queue' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ queue: [2, 4] }]));
    await user.click(await screen.findByRole('button', { name: 'Remove Olga from the queue' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)[1]).toEqual({ queue: [4] }));
  });

  test('drag and drop reorders', async () => {
    at('/admin/lines/7');
    const { calls } = lineMocks();
    render(<AdminPages me={ADMIN} />);
    const src = await screen.findByTestId('queue-item-4');
    await screen.findByRole('link', { name: 'Website chat' });
    const dst = screen.getByTestId('queue-item-2');
    const dt = { setData: vi.fn(), getData: vi.fn(), effectAllowed: '', dropEffect: '' };
    fireEvent.dragStart(src, { dataTransfer: dt });
    fireEvent.dragOver(dst, { dataTransfer: dt });
    fireEvent.drop(dst, { dataTransfer: dt });
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ queue: [4, 2, 3] }));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
    const items = within(screen.getByRole('list', { name: 'Queue' })).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.adm-queue-name')!.textContent)).toEqual(['Petr', 'Olga', 'Ivan']);
  });

  test('routing form validation, then Save sends PATCH {routing}', async () => {
    at('/admin/lines/7');
    const { calls } = lineMocks();
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    const qt = await screen.findByLabelText('Offer time (seconds)');
    await user.clear(qt);
    await user.type(qt, '-5');
    const mc = screen.getByLabelText('Maximum chats per operator');
    await user.clear(mc);
    await user.type(mc, '3');
    for (const name of ['New', 'Answered', 'Waiting for the customer']) await user.click(screen.getByRole('checkbox', { name }));
    await user.click(screen.getByRole('button', { name: 'Save routing' }));
    expect(screen.getByText(/Enter whole seconds from 0 to 604800/)).toBeInTheDocument();
    expect(qt).toHaveAttribute('aria-invalid', 'true');
    expect(qt).toHaveFocus();
    expect(screen.getByRole('alert')).toHaveTextContent('Fix the highlighted fields');
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    await user.clear(qt);
    await user.type(qt, '30');
    await user.click(screen.getByRole('button', { name: 'Save routing' }));
    expect(screen.getByText(/Choose at least one status/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    await user.click(screen.getByRole('checkbox', { name: 'Closing' }));
    await user.click(screen.getByRole('checkbox', { name: 'New' }));
    await user.click(screen.getByRole('radio', { name: 'Strictly in order' }));
    await user.click(screen.getByRole('checkbox', { name: 'Only offer chats to available operators' }));
    await user.click(screen.getByRole('button', { name: 'Save routing' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({
      routing: { mode: 'strictly', queue_time_s: 30, max_chats: 3, max_chats_count: ['new', 'closing'], only_available: false },
    });
    expect(await screen.findByText('Routing settings saved.')).toBeInTheDocument();
  });

  test('unsaved routing edits survive a queue change', async () => {
    at('/admin/lines/7');
    lineMocks();
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('radio', { name: 'All at once' }));
    await user.click(screen.getByRole('button', { name: 'Move Olga down' }));
    await screen.findByText('Olga moved to position 2 of 3.');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Move Olga up' })).toBeEnabled());
    expect(screen.getByRole('radio', { name: 'All at once' })).toBeChecked();
  });

  test('a failed queue change is rolled back and the error shown', async () => {
    at('/admin/lines/7');
    mockFetch(
      route('PATCH', '/api/v1/lines/7', () => ({ status: 400, json: { error: { code: 'bad_request', message: 'Employee 3 is not active.' } } })),
      route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', [2, 3]) })),
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN, olga, ivan], next_cursor: null } })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [], next_cursor: null } })),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('button', { name: 'Move Ivan up' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The queue was not saved: Employee 3 is not active.');
    const items = within(screen.getByRole('list', { name: 'Queue' })).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.adm-queue-name')!.textContent)).toEqual(['Olga', 'Ivan']);
  });

  test('delete line shows the server 409 message', async () => {
    at('/admin/lines/7');
    lineMocks();
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('button', { name: 'Delete line' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete line' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The line still has channels; delete them first.');
  });
});

test('validateRouting', () => {
  const ok = { mode: 'all' as const, queue_time_s: '0', max_chats: '0', max_chats_count: [], only_available: true };
  expect(validateRouting(ok)).toEqual({});
  expect(Object.keys(validateRouting({ ...ok, queue_time_s: '604801' }))).toEqual(['queue_time_s']);
  expect(Object.keys(validateRouting({ ...ok, queue_time_s: '1.5' }))).toEqual(['queue_time_s']);
  expect(Object.keys(validateRouting({ ...ok, max_chats: '1001' }))).toEqual(['max_chats']);
  expect(Object.keys(validateRouting({ ...ok, max_chats: '2' }))).toEqual(['max_chats_count']);
});

describe('channels', () => {
  test('creating a webchat channel opens its page with the snippet containing its id', async () => {
    at('/admin/lines/7');
    const { calls } = mockFetch(
      route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', []) })),
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [], next_cursor: null } })),
      route('POST', '/api/v1/lines/7/channels', () => ({ status: 201, json: channel(42, 7, 'webchat', { secret: 'olk_x' }) })),
      route('GET', '/api/v1/channels/42', () => ({ json: channel(42, 7, 'webchat') })),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    expect(await screen.findByText(/No channels yet/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add channel' }));
    await user.type(screen.getByLabelText('Channel name'), 'Shop chat');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(window.location.pathname).toBe('/admin/channels/42'));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ kind: 'webchat', name: 'Shop chat' });
    const snippet = (await screen.findByLabelText('Embed snippet')) as HTMLTextAreaElement;
    expect(snippet.value).toBe(`<script src="${window.location.origin}/widget.js" data-channel="42" async></script>`);
    expect(snippet).toHaveAttribute('readonly');
    expect(screen.getByRole('button', { name: 'Copy snippet' })).toBeInTheDocument();
  });

  test('allowed origins: validation, add and remove', async () => {
    at('/admin/channels/42');
    let current = channel(42, 7, 'webchat', { allowed_origins: ['https://a.example'] });
    const { calls } = mockFetch(
      route('GET', '/api/v1/channels/42', () => ({ json: current })),
      route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', []) })),
      route('PATCH', '/api/v1/channels/42', (c) => {
        current = { ...current, ...(c.body as object) };
        return { json: current };
      }),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    const input = await screen.findByLabelText('New origin');
    await user.type(input, 'https://b.example/path');
    await user.click(screen.getByRole('button', { name: 'Add origin' }));
    expect(screen.getByRole('alert')).toHaveTextContent('no path');
    await user.clear(input);
    await user.type(input, 'HTTPS://B.example:8443/');
    await user.click(screen.getByRole('button', { name: 'Add origin' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ allowed_origins: ['https://a.example', 'https://b.example:8443'] }),
    );
    await user.click(await screen.findByRole('button', { name: 'Remove origin https://a.example' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')[1]?.body).toEqual({ allowed_origins: ['https://b.example:8443'] }));
  });

  test('api channel: secret only right after creation, rotate with confirmation, webhook', async () => {
    at('/admin/lines/7');
    let current = channel(43, 7, 'api');
    const { calls } = mockFetch(
      route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', []) })),
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [], next_cursor: null } })),
      route('POST', '/api/v1/lines/7/channels', () => ({ status: 201, json: { ...current, secret: 'olk_first' } })),
      route('GET', '/api/v1/channels/43', () => ({ json: current })),
      route('PATCH', '/api/v1/channels/43', (c) => {
        const b = c.body as { rotate_secret?: boolean; webhook_url?: string };
        if (b.webhook_url !== undefined) current = { ...current, webhook_url: b.webhook_url };
        return { json: b.rotate_secret ? { ...current, secret: 'olk_second' } : current };
      }),
    );
    const user = userEvent.setup();
    const view = render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('button', { name: 'Add channel' }));
    await user.selectOptions(screen.getByLabelText('Channel type'), 'api');
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    const secret = (await screen.findByLabelText('Channel secret')) as HTMLInputElement;
    expect(secret.value).toBe('olk_first');
    expect(screen.getByText(/This secret is shown only now/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect((screen.getByLabelText('Inbound endpoint') as HTMLInputElement).value).toBe(`${window.location.origin}/hooks/api/43/messages`);

    await user.type(screen.getByLabelText('Webhook URL'), 'https://bot.example/hook');
    await user.click(screen.getByRole('button', { name: 'Save webhook' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH' && (c.body as { webhook_url?: string }).webhook_url === 'https://bot.example/hook')).toBe(true));

    // Leave and come back: the secret is gone.
    view.unmount();
    render(<AdminPages me={ADMIN} />);
    expect(await screen.findByText(/The secret is hidden/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Channel secret')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Rotate secret' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate the secret?' });
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(((await screen.findByLabelText('Channel secret')) as HTMLInputElement).value).toBe('olk_second');
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toContainEqual({ rotate_secret: true });
  });
});

describe('telegram channels', () => {
  const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
  const BOT = { bot_id: 123456, username: 'TestNameBot', first_name: 'Test First name', mode: 'polling' as const };

  test('the bot token is required, masked, and the server’s 400 and 503 messages are shown', async () => {
    at('/admin/lines/7');
    let answer: { status: number; json: unknown } = {
      status: 400, json: { error: { code: 'invalid_request', message: 'Telegram refused the bot token: Unauthorized' } },
    };
    const { calls } = mockFetch(
      route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', []) })),
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [], next_cursor: null } })),
      route('POST', '/api/v1/lines/7/channels', () => answer),
      route('GET', '/api/v1/channels/44', () => ({ json: channel(44, 7, 'telegram', { name: 'Test First name', telegram: BOT }) })),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('button', { name: 'Add channel' }));
    // No token field for other kinds.
    expect(screen.queryByLabelText('Bot token')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Channel type'), 'telegram');
    const tokenInput = screen.getByLabelText('Bot token');
    expect(tokenInput).toHaveAttribute('type', 'password');
    expect(tokenInput).toHaveAttribute('autocomplete', 'off');
    expect(tokenInput).toBeRequired();
    expect(tokenInput).toHaveAccessibleDescription(/From @BotFather/);
    expect(screen.getByText(/Default: the bot’s name/)).toBeInTheDocument();

    // Empty: a field error, nothing sent.
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the bot token you got from @BotFather.');
    expect(tokenInput).toHaveAttribute('aria-invalid', 'true');
    expect(tokenInput).toHaveFocus();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    // Refused by Telegram (400): the server's message, the form stays.
    await user.type(tokenInput, `  ${TOKEN} `);
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Telegram refused the bot token: Unauthorized');
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ kind: 'telegram', bot_token: TOKEN });
    expect(window.location.pathname).toBe('/admin/lines/7');

    // Telegram unreachable (503).
    answer = { status: 503, json: { error: { code: 'unavailable', message: 'Telegram cannot be reached to check the token: timeout' } } };
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Telegram cannot be reached to check the token: timeout'));

    // Accepted: the channel page shows the bot.
    answer = { status: 201, json: channel(44, 7, 'telegram', { name: 'Test First name', secret: 'olk_hook', telegram: BOT }) };
    await user.click(screen.getByRole('button', { name: 'Create channel' }));
    await waitFor(() => expect(window.location.pathname).toBe('/admin/channels/44'));
    expect(await screen.findByRole('heading', { name: 'Telegram bot' })).toBeInTheDocument();
    expect(screen.getByText('@TestNameBot')).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(TOKEN);
    expect(document.body.textContent).not.toContain('olk_hook');
    expect(screen.queryByLabelText('Channel secret')).toBeNull();
  });

  test('the channel page shows the bot (username, name, mode) and never a token; the line lists it', async () => {
    at('/admin/channels/44');
    const tg = channel(44, 7, 'telegram', { name: 'Support bot', telegram: { ...BOT, mode: 'webhook' } });
    mockFetch(
      route('GET', '/api/v1/channels/44', () => ({ json: tg })),
      route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', []) })),
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [tg], next_cursor: null } })),
    );
    const view = render(<AdminPages me={ADMIN} />);
    const card = (await screen.findByRole('heading', { name: 'Telegram bot' })).closest('section')!;
    expect(within(card).getByText('@TestNameBot')).toBeInTheDocument();
    expect(within(card).getByText('Test First name')).toBeInTheDocument();
    expect(within(card).getByText(/Webhook: Telegram sends new messages/)).toBeInTheDocument();
    expect(screen.getByText('Telegram', { selector: '.adm-badge' })).toBeInTheDocument();
    // Nothing of the other kinds: no snippet, endpoint, secret or token field.
    expect(screen.queryByLabelText('Embed snippet')).toBeNull();
    expect(screen.queryByLabelText('Inbound endpoint')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Rotate secret' })).toBeNull();
    expect(screen.queryByLabelText(/token/i)).toBeNull();

    view.unmount();
    at('/admin/lines/7');
    render(<AdminPages me={ADMIN} />);
    const link = await screen.findByRole('link', { name: 'Support bot' });
    expect(link.closest('li')).toHaveTextContent('Support bot — Telegram (@TestNameBot)');
  });
});

test('navigation: tabs push history and popstate re-renders', async () => {
  mockFetch(
    route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
    route('GET', '/api/v1/lines', () => ({ json: { items: [line(7, 'Sales & <Support>', [2])], next_cursor: null } })),
  );
  const user = userEvent.setup();
  render(<AdminPages me={ADMIN} />);
  expect(await screen.findByRole('heading', { name: 'Employees' })).toBeInTheDocument();
  await user.click(screen.getByRole('link', { name: 'Lines' }));
  expect(window.location.pathname).toBe('/admin/lines');
  expect(await screen.findByRole('link', { name: 'Sales & <Support>' })).toHaveAttribute('href', '/admin/lines/7');
  expect(screen.getByRole('link', { name: 'Lines' })).toHaveAttribute('aria-current', 'page');
  act(() => {
    window.history.back();
  });
  await waitFor(() => expect(window.location.pathname).not.toBe('/admin/lines'));
});
