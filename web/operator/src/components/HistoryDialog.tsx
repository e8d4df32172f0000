// The whole correspondence of a dialog, read-only and paged on its own (so it does not
// disturb the open thread), with the customer's related dialogs.
import { useCallback, useEffect, useState } from 'react';
import { listMessages, relatedDialogs } from '../api/endpoints';
import type { Dialog, Message, RelatedDialog } from '../api/types';
import { shortTime } from '../format';
import { useStore, useStoreApi } from '../state/context';
import { MessageList } from './MessageList';
import { Modal } from './Modal';

const EMPTY_SESSIONS: never[] = [];

export function HistoryDialog({ dialog, onClose }: { dialog: Dialog; onClose: () => void }) {
  const store = useStoreApi();
  const me = useStore((s) => s.me);
  const sessions = useStore((s) => s.sessions.get(dialog.id)?.items ?? EMPTY_SESSIONS);
  const [messages, setMessages] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [related, setRelated] = useState<RelatedDialog[] | null>(null);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      const page = await store.attempt(() => listMessages(dialog.id, from, 100));
      if (page) {
        setMessages((cur) => (from ? [...page.items, ...cur] : page.items));
        setCursor(page.next_cursor);
      }
      setLoading(false);
    },
    [dialog.id, store],
  );

  useEffect(() => {
    void load(null);
    relatedDialogs(dialog.id)
      .then((p) => setRelated(p.items))
      .catch(() => setRelated([]));
  }, [dialog.id, load]);

  return (
    <Modal title="History" onClose={onClose} wide>
      <div className="history">
        <MessageList
          label="Correspondence"
          messages={messages}
          dialog={dialog}
          sessions={sessions}
          hasOlder={cursor !== null}
          loadingOlder={loading}
          onLoadOlder={() => void load(cursor)}
          myId={me.id}
        />
        <section className="related" aria-label="Related dialogs">
          <h3>Related dialogs</h3>
          {related === null ? (
            <p className="muted">Loading…</p>
          ) : related.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul>
              {related.map((r) => (
                <li key={r.id}>
                  <a href={`/dialogs/${r.id}`} onClick={onClose}>
                    {r.title || `Dialog #${r.id}`}
                  </a>{' '}
                  <span className="muted">{shortTime(r.last_message_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </Modal>
  );
}
