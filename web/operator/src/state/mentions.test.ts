import type { MentionFrame } from '../api/messages';
import { dialog, employee, fakeFetch, line } from '../test/fixtures';
import { Store } from './store';

function mention(seq: number, over: Partial<MentionFrame['data']> = {}): MentionFrame {
  return {
    seq,
    type: 'mention',
    data: {
      employee_id: 1, dialog_id: 7, message_id: 70, by: { id: 2, name: 'Ivan' }, hidden: false,
      text: 'Olga please look', ...over,
    },
  };
}

async function setup(me = employee()) {
  const calls = fakeFetch({
    '/api/v1/dialogs/counts': { unanswered: 1, mine: 0, all: null },
    '/api/v1/dialogs': { items: [dialog(1, { unread: 2 })], next_cursor: null },
    '/api/v1/lines': { items: [line()], next_cursor: null },
    '/api/v1/directory/employees': { items: [], next_cursor: null },
  });
  const onMention = vi.fn();
  const onNewUnanswered = vi.fn();
  const store = new Store(me, { onMention, onNewUnanswered });
  await store.sync();
  return { store, calls, onMention, onNewUnanswered };
}

afterEach(() => vi.unstubAllGlobals());

describe('Store: mention events', () => {
  it('announces a mention of me once: hook and a toast that opens the dialog', async () => {
    const { store, onMention } = await setup();
    store.apply(mention(40));
    expect(onMention).toHaveBeenCalledTimes(1);
    expect(onMention).toHaveBeenCalledWith(mention(40).data);
    const toasts = store.getState().toasts;
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toMatchObject({
      kind: 'info', text: 'Ivan mentioned you in a dialog', action: { label: 'Open', path: '/dialogs/7' },
    });
    // The same event again (a replay) is not announced twice; a new one is.
    store.apply(mention(40));
    expect(onMention).toHaveBeenCalledTimes(1);
    store.apply(mention(41, { message_id: 71 }));
    expect(onMention).toHaveBeenCalledTimes(2);
    store.dispose();
  });

  it("ignores colleagues' mentions (admins and supervisors receive every event)", async () => {
    const { store, onMention } = await setup(employee({ id: 1, role: 'admin' }));
    store.apply(mention(50, { employee_id: 5 }));
    expect(onMention).not.toHaveBeenCalled();
    expect(store.getState().toasts).toEqual([]);
  });

  it('is not an unanswered dialog: counts, unread, the list and the new-dialog alert stay as they are', async () => {
    const { store, calls, onNewUnanswered } = await setup();
    const before = store.getState();
    const requests = calls.length;
    store.apply(mention(60, { dialog_id: 1 }));
    const after = store.getState();
    expect(onNewUnanswered).not.toHaveBeenCalled();
    expect(after.counts).toBe(before.counts);
    expect(after.unread).toBe(before.unread);
    expect(after.dialogs).toBe(before.dialogs);
    expect(after.list).toBe(before.list);
    expect(calls.length).toBe(requests);
  });

  it('ignores malformed mention frames', async () => {
    const { store, onMention } = await setup();
    store.apply({ seq: 70, type: 'mention', data: { employee_id: 1 } } as unknown as MentionFrame);
    expect(onMention).not.toHaveBeenCalled();
  });
});
