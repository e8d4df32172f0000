// A dialog's correspondence as a log: day separators, session dividers, and backwards
// infinite scroll that keeps the reader's place when older messages are prepended.
import { Fragment, useLayoutEffect, useRef } from 'react';
import type { Dialog, Message, Session } from '../api/types';
import { dayKey, dayLabel } from '../format';
import { statusLabel } from '../state/rules';
import { MessageItem, type MessageItemProps } from './MessageItem';

const NEAR_TOP_PX = 150;
const NEAR_BOTTOM_PX = 80;

export function MessageList({
  label,
  messages,
  dialog,
  sessions,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  interactive,
  myId,
}: {
  label: string;
  messages: Message[];
  dialog: Dialog;
  sessions: Session[];
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  interactive?: MessageItemProps['interactive'];
  /** Scrolls down for my own new messages even when reading further up. */
  myId: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const prev = useRef({ first: 0, last: 0, height: 0, nearBottom: true });

  // A picture that loads makes its message taller: a reader at the bottom stays there.
  useLayoutEffect(() => {
    const el = ref.current!;
    const onLoad = (e: Event) => {
      if (!(e.target instanceof HTMLImageElement)) return;
      if (prev.current.nearBottom) el.scrollTop = el.scrollHeight;
      prev.current.height = el.scrollHeight;
    };
    el.addEventListener('load', onLoad, true);
    return () => el.removeEventListener('load', onLoad, true);
  }, []);

  useLayoutEffect(() => {
    const el = ref.current!;
    const first = messages[0]?.id ?? 0;
    const lastMsg = messages[messages.length - 1];
    const last = lastMsg?.id ?? 0;
    const p = prev.current;
    if (p.first === 0 && first !== 0) {
      el.scrollTop = el.scrollHeight;
    } else if (first !== p.first && last === p.last) {
      // Older messages were prepended: keep the same message under the reader's eyes.
      el.scrollTop += el.scrollHeight - p.height;
    } else if (last !== p.last && (p.nearBottom || (lastMsg?.author.kind === 'operator' && lastMsg.author.id === myId))) {
      el.scrollTop = el.scrollHeight;
    }
    prev.current = { ...p, first, last, height: el.scrollHeight };
  }, [messages, myId]);

  const onScroll = () => {
    const el = ref.current!;
    prev.current.nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (el.scrollTop < NEAR_TOP_PX && hasOlder && !loadingOlder) onLoadOlder();
  };

  const byId = new Map(messages.map((m) => [m.id, m]));
  const sessionStatus = (id: number) =>
    id === dialog.session.id ? dialog.session.status : (sessions.find((s) => s.id === id)?.status ?? 'closed');

  return (
    <div className="log" ref={ref} onScroll={onScroll} role="log" aria-label={label} aria-busy={loadingOlder}>
      {hasOlder ? (
        <button type="button" className="btn btn-ghost load-older" onClick={onLoadOlder} disabled={loadingOlder}>
          {loadingOlder ? 'Loading…' : 'Load older messages'}
        </button>
      ) : (
        messages.length > 0 && <p className="log-start">Beginning of the conversation</p>
      )}
      {messages.map((m, i) => {
        const before = messages[i - 1];
        // The first loaded message starts a session only if nothing older is left to load.
        const newSession = before ? before.session_id !== m.session_id : !hasOlder;
        const newDay = !before || dayKey(before.created_at) !== dayKey(m.created_at);
        const sessionText = `Session #${m.session_id} · ${statusLabel(sessionStatus(m.session_id))}`;
        return (
          <Fragment key={m.id}>
            {newSession && (
              <div className="session-sep" role="separator" aria-label={sessionText}>
                <span>{sessionText}</span>
              </div>
            )}
            {newDay && (
              <div className="day-sep">
                <span>{dayLabel(m.created_at)}</span>
              </div>
            )}
            <MessageItem
              message={m}
              dialog={dialog}
              replyTo={m.reply_to ? byId.get(m.reply_to) : undefined}
              interactive={interactive}
            />
          </Fragment>
        );
      })}
    </div>
  );
}
