// The reply box: Enter sends, Shift+Enter is a new line, the draft survives switching
// dialogs, "Hidden message" makes it a note only employees see.
import { useRef, useState } from 'react';
import { clearDraft, setDraft, useDraft } from '../state/drafts';

export const REPLY_TEXTAREA_ID = 'reply-text';

export function ReplyBox({
  dialogId,
  onSend,
  onTyping,
}: {
  dialogId: number;
  /** Resolves to whether it was sent; on false the draft stays. */
  onSend: (text: string, hidden: boolean, replyTo: number | null) => Promise<boolean>;
  onTyping: () => void;
}) {
  const draft = useDraft(dialogId);
  const [hidden, setHidden] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);

  const send = async () => {
    const text = draft.text.trim();
    if (!text || busy) return;
    setBusy(true);
    const ok = await onSend(text, hidden, draft.replyTo);
    setBusy(false);
    if (ok) {
      clearDraft(dialogId);
      setHidden(false);
    }
    ref.current?.focus();
  };

  return (
    <form
      className={hidden ? 'reply reply-hidden' : 'reply'}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {draft.replyTo !== null && (
        <div className="reply-to">
          <span>Replying to message #{draft.replyTo}</span>
          <button type="button" className="btn btn-ghost" onClick={() => setDraft(dialogId, { ...draft, replyTo: null })}>
            Cancel reply
          </button>
        </div>
      )}
      <textarea
        id={REPLY_TEXTAREA_ID}
        ref={ref}
        aria-label="Message"
        placeholder={hidden ? 'Note for employees only…' : 'Write a reply…'}
        rows={3}
        value={draft.text}
        onChange={(e) => {
          setDraft(dialogId, { ...draft, text: e.target.value });
          // Typing notices reach the customer, so a note in progress must not send them.
          if (e.target.value && !hidden) onTyping();
        }}
        onKeyDown={(e) => {
          // Keep Enter for IME composition (e.g. Japanese input confirms with Enter).
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <div className="reply-bar">
        <label className="check">
          <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.target.checked)} />
          Hidden message
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || !draft.text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
