// One message: author, time, BBCode body, attached files, edit/delete marks ("(edited)" opens the earlier
// versions), delivery ticks or a "Not delivered" mark with "Send again", and (when not read-only) the
// message menu and the inline editor.
import { memo, useMemo, useState } from 'react';
import type { Dialog, Employee, Line, Message } from '../api/types';
import { BBCode, toPlainText } from '../bbcode';
import { clockTime, fullTime } from '../format';
import { filesOf, filesPreview } from '../../../shared/files';
import { MessageFiles } from './Attachments';
import { MessageMenu, type MessageMenuHandlers } from './MessageMenu';
import { EditedMark } from './EditHistory';
import { deliveryFailed } from '../state/rules';

/** The tick of an operator message that was not refused (a refusal has its own mark, see DeliveryFailed). */
function deliveryOf(m: Message, customerReadId: number): { label: string; glyph: string } | null {
  if (m.author.kind !== 'operator' || m.hidden || m.deleted || m.delivery === 'failed') return null;
  if (m.delivery === 'read' || (customerReadId >= m.id && m.delivery !== 'pending')) return { label: 'Read', glyph: '✓✓' };
  if (m.delivery === 'delivered') return { label: 'Delivered', glyph: '✓✓' };
  if (m.delivery === 'sent') return { label: 'Sent', glyph: '✓' };
  if (m.delivery === 'pending') return { label: 'Sending', glyph: '◷' };
  return null;
}

export interface MessageItemProps {
  message: Message;
  dialog: Dialog;
  /** The message it answers, when loaded. */
  replyTo?: Message;
  interactive?: {
    me: Employee;
    lines: ReadonlyMap<number, Line>;
    handlers: MessageMenuHandlers;
    onSaveEdit(m: Message, text: string): Promise<boolean>;
  };
}

/**
 * A refused operator message: a visible "Not delivered" (not only an icon) and, when the caller
 * lets me, "Send again" (any employee who sees the chat may).
 */
function DeliveryFailed({ message, onRetry }: { message: Message; onRetry?: (m: Message) => Promise<unknown> | void }) {
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    if (!onRetry || busy) return;
    setBusy(true);
    try {
      await onRetry(message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="delivery-failed">
      <span className="delivery-failed-mark" role="status" aria-label="Not delivered" title="The channel did not accept this message">
        <span className="delivery-failed-icon" aria-hidden="true">!</span>
        Not delivered
      </span>
      {onRetry && (
        <button type="button" className="btn btn-small msg-retry" onClick={() => void retry()} disabled={busy}
          title="Send this message to the customer once more">
          {busy ? 'Sending…' : 'Send again'}
        </button>
      )}
    </span>
  );
}

export const MessageItem = memo(function MessageItem({ message: m, dialog, replyTo, interactive }: MessageItemProps) {
  const [editing, setEditing] = useState(false);
  const [editText, setEditText] = useState('');
  const kind = m.author.kind;
  const tick = deliveryOf(m, dialog.customer_read_id);
  const failed = deliveryFailed(m);
  // The dialog object changes with every event; parsing the text again each time is waste.
  const body = useMemo(() => <BBCode text={m.text} />, [m.text]);
  const files = useMemo(() => filesOf(m), [m]);

  if (kind === 'system') {
    return (
      <div className="msg msg-system" data-message-id={m.id} data-author-kind="system" data-hidden={m.hidden || undefined}>
        <span>{m.text}</span> <time dateTime={m.created_at}>{clockTime(m.created_at)}</time>
      </div>
    );
  }

  const handlers: MessageMenuHandlers | undefined = interactive && {
    ...interactive.handlers,
    onEdit: () => {
      setEditText(m.text);
      setEditing(true);
    },
  };

  const save = async () => {
    const text = editText.trim();
    if (!text || !interactive) return;
    if (text === m.text || (await interactive.onSaveEdit(m, text))) setEditing(false);
  };

  return (
    <div
      className={`msg msg-${kind}${m.hidden ? ' msg-hidden' : ''}${m.deleted ? ' msg-deleted' : ''}${failed ? ' msg-failed' : ''}`}
      data-message-id={m.id}
      data-author-kind={kind}
      data-hidden={m.hidden || undefined}
    >
      <div className="msg-head">
        <span className="msg-author">{m.author.name || (kind === 'customer' ? 'Customer' : 'Operator')}</span>
        {m.hidden && <span className="msg-hidden-label">Hidden</span>}
        <time dateTime={m.created_at} title={fullTime(m.created_at)}>
          {clockTime(m.created_at)}
        </time>
        {interactive && handlers && !editing && (
          <MessageMenu message={m} dialog={dialog} me={interactive.me} lines={interactive.lines} handlers={handlers} />
        )}
      </div>
      {replyTo && !m.deleted && (
        <div className="msg-reply-ref">
          ↪ {replyTo.author.name}:{' '}
          {replyTo.deleted ? 'Message deleted' : toPlainText(replyTo.text).slice(0, 80) || filesPreview(filesOf(replyTo)).slice(0, 80)}
        </div>
      )}
      {m.deleted ? (
        <div className="msg-body msg-body-deleted">Message deleted</div>
      ) : editing ? (
        <form
          className="msg-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <textarea
            aria-label="Edit message"
            value={editText}
            autoFocus
            onChange={(e) => setEditText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setEditing(false);
              } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void save();
              }
            }}
          />
          <div className="msg-edit-bar">
            <button type="submit" className="btn btn-primary">
              Save
            </button>
            <button type="button" className="btn" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          {(m.text !== '' || files.length === 0) && <div className="msg-body">{body}</div>}
          <MessageFiles files={files} />
        </>
      )}
      <div className="msg-foot">
        {m.edited_at && !m.deleted && <EditedMark message={m} />}
        {failed && <DeliveryFailed message={m} onRetry={handlers?.onRetry} />}
        {tick && (
          <span className={`tick tick-${tick.label.toLowerCase().replace(' ', '-')}`} aria-label={tick.label} title={tick.label} role="img">
            {tick.glyph}
          </span>
        )}
      </div>
    </div>
  );
});
