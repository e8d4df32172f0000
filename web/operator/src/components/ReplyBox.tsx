// The reply box: Enter sends, Shift+Enter is a new line, the draft survives switching
// dialogs, "Hidden message" makes it a note only employees see. With `quickAnswers`, typing
// `/words` opens the quick answers popup (Up/Down/Enter inserts, Escape closes) and the
// "Quick answers" button opens their management. With `mentions`, typing `@name` opens the
// colleague popup (Up/Down/Enter/Tab inserts `[user=ID]Name[/user] `, Escape closes); when
// both a `/` and an `@` lead up to the caret, the nearer one's popup opens. "Insert emoji"
// puts an emoji (UTF-8 text) at the caret.
import { useEffect, useRef, useState } from 'react';
import type { DirectoryEntry, QuickAnswer } from '../api/types';
import { clearDraft, setDraft, useDraft } from '../state/drafts';
import { EmojiButton } from './EmojiButton';
import {
  MENTION_LIST_ID, MentionPopup, mentionMarkup, mentionOptionId, mentionToken, useMentionSearch,
  type MentionContext,
} from './Mentions';
import {
  QUICK_ANSWER_LIST_ID, QuickAnswerPopup, QuickAnswersManager, quickAnswerOptionId, slashToken, useQuickAnswerSearch,
  type QuickAnswerContext,
} from './QuickAnswers';
import './ReplyTools.css';

export const REPLY_TEXTAREA_ID = 'reply-text';

/** The `/query` or `@query` before the caret that a popup completes. */
interface Trigger {
  kind: 'slash' | 'mention';
  start: number;
  end: number;
  query: string;
}

export function ReplyBox({
  dialogId,
  onSend,
  onTyping,
  quickAnswers,
  mentions,
}: {
  dialogId: number;
  /** Enables quick answers (the `/` popup and the "Quick answers" button). */
  quickAnswers?: QuickAnswerContext;
  /** Enables the `@` popup that mentions colleagues. */
  mentions?: MentionContext;
  /** Resolves to whether it was sent; on false the draft stays. */
  onSend: (text: string, hidden: boolean, replyTo: number | null) => Promise<boolean>;
  onTyping: () => void;
}) {
  const draft = useDraft(dialogId);
  const [hidden, setHidden] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  // The `/` or `@` whose popup was closed with Escape stays closed.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [managing, setManaging] = useState(false);
  const [caretTo, setCaretTo] = useState<number | null>(null);
  const live = trigger !== null && `${trigger.kind}:${trigger.start}` !== dismissed;
  const slashOpen = live && !!quickAnswers && trigger.kind === 'slash';
  const mentionOpen = live && !!mentions && trigger.kind === 'mention';
  const found = useQuickAnswerSearch(slashOpen ? trigger.query : null, quickAnswers);
  const people = useMentionSearch(mentionOpen ? trigger.query : null, mentions);
  const answers = slashOpen ? found : [];
  const colleagues = mentionOpen ? people : [];
  const count = answers.length || colleagues.length;
  const popup = count > 0;
  const at = Math.min(active, Math.max(count - 1, 0));

  useEffect(() => setActive(0), [found, people]);
  useEffect(() => {
    if (caretTo === null || !ref.current) return;
    ref.current.focus();
    ref.current.setSelectionRange(caretTo, caretTo);
    setCaretTo(null);
  }, [caretTo]);

  const track = (text: string, caret: number | null) => {
    if (caret === null || (!quickAnswers && !mentions)) {
      setTrigger(null);
      return;
    }
    const slash = quickAnswers ? slashToken(text, caret) : null;
    const at = mentions ? mentionToken(text, caret) : null;
    // Both may lead up to the caret (e.g. "/thanks @An"): the nearer one is being typed.
    const t: Trigger | null =
      slash && (!at || slash.start > at.start) ? { kind: 'slash', ...slash } : at ? { kind: 'mention', ...at } : null;
    setTrigger(t);
    // A closed popup stays closed while its `/` or `@` is still there before the caret.
    if (dismissed !== null) {
      const [kind, at0] = dismissed.split(':');
      const pos = Number(at0);
      if (pos >= caret || text[pos] !== (kind === 'slash' ? '/' : '@')) setDismissed(null);
    }
  };

  /** Replaces text[from, to) of the draft with `s` and puts the caret after it. */
  const replace = (from: number, to: number, s: string) => {
    const text = draft.text;
    setDraft(dialogId, { ...draft, text: text.slice(0, from) + s + text.slice(to) });
    setTrigger(null);
    setCaretTo(from + s.length);
  };

  /** The caret (or selection) of the textarea; the end of the text when unknown. */
  const selection = (): [number, number] => {
    const el = ref.current;
    const len = draft.text.length;
    return [Math.min(el?.selectionStart ?? len, len), Math.min(el?.selectionEnd ?? len, len)];
  };

  /** Puts the answer's text in place of `/query` (or at the caret, from the manager). */
  const insert = (a: QuickAnswer) => {
    const [from, to] = slashOpen ? [trigger.start, trigger.end] : selection();
    replace(from, to, a.text);
  };

  /** Puts `[user=ID]Name[/user] ` in place of `@query`. */
  const mention = (e: DirectoryEntry) => {
    if (!mentionOpen) return;
    replace(trigger.start, trigger.end, mentionMarkup(e));
  };

  const pickActive = () => {
    if (answers.length) insert(answers[at]);
    else if (colleagues.length) mention(colleagues[at]);
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
          {answers.length > 0 && <QuickAnswerPopup items={answers} active={at} onPick={insert} onHover={setActive} />}
          {colleagues.length > 0 && <MentionPopup items={colleagues} active={at} onPick={mention} onHover={setActive} />}
          <textarea
            id={REPLY_TEXTAREA_ID}
            ref={ref}
            aria-label="Message"
            placeholder={hidden ? 'Note for employees only…' : 'Write a reply…'}
            rows={3}
            value={draft.text}
            aria-controls={answers.length ? QUICK_ANSWER_LIST_ID : colleagues.length ? MENTION_LIST_ID : undefined}
            aria-activedescendant={
              answers.length
                ? quickAnswerOptionId(answers[at].id)
                : colleagues.length
                  ? mentionOptionId(colleagues[at].id)
                  : undefined
            }
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
                  setActive((i) => (Math.min(i, count - 1) + step + count) % count);
                  return;
                }
                if ((e.key === 'Enter' || (e.key === 'Tab' && colleagues.length > 0)) && !e.shiftKey) {
                  e.preventDefault();
                  pickActive();
                  return;
                }
                if (e.key === 'Escape' && trigger) {
                  e.preventDefault();
                  e.stopPropagation();
                  setDismissed(`${trigger.kind}:${trigger.start}`);
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
            <EmojiButton
              onPick={(emoji) => {
                const [from, to] = selection();
                replace(from, to, emoji);
              }}
            />
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
