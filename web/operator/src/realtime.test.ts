import { BACKOFF_MAX_MS, RealtimeClient, backoffDelay, type EventFrame, type SocketLike } from './realtime';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  frame(f: object) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

function setup(random = () => 0.5) {
  const sockets: FakeSocket[] = [];
  const events: EventFrame[] = [];
  const statuses: string[] = [];
  const onSync = vi.fn();
  const client = new RealtimeClient({
    url: 'ws://h/api/v1/realtime',
    createSocket: (u) => {
      const s = new FakeSocket(u);
      sockets.push(s);
      return s;
    },
    onEvent: (e) => events.push(e),
    onSync,
    onStatus: (s) => statuses.push(s),
    random,
  });
  return { client, sockets, events, statuses, onSync };
}

const msg = (seq: number, id: number) => ({
  seq,
  type: 'message.created',
  data: { message: { id, dialog_id: 1 } },
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('RealtimeClient', () => {
  it('syncs over REST after the first hello and applies live events', () => {
    const { client, sockets, events, onSync, statuses } = setup();
    client.start();
    expect(sockets).toHaveLength(1);
    sockets[0].open();
    expect(onSync).not.toHaveBeenCalled();
    sockets[0].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 10 } });
    expect(onSync).toHaveBeenCalledTimes(1);
    expect(statuses).toEqual(['online']);
    sockets[0].frame(msg(11, 100));
    expect(events.map((e) => e.seq)).toEqual([11]);
    expect(client.seq).toBe(11);
  });

  it('resumes from the last seq after a reconnect, without reloading', () => {
    const { client, sockets, events, onSync, statuses } = setup();
    client.start();
    sockets[0].open();
    sockets[0].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 10 } });
    sockets[0].frame(msg(11, 100));
    sockets[0].drop();
    expect(statuses).toEqual(['online', 'offline']);
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    sockets[1].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 14 } });
    expect(sockets[1].sent).toContainEqual({ type: 'resume', seq: 11 });
    sockets[1].frame(msg(12, 101));
    sockets[1].frame(msg(13, 102));
    sockets[1].frame({ seq: 0, type: 'resumed', data: { seq: 14 } });
    expect(statuses).toEqual(['online', 'offline', 'online']);
    expect(onSync).toHaveBeenCalledTimes(1);
    expect(events.map((e) => e.seq)).toEqual([11, 12, 13]);
  });

  it('drops events it has already applied', () => {
    const { client, sockets, events } = setup();
    client.start();
    sockets[0].open();
    sockets[0].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 0 } });
    sockets[0].frame(msg(1, 100));
    sockets[0].frame(msg(1, 100));
    sockets[0].frame(msg(2, 101));
    // Ephemeral events (seq 0) always pass.
    sockets[0].frame({ seq: 0, type: 'typing', data: { dialog_id: 1, author: { kind: 'customer', name: 'C' } } });
    sockets[0].frame({ seq: 0, type: 'typing', data: { dialog_id: 1, author: { kind: 'customer', name: 'C' } } });
    expect(events.map((e) => e.type)).toEqual(['message.created', 'message.created', 'typing', 'typing']);
  });

  it('reloads over REST when the server cannot resume', () => {
    const { client, sockets, onSync, events } = setup();
    client.start();
    sockets[0].open();
    sockets[0].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 50 } });
    sockets[0].drop();
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    sockets[1].open();
    sockets[1].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 3 } });
    sockets[1].frame({ seq: 0, type: 'resync_required', data: { reason: 'newer than the log' } });
    expect(onSync).toHaveBeenCalledTimes(2);
    // Events after the resync are applied even though their seq is below the old one.
    sockets[1].frame(msg(4, 200));
    expect(events.map((e) => e.seq)).toEqual([4]);
  });

  it('backs off exponentially from 0.5 s to 10 s with jitter', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(1, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(10, () => 1)).toBe(10_000);
    expect(backoffDelay(10, () => 0)).toBe(5000);
  });

  it('retries with growing delays and resets after a hello', () => {
    const { client, sockets } = setup(() => 1);
    client.start();
    sockets[0].drop();
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1].drop();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2].open();
    sockets[2].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 0 } });
    sockets[2].drop();
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(4);
  });

  it('gives up on a connection that never says hello', () => {
    const { client, sockets, statuses } = setup(() => 1);
    client.start();
    sockets[0].open();
    vi.advanceTimersByTime(9_999);
    expect(sockets[0].closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(sockets[0].closed).toBe(true);
    expect(statuses).toEqual(['offline']);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    sockets[1].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 0 } });
    vi.advanceTimersByTime(60_000);
    expect(sockets[1].closed).toBe(false);
  });

  it('pings every 25 s while connected', () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0].open();
    sockets[0].frame({ seq: 0, type: 'hello', data: { employee_id: 1, last_seq: 0 } });
    vi.advanceTimersByTime(25_000);
    expect(sockets[0].sent).toEqual([{ type: 'ping' }]);
    vi.advanceTimersByTime(25_000);
    expect(sockets[0].sent).toHaveLength(2);
  });

  it('sends typing notices only while connected and stops cleanly', () => {
    const { client, sockets } = setup();
    client.start();
    expect(client.send({ type: 'typing', dialog_id: 5 })).toBe(false);
    sockets[0].open();
    expect(client.send({ type: 'typing', dialog_id: 5 })).toBe(true);
    expect(sockets[0].sent).toEqual([{ type: 'typing', dialog_id: 5 }]);
    client.stop();
    expect(sockets[0].closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
