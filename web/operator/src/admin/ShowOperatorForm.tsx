// Whether a line's customers see the operator's name and photo, or just "Support".
import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Line } from '../api/types';
import { ErrorBox, StatusText, errorText } from './common';

// The server's Line has `show_operator` (docs/openapi.yaml); api/types.ts does not carry it yet.
export type LineWithOptions = Line & { show_operator?: boolean };

/** Absent (an older server) means the default: shown. */
export function showsOperator(line: LineWithOptions): boolean {
  return line.show_operator ?? true;
}

export function ShowOperatorForm({ line, onSaved }: { line: LineWithOptions; onSaved: (l: Line) => void }) {
  const saved = showsOperator(line);
  const [show, setShow] = useState(saved);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const uid = useId();
  // Follow the saved value when it changes (set while rendering, so no late effect undoes a click).
  const [shownSaved, setShownSaved] = useState(saved);
  if (shownSaved !== saved) {
    setShownSaved(saved);
    setShow(saved);
  }

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setStatus('');
    setBusy(true);
    try {
      onSaved(await api<Line>('PATCH', `/api/v1/lines/${line.id}`, { show_operator: show }));
      setStatus(show ? 'Customers now see operators’ names and photos.' : 'Customers now see “Support” instead of operators’ names.');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="adm-card adm-form" onSubmit={submit} noValidate aria-labelledby={`${uid}-title`}>
      <h3 id={`${uid}-title`}>Operator names</h3>
      <div className="adm-check">
        <input type="checkbox" id={`${uid}-show`} checked={show} aria-describedby={`${uid}-hint`}
          onChange={(e) => {
            setShow(e.target.checked);
            setStatus('');
          }} />
        <label htmlFor={`${uid}-show`}>Show operators' names and photos to customers</label>
        <span id={`${uid}-hint`} className="adm-hint">
          When off, customers see “Support” as the author of operators’ messages, with no photo.
        </span>
      </div>
      <ErrorBox error={error} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save operator names'}
        </button>
      </div>
      <StatusText text={status} />
    </form>
  );
}
