// The workspace state: dialogs, the visible list, counts, open threads, typing, presence and
// lines. REST loads it; realtime events keep it current. State is immutable: every change
// makes a new object, so React components select slices with useSyncExternalStore.
import { ApiError } from '../api/client';
import * as ep from '../api/endpoints';
import type { View } from '../api/endpoints';
import { isMentionFrame, type Mention, type MentionFrame } from '../api/messages';
import type { Dialog, DialogCounts, DirectoryEntry, Employee, Line, Message, Session } from '../api/types';
import type { ConnectionStatus, EventFrame } from '../realtime';
import { compareDialogs, inView, isUnanswered, matchesQuery } from './rules';

export interface Thread {
  /** Ascending by id, unique. */
  items: Message[];
  /** Leads to older messages; null when everything is loaded. */
  cursor: string | null;
  loaded: boolean;
  loadingOlder: boolean;
}

export interface SessionList {
  items: Session[];
  cursor: string | null;
  /** False when the server has no sessions endpoint (older build). */
  available: boolean;
}

export interface ListState {
  view: View;
  q: string;
  ids: number[];
  cursor: string | null;
  loading: boolean;
  loaded: boolean;
  /** Bumped on every reload so the view can reset its scroll position. */
  generation: number;
}

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
  /** A button in the toast that goes to a path of the app, e.g. "Open" → `/dialogs/7`. */
  action?: { label: string; path: string };
}

export interface State {
  me: Employee;
  away: boolean;
  connection: ConnectionStatus;
  dialogs: ReadonlyMap<number, Dialog>;
  unread: ReadonlyMap<number, number>;
  list: ListState;
  counts: DialogCounts;
  threads: ReadonlyMap<number, Thread>;
  sessions: ReadonlyMap<number, SessionList>;
  typing: ReadonlyMap<number, { name: string; until: number }>;
  presence: ReadonlyMap<number, { online?: boolean; away?: boolean }>;
  lines: ReadonlyMap<number, Line>;
  employees: ReadonlyMap<number, DirectoryEntry>;
  openId: number | null;
  /** Why the open dialog could not be loaded (e.g. it does not exist or is not visible). */
  openError: string | null;
  toasts: Toast[];
}

export interface StoreHooks {
  /** A dialog just became unanswered and visible to me (not on REST loads). */
  onNewUnanswered?(d: Dialog): void;
  /** A colleague mentioned me in a message (once per event; never on REST loads). */
  onMention?(m: Mention): void;
  /** Sends a typing notice over the realtime socket. */
  sendTyping?(dialogId: number): void;
}

const TYPING_SHOW_MS = 6000;
const TYPING_SEND_EVERY_MS = 3000;
const PAGE = 50;

function mergeMessages(a: Message[], b: Message[]): Message[] {
  const byId = new Map<number, Message>();
  for (const m of a) byId.set(m.id, m);
  for (const m of b) byId.set(m.id, m);
  return [...byId.values()].sort((x, y) => x.id - y.id);
}

function withEntry<K, V>(m: ReadonlyMap<K, V>, k: K, v: V): Map<K, V> {
  const n = new Map(m);
  n.set(k, v);
  return n;
}

function errorText(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}

export class Store {
  private state: State;
  private listeners = new Set<() => void>();
  private countsTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTypingSent = new Map<number, number>();
  private toastSeq = 0;
  /** Guards against out-of-order list responses when the view or query changes quickly. */
  private listRequest = 0;
  /**
   * Dialogs changed by events while a list page was loading. The page may be a snapshot from
   * before those events, so they are applied again on top of it.
   */
  private changedDuringLoad = new Map<number, Dialog>();
  /** Dialog sessions already announced as new unanswered ones ("dialog:session"). */
  private announced = new Set<string>();
  /** Dialog events applied so far, per dialog: a REST answer older than them is stale. */
  private liveVersions = new Map<number, number>();
  /**
   * False until the first sync. REST loads wait for the socket's hello (see realtime.ts), so a
   * dialog opened before then is loaded by sync().
   */
  private synced = false;

  constructor(me: Employee, private hooks: StoreHooks = {}) {
    this.state = {
      me,
      away: false,
      connection: 'connecting',
      dialogs: new Map(),
      unread: new Map(),
      list: { view: 'unanswered', q: '', ids: [], cursor: null, loading: false, loaded: false, generation: 0 },
      counts: { unanswered: 0, mine: 0 },
      threads: new Map(),
      sessions: new Map(),
      typing: new Map(),
      presence: new Map(),
      lines: new Map(),
      employees: new Map(),
      openId: null,
      openError: null,
      toasts: [],
    };
  }

