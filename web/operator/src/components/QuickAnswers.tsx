// Quick answers (reply templates): the `/` popup of the reply box, the "Save as quick answer"
// dialog of the message menu and the "Quick answers" management modal. Which answers someone
// may read and manage follows the server (docs/openapi.yaml, /api/v1/quick-answers): admins and
// supervisors everything; operators read global answers and those of their lines, and manage
// only the latter. User text is always rendered as text.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  createQuickAnswer, deleteQuickAnswer, fetchAll, listQuickAnswers, quickAnswerSections, updateQuickAnswer,
} from '../api/endpoints';
import type { Employee, Line, QuickAnswer, QuickAnswerInput } from '../api/types';
import { isManager } from '../state/rules';
import { Modal } from './Modal';
import './QuickAnswers.css';

/** What the quick-answer UI needs to know about where it is used. */
export interface QuickAnswerContext {
  me: Employee;
  /** The open dialog's line. */
  lineId: number;
  lines: ReadonlyMap<number, Line>;
}

const inQueue = (ctx: QuickAnswerContext, lineId: number) => !!ctx.lines.get(lineId)?.queue.includes(ctx.me.id);

/** May I read the answers of the dialog's line (else only the global ones apply)? */
export const readsLine = (ctx: QuickAnswerContext) => isManager(ctx.me) || inQueue(ctx, ctx.lineId);

/** May I create, edit or delete answers of this scope (null: global)? */
export function managesScope(ctx: QuickAnswerContext, lineId: number | null): boolean {
  if (isManager(ctx.me)) return true;
  return lineId !== null && inQueue(ctx, lineId);
}

/** May I save a new answer at all (some scope is open to me)? */
export const canCreateQuickAnswer = (ctx: QuickAnswerContext) => managesScope(ctx, null) || managesScope(ctx, ctx.lineId);

// ---- the `/` trigger ----

export interface SlashToken {
  /** Index of the `/`. */
  start: number;
  /** Index after the query (the caret). */
  end: number;
  query: string;
}

/**
 * The `/query` right before the caret: a `/` at the start of the text or after whitespace,
 * followed by words on the same line (nothing, or a non-space first character).
 */
export function slashToken(text: string, caret: number): SlashToken | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/(\S[^\n/]*)?$/.exec(before);
  if (!m) return null;
  const query = m[2] ?? '';
  if (query.length > 100) return null;
  const start = m.index + m[1].length;
  return { start, end: caret, query };
}

/** The answers matching `query` (debounced; null query: nothing). */
export function useQuickAnswerSearch(query: string | null, ctx: QuickAnswerContext | undefined, delayMs = 150) {
  const [items, setItems] = useState<QuickAnswer[]>([]);
  const seq = useRef(0);
  const lineId = ctx?.lineId;
  const withLine = ctx ? readsLine(ctx) : false;
  useEffect(() => {
    const mine = ++seq.current;
    if (query === null || !ctx) {
      setItems([]);
      return;
    }
    const timer = setTimeout(() => {
      const q = query.trim();
      listQuickAnswers({ q, line_id: withLine ? lineId : undefined, limit: 8 })
        .then((page) => {
          if (mine !== seq.current) return;
          // Without access to the line, only global answers belong to this dialog.
          setItems(withLine ? page.items : page.items.filter((a) => a.line_id === null));
        })
        .catch(() => {
          if (mine === seq.current) setItems([]);
        });
    }, delayMs);
    return () => clearTimeout(timer);
  }, [query, lineId, withLine, delayMs]);
  return items;
}

export const QUICK_ANSWER_LIST_ID = 'quick-answer-list';
export const quickAnswerOptionId = (id: number) => `quick-answer-${id}`;

/**
 * The popup under the reply box: a listbox the textarea drives with Up/Down/Enter/Escape.
 * `embedded`: part of a popup that the caller positions (e.g. below the reply commands).
 */
