// What the server's dialog views and permissions mean, mirrored on the client so live events
// can be placed in the right list and the UI only offers actions the server would allow.
import type { Dialog, Employee, Line, Message, SessionStatus } from '../api/types';
import type { View } from '../api/endpoints';
import { filesOf } from '../../../shared/files';

const UNANSWERED: ReadonlySet<SessionStatus> = new Set(['new', 'skipped']);
const ANSWERED_OPEN: ReadonlySet<SessionStatus> = new Set(['in_work', 'operator_replied', 'waiting_operator', 'closing']);

export const isManager = (me: Employee) => me.role === 'admin' || me.role === 'supervisor';
export const isUnanswered = (d: Dialog) => UNANSWERED.has(d.session.status);
export const isAnsweredOpen = (d: Dialog) => ANSWERED_OPEN.has(d.session.status);
export const isOpen = (d: Dialog) => isUnanswered(d) || isAnsweredOpen(d);

/** Whether the server's `view` list would hold this dialog for me (see GET /api/v1/dialogs). */
export function inView(d: Dialog, view: View, me: Employee, lines: ReadonlyMap<number, Line>): boolean {
  switch (view) {
    case 'all':
      return true;
    case 'mine':
      return isAnsweredOpen(d) && d.session.operator_id === me.id;
    case 'unanswered': {
      if (!isUnanswered(d)) return false;
      if (isManager(me) || d.session.operator_id === me.id) return true;
      if (d.session.operator_id !== null) return false;
      // Unassigned: visible to the operators of the line. Unknown line: trust the server,
      // which only sends us events of dialogs we may see.
      const line = lines.get(d.session.line_id);
      return !line || line.queue.includes(me.id);
    }
  }
}

export function matchesQuery(d: Dialog, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return d.title.toLowerCase().includes(needle) || d.customer.name.toLowerCase().includes(needle);
}

/** Newest activity first, then by id: the server's list order. */
export function compareDialogs(a: Dialog, b: Dialog): number {
  const ta = a.last_message_at ?? a.created_at;
  const tb = b.last_message_at ?? b.created_at;
  if (ta !== tb) return ta < tb ? 1 : -1;
  return b.id - a.id;
}

/** "Responsible" per the API: forward, close, spam, force_close and new_session need it. */
export function isResponsible(d: Dialog, me: Employee, lines: ReadonlyMap<number, Line>): boolean {
  if (isManager(me) || d.session.operator_id === me.id) return true;
  if (d.session.operator_id !== null) return false;
  const line = lines.get(d.session.line_id);
  return !!line && line.queue.includes(me.id);
}

/** The session is answered and mine: the "active dialog" toolbar applies. */
export const isMyActive = (d: Dialog, me: Employee) => isAnsweredOpen(d) && d.session.operator_id === me.id;

export interface MessageMenuRules {
  quote: boolean;
  newSession: boolean;
  edit: boolean;
  delete: boolean;
  /** Put the message's files into the Drive: any employee who sees the chat may. */
  saveToDrive: boolean;
  /** Send an operator message whose delivery failed once more: anyone who sees the chat may. */
  retry: boolean;
}

/** An operator message the channel refused (e.g. the Telegram user blocked the bot). */
export function deliveryFailed(m: Message): boolean {
  return m.author.kind === 'operator' && !m.hidden && !m.deleted && m.delivery === 'failed';
}

export function messageMenuRules(
  m: Message,
  d: Dialog,
  me: Employee,
  lines: ReadonlyMap<number, Line>,
): MessageMenuRules {
  const live = !m.deleted && m.author.kind !== 'system';
  const ownOperator = m.author.kind === 'operator' && m.author.id === me.id;
  return {
    quote: live && m.text !== '',
    newSession: live && m.session_id === d.session.id && isOpen(d) && isResponsible(d, me, lines),
    edit: live && ownOperator,
    // The server lets admins and supervisors delete any operator's message.
    delete: live && (ownOperator || (m.author.kind === 'operator' && isManager(me))),
    saveToDrive: live && filesOf(m).length > 0,
    retry: live && deliveryFailed(m),
  };
}

const STATUS_LABEL: Record<SessionStatus, string> = {
  new: 'new',
  skipped: 'skipped',
  in_work: 'in work',
  operator_replied: 'operator replied',
  waiting_operator: 'waiting for operator',
  closing: 'closing',
  closed: 'closed',
  spam: 'spam',
  silently_closed: 'force closed',
};

export const statusLabel = (s: SessionStatus) => STATUS_LABEL[s] ?? s;