  setHooks(h: StoreHooks) {
    this.hooks = h;
  }

  getState = (): State => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<State>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  dispose() {
    if (this.countsTimer) clearTimeout(this.countsTimer);
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.listeners.clear();
  }

  // ---- toasts ----

  toast(text: string, kind: Toast['kind'] = 'error', action?: Toast['action']) {
    const t: Toast = { id: ++this.toastSeq, kind, text, ...(action ? { action } : {}) };
    this.set({ toasts: [...this.state.toasts, t] });
    // A toast with a button stays long enough to reach it.
    setTimeout(() => this.dismissToast(t.id), kind === 'error' || action ? 8000 : 2500);
  }

  dismissToast(id: number) {
    if (this.state.toasts.some((t) => t.id === id)) this.set({ toasts: this.state.toasts.filter((t) => t.id !== id) });
  }

  /** Runs a request, turning failures into an error toast; resolves to undefined then. */
  async attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.toast(errorText(e));
      return undefined;
    }
  }

  // ---- loading ----

  setConnection(c: ConnectionStatus) {
    this.set({ connection: c });
  }

  /** (Re)loads everything over REST: after the first hello and after resync_required. */
  async sync() {
    await Promise.all([this.loadLines(), this.loadEmployees()]);
    await Promise.all([this.reloadList(), this.refreshCounts()]);
    this.synced = true;
    const open = this.state.openId;
    // Threads other than the open one may be stale now; drop them and reload the open one.
    this.set({ threads: new Map(), sessions: new Map() });
    if (open !== null) await this.loadOpen(open);
  }

  private async loadLines() {
    try {
      const lines = await ep.fetchAll((c) => ep.listLines(c));
      this.set({ lines: new Map(lines.map((l) => [l.id, l])) });
    } catch (e) {
      this.toast(errorText(e));
    }
  }

  /** Names for operator ids (customer panel); the endpoint may be missing on older servers. */
  private async loadEmployees() {
    try {
      const page = await ep.directory('', null, 200);
      const mine = page.items.find((e) => e.id === this.state.me.id);
      // The Employee JSON does not carry `away`; the directory does.
      this.set({ employees: new Map(page.items.map((e) => [e.id, e])), ...(mine ? { away: mine.away } : {}) });
    } catch {
      /* Names fall back to "Employee #id". */
    }
  }

  async refreshCounts() {
    try {
      this.set({ counts: await ep.dialogCounts() });
    } catch {
      /* Keep the last counts; the next event retries. */
    }
  }

  private scheduleCounts() {
    if (this.countsTimer) return;
    this.countsTimer = setTimeout(() => {
      this.countsTimer = null;
      void this.refreshCounts();
    }, 250);
  }

  setView(view: View) {
    if (view === this.state.list.view) return;
    this.set({ list: { ...this.state.list, view } });
    void this.reloadList();
  }

  setQuery(q: string) {
    if (q === this.state.list.q) return;
    this.set({ list: { ...this.state.list, q } });
    void this.reloadList();
  }

  private storeDialogs(items: Dialog[]) {
    const dialogs = new Map(this.state.dialogs);
    const unread = new Map(this.state.unread);
    for (const d of items) {
      dialogs.set(d.id, d);
      if (d.unread !== undefined) unread.set(d.id, d.unread);
    }
    this.set({ dialogs, unread });
  }

  async reloadList() {
    const req = ++this.listRequest;
    const { view, q, generation } = this.state.list;
    this.changedDuringLoad.clear();
    this.set({ list: { view, q, ids: [], cursor: null, loading: true, loaded: false, generation: generation + 1 } });
    try {
      const page = await ep.listDialogs(view, q, null, PAGE);
      if (req !== this.listRequest) return;
      this.storeDialogs(page.items);
      this.set({
        list: { ...this.state.list, ids: page.items.map((d) => d.id), cursor: page.next_cursor, loading: false, loaded: true },
      });
      this.replayChangedDuringLoad();
    } catch (e) {
      if (req !== this.listRequest) return;
      this.set({ list: { ...this.state.list, loading: false, loaded: true } });
      this.toast(errorText(e));
    }
  }

  async loadMore() {
    const l = this.state.list;
    if (l.loading || !l.cursor) return;
    const req = this.listRequest;
    this.set({ list: { ...l, loading: true } });
    try {
      const page = await ep.listDialogs(l.view, l.q, l.cursor, PAGE);
      if (req !== this.listRequest) return;
      this.storeDialogs(page.items);
      const cur = this.state.list;
      // Live events may already have placed some of these rows.
      const have = new Set(cur.ids);
      const ids = [...cur.ids, ...page.items.map((d) => d.id).filter((id) => !have.has(id))];
      this.set({ list: { ...cur, ids, cursor: page.next_cursor, loading: false } });
      this.replayChangedDuringLoad();
    } catch (e) {
      if (req !== this.listRequest) return;
      this.set({ list: { ...this.state.list, loading: false } });
      this.toast(errorText(e));
    }
  }

  private replayChangedDuringLoad() {
    const changed = [...this.changedDuringLoad.values()];
    this.changedDuringLoad.clear();
    for (const d of changed) this.upsertDialog(d, false);
  }

  /** Opens a dialog (or none): fetches it if unknown, loads its thread and marks it read. */
  async open(id: number | null) {
    if (id === this.state.openId) return;
    this.set({ openId: id, openError: null });
    if (id !== null && this.synced) await this.loadOpen(id);
  }

  /**
   * Applies a dialog fetched or returned over REST, unless a live event for it arrived while
   * the request was in flight: events are applied in commit order, so the event's state is at
   * least as new (a late answer to "close" must not undo the customer's next message). Only
   * the viewer's own unread count, which events never carry, is taken from a stale answer.
   */
  private applyAnswer(d: Dialog, versionBefore: number) {
    if ((this.liveVersions.get(d.id) ?? 0) === versionBefore) {
      this.upsertDialog(d, false);
    } else if (d.unread !== undefined) {
      this.set({ unread: withEntry(this.state.unread, d.id, d.unread) });
    }
  }

  private async loadOpen(id: number) {
    try {
      const version = this.liveVersions.get(id) ?? 0;
      const d = await ep.getDialog(id);
      this.applyAnswer(d, version);
    } catch (e) {
      if (this.state.openId === id) this.set({ openError: errorText(e) });
      return;
    }
    if (!this.state.threads.get(id)?.loaded) await this.loadThread(id);
    this.markRead(id);
  }

  private async loadThread(id: number) {
    try {
      const page = await ep.listMessages(id, null, PAGE);
      const prev = this.state.threads.get(id);
      const thread: Thread = {
        // Messages that arrived by event while loading are at least as new as the page.
        items: mergeMessages(page.items, prev?.items ?? []),
        cursor: page.next_cursor,
        loaded: true,
        loadingOlder: false,
      };
      this.set({ threads: withEntry(this.state.threads, id, thread) });
    } catch (e) {
      this.toast(errorText(e));
    }
  }

  async loadOlder(id: number) {
    const t = this.state.threads.get(id);
    if (!t || !t.loaded || t.loadingOlder || !t.cursor) return;
    this.set({ threads: withEntry(this.state.threads, id, { ...t, loadingOlder: true }) });
    try {
      const page = await ep.listMessages(id, t.cursor, PAGE);
      const cur = this.state.threads.get(id) ?? t;
      this.set({
        threads: withEntry(this.state.threads, id, {
          ...cur,
          items: mergeMessages(page.items, cur.items),
          cursor: page.next_cursor,
          loadingOlder: false,
        }),
      });
    } catch (e) {
      const cur = this.state.threads.get(id) ?? t;
      this.set({ threads: withEntry(this.state.threads, id, { ...cur, loadingOlder: false }) });
      this.toast(errorText(e));
    }
  }

  async loadSessions(id: number, more = false) {
    const prev = this.state.sessions.get(id);
    if (more && !prev?.cursor) return;
    try {
      const page = await ep.dialogSessions(id, more ? prev!.cursor : null, PAGE);
      const items = more && prev ? [...prev.items, ...page.items] : page.items;
      this.set({ sessions: withEntry(this.state.sessions, id, { items, cursor: page.next_cursor, available: true }) });
    } catch (e) {
      // 404 on a dialog we can see means the endpoint does not exist yet.
      if (e instanceof ApiError && e.status === 404) {
        this.set({ sessions: withEntry(this.state.sessions, id, { items: [], cursor: null, available: false }) });
      }
    }
  }

  markRead(id: number) {
    if (this.state.unread.get(id)) this.set({ unread: withEntry(this.state.unread, id, 0) });
    // Fire and forget: a failed read mark only leaves a stale badge on other devices.
    ep.dialogAction(id, 'read').catch(() => {});
  }

  /** The tab became visible again: what arrived in the open dialog meanwhile is now seen. */
  onVisible() {
    const id = this.state.openId;
    if (id !== null && this.state.unread.get(id)) this.markRead(id);
  }

  // ---- changes ----

  /** Puts a dialog into the map and, when it belongs there, at its place in the list. */
  upsertDialog(d: Dialog, live: boolean, created = false) {
    if (live) this.liveVersions.set(d.id, (this.liveVersions.get(d.id) ?? 0) + 1);
    const prev = this.state.dialogs.get(d.id);
    const dialogs = withEntry(this.state.dialogs, d.id, d);
    const patch: Partial<State> = { dialogs };
    if (d.unread !== undefined) patch.unread = withEntry(this.state.unread, d.id, d.unread);

    const { me, lines, list } = this.state;
    if (live && list.loading) this.changedDuringLoad.set(d.id, d);
    const wanted = list.loaded && inView(d, list.view, me, lines) && matchesQuery(d, list.q);
    const at = list.ids.indexOf(d.id);
    if (wanted || at >= 0) {
      const ids = at >= 0 ? list.ids.filter((x) => x !== d.id) : list.ids.slice();
      if (wanted) {
        let pos = ids.findIndex((x) => {
          const o = dialogs.get(x);
          return !!o && compareDialogs(d, o) < 0;
        });
        if (pos < 0) pos = ids.length;
        // Past the loaded pages the row arrives with a later page; adding it now would
        // put it out of order.
        if (pos < ids.length || list.cursor === null) ids.splice(pos, 0, d.id);
      }
      patch.list = { ...list, ids };
    }
    this.set(patch);

    if (live) {
      this.scheduleCounts();
      const nowUnanswered = isUnanswered(d) && inView(d, 'unanswered', me, lines);
      const wasUnanswered = !!prev && isUnanswered(prev) && inView(prev, 'unanswered', me, lines);
      // A brand-new dialog is announced even when a list load that ran after its commit put it
      // in the store before its event arrived; each dialog session is announced once.
      const key = `${d.id}:${d.session.id}`;
      if (!nowUnanswered) {
        this.announced.delete(key);  // back in the queue later: new again
      } else if ((!wasUnanswered || created) && !this.announced.has(key)) {
        this.announced.add(key);
        this.hooks.onNewUnanswered?.(d);
      }
    }
  }

  private upsertMessage(m: Message) {
    const t = this.state.threads.get(m.dialog_id);
    if (!t) return;
    this.set({ threads: withEntry(this.state.threads, m.dialog_id, { ...t, items: mergeMessages(t.items, [m]) }) });
  }

  apply(frame: EventFrame | MentionFrame) {
    if (isMentionFrame(frame)) {
      this.applyMention(frame);
      return;
    }
    switch (frame.type) {
      case 'message.created': {
        const m = frame.data.message;
        const known = this.state.threads.get(m.dialog_id)?.items.some((x) => x.id === m.id);
        this.upsertMessage(m);
        if (frame.data.dialog) this.upsertDialog(frame.data.dialog, true, false);
        if (known) return;
        // Whoever was typing has sent it.
        if (m.author.kind !== 'system') this.clearTyping(m.dialog_id);
        if (m.author.kind !== 'customer') return;
        if (m.dialog_id === this.state.openId && document.visibilityState !== 'hidden') this.markRead(m.dialog_id);
        else this.set({ unread: withEntry(this.state.unread, m.dialog_id, (this.state.unread.get(m.dialog_id) ?? 0) + 1) });
        return;
      }
      case 'message.updated':
        this.upsertMessage(frame.data.message);
        return;
      case 'dialog.created':
      case 'dialog.updated':
        this.upsertDialog(frame.data.dialog, true, frame.type === 'dialog.created');
        return;
      case 'dialog.read': {
        const { dialog_id, message_id, employee_id, by } = frame.data;
        if (employee_id === this.state.me.id && this.state.unread.get(dialog_id)) {
          // Read on another device or tab.
          this.set({ unread: withEntry(this.state.unread, dialog_id, 0) });
        }
        const d = this.state.dialogs.get(dialog_id);
        if (by === 'customer' && d && message_id > d.customer_read_id) {
          this.set({ dialogs: withEntry(this.state.dialogs, dialog_id, { ...d, customer_read_id: message_id }) });
        }
        return;
      }
      case 'typing': {
        const { dialog_id, author } = frame.data;
        if (author.kind === 'operator' && author.id === this.state.me.id) return;
        this.set({ typing: withEntry(this.state.typing, dialog_id, { name: author.name, until: Date.now() + TYPING_SHOW_MS }) });
        this.scheduleTypingExpiry();
        return;
      }
      case 'presence': {
        const { employee_id, online, away } = frame.data;
        const prev = this.state.presence.get(employee_id) ?? {};
        const next = { ...prev, ...(online !== undefined ? { online } : {}), ...(away !== undefined ? { away } : {}) };
        const patch: Partial<State> = { presence: withEntry(this.state.presence, employee_id, next) };
        if (employee_id === this.state.me.id && away !== undefined) patch.away = away;
        this.set(patch);
        return;
      }
      case 'line.updated':
        this.set({ lines: withEntry(this.state.lines, frame.data.line.id, frame.data.line) });
        return;
      case 'line.deleted': {
        const lines = new Map(this.state.lines);
        lines.delete(frame.data.line.id);
        this.set({ lines });
        return;
      }
    }
  }

  /** Mention seqs already announced: a replayed event must not notify twice. */
  private mentionSeqs = new Set<number>();

  /**
   * Someone mentioned me: a toast that leads to the dialog, and the hook (notification,
   * sound). Admins and supervisors receive everyone's mentions; only mine count. A mention is
   * not a customer waiting, so unread and unanswered counts stay as they are.
   */
  private applyMention(frame: MentionFrame) {
    const m = frame.data;
    if (m.employee_id !== this.state.me.id) return;
    if (frame.seq > 0) {
      if (this.mentionSeqs.has(frame.seq)) return;
      this.mentionSeqs.add(frame.seq);
    }
    const who = m.by?.name || 'A colleague';
    this.toast(`${who} mentioned you in a dialog`, 'info', { label: 'Open', path: `/dialogs/${m.dialog_id}` });
    this.hooks.onMention?.(m);
  }

  private clearTyping(dialogId: number) {
    if (!this.state.typing.has(dialogId)) return;
    const typing = new Map(this.state.typing);
    typing.delete(dialogId);
    this.set({ typing });
  }

  private scheduleTypingExpiry() {
    if (this.typingTimer) return;
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null;
      const now = Date.now();
      const typing = new Map([...this.state.typing].filter(([, t]) => t.until > now));
      if (typing.size !== this.state.typing.size) this.set({ typing });
      if (typing.size) this.scheduleTypingExpiry();
    }, 1000);
  }

  // ---- commands ----

  /** Called on every keystroke in the reply box; sends at most one notice per 3 s. */
  typing(dialogId: number) {
    const now = Date.now();
    if (now - (this.lastTypingSent.get(dialogId) ?? 0) < TYPING_SEND_EVERY_MS) return;
    this.lastTypingSent.set(dialogId, now);
    this.hooks.sendTyping?.(dialogId);
  }

  /** Throws on failure so the reply box keeps the draft. */
  async send(dialogId: number, text: string, hidden: boolean, replyTo: number | null, files: number[] = []) {
    const m = await ep.sendMessage(dialogId, text, hidden, replyTo, files);
    this.lastTypingSent.delete(dialogId);
    // The answer is the message as it was committed; its events (message.created, then e.g. a
    // delivery "failed" when the channel refuses it at once) may have come in before it and are
    // never older, so a message they already brought is left as they left it.
    if (!this.state.threads.get(dialogId)?.items.some((x) => x.id === m.id)) this.upsertMessage(m);
    return m;
  }

  async action(id: number, action: ep.DialogAction, body?: ep.ActionBody): Promise<boolean> {
    const version = this.liveVersions.get(id) ?? 0;
    const d = await this.attempt(() => ep.dialogAction(id, action, body));
    if (!d) return false;
    this.applyAnswer(d, version);
    this.scheduleCounts();
    return true;
  }

  async editMessage(id: number, text: string): Promise<boolean> {
    const m = await this.attempt(() => ep.editMessage(id, text));
    if (m) this.upsertMessage(m);
    return !!m;
  }

  /**
   * Sends a message whose delivery failed once more; the server answers it "pending" and its
   * delivery then moves by events. A refusal is an error toast.
   */
  async retryDelivery(m: Message): Promise<boolean> {
    let sent: Message;
    try {
      sent = await ep.retryDelivery(m.id);
    } catch (e) {
      this.toast(`The message was not sent again: ${errorText(e)}`);
      return false;
    }
    // Events may have moved the delivery on (pending, then sent) before this answer came.
    const cur = this.state.threads.get(sent.dialog_id)?.items.find((x) => x.id === sent.id);
    if (!cur || cur.delivery === 'failed') this.upsertMessage(sent);
    return true;
  }

  async deleteMessage(m: Message): Promise<boolean> {
    const ok = await this.attempt(async () => {
      await ep.deleteMessage(m.id);
      return true;
    });
    if (ok) this.upsertMessage({ ...m, deleted: true, text: '' });
    return !!ok;
  }

  async setAway(away: boolean) {
    const r = await this.attempt(() => ep.setAway(away));
    if (r) this.set({ away: r.away });
  }
}
