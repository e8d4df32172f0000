import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { Realtime, type RealtimeEvent } from './realtime';

let sockets: FakeSocket[] = [];
class FakeSocket {
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onopen: (() => void) | null = null;
  sent: any[] = [];
  closed = false;
  constructor(readonly url: string) {
    sockets.push(this);
  }
  send(s: string) {
    this.sent.push(JSON.parse(s));
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
  emit(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function setup() {
  const log: string[] = [];
  const events: RealtimeEvent[] = [];
  const rt = new Realtime(() => 'wss://x/api/v1/widget/realtime?token=t', {
    onFresh: () => log.push('fresh'),
    onResumed: () => log.push('resumed'),
    onEvent: (e) => events.push(e),
    onStatus: (up) => log.push(up ? 'up' : 'down'),
  });
  return { rt, log, events };
}

test('fresh start, events in order, duplicates dropped, resume after a drop', () => {
  const { rt, log, events } = setup();
  rt.start();
  expect(sockets.length).toBe(1);
  sockets[0].emit({ seq: 0, type: 'hello', data: { customer_id: 1, last_seq: 40 } });
  expect(log).toEqual(['up', 'fresh']);
  sockets[0].emit({ seq: 41, type: 'message.created', data: {} });
  sockets[0].emit({ seq: 41, type: 'message.created', data: {} }); // a duplicate
  sockets[0].emit({ seq: 0, type: 'typing', data: {} }); // ephemeral
  sockets[0].emit({ seq: 45, type: 'dialog.read', data: {} });
  expect(events.map((e) => e.seq)).toEqual([41, 0, 45]);

  sockets[0].close();
  expect(log.at(-1)).toBe('down');
  // Reconnects after the backoff (0.5 s ± 25%).
  vi.advanceTimersByTime(300);
  expect(sockets.length).toBe(1);
  vi.advanceTimersByTime(400);
  expect(sockets.length).toBe(2);
  sockets[1].emit({ seq: 0, type: 'hello', data: { customer_id: 1, last_seq: 50 } });
  expect(sockets[1].sent).toEqual([{ type: 'resume', seq: 45 }]);
  sockets[1].emit({ seq: 46, type: 'message.created', data: {} });
  sockets[1].emit({ seq: 0, type: 'resumed', data: { seq: 50 } });
  expect(log).toEqual(['up', 'fresh', 'down', 'up', 'resumed']);
  expect(events.map((e) => e.seq)).toEqual([41, 0, 45, 46]);
  rt.stop();
});

test('resync_required reloads; backoff grows to 15 s; kick reconnects at once', () => {
  const { rt, log } = setup();
  rt.start();
  sockets[0].emit({ seq: 0, type: 'hello', data: { customer_id: 1, last_seq: 1 } });
  sockets[0].emit({ seq: 0, type: 'resync_required', data: { reason: 'too old' } });
  expect(log).toEqual(['up', 'fresh', 'fresh']);
  // The server is gone: each try fails; the waits grow and stop growing at 15 s.
  const waits: number[] = [];
  sockets[0].close();
  for (let i = 0; i < 10; i++) {
    const n = sockets.length;
    let waited = 0;
    while (sockets.length === n) {
      vi.advanceTimersByTime(100);
      waited += 100;
    }
    waits.push(waited);
    sockets[sockets.length - 1].close();
  }
  expect(waits[0]).toBeLessThanOrEqual(700);
  expect(waits[3]).toBeGreaterThanOrEqual(3000);
  expect(Math.max(...waits)).toBeLessThanOrEqual(15_000);
  expect(waits.at(-1)).toBeGreaterThanOrEqual(11_000);
  const n = sockets.length;
  rt.kick();
  expect(sockets.length).toBe(n + 1);
  rt.stop();
  vi.advanceTimersByTime(60_000);
  expect(sockets.length).toBe(n + 1);
});

test('a silent connection is dropped after an unanswered ping', () => {
  const { rt, log } = setup();
  rt.start();
  sockets[0].emit({ seq: 0, type: 'hello', data: { customer_id: 1, last_seq: 1 } });
  vi.advanceTimersByTime(25_000);
  expect(sockets[0].sent).toEqual([{ type: 'ping' }]);
  vi.advanceTimersByTime(10_000);
  expect(log).toEqual(['up', 'fresh', 'down']);
  vi.advanceTimersByTime(1000);
  expect(sockets.length).toBe(2);
  // An answered ping keeps it.
  sockets[1].emit({ seq: 0, type: 'hello', data: { customer_id: 1, last_seq: 1 } });
  vi.advanceTimersByTime(25_000);
  sockets[1].emit({ type: 'pong' });
  vi.advanceTimersByTime(10_000);
  expect(log.at(-1)).toBe('up');
  rt.stop();
});