export function QuickAnswerPopup({
  items,
  active,
  onPick,
  onHover,
  embedded = false,
}: {
  items: QuickAnswer[];
  /** Index into `items`; -1 when the active option is elsewhere. */
  active: number;
  onPick: (a: QuickAnswer) => void;
  onHover: (index: number) => void;
  embedded?: boolean;
}) {
  return (
    <ul
      className={embedded ? undefined : 'qa-popup'}
      style={embedded ? { listStyle: 'none', margin: 0, padding: 0 } : undefined}
      role="listbox"
      id={QUICK_ANSWER_LIST_ID}
      aria-label="Quick answers"
    >
      {items.map((a, i) => (
        <li
          key={a.id}
          id={quickAnswerOptionId(a.id)}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'qa-option qa-active' : 'qa-option'}
          // Keep the focus in the textarea.
          onMouseDown={(e) => e.preventDefault()}
          onMouseEnter={() => onHover(i)}
          onClick={() => onPick(a)}
        >
          <span className="qa-title">{a.title}</span>
          {a.section && <span className="qa-section">{a.section}</span>}
          <span className="qa-text">{a.text}</span>
        </li>
      ))}
    </ul>
  );
}

// ---- the editor form (save dialog and management) ----

interface ScopeOption {
  value: string;
  label: string;
}

