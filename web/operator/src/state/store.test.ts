import { dialog, employee, fakeFetch, line, message } from '../test/fixtures';
import { Store } from './store';

function setup() {
  const calls = fakeFetch({
    '/api/v1/dialogs/counts': { unanswered: 1, mine: 0, all: null },
    '/api/v1/dialogs/1/messages': { items: [message(1)], next_cursor: null },
    '/api/v1/dialogs/1/sessions': { items: [], next_cursor: null },
    '/api/v1/dialogs/1/read': dialog(1),
    '/api/v1/dialogs/1': dialog(1, { unread: 2 }),
    '/api/v1/dialogs': { items: [dialog(1, { unread: 2 })], next_cursor: null },
    '/api/v1/lines': { items: [line()], next_cursor: null },
    '/api/v1/directory/employees': { items: [], next_cursor: null },
  });
  const onNewUnanswered = vi.fn();
  const store = new Store(employee(), { onNewUnanswered });
  return { store, calls, onNewUnanswered };
}

afterEach(() => vi.unstubAllGlobals());

describe('Store', () => {
  it('dedupes messages by id and keeps them in order', async () => {
    const { store } = setup();
    await store.sync();
    await store.open(1);
    store.apply({ seq: 5, type: 'message.created', data: { message: message(3) } });
    store.apply({ seq: 6, type: 'message.created', data: { message: message(2) } });
    store.apply({ seq: 7, type: 'message.created', data: { message: message(3) } });
    store.apply({ seq: 8, type: 'message.updated', data: { message: message(2, { text: 'edited' }) } });
    const items = store.getState().threads.get(1)!.items;
    expect(items.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(items[1].text).toBe('edited');
  });

  it('marks a dialog read on opening and for customer messages while it is open', async () => {
    const { store, calls } = setup();
    await store.sync();
    expect(store.getState().unread.get(1)).toBe(2);
    await store.open(1);
    expect(store.getState().unread.get(1)).toBe(0);
    const reads = () => calls.filter((c) => c.method === 'POST' && c.path === '/api/v1/dialogs/1/read').length;
    expect(reads()).toBe(1);
    store.apply({ seq: 9, type: 'message.created', data: { message: message(4) } });
    expect(reads()).toBe(2);
    expect(store.getState().unread.get(1)).toBe(0);
  });

  it('send: a late answer does not undo the delivery events that came before it', async () => {
    const { store } = setup();
    await store.sync();
    await store.open(1);
    const sent = message(6, { author: { kind: 'operator', name: 'Olga', id: 1 }, delivery: 'pending' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    vi.stubGlobal('fetch', vi.fn(async () => {
      await gate;
      return new Response(JSON.stringify(sent), { status: 201 });
    }));
    const pending = store.send(1, 'Message 6', false, null);
    // The channel refused it at once: both events are in before the answer.
    store.apply({ seq: 40, type: 'message.created', data: { message: sent } });
    store.apply({ seq: 41, type: 'message.updated', data: { message: { ...sent, delivery: 'failed' } } });
    release();
    expect((await pending).id).toBe(6);
    expect(store.getState().threads.get(1)!.items.find((m) => m.id === 6)!.delivery).toBe('failed');
    // Without events first, the answer is what shows.
    const next = message(8, { author: { kind: 'operator', name: 'Olga', id: 1 }, delivery: 'pending' });
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(next), { status: 201 })));
    await store.send(1, 'Message 8', false, null);
    expect(store.getState().threads.get(1)!.items.find((m) => m.id === 8)!.delivery).toBe('pending');
  });

  it('retryDelivery: the answer ("pending") does not undo a newer delivery event', async () => {
    const { store } = setup();
    await store.sync();
    const failed = message(5, { author: { kind: 'operator', name: 'Olga', id: 1 }, delivery: 'failed' });
    await store.open(1);
    store.apply({ seq: 30, type: 'message.created', data: { message: failed } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    vi.stubGlobal('fetch', vi.fn(async () => {
      await gate;
      return new Response(JSON.stringify({ ...failed, delivery: 'pending' }), { status: 200 });
    }));
    const pending = store.retryDelivery(failed);
    // The outbox was quicker than the answer: the events say pending, then sent.
    store.apply({ seq: 31, type: 'message.updated', data: { message: { ...failed, delivery: 'pending' } } });
    store.apply({ seq: 32, type: 'message.updated', data: { message: { ...failed, delivery: 'sent' } } });
    release();
    expect(await pending).toBe(true);
    expect(store.getState().threads.get(1)!.items.find((m) => m.id === 5)!.delivery).toBe('sent');
  });

  it('does not let a late action answer undo a newer live update', async () => {
    const { store } = setup();
    await store.sync();
    const closed = dialog(1, { unread: 0 }, { id: 10, status: 'closed' });
    fakeFetch({ '/api/v1/dialogs/1/close': closed });
    const pending = store.action(1, 'close');
    // The customer writes again before the answer to "close" is handled: a new session.
    const reopened = dialog(1, {}, { id: 11, status: 'new' });
    const { unread: _u, ...event } = reopened;
    store.apply({ seq: 20, type: 'dialog.updated', data: { dialog: event } });
    expect(await pending).toBe(true);
    const d = store.getState().dialogs.get(1)!;
    expect(d.session.id).toBe(11);
    expect(d.session.status).toBe('new');
    expect(store.getState().unread.get(1)).toBe(0);  // the answer's own count is still taken
    // With no event in between, the answer is applied.
    fakeFetch({ '/api/v1/dialogs/1/pin': dialog(1, {}, { id: 11, status: 'new', pinned: true }) });
    await store.action(1, 'pin');
    expect(store.getState().dialogs.get(1)!.session.pinned).toBe(true);
  });

  it('keeps the local unread count when events carry none', async () => {
    const { store } = setup();
    await store.sync();
    store.apply({ seq: 3, type: 'message.created', data: { message: message(9, { dialog_id: 1 }) } });
    const { unread: _u, ...withoutUnread } = dialog(1);
    store.apply({ seq: 4, type: 'dialog.updated', data: { dialog: withoutUnread } });
    expect(store.getState().unread.get(1)).toBe(3);
  });

  it('takes the dialog a message.created carries (a message in an ongoing session)', async () => {
    const { store } = setup();
    await store.sync();
    const { unread: _u, ...before } = dialog(1, { title: 'Before' });
    store.apply({ seq: 3, type: 'dialog.updated', data: { dialog: before } });
    const { unread: _v, ...after } = dialog(1, { title: 'After' }, { status: 'in_work', operator_id: 1 });
    store.apply({ seq: 4, type: 'message.created', data: { message: message(9, { dialog_id: 1 }), dialog: after } });
    const d = store.getState().dialogs.get(1)!;
    expect(d.title).toBe('After');
    expect(d.session.status).toBe('in_work');
    expect(store.getState().threads.get(1)?.items.map((m) => m.id) ?? [9]).toContain(9);
  });

  it('announces dialogs that become unanswered for me, once', async () => {
    const { store, onNewUnanswered } = setup();
    await store.sync();
    store.apply({ seq: 1, type: 'dialog.created', data: { dialog: dialog(2) } });
    store.apply({ seq: 2, type: 'dialog.updated', data: { dialog: dialog(2) } });
    expect(onNewUnanswered).toHaveBeenCalledTimes(1);
    // Offered to someone else: not mine to answer.
    store.apply({ seq: 3, type: 'dialog.created', data: { dialog: dialog(3, {}, { operator_id: 8 }) } });
    expect(onNewUnanswered).toHaveBeenCalledTimes(1);
    // Forwarded back to the queue: new again.
    store.apply({ seq: 4, type: 'dialog.updated', data: { dialog: dialog(3, {}, { status: 'in_work', operator_id: 1 }) } });
    store.apply({ seq: 5, type: 'dialog.updated', data: { dialog: dialog(3, {}, { status: 'new', operator_id: 1 }) } });
    expect(onNewUnanswered).toHaveBeenCalledTimes(2);
  });

  it('announces a new dialog that a list load already brought in before its event', async () => {
    const { store, onNewUnanswered } = setup();
    await store.sync();
    // The list (loaded after the dialog's commit) has it; then its dialog.created arrives.
    store.upsertDialog(dialog(5), false);
    store.apply({ seq: 9, type: 'dialog.created', data: { dialog: dialog(5) } });
    store.apply({ seq: 10, type: 'dialog.updated', data: { dialog: dialog(5) } });
    expect(onNewUnanswered).toHaveBeenCalledTimes(1);
  });

  it('shows who is typing, but not myself', () => {
    const { store } = setup();
    store.apply({ seq: 0, type: 'typing', data: { dialog_id: 1, author: { kind: 'operator', id: 1, name: 'Olga' } } });
    expect(store.getState().typing.get(1)).toBeUndefined();
    store.apply({ seq: 0, type: 'typing', data: { dialog_id: 1, author: { kind: 'customer', name: 'Ann' } } });
    expect(store.getState().typing.get(1)?.name).toBe('Ann');
    store.dispose();
  });

  it('throttles typing notices to one per 3 seconds', () => {
    vi.useFakeTimers();
    const sendTyping = vi.fn();
    const store = new Store(employee(), { sendTyping });
    store.typing(1);
    store.typing(1);
    vi.advanceTimersByTime(2999);
    store.typing(1);
    expect(sendTyping).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    store.typing(1);
    expect(sendTyping).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});
