// The reply box: Enter sends, Shift+Enter is a new line, the draft survives switching
// dialogs, "Hidden message" makes it a note only employees see. With `quickAnswers`, typing
// `/words` opens the quick answers popup (Up/Down/Enter inserts, Escape closes) and the
// "Quick answers" button opens their management. With `mentions`, typing `@name` opens the
// colleague popup (Up/Down/Enter/Tab inserts `[user=ID]Name[/user] `, Escape closes); when
// both a `/` and an `@` lead up to the caret, the nearer one's popup opens. "Insert emoji"
// puts an emoji (UTF-8 text) at the caret. With commands (`commands`, else the workspace
// store's when there is one), a draft starting with `/rename <title>`, `/chatid` or `/quote` is
// a command and never sent: the `/` popup lists the matching commands above the quick answers
// (Enter/Tab/click runs one and takes the `/…` text out), and Enter on a complete command runs
// it; what a command needs but lacks is said in a hint under the box (see Commands.tsx).
// Files come in through "Attach files", pasting or dropping onto the box: each uploads at once
// and shows as a chip (progress, error, remove); Send names the uploaded ones (text may then
// be empty) and waits while any is still uploading (see state/attachments.ts). "Attach from
// Drive" opens the Drive picker (loaded on first use): the files chosen there are on the server
// already, so their chips are done at once.
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { uploadFile } from '../api/endpoints';
import type { DirectoryEntry, MessageFile, QuickAnswer } from '../api/types';
import {
  attach, attachExisting, attachRoom, clearAttachments, removeAttachment, useAttachments, type Uploader,
} from '../state/attachments';
import { clearDraft, getDraft, setDraft, useDraft } from '../state/drafts';
import { MAX_FILES } from '../../../shared/files';
import { AttachButton, AttachmentChips, DriveButton } from './Attachments';
import {
  COMMAND_LIST_ID, CommandList, cleanTitle, commandOptionId, commandToken, matchCommands, parseCommand, quoteMarkup,
  titleTooLong, useStoreCommands, type CommandContext, type CommandMatch, type CommandToken,
} from './Commands';
import { EmojiButton } from './EmojiButton';
import { Modal } from './Modal';
import {
  MENTION_LIST_ID, MentionPopup, mentionMarkup, mentionOptionId, mentionToken, useMentionSearch,
  type MentionContext,
} from './Mentions';
import {
  QUICK_ANSWER_LIST_ID, QuickAnswerPopup, QuickAnswersManager, quickAnswerOptionId, slashToken, useQuickAnswerSearch,
  type QuickAnswerContext,
} from './QuickAnswers';
import './ReplyTools.css';

// The Drive picker is only needed when someone opens it. Should its code fail to load (the
// connection dropped, or a new version replaced it), a note says so instead of a blank app.
type PickerProps = { max: number; onAttach: (files: MessageFile[]) => void; onClose: () => void };
const DrivePicker = lazy(() =>
  import('../drive/DrivePicker').catch(() => ({
    default: ({ onClose }: PickerProps) => (
      <Modal title="Attach from Drive" onClose={onClose}>
        <p role="alert">The Drive could not be loaded. Reload the page and try again.</p>
      </Modal>
    ),
  })),
);

