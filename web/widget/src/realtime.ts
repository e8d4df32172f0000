// The customer's realtime socket: reconnects with backoff and jitter, resumes from the last
// event seq it saw so no event is lost, and notices dead connections with pings.
import { backoff } from './backoff';

export interface RealtimeEvent {
  seq: number;
  type: string;
  data: any;
}

export interface RealtimeHandlers {
  /** A fresh start (no seq to resume from, or after resync_required): load state over REST. */
  onFresh(): void;
  /** Resumed after a reconnect: nothing was missed. */
  onResumed(): void;
  onEvent(e: RealtimeEvent): void;
  onStatus(connected: boolean): void;
}

const PING_EVERY = 25_000;
const PONG_WITHIN = 10_000;

export class Realtime {
  private ws: WebSocket | null = null;
  private lastSeq: number | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  connected = false;

  constructor(
    private readonly url: () => string,
    private readonly h: RealtimeHandlers,
  ) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      try {
        ws.close(1000);
      } catch {
        /* already closed */
      }
    }
    this.setConnected(false);
  }

  /** Forget the event position (another identity): the next connection starts fresh. */
  reset() {
    this.stop();
    this.lastSeq = null;
  }

  /** Reconnect now (e.g. the browser says it is online again), unless connected. */
  kick() {
    if (this.stopped || this.connected) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    if (!this.ws) this.connect();
  }

  send(msg: unknown): boolean {
    if (!this.ws || !this.connected) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  private clearTimers() {
    if (this.timer) clearTimeout(this.timer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.timer = this.pingTimer = this.pongTimer = null;
  }

  private setConnected(v: boolean) {
    if (this.connected === v) return;
    this.connected = v;
    this.h.onStatus(v);
  }

  private connect() {
    this.timer = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => {
      let m: any;
      try {
        m = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      this.gotTraffic();
      this.handle(m);
    };
    ws.onclose = () => this.dropped(ws);
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private dropped(ws: WebSocket) {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = null;
    this.setConnected(false);
    this.retry();
  }

  private retry() {
    if (this.stopped) return;
    const delay = backoff(this.attempt++);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private gotTraffic() {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private ping() {
    if (!this.send({ type: 'ping' })) return;
    if (this.pongTimer) return;
    const ws = this.ws;
    this.pongTimer = setTimeout(() => {
      // No answer: the connection is dead even if the browser has not noticed.
      if (ws && this.ws === ws) {
        try {
          ws.close();
        } catch {
          /* ignore */
        }
        this.dropped(ws);
      }
    }, PONG_WITHIN);
  }

  private handle(m: any) {
    switch (m?.type) {
      case 'hello':
        this.attempt = 0;
        this.setConnected(true);
        if (this.pingTimer) clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.ping(), PING_EVERY);
        if (this.lastSeq === null) {
          this.lastSeq = Number(m.data?.last_seq) || 0;
          this.h.onFresh();
        } else {
          this.send({ type: 'resume', seq: this.lastSeq });
        }
        return;
      case 'resumed':
        this.h.onResumed();
        return;
      case 'resync_required':
        // Reload over REST and carry on from the events that follow.
        this.h.onFresh();
        return;
      case 'pong':
      case 'error':
        return;
      default:
        if (typeof m?.type !== 'string') return;
        if (typeof m.seq === 'number' && m.seq > 0) {
          if (this.lastSeq !== null && m.seq <= this.lastSeq) return; // already seen
          this.lastSeq = m.seq;
        }
        this.h.onEvent(m as RealtimeEvent);
    }
  }
}
