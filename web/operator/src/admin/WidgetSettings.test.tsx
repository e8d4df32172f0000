import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, test, vi } from 'vitest';
import AdminPages from './AdminPages';
import type { LineWithOptions } from './ShowOperatorForm';
import { ADMIN, channel, line, mockFetch, route, type Call } from './testutil';
import {
  DEFAULT_WIDGET, normaliseColour, textOn, validateWidget, widgetFromDraft,
  type ChannelWithWidget, type WidgetDraft, type WidgetSettings,
} from './WidgetForm';

function at(path: string) {
  window.history.replaceState(null, '', path);
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const patches = (calls: Call[]) => calls.filter((c) => c.method === 'PATCH').map((c) => c.body);

/** A webchat channel 42 whose PATCH merges `widget` like the server does. */
function channelMocks(widget: WidgetSettings | undefined = { ...DEFAULT_WIDGET }, kind: 'webchat' | 'api' = 'webchat') {
  let current: ChannelWithWidget = { ...channel(42, 7, kind), ...(widget ? { widget } : {}) };
  const mocks = mockFetch(
    route('GET', '/api/v1/channels/42', () => ({ json: current })),
    route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', []) })),
    route('PATCH', '/api/v1/channels/42', (c) => {
      const b = c.body as { widget?: Partial<WidgetSettings> };
      current = { ...current, ...(b as object), widget: { ...DEFAULT_WIDGET, ...current.widget, ...b.widget } };
      return { json: current };
    }),
  );
  return { ...mocks, current: () => current };
}

async function openWidget() {
  at('/admin/channels/42');
  render(<AdminPages me={ADMIN} />);
  const heading = await screen.findByRole('heading', { name: 'Widget' });
  return heading.closest('form')!;
}

describe('widget settings', () => {
  test('only on a website chat', async () => {
    at('/admin/channels/42');
    channelMocks(undefined, 'api');
    render(<AdminPages me={ADMIN} />);
    await screen.findByRole('button', { name: 'Rotate secret' });
    expect(screen.queryByRole('heading', { name: 'Widget' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save widget' })).toBeNull();
  });

  test('shows the saved settings and sends every field in PATCH {widget}', async () => {
    const { calls } = channelMocks({
      ...DEFAULT_WIDGET, title: 'Hello', greeting: 'Hi!', color: '#112233', prechat_fields: ['phone'],
      consent_text: 'Old text',
    });
    const user = userEvent.setup();
    const form = await openWidget();
    const title = within(form).getByLabelText('Title');
    expect(title).toHaveValue('Hello');
    expect(within(form).getByLabelText('Greeting')).toHaveValue('Hi!');
    expect(within(form).getByLabelText('Colour')).toHaveValue('#112233');
    expect(within(form).getByLabelText('Hex code')).toHaveValue('#112233');
    expect(within(form).getByRole('radio', { name: 'Right' })).toBeChecked();
    const prechat = within(form).getByRole('group', { name: 'Pre-chat form' });
    expect(within(prechat).getByRole('checkbox', { name: 'Phone' })).toBeChecked();
    expect(within(prechat).getByRole('checkbox', { name: 'Name' })).not.toBeChecked();

    await user.clear(title);
    await user.type(title, '  Ask <b>us</b>  ');
    await user.clear(within(form).getByLabelText('Greeting'));
    await user.type(within(form).getByLabelText('Greeting'), 'Hello!{Enter}We answer fast.');
    const hex = within(form).getByLabelText('Hex code');
    await user.clear(hex);
    await user.type(hex, '#FF8800');
    await user.click(within(form).getByRole('radio', { name: 'Left' }));
    await user.click(within(prechat).getByRole('checkbox', { name: 'E-mail' }));
    await user.click(within(prechat).getByRole('checkbox', { name: 'Name' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Visitors must fill in the form' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Visitors must accept a consent text' }));
    const consent = within(form).getByLabelText('Consent text');
    await user.clear(consent);
    await user.type(consent, 'I agree to the processing of my data.');
    // The preview follows the draft; user text stays text.
    const preview = screen.getByTestId('widget-preview');
    expect(preview).toHaveTextContent('Ask <b>us</b>');
    expect(preview.querySelector('b')).toBeNull();
    expect(preview.querySelector('.adm-widget-preview-head')).toHaveStyle({ background: '#ff8800' });
    expect(preview).toHaveClass('adm-widget-preview-left');

    await user.click(within(form).getByRole('button', { name: 'Save widget' }));
    expect(await screen.findByText('Widget settings saved.')).toBeInTheDocument();
    expect(patches(calls)).toEqual([{
      widget: {
        title: 'Ask <b>us</b>',
        greeting: 'Hello!\nWe answer fast.',
        color: '#ff8800',
        position: 'left',
        prechat_fields: ['name', 'email', 'phone'],
        prechat_required: true,
        consent_required: true,
        consent_text: 'I agree to the processing of my data.',
      },
    }]);
    // The answer is shown: the hex text is the server's.
    expect(within(form).getByLabelText('Hex code')).toHaveValue('#ff8800');
  });

  test('the colour picker and the hex text follow each other', async () => {
    const { calls } = channelMocks();
    const user = userEvent.setup();
    const form = await openWidget();
    const picker = within(form).getByLabelText('Colour');
    expect(picker).toHaveAttribute('type', 'color');
    fireEvent.change(picker, { target: { value: '#00aa55' } });
    expect(within(form).getByLabelText('Hex code')).toHaveValue('#00aa55');
    const hex = within(form).getByLabelText('Hex code');
    await user.clear(hex);
    await user.type(hex, 'ABC');
    expect(picker).toHaveValue('#aabbcc');
    await user.tab();
    expect(hex).toHaveValue('#aabbcc');
    await user.click(within(form).getByRole('button', { name: 'Save widget' }));
    await waitFor(() => expect(patches(calls)).toHaveLength(1));
    expect((patches(calls)[0] as { widget: WidgetSettings }).widget.color).toBe('#aabbcc');
  });

  test('validation of title, colour and consent text; nothing is sent', async () => {
    const { calls } = channelMocks();
    const user = userEvent.setup();
    const form = await openWidget();
    const title = within(form).getByLabelText('Title');
    await user.clear(title);
    await user.type(title, '   ');
    const hex = within(form).getByLabelText('Hex code');
    await user.clear(hex);
    await user.type(hex, '#12345g');
    await user.click(within(form).getByRole('checkbox', { name: 'Visitors must accept a consent text' }));
    await user.click(within(form).getByRole('button', { name: 'Save widget' }));

    expect(within(form).getByRole('alert')).toHaveTextContent('Fix the highlighted fields, then save again.');
    expect(within(form).getByText('Enter a title.')).toBeInTheDocument();
    expect(within(form).getByText(/like #2563eb/)).toBeInTheDocument();
    expect(within(form).getByText(/Enter the text visitors must accept/)).toBeInTheDocument();
    expect(title).toHaveAttribute('aria-invalid', 'true');
    expect(title).toHaveAccessibleDescription(/Enter a title\./);
    expect(hex).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByLabelText('Consent text')).toHaveAttribute('aria-invalid', 'true');
    expect(title).toHaveFocus();
    expect(patches(calls)).toEqual([]);

    // Too long (the server counts bytes: 51 two-byte letters are over 100).
    await user.clear(title);
    fireEvent.change(title, { target: { value: 'ж'.repeat(51) } });
    await user.clear(hex);
    await user.type(hex, '#2563eb');
    await user.type(within(form).getByLabelText('Consent text'), 'x');
    await user.click(within(form).getByRole('button', { name: 'Save widget' }));
    expect(within(form).getByText(/Too long: at most 100 characters/)).toBeInTheDocument();
    expect(hex).not.toHaveAttribute('aria-invalid');
    expect(patches(calls)).toEqual([]);

    fireEvent.change(title, { target: { value: 'ж'.repeat(50) } });
    await user.click(within(form).getByRole('button', { name: 'Save widget' }));
    await waitFor(() => expect(patches(calls)).toHaveLength(1));
    expect(within(form).queryByRole('alert')).toBeNull();
  });

  test('"must fill in the form" is disabled until a field is chosen, and unticked when none is left', async () => {
    const { calls } = channelMocks();
    const user = userEvent.setup();
    const form = await openWidget();
    const required = within(form).getByRole('checkbox', { name: 'Visitors must fill in the form' });
    expect(required).toBeDisabled();
    expect(required).toHaveAccessibleDescription('Choose at least one field first.');
    const prechat = within(form).getByRole('group', { name: 'Pre-chat form' });
    await user.click(within(prechat).getByRole('checkbox', { name: 'Phone' }));
    expect(required).toBeEnabled();
    await user.click(required);
    expect(required).toBeChecked();
    await user.click(within(prechat).getByRole('checkbox', { name: 'Phone' }));
    expect(required).toBeDisabled();
    expect(required).not.toBeChecked();
    await user.click(within(form).getByRole('button', { name: 'Save widget' }));
    await waitFor(() => expect(patches(calls)).toHaveLength(1));
    expect(patches(calls)[0]).toEqual({ widget: { ...DEFAULT_WIDGET } });
  });

  test("the server's error message is shown", async () => {
    at('/admin/channels/42');
    mockFetch(
      route('GET', '/api/v1/channels/42', () => ({ json: { ...channel(42, 7, 'webchat'), widget: DEFAULT_WIDGET } })),
      route('GET', '/api/v1/lines/7', () => ({ json: line(7, 'Sales', []) })),
      route('PATCH', '/api/v1/channels/42', () => ({
        status: 400, json: { error: { code: 'invalid', message: 'widget.title contains control characters' } },
      })),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    await user.click(await screen.findByRole('button', { name: 'Save widget' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('widget.title contains control characters');
    expect(screen.queryByText('Widget settings saved.')).toBeNull();
  });

  test('unsaved widget edits survive another change to the channel', async () => {
    channelMocks();
    const user = userEvent.setup();
    const form = await openWidget();
    await user.clear(within(form).getByLabelText('Title'));
    await user.type(within(form).getByLabelText('Title'), 'Draft title');
    await user.type(screen.getByLabelText('New origin'), 'https://a.example');
    await user.click(screen.getByRole('button', { name: 'Add origin' }));
    await screen.findByRole('button', { name: 'Remove origin https://a.example' });
    expect(within(form).getByLabelText('Title')).toHaveValue('Draft title');
  });

  test('a channel without widget settings (older server) starts from the defaults', async () => {
    channelMocks(undefined);
    const form = await openWidget();
    expect(within(form).getByLabelText('Title')).toHaveValue('Chat with us');
    expect(within(form).getByLabelText('Colour')).toHaveValue('#2563eb');
  });
});

test('validateWidget, widgetFromDraft, normaliseColour, textOn', () => {
  const ok: WidgetDraft = { ...DEFAULT_WIDGET, prechat_fields: [] };
  expect(validateWidget(ok)).toEqual({});
  expect(Object.keys(validateWidget({ ...ok, title: '' }))).toEqual(['title']);
  expect(Object.keys(validateWidget({ ...ok, title: 'a'.repeat(101) }))).toEqual(['title']);
  expect(Object.keys(validateWidget({ ...ok, title: 'a'.repeat(100) }))).toEqual([]);
  expect(Object.keys(validateWidget({ ...ok, title: 'a\tb' }))).toEqual(['title']);
  expect(Object.keys(validateWidget({ ...ok, greeting: 'a\nb' }))).toEqual([]);
  expect(Object.keys(validateWidget({ ...ok, greeting: 'a'.repeat(1001) }))).toEqual(['greeting']);
  expect(Object.keys(validateWidget({ ...ok, color: 'blue' }))).toEqual(['color']);
  expect(Object.keys(validateWidget({ ...ok, consent_required: true }))).toEqual(['consent_text']);
  expect(Object.keys(validateWidget({ ...ok, consent_text: 'a'.repeat(4001) }))).toEqual(['consent_text']);
  expect(widgetFromDraft({ ...ok, prechat_fields: ['phone', 'name'], prechat_required: true, color: '#ABCDEF' }))
    .toMatchObject({ prechat_fields: ['name', 'phone'], prechat_required: true, color: '#abcdef' });
  expect(widgetFromDraft({ ...ok, prechat_required: true }).prechat_required).toBe(false);
  expect(normaliseColour(' #A1b2C3 ')).toBe('#a1b2c3');
  expect(normaliseColour('fff')).toBe('#ffffff');
  expect(normaliseColour('#12345')).toBeNull();
  expect(normaliseColour('#1234567')).toBeNull();
  expect(textOn('#ffffff')).toBe('#111111');
  expect(textOn('#2563eb')).toBe('#ffffff');
});

describe("operators' names on the line page", () => {
  function lineMocks(l: LineWithOptions) {
    let current = l;
    return mockFetch(
      route('GET', '/api/v1/lines/7', () => ({ json: current })),
      route('PATCH', '/api/v1/lines/7', (c) => {
        current = { ...current, ...(c.body as object) };
        return { json: current };
      }),
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [], next_cursor: null } })),
    );
  }

  test('the checkbox shows the saved value and saves PATCH {show_operator}', async () => {
    at('/admin/lines/7');
    const { calls } = lineMocks({ ...line(7, 'Sales', []), show_operator: true });
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    const box = await screen.findByRole('checkbox', { name: "Show operators' names and photos to customers" });
    expect(box).toBeChecked();
    expect(box).toHaveAccessibleDescription(/customers see “Support”/);
    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Save operator names' }));
    await waitFor(() => expect(patches(calls)).toEqual([{ show_operator: false }]));
    expect(await screen.findByText(/Customers now see “Support”/)).toBeInTheDocument();
    expect(box).not.toBeChecked();

    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Save operator names' }));
    await waitFor(() => expect(patches(calls)).toEqual([{ show_operator: false }, { show_operator: true }]));
    expect(box).toBeChecked();
  });

  test('off when the line says so; a server error is shown', async () => {
    at('/admin/lines/7');
    mockFetch(
      route('GET', '/api/v1/lines/7', () => ({ json: { ...line(7, 'Sales', []), show_operator: false } })),
      route('PATCH', '/api/v1/lines/7', () => ({ status: 500, json: { error: { code: 'internal', message: 'Database is busy.' } } })),
      route('GET', '/api/v1/employees', () => ({ json: { items: [ADMIN], next_cursor: null } })),
      route('GET', '/api/v1/lines/7/channels', () => ({ json: { items: [], next_cursor: null } })),
    );
    const user = userEvent.setup();
    render(<AdminPages me={ADMIN} />);
    const box = await screen.findByRole('checkbox', { name: "Show operators' names and photos to customers" });
    expect(box).not.toBeChecked();
    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Save operator names' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Database is busy.');
  });
});