function scopeOptions(ctx: QuickAnswerContext, current?: number | null): ScopeOption[] {
  const out: ScopeOption[] = [];
  if (managesScope(ctx, null)) out.push({ value: '', label: 'All lines' });
  if (managesScope(ctx, ctx.lineId)) out.push({ value: String(ctx.lineId), label: 'This line' });
  if (current !== undefined && current !== null && current !== ctx.lineId) {
    out.push({ value: String(current), label: `Line: ${ctx.lines.get(current)?.name ?? `#${current}`}` });
  }
  return out;
}

export function QuickAnswerForm({
  ctx,
  initial,
  withText,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  ctx: QuickAnswerContext;
  initial: QuickAnswerInput;
  withText: boolean;
  submitLabel: string;
  onSubmit: (input: QuickAnswerInput) => Promise<void>;
  onCancel: () => void;
}) {
  const options = useMemo(() => scopeOptions(ctx, initial.line_id), [ctx, initial.line_id]);
  const [title, setTitle] = useState(initial.title);
  const [text, setText] = useState(initial.text);
  const [section, setSection] = useState(initial.section ?? '');
  const initialScope = initial.line_id === null ? '' : String(initial.line_id);
  const [scope, setScope] = useState(options.some((o) => o.value === initialScope) ? initialScope : (options[0]?.value ?? ''));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sections, setSections] = useState<string[]>([]);
  const sectionsId = useId();
  const withLine = readsLine(ctx);
  useEffect(() => {
    let live = true;
    quickAnswerSections(withLine ? ctx.lineId : null)
      .then((r) => live && setSections((r.items ?? []).filter((x): x is string => typeof x === 'string')))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [withLine, ctx.lineId]);

  return (
    <form
      className="qa-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (busy) return;
        setBusy(true);
        setError(null);
        try {
          await onSubmit({
            title: title.trim(),
            text,
            section: section.trim() ? section.trim() : null,
            line_id: scope === '' ? null : Number(scope),
          });
        } catch (err) {
          setError((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label className="field">
        Title
        <input value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
      </label>
      {withText && (
        <label className="field">
          Text
          <textarea value={text} rows={5} required onChange={(e) => setText(e.target.value)} />
        </label>
      )}
      <label className="field">
        Section
        <input
          value={section}
          maxLength={100}
          placeholder="None"
          list={sectionsId}
          onChange={(e) => setSection(e.target.value)}
        />
      </label>
      <datalist id={sectionsId}>
        {sections.map((x) => (
          <option key={x} value={x} />
        ))}
      </datalist>
      <label className="field">
        Scope
        <select value={scope} onChange={(e) => setScope(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="qa-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !title.trim() || !text.trim() || options.length === 0}>
          {submitLabel}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "Save as quick answer" of the message menu: the message's text under a new title. */
export function SaveQuickAnswerDialog({
  ctx,
  text,
  onClose,
  onSaved,
}: {
  ctx: QuickAnswerContext;
  text: string;
  onClose: () => void;
  onSaved?: (a: QuickAnswer) => void;
}) {
  const firstLine = text.split('\n')[0].trim().slice(0, 60);
  return (
    <Modal title="Save as quick answer" onClose={onClose}>
      <blockquote className="qa-preview">{text}</blockquote>
      <QuickAnswerForm
        ctx={ctx}
        initial={{ title: firstLine, text, section: null, line_id: managesScope(ctx, null) ? null : ctx.lineId }}
        withText={false}
        submitLabel="Save"
        onSubmit={async (input) => {
          const saved = await createQuickAnswer(input);
          onSaved?.(saved);
          onClose();
        }}
        onCancel={onClose}
      />
    </Modal>
  );
}

/** The management modal: every answer I may read, by section; edit and delete where allowed. */
export function QuickAnswersManager({
  ctx,
  onClose,
  onInsert,
}: {
  ctx: QuickAnswerContext;
  onClose: () => void;
  onInsert: (a: QuickAnswer) => void;
}) {
  const [items, setItems] = useState<QuickAnswer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<QuickAnswer | 'new' | null>(null);
  const [confirm, setConfirm] = useState<QuickAnswer | null>(null);
  const [filter, setFilter] = useState('');
  const withLine = readsLine(ctx);

  const load = () => {
    fetchAll((cursor) => listQuickAnswers({ cursor, limit: 200, line_id: withLine ? ctx.lineId : undefined }))
      .then((all) => setItems(withLine ? all : all.filter((a) => a.line_id === null)))
      .catch((e: Error) => setError(e.message));
  };
  useEffect(load, []);

  const groups = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const m = new Map<string, QuickAnswer[]>();
    for (const a of items ?? []) {
      if (needle && !a.title.toLowerCase().includes(needle) && !a.text.toLowerCase().includes(needle)) continue;
      const key = a.section ?? '';
      m.set(key, [...(m.get(key) ?? []), a]);
    }
    return [...m.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  }, [items, filter]);

  if (editing) {
    const isNew = editing === 'new';
    return (
      <Modal title={isNew ? 'New quick answer' : 'Edit quick answer'} onClose={() => setEditing(null)}>
        <QuickAnswerForm
          ctx={ctx}
          initial={
            isNew
              ? { title: '', text: '', section: null, line_id: managesScope(ctx, null) ? null : ctx.lineId }
              : { title: editing.title, text: editing.text, section: editing.section, line_id: editing.line_id }
          }
          withText
          submitLabel="Save"
          onSubmit={async (input) => {
            if (isNew) await createQuickAnswer(input);
            else await updateQuickAnswer(editing.id, input);
            setEditing(null);
            load();
          }}
          onCancel={() => setEditing(null)}
        />
      </Modal>
    );
  }

  if (confirm) {
    return (
      <Modal title="Delete quick answer" onClose={() => setConfirm(null)}>
        <p>
          Delete the quick answer “<span>{confirm.title}</span>”?
        </p>
        <div className="modal-actions">
          <button
            type="button"
            className="btn btn-danger"
            onClick={async () => {
              try {
                await deleteQuickAnswer(confirm.id);
                setConfirm(null);
                load();
              } catch (e) {
                setError((e as Error).message);
                setConfirm(null);
              }
            }}
          >
            Delete
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Quick answers" onClose={onClose} wide>
      <div className="qa-toolbar">
        <input
          type="search"
          className="search"
          aria-label="Filter quick answers"
          placeholder="Filter…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {canCreateQuickAnswer(ctx) && (
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New quick answer
          </button>
        )}
      </div>
      {error && (
        <p className="qa-error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p>Loading…</p>}
      {items !== null && groups.length === 0 && <p>No quick answers yet.</p>}
      {groups.map(([section, answers]) => (
        <section key={section} className="qa-group" aria-label={section || 'No section'}>
          <h3>{section || 'No section'}</h3>
          <ul className="qa-list">
            {answers.map((a) => (
              <li key={a.id} className="qa-item">
                <div className="qa-item-head">
                  <span className="qa-title">{a.title}</span>
                  <span className="qa-scope">{a.line_id === null ? 'All lines' : (ctx.lines.get(a.line_id)?.name ?? `Line #${a.line_id}`)}</span>
                </div>
                <div className="qa-text">{a.text}</div>
                <div className="qa-item-actions">
                  <button type="button" className="btn" aria-label={`Insert “${a.title}”`} onClick={() => onInsert(a)}>
                    Insert
                  </button>
                  {managesScope(ctx, a.line_id) && (
                    <>
                      <button type="button" className="btn btn-ghost" aria-label={`Edit “${a.title}”`} onClick={() => setEditing(a)}>
                        Edit
                      </button>
                      <button type="button" className="btn btn-ghost" aria-label={`Delete “${a.title}”`} onClick={() => setConfirm(a)}>
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Modal>
  );
}
