import { beforeEach, describe, expect, test } from 'vitest';
import { classify, MAX_TEXT, Outbox, type Attempt, type OutboxItem } from './outbox';
import { memoryKV, type KV } from './storage';

let kv: KV;
let now: number;
const clock = () => now;
const make = (owner = 'tab-a') => new Outbox(kv, 'ob', { now: clock, rand: () => 0.5, owner });

beforeEach(() => {
  kv = memoryKV();
  now = 1_000_000;
});

describe('classify', () => {
  test.each([
    [null, 'retry'], [200, 'sent'], [201, 'sent'], [204, 'sent'], [408, 'retry'], [429, 'retry'],
    [500, 'retry'], [502, 'retry'], [503, 'retry'], [400, 'fail'], [401, 'fail'], [403, 'fail'],
    [404, 'fail'], [413, 'fail'], [422, 'fail'],
  ] as const)('%s → %s', (status, verdict) => {
    expect(classify(status)).toBe(verdict);
  });
});

describe('Outbox', () => {
  test('a message with files keeps them (text may be empty); one without has no files key', () => {
    const a = make();
    const f = { id: 12, name: 'a.png', size: 3, mime: 'image/png', image: true, url: '/files/12?exp=1&sig=x' };
    a.enqueue('', 'f1', [f]);
    a.enqueue('plain', 'f2', []);
    const [withFiles, plain] = make('tab-b').list();
    expect(withFiles).toMatchObject({ client_id: 'f1', text: '', files: [f] });
    expect('files' in plain).toBe(false);
  });

  test('enqueue keeps order, survives a new instance (a reload) and ignores a repeated id', () => {
    const a = make();
    a.enqueue('one', 'c1');
    now += 1;
    a.enqueue('two', 'c2');
    a.enqueue('two again', 'c2');
    const b = make('tab-b');
    expect(b.list().map((i) => [i.client_id, i.text, i.state])).toEqual([
      ['c1', 'one', 'pending'],
      ['c2', 'two', 'pending'],
    ]);
    expect(() => a.enqueue('x'.repeat(MAX_TEXT + 1), 'c3')).toThrow();
    expect(a.list().length).toBe(2);
    a.enqueue('x'.repeat(MAX_TEXT), 'c4');
    expect(a.list().length).toBe(3);
  });

  test('flush sends each message exactly once, oldest first', async () => {
    const o = make();
    o.enqueue('one', 'c1');
    o.enqueue('two', 'c2');
    const calls: string[] = [];
    const sent: string[] = [];
    const n = await o.flush(
      async (i) => {
        calls.push(i.client_id);
        return { status: 201, message: { id: calls.length } };
      },
      (i) => sent.push(i.client_id),
    );
    expect(n).toBe(2);
    expect(calls).toEqual(['c1', 'c2']);
    expect(sent).toEqual(['c1', 'c2']);
    expect(o.list()).toEqual([]);
    expect(await o.flush(async () => ({ status: 201 }))).toBe(0);
    expect(calls).toEqual(['c1', 'c2']);
  });

  test('a network error keeps the message with backoff; later ones wait behind it', async () => {
    const o = make();
    o.enqueue('one', 'c1');
    o.enqueue('two', 'c2');
    const calls: string[] = [];
    let online = false;
    const send = async (i: OutboxItem): Promise<Attempt> => {
      calls.push(i.client_id);
      return online ? { status: 201 } : { status: null };
    };
    await o.flush(send);
    expect(calls).toEqual(['c1']);
    const [first] = o.list();
    expect(first.attempts).toBe(1);
    expect(first.next_at).toBe(now + 500);
    expect(o.nextDue()).toBe(now + 500);
    // Not due yet: nothing is sent.
    await o.flush(send);
    expect(calls).toEqual(['c1']);
    now += 500;
    await o.flush(send);
    expect(o.list()[0].attempts).toBe(2);
    expect(o.list()[0].next_at).toBe(now + 1000);
    // Back online: wake() makes them due at once.
    online = true;
    o.wake();
    await o.flush(send);
    expect(calls).toEqual(['c1', 'c1', 'c1', 'c2']);
    expect(o.list()).toEqual([]);
  });

  test('5xx and 429 are retried (429 honours Retry-After); other 4xx fail and can be retried by hand', async () => {
    const o = make();
    o.enqueue('a', 'c1');
    await o.flush(async () => ({ status: 429, retryAfterMs: 7000 }));
    expect(o.list()[0].next_at).toBe(now + 7000);
    now += 7000;
    await o.flush(async () => ({ status: 503 }));
    expect(o.list()[0]).toMatchObject({ state: 'pending', attempts: 2 });
    now += 10_000;
    o.enqueue('b', 'c2');
    await o.flush(async (i) => (i.client_id === 'c1' ? { status: 400, error: 'text is blank' } : { status: 201 }));
    // c1 failed and did not hold c2 back.
    expect(o.list()).toMatchObject([{ client_id: 'c1', state: 'failed', error: 'text is blank' }]);
    expect(o.nextDue()).toBeNull();
    // A failed message is never sent again by itself.
    let tried = 0;
    await o.flush(async () => (tried++, { status: 201 }));
    expect(tried).toBe(0);
    o.retry('c1');
    expect(o.list()[0]).toMatchObject({ state: 'pending', attempts: 0 });
    await o.flush(async () => (tried++, { status: 201 }));
    expect(tried).toBe(1);
    expect(o.list()).toEqual([]);
  });

  test('a throwing sender counts as a network error', async () => {
    const o = make();
    o.enqueue('a', 'c1');
    await o.flush(async () => {
      throw new Error('boom');
    });
    expect(o.list()[0]).toMatchObject({ state: 'pending', attempts: 1 });
  });

  test('two tabs: a message leased by one is not sent by the other until the lease runs out', async () => {
    const a = make('tab-a');
    const b = make('tab-b');
    a.enqueue('hello', 'c1');
    let release!: () => void;
    const calls: string[] = [];
    const slow = a.flush(
      (i) =>
        new Promise<Attempt>((ok) => {
          calls.push('a:' + i.client_id);
          release = () => ok({ status: 201 });
        }),
    );
    await Promise.resolve();
    // Tab B sees the lease and keeps off.
    await b.flush(async (i) => (calls.push('b:' + i.client_id), { status: 201 }));
    expect(calls).toEqual(['a:c1']);
    release();
    await slow;
    expect(a.list()).toEqual([]);
    // A lease of a tab that died expires; then the other tab sends (the server dedupes by id).
    a.enqueue('again', 'c2');
    const stuck = make('tab-dead');
    void stuck.flush(() => new Promise<Attempt>(() => {}));
    await Promise.resolve();
    await b.flush(async (i) => (calls.push('b:' + i.client_id), { status: 201 }));
    expect(calls).toEqual(['a:c1']);
    now += 30_001;
    await b.flush(async (i) => (calls.push('b:' + i.client_id), { status: 201 }));
    expect(calls).toEqual(['a:c1', 'b:c2']);
  });

  test('one flush at a time per tab', async () => {
    const o = make();
    o.enqueue('a', 'c1');
    let calls = 0;
    let release!: () => void;
    const p1 = o.flush(() => new Promise<Attempt>((ok) => ((calls++, (release = () => ok({ status: 201 }))))));
    expect(await o.flush(async () => (calls++, { status: 201 }))).toBe(0);
    release();
    expect(await p1).toBe(1);
    expect(calls).toBe(1);
  });

  test('garbage in storage is ignored', () => {
    kv.set('ob', '{not json');
    expect(make().list()).toEqual([]);
    kv.set('ob', JSON.stringify([{ client_id: 'x', text: 'ok', state: 'pending', attempts: 0, next_at: 0, created: 0 }, 5, null, { text: 1 }]));
    expect(make().list().map((i) => i.client_id)).toEqual(['x']);
  });
});
