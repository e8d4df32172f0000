// The reply box: Enter sends, Shift+Enter is a new line, the draft survives switching
// dialogs, "Hidden message" makes it a note only employees see. With `quickAnswers`, typing
// `/words` opens the quick answers popup (Up/Down/Enter inserts, Escape closes) and the
// "Quick answers" button opens their management.
import { useEffect, useRef, useState } from 'react';
import type { QuickAnswer } from '../api/types';
import { clearDraft, setDraft, useDraft } from '../state/drafts';
import {
  QUICK_ANSWER_LIST_ID, QuickAnswerPopup, QuickAnswersManager, quickAnswerOptionId, slashToken, useQuickAnswerSearch,
  type QuickAnswerContext, type SlashToken,
} from './QuickAnswers';

export const REPLY_TEXTAREA_ID = 'reply-text';

export function ReplyBox({
  dialogId,
  onSend,
  onTyping,
  quickAnswers,
}: {
  dialogId: number;
  /** Enables quick answers (the `/` popup and the "Quick answers" button). */
  quickAnswers?: QuickAnswerContext;
  /** Resolves to whether it was sent; on false the draft stays. */
  onSend: (text: string, hidden: boolean, replyTo: number | null) => Promise<boolean>;
  onTyping: () => void;
}) {
  const draft = useDraft(dialogId);
  const [hidden, setHidden] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const [slash, setSlash] = useState<SlashToken | null>(null);
  // The `/` whose popup was closed with Escape stays closed.
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [managing, setManaging] = useState(false);
  const [caretTo, setCaretTo] = useState<number | null>(null);
  const open = !!quickAnswers && slash !== null && slash.start !== dismissed;
  const found = useQuickAnswerSearch(open ? slash.query : null, quickAnswers);
  const options = open ? found : [];
  const popup = options.length > 0;

  useEffect(() => setActive(0), [found]);
  useEffect(() => {
    if (caretTo === null || !ref.current) return;
    ref.current.focus();
    ref.current.setSelectionRange(caretTo, caretTo);
    setCaretTo(null);
  }, [caretTo]);

  const track = (text: string, caret: number | null) => {
    if (!quickAnswers) return;
    const t = caret === null ? null : slashToken(text, caret);
    setSlash(t);
    if (!t) setDismissed(null);
  };

  /** Puts the answer's text in place of `/query` (or at the caret, from the manager). */
  const insert = (a: QuickAnswer) => {
    const el = ref.current;
    const text = draft.text;
    const from = slash && open ? slash.start : (el?.selectionStart ?? text.length);
    const to = slash && open ? slash.end : (el?.selectionEnd ?? text.length);
    const next = text.slice(0, from) + a.text + text.slice(to);
    setDraft(dialogId, { ...draft, text: next });
    setSlash(null);
    setCaretTo(from + a.text.length);
  };

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
    <>
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
        <div className="reply-input">
          {popup && <QuickAnswerPopup items={options} active={active} onPick={insert} onHover={setActive} />}
          <textarea
            id={REPLY_TEXTAREA_ID}
            ref={ref}
            aria-label="Message"
            placeholder={hidden ? 'Note for employees only…' : 'Write a reply…'}
            rows={3}
            value={draft.text}
            aria-controls={popup ? QUICK_ANSWER_LIST_ID : undefined}
            aria-activedescendant={popup ? quickAnswerOptionId(options[active].id) : undefined}
            onSelect={(e) => track(e.currentTarget.value, e.currentTarget.selectionStart)}
            onChange={(e) => {
              setDraft(dialogId, { ...draft, text: e.target.value });
              track(e.target.value, e.target.selectionStart);
              // Typing notices reach the customer, so a note in progress must not send them.
              if (e.target.value && !hidden) onTyping();
            }}
            onKeyDown={(e) => {
              if (popup && !e.nativeEvent.isComposing) {
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  e.preventDefault();
                  const step = e.key === 'ArrowDown' ? 1 : -1;
                  setActive((i) => (i + step + options.length) % options.length);
                  return;
                }
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  insert(options[Math.min(active, options.length - 1)]);
                  return;
                }
                if (e.key === 'Escape') {
                  e.preventDefault();
                  e.stopPropagation();
                  setDismissed(slash!.start);
                  return;
                }
              }
              // Keep Enter for IME composition (e.g. Japanese input confirms with Enter).
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void send();
              }
            }}
          />
        </div>
        <div className="reply-bar">
          <div className="reply-tools">
            <label className="check">
              <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.target.checked)} />
              Hidden message
            </label>
            {quickAnswers && (
              <button type="button" className="btn btn-ghost" onClick={() => setManaging(true)}>
                Quick answers
              </button>
            )}
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy || !draft.text.trim()}>
            Send
          </button>
        </div>
      </form>
      {managing && quickAnswers && (
        <QuickAnswersManager
          ctx={quickAnswers}
          onClose={() => setManaging(false)}
          onInsert={(a) => {
            setManaging(false);
            insert(a);
          }}
        />
      )}
    </>
  );
}