export const REPLY_TEXTAREA_ID = 'reply-text';
export const REPLY_HINT_ID = 'reply-hint';

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
  commands,
  upload = uploadFile,
}: {
  dialogId: number;
  /** Enables quick answers (the `/` popup and the "Quick answers" button). */
  quickAnswers?: QuickAnswerContext;
  /** Enables the `@` popup that mentions colleagues. */
  mentions?: MentionContext;
  /** What `/rename`, `/chatid` and `/quote` act on; by default the workspace store's dialog. */
  commands?: CommandContext;
  /** Uploads an attached file; `uploadFile` (POST /api/v1/files) by default. */
  upload?: Uploader;
  /** Resolves to whether it was sent; on false the draft (and the attachments) stay. */
  onSend: (text: string, hidden: boolean, replyTo: number | null, files: number[]) => Promise<boolean>;
  onTyping: () => void;
}) {
  const draft = useDraft(dialogId);
  const attachments = useAttachments(dialogId);
  const ready = attachments.filter((a) => a.state === 'done' && a.file);
  const uploading = attachments.some((a) => a.state === 'uploading');
  const [dragging, setDragging] = useState(false);
  const [hidden, setHidden] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  // The `/` or `@` whose popup was closed with Escape stays closed.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [managing, setManaging] = useState(false);
  const [picking, setPicking] = useState(false);
  const [caretTo, setCaretTo] = useState<number | null>(null);
  const storeCommands = useStoreCommands(dialogId);
  const cmdCtx = commands ?? storeCommands;
  // The command typed from the start of the draft up to the caret, and what a command lacks.
  const [command, setCommand] = useState<CommandToken | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const live = trigger !== null && `${trigger.kind}:${trigger.start}` !== dismissed;
  const slashOpen = live && !!quickAnswers && trigger.kind === 'slash';
  const mentionOpen = live && !!mentions && trigger.kind === 'mention';
  // A `/` or `@` typed after the command's (e.g. in the new title) is the one being completed.
  const commandOpen =
    !!cmdCtx && command !== null && `slash:${command.start}` !== dismissed && !(trigger && trigger.start > command.start);
  const found = useQuickAnswerSearch(slashOpen ? trigger.query : null, quickAnswers);
  const people = useMentionSearch(mentionOpen ? trigger.query : null, mentions);
  const cmdName = commandOpen ? command.name : null;
  const cmdArg = commandOpen ? command.arg : null;
  const cmds = useMemo(() => (cmdName === null ? [] : matchCommands(cmdName, cmdArg)), [cmdName, cmdArg]);
  const answers = slashOpen ? found : [];
  const colleagues = mentionOpen ? people : [];
  const count = cmds.length + answers.length || colleagues.length;
  const popup = count > 0;
  const at = Math.min(active, Math.max(count - 1, 0));
  const onCommand = at < cmds.length;

  useEffect(() => setActive(0), [found, people, cmds]);
  useEffect(() => {
    if (caretTo === null || !ref.current) return;
    ref.current.focus();
    ref.current.setSelectionRange(caretTo, caretTo);
    setCaretTo(null);
  }, [caretTo]);

  const track = (text: string, caret: number | null) => {
    setCommand(cmdCtx && caret !== null ? commandToken(text, caret) : null);
    if (caret === null || (!quickAnswers && !mentions && !cmdCtx)) {
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
    setCommand(null);
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

  /**
   * Runs a command written as draft.text[from, to). On success its text leaves the draft (the
   * rest stays); when something is missing, a hint says what and nothing happens.
   */
  const runCommand = async (c: CommandMatch, from: number, to: number) => {
    if (!cmdCtx || busy) return;
    const text = draft.text;
    const rest = text.slice(0, from).trim() ? text.slice(0, from) + text.slice(to) : text.slice(to);
    setTrigger(null);
    setCommand(null);
    const leave = () => {
      // Only if the draft did not change meanwhile (rename waits for the server).
      if (getDraft(dialogId).text !== text) return;
      setDraft(dialogId, { ...getDraft(dialogId), text: rest.trim() ? rest : '' });
      setCaretTo(0);
    };
    switch (c.spec.name) {
      case 'rename': {
        const title = cleanTitle(c.arg);
        if (!title) {
          replace(from, to, '/rename ');
          setHint('Type the new title after /rename, then press Enter.');
          return;
        }
        if (titleTooLong(title)) {
          setHint('The title is too long: at most 255 bytes.');
          return;
        }
        setHint(null);
        setBusy(true);
        const ok = await cmdCtx.rename(title);
        setBusy(false);
        if (ok) leave();
        ref.current?.focus();
        return;
      }
      case 'chatid':
        if (c.arg) {
          setHint('Nothing may follow /chatid.');
          return;
        }
        setHint(null);
        leave();
        await cmdCtx.copyChatId();
        return;
      case 'quote': {
        const m = cmdCtx.lastCustomerMessage();
        if (!m) {
          setHint('There is no customer message to quote yet.');
          return;
        }
        setHint(null);
        const q = quoteMarkup(m.name, m.text) + c.arg;
        setDraft(dialogId, { text: q + rest, replyTo: m.id });
        setCaretTo(q.length);
        return;
      }
    }
  };

  /** Runs a command chosen in the popup: the one typed up to the caret. */
  const choose = (c: CommandMatch) => {
    if (commandOpen) void runCommand(c, command.start, command.end);
  };

  const pickActive = () => {
    if (onCommand) choose(cmds[at]);
    else if (answers.length) insert(answers[at - cmds.length]);
    else if (colleagues.length) mention(colleagues[at]);
  };

  /** Attaches files (chosen, pasted or dropped); says so when some are over the limit. */
  const addFiles = (files: File[]) => {
    if (!files.length) return;
    const left = attach(dialogId, files, upload);
    setHint(left ? `At most ${MAX_FILES} files go with one message; ${left === 1 ? 'one was' : `${left} were`} left out.` : null);
  };

  /** Attaches files chosen in the Drive picker; says so when some are over the limit. */
  const addExisting = (files: MessageFile[]) => {
    setPicking(false);
    const left = attachExisting(dialogId, files);
    setHint(left ? `At most ${MAX_FILES} files go with one message; ${left === 1 ? 'one was' : `${left} were`} left out.` : null);
  };

  const send = async () => {
    const text = draft.text.trim();
    if ((!text && !ready.length) || busy) return;
    // A command is never sent as a message, even with its popup closed.
    const c = cmdCtx && text ? parseCommand(draft.text) : null;
    if (c) {
      await runCommand(c, 0, draft.text.length);
      return;
    }
    if (uploading) {
      setHint('Wait until the files are uploaded, then send.');
      return;
    }
    // What was attached when Send was pressed: files attached while it goes stay for the next.
    const sent = attachments.map((a) => a.key);
    setBusy(true);
    const ok = await onSend(text, hidden, draft.replyTo, ready.map((a) => a.file!.id));
    setBusy(false);
    if (ok) {
      clearDraft(dialogId);
      clearAttachments(dialogId, sent);
      setHidden(false);
      setHint(null);
    }
    ref.current?.focus();
  };

  return (
    <>
      <form
        className={`reply${hidden ? ' reply-hidden' : ''}${dragging ? ' reply-dragging' : ''}`}
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
        onDragOver={(e) => {
          if (!Array.from(e.dataTransfer.types).includes('Files')) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          setDragging(false);
          const files = Array.from(e.dataTransfer.files ?? []);
          if (!files.length) return;
          e.preventDefault();
          addFiles(files);
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
          {cmds.length > 0 && (
            <div className="qa-popup">
              <CommandList items={cmds} active={onCommand ? at : -1} onPick={choose} onHover={setActive} />
              {answers.length > 0 && (
                <div style={{ borderTop: '1px solid var(--line)', marginTop: '0.25rem', paddingTop: '0.25rem' }}>
                  <QuickAnswerPopup
                    embedded
                    items={answers}
                    active={onCommand ? -1 : at - cmds.length}
                    onPick={insert}
                    onHover={(i) => setActive(cmds.length + i)}
                  />
                </div>
              )}
            </div>
          )}
          {cmds.length === 0 && answers.length > 0 && <QuickAnswerPopup items={answers} active={at} onPick={insert} onHover={setActive} />}
          {colleagues.length > 0 && <MentionPopup items={colleagues} active={at} onPick={mention} onHover={setActive} />}
          <textarea
            id={REPLY_TEXTAREA_ID}
            ref={ref}
            aria-label="Message"
            placeholder={hidden ? 'Note for employees only…' : 'Write a reply…'}
            rows={3}
            value={draft.text}
            aria-controls={
              cmds.length || answers.length
                ? [cmds.length ? COMMAND_LIST_ID : '', answers.length ? QUICK_ANSWER_LIST_ID : ''].filter(Boolean).join(' ')
                : colleagues.length
                  ? MENTION_LIST_ID
                  : undefined
            }
            aria-activedescendant={
              onCommand && cmds.length
                ? commandOptionId(cmds[at].spec.name)
                : answers.length
                  ? quickAnswerOptionId(answers[at - cmds.length].id)
                  : colleagues.length
                    ? mentionOptionId(colleagues[at].id)
                    : undefined
            }
            aria-describedby={hint ? REPLY_HINT_ID : undefined}
            onSelect={(e) => track(e.currentTarget.value, e.currentTarget.selectionStart)}
            onPaste={(e) => {
              // Pasted files (e.g. a screenshot) are attached; pasted text goes in as usual.
              const files = Array.from(e.clipboardData?.files ?? []);
              if (!files.length) return;
              e.preventDefault();
              addFiles(files);
            }}
            onChange={(e) => {
              setDraft(dialogId, { ...draft, text: e.target.value });
              track(e.target.value, e.target.selectionStart);
              setHint(null);
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
                if ((e.key === 'Enter' || (e.key === 'Tab' && (colleagues.length > 0 || onCommand))) && !e.shiftKey) {
                  e.preventDefault();
                  pickActive();
                  return;
                }
                if (e.key === 'Escape' && (trigger || commandOpen)) {
                  e.preventDefault();
                  e.stopPropagation();
                  setDismissed(commandOpen && cmds.length ? `slash:${command.start}` : `${trigger!.kind}:${trigger!.start}`);
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
        <AttachmentChips items={attachments} onRemove={(a) => removeAttachment(dialogId, a.key)} />
        {/* Always there, so the hint is announced; empty, it takes back the grid's gap. */}
        <div id={REPLY_HINT_ID} className="reply-hint muted" role="status" style={{ fontSize: '0.85rem', marginTop: hint ? 0 : '-0.35rem' }}>
          {hint}
        </div>
        <div className="reply-bar">
          <div className="reply-tools">
            <label className="check">
              <input type="checkbox" checked={hidden} onChange={(e) => setHidden(e.target.checked)} />
              Hidden message
            </label>
            <AttachButton onFiles={addFiles} />
            <DriveButton onClick={() => setPicking(true)} />
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
          <button type="submit" className="btn btn-primary" disabled={busy || uploading || (!draft.text.trim() && !ready.length)}>
            Send
          </button>
        </div>
      </form>
      {picking && (
        <Suspense fallback={null}>
          <DrivePicker max={attachRoom(dialogId)} onAttach={addExisting} onClose={() => setPicking(false)} />
        </Suspense>
      )}
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
