// The visitor's unsent messages, kept in localStorage so that they survive reloads, show in
// every tab, and are sent once the network is back. Each message has a client id (the
// server's idempotency key), so a resend after a lost answer is not stored twice; a lease
// keeps two tabs from sending the same message at the same moment, and messages go out one at
// a time, oldest first, so they arrive in the order they were written.
import type { MessageFile } from '../../shared/files';
import { backoff } from './backoff';
import { readJSON, type KV } from './storage';

export interface OutboxItem {
  client_id: string;
  text: string;
  /** Files already uploaded that go with it (the text may then be empty). */
  files?: MessageFile[];
  /** When the visitor wrote it (ms since the epoch). */
  created: number;
  state: 'pending' | 'failed';
  attempts: number;
  /** Not to be tried before this time (ms). */
  next_at: number;
  /** Why it failed (state failed). */
  error?: string;
  /** A tab that is sending it right now, until `until` (ms). */
  lease?: { owner: string; until: number };
}

/** What to do after an attempt, from the HTTP status (null: no answer at all). */
export type Verdict = 'sent' | 'retry' | 'fail';

export function classify(status: number | null): Verdict {
  if (status === null) return 'retry'; // network error, timeout, offline
  if (status >= 200 && status < 300) return 'sent';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'fail';
}

export interface Attempt {
  status: number | null;
  /** The server's message on success. */
  message?: unknown;
  /** Retry-After, in ms, when the server gave one. */
  retryAfterMs?: number;
  error?: string;
}

export interface OutboxOptions {
  now?: () => number;
  rand?: () => number;
  /** This tab's id, for leases. */
  owner?: string;
  /** How long a lease holds (ms) before another tab may take the message over. */
  leaseMs?: number;
}

export const MAX_TEXT = 10_000;

export class Outbox {
  private readonly now: () => number;
  private readonly rand: () => number;
  readonly owner: string;
  private readonly leaseMs: number;
  private flushing = false;

  /** A flush of this tab is under way (it will also pick up what is enqueued meanwhile). */
  get busy(): boolean {
    return this.flushing;
  }

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    opts: OutboxOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.rand = opts.rand ?? Math.random;
    this.owner = opts.owner ?? Math.random().toString(36).slice(2);
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  list(): OutboxItem[] {
    const items = readJSON<unknown>(this.kv, this.key, []);
    if (!Array.isArray(items)) return [];
    return items.filter(
      (i): i is OutboxItem =>
        !!i && typeof i === 'object' && typeof (i as OutboxItem).client_id === 'string' &&
        typeof (i as OutboxItem).text === 'string',
    );
  }

  private save(items: OutboxItem[]) {
    if (items.length) this.kv.set(this.key, JSON.stringify(items));
    else this.kv.remove(this.key);
  }

  private update(clientId: string, f: (i: OutboxItem) => OutboxItem | null) {
    const items = this.list();
    const out: OutboxItem[] = [];
    for (const i of items) {
      if (i.client_id !== clientId) out.push(i);
      else {
        const n = f(i);
        if (n) out.push(n);
      }
    }
    this.save(out);
  }

  enqueue(text: string, clientId: string, files?: MessageFile[]): OutboxItem {
    if (text.length > MAX_TEXT) throw new Error('message too long');
    const existing = this.list().find((i) => i.client_id === clientId);
    if (existing) return existing;
    const item: OutboxItem = {
      client_id: clientId, text, created: this.now(), state: 'pending', attempts: 0, next_at: this.now(),
      ...(files?.length ? { files } : {}),
    };
    this.save([...this.list(), item]);
    return item;
  }

  remove(clientId: string) {
    this.update(clientId, () => null);
  }

  /** Failed → pending again, to be sent at once (the "Retry" button). */
  retry(clientId: string) {
    this.update(clientId, (i) => ({ ...i, state: 'pending', attempts: 0, next_at: this.now(), error: undefined, lease: undefined }));
  }

  /** The network is back: pending messages waiting for a backoff timer may go now. */
  wake() {
    const now = this.now();
    this.save(this.list().map((i) => (i.state === 'pending' && i.next_at > now ? { ...i, next_at: now } : i)));
  }

  private leasedByOther(i: OutboxItem, now: number) {
    return !!i.lease && i.lease.owner !== this.owner && i.lease.until > now;
  }

  /**
   * When the oldest pending message may be tried (ms since the epoch), or null when there is
   * none (everything sent or failed).
   */
  nextDue(): number | null {
    // Messages go out in order, so the oldest pending one decides.
    const now = this.now();
    const head = this.list().find((i) => i.state === 'pending');
    if (!head) return null;
    return this.leasedByOther(head, now) ? head.lease!.until : head.next_at;
  }

  /**
   * Sends the due messages one by one, oldest first, with `send` (which must not throw; it
   * reports the HTTP status, or null for a network error). Stops at the first message that
   * must wait (so later ones do not overtake it). `onSent` gets each stored message.
   * Returns the number of messages sent.
   */
  async flush(send: (item: OutboxItem) => Promise<Attempt>, onSent?: (item: OutboxItem, message: unknown) => void): Promise<number> {
    if (this.flushing) return 0;
    this.flushing = true;
    let sent = 0;
    try {
      for (;;) {
        const now = this.now();
        const item = this.list().find((i) => i.state === 'pending');
        if (!item) break;
        if (item.next_at > now || this.leasedByOther(item, now)) break;
        // Take the lease, then check that it stuck (another tab may have raced us).
        this.update(item.client_id, (i) => ({ ...i, lease: { owner: this.owner, until: now + this.leaseMs } }));
        const mine = this.list().find((i) => i.client_id === item.client_id);
        if (!mine || mine.lease?.owner !== this.owner) break;
        let r: Attempt;
        try {
          r = await send(mine);
        } catch (e) {
          r = { status: null, error: String(e) };
        }
        const verdict = classify(r.status);
        if (verdict === 'sent') {
          this.remove(item.client_id);
          sent++;
          onSent?.(mine, r.message);
          continue;
        }
        if (verdict === 'fail') {
          this.update(item.client_id, (i) => ({ ...i, state: 'failed', error: r.error ?? `HTTP ${r.status}`, lease: undefined }));
          continue; // a refused message does not hold the later ones back
        }
        const delay = Math.max(backoff(mine.attempts, { rand: this.rand }), r.retryAfterMs ?? 0);
        this.update(item.client_id, (i) => ({
          ...i, attempts: i.attempts + 1, next_at: this.now() + delay, lease: undefined,
        }));
        break;
      }
    } finally {
      this.flushing = false;
    }
    return sent;
  }
}
