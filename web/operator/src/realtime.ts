// The one realtime connection of the workspace (`/api/v1/realtime`).
//
// Protocol (docs/openapi.yaml): the server greets with `hello` carrying the newest committed
// seq. On the first connection the app loads its state over REST *after* hello, so nothing
// committed in between is missed. On every later connection we send `resume` with the last
// seq we saw and the server replays what we missed (`resumed`), or tells us it cannot
// (`resync_required`), in which case the app reloads over REST.
import type { RealtimeFrame } from './api/types';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/** The part of the browser WebSocket we use; tests pass a fake. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type EventFrame = Exclude<
  RealtimeFrame,
  { type: 'hello' | 'resumed' | 'resync_required' | 'error' | 'pong' }
>;

export interface RealtimeOptions {
  url: string;
  /** Events (seq > 0 ones exactly once, in order) and ephemeral ones (typing, presence). */
  onEvent(frame: EventFrame): void;
  /** The first hello: load state over REST now. Also after `resync_required`. */
  onSync(): void;
  onStatus(status: ConnectionStatus): void;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  pingIntervalMs?: number;
  /** A connection that has not said hello by then is treated as dead. */
  helloTimeoutMs?: number;
}

const OPEN = 1;
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 10_000;

/** Exponential backoff with "equal jitter": half fixed, half random, so clients spread out. */
export function backoffDelay(attempt: number, random: () => number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

export function realtimeUrl(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api/v1/realtime`;
}

export class RealtimeClient {
  private socket: SocketLike | null = null;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  /** The newest event seq applied; null until the first hello. */
  private lastSeq: number | null = null;
  private status: ConnectionStatus = 'connecting';
  private readonly opts: Required<Omit<RealtimeOptions, 'createSocket'>> & Pick<RealtimeOptions, 'createSocket'>;

  constructor(opts: RealtimeOptions) {
    this.opts = { random: Math.random, pingIntervalMs: 25_000, helloTimeoutMs: 10_000, ...opts };
  }

  get seq(): number | null {
    return this.lastSeq;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    this.clearHelloTimer();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = s.onmessage = s.onerror = s.onopen = null;
      s.close(1000, 'bye');
    }
  }

  /** Sends a client message when connected; dropped otherwise (typing notices are best effort). */
  send(msg: { type: 'typing'; dialog_id: number } | { type: 'ping' } | { type: 'resume'; seq: number }): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(msg));
    return true;
  }

  private setStatus(s: ConnectionStatus) {
    if (s === this.status) return;
    this.status = s;
    this.opts.onStatus(s);
  }

  private connect() {
    const make = this.opts.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
    let s: SocketLike;
    try {
      s = make(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    s.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: RealtimeFrame;
      try {
        frame = JSON.parse(ev.data) as RealtimeFrame;
      } catch {
        return;
      }
      this.handle(frame);
    };
    s.onclose = () => this.lost(s);
    // An error is always followed by close; reconnecting happens there.
    s.onerror = () => {};
    // A socket can hang half-open (a proxy, a stalled server) without ever closing; without a
    // hello nothing would load, so give up on it and connect again.
    this.clearHelloTimer();
    this.helloTimer = setTimeout(() => {
      this.helloTimer = null;
      if (this.socket !== s) return;
      s.onclose = s.onmessage = s.onerror = s.onopen = null;
      s.close(4000, 'no hello');
      this.lost(s);
    }, this.opts.helloTimeoutMs);
  }

  private lost(s: SocketLike) {
    if (this.socket !== s) return;
    this.socket = null;
    this.stopPing();
    this.clearHelloTimer();
    this.setStatus('offline');
    this.scheduleReconnect();
  }

  private clearHelloTimer() {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }

  private handle(frame: RealtimeFrame) {
    switch (frame.type) {
      case 'hello':
        this.clearHelloTimer();
        this.attempt = 0;
        this.startPing();
        if (this.lastSeq === null) {
          this.lastSeq = frame.data.last_seq;
          this.setStatus('online');
          this.opts.onSync();
        } else {
          this.send({ type: 'resume', seq: this.lastSeq });
        }
        return;
      case 'resumed':
        this.setStatus('online');
        return;
      case 'resync_required':
        // The log cannot replay what we missed. Carry on from the newest seq the server has
        // and let the app reload its state.
        this.lastSeq = null;
        this.setStatus('online');
        this.opts.onSync();
        return;
      case 'pong':
      case 'error':
        return;
      default:
        if (frame.seq > 0) {
          // A replay after resume never repeats what we applied, but a late resync could.
          if (this.lastSeq !== null && frame.seq <= this.lastSeq) return;
          this.lastSeq = frame.seq;
        }
        this.opts.onEvent(frame);
    }
  }

  private scheduleReconnect() {
    if (this.stopped || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt, this.opts.random);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.opts.pingIntervalMs);
  }

  private stopPing() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
