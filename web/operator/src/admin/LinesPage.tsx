// Lines: the list and the "New line" form.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, withQuery, type Page } from '../api/client';
import type { Line } from '../api/types';
import { ErrorBox, Link, Loading, errorText } from './common';
import { validateName } from './EmployeesPage';
import { MODES } from './RoutingForm';
import { navigate } from './router';

function NewLineForm({ onCancel }: { onCancel: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const err = validateName(name);
    setError(err);
    setServerError(null);
    if (err) return ref.current?.focus();
    setBusy(true);
    try {
      const line = await api<Line>('POST', '/api/v1/lines', { name: name.trim() });
      navigate(`/admin/lines/${line.id}`);
    } catch (e) {
      setServerError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <form className="adm-card adm-form" onSubmit={submit} noValidate aria-labelledby="adm-new-line-title">
      <h3 id="adm-new-line-title">New line</h3>
      <div className="adm-field">
        <label htmlFor="adm-new-line-name">Line name</label>
        <input id="adm-new-line-name" ref={ref} value={name} onChange={(e) => setName(e.target.value)} maxLength={200}
          aria-invalid={!!error || undefined} aria-describedby={error ? 'adm-new-line-err' : undefined} />
        {error && <span id="adm-new-line-err" className="adm-field-error">{error}</span>}
      </div>
      <ErrorBox error={serverError} />
      <div className="adm-actions">
        <button type="submit" className="adm-btn adm-btn-primary" disabled={busy}>{busy ? 'Creating…' : 'Create line'}</button>
        <button type="button" className="adm-btn" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

export default function LinesPage() {
  const [items, setItems] = useState<Line[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [adding, setAdding] = useState(false);

  const load = useCallback(async (after: string | null) => {
    setError(null);
    if (after) setLoadingMore(true);
    try {
      const page = await api<Page<Line>>('GET', withQuery('/api/v1/lines', { limit: 50, cursor: after }));
      setItems((prev) => (after && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoadingMore(false);
    }
  }, []);
  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <section className="adm-page" aria-labelledby="adm-lines-title">
      <div className="adm-page-head">
        <h2 id="adm-lines-title" tabIndex={-1}>Lines</h2>
        {!adding && (
          <button type="button" className="adm-btn adm-btn-primary" onClick={() => setAdding(true)}>New line</button>
        )}
      </div>
      <p className="adm-hint">A line is a queue of operators with its routing rules; channels (website chat, connectors) bring customers to it.</p>
      {adding && <NewLineForm onCancel={() => setAdding(false)} />}
      {items === null && !error && <Loading what="lines" />}
      <ErrorBox error={error} />
      {items === null && error && <button type="button" className="adm-btn" onClick={() => load(null)}>Try again</button>}
      {items !== null && items.length === 0 && <p className="adm-empty">No lines yet. Create one with “New line”.</p>}
      {items !== null && items.length > 0 && (
        <table className="adm-table">
          <caption className="adm-sr-only">Lines</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Operators in queue</th>
              <th scope="col">Routing</th>
            </tr>
          </thead>
          <tbody>
            {items.map((l) => (
              <tr key={l.id}>
                <td><Link href={`/admin/lines/${l.id}`}>{l.name}</Link></td>
                <td>{l.queue.length}</td>
                <td>{MODES.find((m) => m.value === l.routing.mode)?.label ?? l.routing.mode}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" className="adm-btn" onClick={() => load(cursor)} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
