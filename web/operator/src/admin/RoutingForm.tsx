// Routing settings of a line: mode, offer time, chat limit and what counts toward it.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { CountedStatus, Routing, RoutingMode } from '../api/types';
import { ErrorBox, StatusText } from './common';

export const MODES: { value: RoutingMode; label: string; help: string }[] = [
  { value: 'evenly', label: 'Evenly', help: 'Each new chat is offered to the operator who has waited longest since their last chat on this line.' },
  { value: 'strictly', label: 'Strictly in order', help: 'Each new chat is offered to the first operator in queue order who can take it.' },
  { value: 'all', label: 'All at once', help: 'Nobody is assigned: the chat waits where every operator of the line sees it, and the first to answer takes it.' },
];

export const COUNTED: { value: CountedStatus; label: string }[] = [
  { value: 'new', label: 'New' },
  { value: 'answered', label: 'Answered' },
  { value: 'waiting_customer', label: 'Waiting for the customer' },
  { value: 'closing', label: 'Closing' },
];

export interface RoutingDraft {
  mode: RoutingMode;
  queue_time_s: string;
  max_chats: string;
  max_chats_count: CountedStatus[];
  only_available: boolean;
}

export type RoutingErrors = Partial<Record<'queue_time_s' | 'max_chats' | 'max_chats_count', string>>;

const INT_RE = /^\d+$/;

export function validateRouting(d: RoutingDraft): RoutingErrors {
  const errs: RoutingErrors = {};
  const qt = d.queue_time_s.trim();
  if (!INT_RE.test(qt) || Number(qt) > 604800) {
    errs.queue_time_s = 'Enter whole seconds from 0 to 604800 (7 days); 0 means never.';
  }
  const mc = d.max_chats.trim();
  if (!INT_RE.test(mc) || Number(mc) > 1000) {
    errs.max_chats = 'Enter a whole number from 0 to 1000; 0 means no limit.';
  } else if (Number(mc) > 0 && d.max_chats_count.length === 0) {
    errs.max_chats_count = 'Choose at least one status to count while there is a limit.';
  }
  return errs;
}

function toDraft(r: Routing): RoutingDraft {
  return {
    mode: r.mode,
    queue_time_s: String(r.queue_time_s),
    max_chats: String(r.max_chats),
    max_chats_count: [...r.max_chats_count],
    only_available: r.only_available,
  };
}

export function RoutingForm({ routing, onSave }: { routing: Routing; onSave: (r: Routing) => Promise<void> }) {
  const [draft, setDraft] = useState<RoutingDraft>(() => toDraft(routing));
  const [errors, setErrors] = useState<RoutingErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const uid = useId();
  // Reset the draft only when the saved settings really change (not when the line object is
  // replaced after, say, a queue change), so unsaved edits survive.
  const savedKey = JSON.stringify(routing);
  useEffect(() => setDraft(toDraft(JSON.parse(savedKey) as Routing)), [savedKey]);

  const set = <K extends keyof RoutingDraft>(k: K, v: RoutingDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setStatus('');
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const errs = validateRouting(draft);
    setErrors(errs);
    setServerError(null);
    if (Object.keys(errs).length > 0) {
      const first = Object.keys(errs)[0];
      document.getElementById(`${uid}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await onSave({
        mode: draft.mode,
        queue_time_s: Number(draft.queue_time_s.trim()),
        max_chats: Number(draft.max_chats.trim()),
        max_chats_count: COUNTED.map((c) => c.value).filter((v) => draft.max_chats_count.includes(v)),
        only_available: draft.only_available,
      });
      setStatus('Routing settings saved.');
    } catch (e) {
      setServerError(e instanceof Error ? e.message : 'Saving failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="adm-card adm-form" onSubmit={submit} noValidate aria-labelledby={`${uid}-title`}>
      <h3 id={`${uid}-title`}>Routing</h3>
      <fieldset className="adm-fieldset">
        <legend>Mode</legend>
        {MODES.map((m) => (
          <div key={m.value} className="adm-radio">
            <input type="radio" id={`${uid}-mode-${m.value}`} name={`${uid}-mode`} value={m.value}
              checked={draft.mode === m.value} onChange={() => set('mode', m.value)}
              aria-describedby={`${uid}-mode-${m.value}-help`} />
            <label htmlFor={`${uid}-mode-${m.value}`}>{m.label}</label>
            <span id={`${uid}-mode-${m.value}-help`} className="adm-hint">{m.help}</span>
          </div>
        ))}
      </fieldset>
      <div className="adm-field">
        <label htmlFor={`${uid}-queue_time_s`}>Offer time (seconds)</label>
        <input id={`${uid}-queue_time_s`} inputMode="numeric" value={draft.queue_time_s}
          onChange={(e) => set('queue_time_s', e.target.value)}
          aria-invalid={!!errors.queue_time_s || undefined}
          aria-describedby={`${uid}-qt-hint${errors.queue_time_s ? ` ${uid}-qt-err` : ''}`} />
        <span id={`${uid}-qt-hint`} className="adm-hint">How long an offered chat may stay unanswered before it passes to the next operator; 0 = never.</span>
        {errors.queue_time_s && <span id={`${uid}-qt-err`} className="adm-field-error">{errors.queue_time_s}</span>}
      </div>
      <div className="adm-field">
        <label htmlFor={`${uid}-max_chats`}>Maximum chats per operator</label>
        <input id={`${uid}-max_chats`} inputMode="numeric" value={draft.max_chats}
          onChange={(e) => set('max_chats', e.target.value)}
          aria-invalid={!!errors.max_chats || undefined}
          aria-describedby={`${uid}-mc-hint${errors.max_chats ? ` ${uid}-mc-err` : ''}`} />
        <span id={`${uid}-mc-hint`} className="adm-hint">0 = unlimited.</span>
        {errors.max_chats && <span id={`${uid}-mc-err`} className="adm-field-error">{errors.max_chats}</span>}
      </div>
      <fieldset className="adm-fieldset" aria-describedby={errors.max_chats_count ? `${uid}-mcc-err` : undefined}>
        <legend>Chats that count toward the maximum</legend>
        {COUNTED.map((c, i) => (
          <div key={c.value} className="adm-check">
            <input type="checkbox" id={i === 0 ? `${uid}-max_chats_count` : `${uid}-count-${c.value}`}
              checked={draft.max_chats_count.includes(c.value)}
              onChange={(e) =>
                set('max_chats_count', e.target.checked
                  ? [...draft.max_chats_count, c.value]
                  : draft.max_chats_count.filter((v) => v !== c.value))
              } />
            <label htmlFor={i === 0 ? `${uid}-max_chats_count` : `${uid}-count-${c.value}`}>{c.label}</label>
          </div>
        ))}
        {errors.max_chats_count && <span id={`${uid}-mcc-err`} className="adm-field-error">{errors.max_chats_count}</span>}
      </fieldset>
      <div className="adm-check">
        <input type="checkbox" id={`${uid}-only_available`} checked={draft.only_available}
          onChange={(e) => set('only_available', e.target.checked)} aria-describedby={`${uid}-oa-hint`} />
        <label htmlFor={`${uid}-only_available`}>Only offer chats to available operators</label>
        <span id={`${uid}-oa-hint`} className="adm-hint">Available: signed in and not away.</span>
      </div>
      {Object.keys(errors).length > 0 && (
        <p className="adm-error" role="alert">Fix the highlighted fields, then save again.</p>
      )}
      <ErrorBox error={serverError} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save routing'}
        </button>
      </div>
      <StatusText text={status} />
    </form>
  );
}
