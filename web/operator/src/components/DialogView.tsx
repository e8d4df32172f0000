// The open dialog: header and toolbar, the message log, who is typing, and the reply box.
import { useMemo, useState } from 'react';
import type { Dialog, Employee, Message } from '../api/types';
import { useStore, useStoreApi } from '../state/context';
import { quoteIntoDraft } from '../state/drafts';
import { statusLabel } from '../state/rules';
import { ChannelIcon } from './ChannelIcon';
import { DialogActions } from './DialogActions';
import { MessageList } from './MessageList';
import { saveToDrive } from './MessageMenu';
import type { MessageItemProps } from './MessageItem';
import { Modal } from './Modal';
import { canCreateQuickAnswer, SaveQuickAnswerDialog, type QuickAnswerContext } from './QuickAnswers';
import { ReplyBox, REPLY_TEXTAREA_ID } from './ReplyBox';

const NO_MESSAGES: Message[] = [];

const NO_SESSIONS: never[] = [];

export function DialogView({ me, dialog: d }: { me: Employee; dialog: Dialog }) {
  const store = useStoreApi();
  const thread = useStore((s) => s.threads.get(d.id));
  const sessions = useStore((s) => s.sessions.get(d.id)?.items ?? NO_SESSIONS);
  const typing = useStore((s) => s.typing.get(d.id));
  const lines = useStore((s) => s.lines);
  const [deleting, setDeleting] = useState<Message | null>(null);
  const [savingAnswer, setSavingAnswer] = useState<Message | null>(null);
  const qa: QuickAnswerContext = useMemo(() => ({ me, lineId: d.line_id, lines }), [me, d.line_id, lines]);
  const mentionCtx = useMemo(() => ({ meId: me.id }), [me.id]);

  const interactive: MessageItemProps['interactive'] = useMemo(
    () => ({
      me,
      lines,
      handlers: {
        onQuote: (m) => {
          quoteIntoDraft(d.id, m.id, m.text);
          document.getElementById(REPLY_TEXTAREA_ID)?.focus();
        },
        onNewSession: (m) => void store.action(d.id, 'new_session', { from_message_id: m.id }),
        // MessageItem opens its own inline editor.
        onEdit: () => {},
        onDelete: (m) => setDeleting(m),
        ...(canCreateQuickAnswer(qa) ? { onSaveQuickAnswer: (m: Message) => setSavingAnswer(m) } : {}),
        onSaveToDrive: (m) => void saveToDrive(store, m),
        onRetry: (m) => store.retryDelivery(m),
      },
      onSaveEdit: (m, text) => store.editMessage(m.id, text),
    }),
    [me, lines, d.id, store, qa],
  );

  const send = async (text: string, hidden: boolean, replyTo: number | null, files: number[]) => {
    try {
      await store.send(d.id, text, hidden, replyTo, files);
      return true;
    } catch (e) {
      store.toast((e as Error).message);
      return false;
    }
  };

  return (
    <section className="dialog-view" aria-label={`Dialog: ${d.title}`}>
      <header className="dialog-head">
        <div className="dialog-title">
          <ChannelIcon dialog={d} />
          <h1>{d.title}</h1>
          <span className={`status status-${d.session.status}`}>{statusLabel(d.session.status)}</span>
          {d.session.pinned && <span className="status">pinned</span>}
        </div>
        <DialogActions dialog={d} me={me} />
      </header>
      {/* Sibling keys must differ, or React keeps the old log next to the new one. */}
      <MessageList
        key={`log-${d.id}`}
        label="Messages"
        messages={thread?.items ?? NO_MESSAGES}
        dialog={d}
        sessions={sessions}
        hasOlder={!!thread?.cursor}
        loadingOlder={!!thread?.loadingOlder}
        onLoadOlder={() => void store.loadOlder(d.id)}
        interactive={interactive}
        myId={me.id}
      />
      <div className="typing" aria-live="polite">
        {typing && `${typing.name || 'Customer'} is typing…`}
      </div>
      <ReplyBox key={`reply-${d.id}`} dialogId={d.id} onSend={send} onTyping={() => store.typing(d.id)} quickAnswers={qa} mentions={mentionCtx} />
      {savingAnswer && (
        <SaveQuickAnswerDialog
          ctx={qa}
          text={savingAnswer.text}
          onClose={() => setSavingAnswer(null)}
          onSaved={(a) => store.toast(`Saved quick answer “${a.title}”`, 'info')}
        />
      )}
      {deleting && (
        <Modal title="Delete message" onClose={() => setDeleting(null)}>
          <p>Delete this message? It stays in the history as “Message deleted”.</p>
          <div className="modal-actions">
            <button
              type="button"
              className="btn btn-danger"
              onClick={async () => {
                if (await store.deleteMessage(deleting)) setDeleting(null);
              }}
            >
              Delete
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setDeleting(null)}>
              Cancel
            </button>
          </div>
        </Modal>
      )}
    </section>
  );
}
