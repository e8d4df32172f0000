// Who the customer is and the state of their sessions.
import { useEffect } from 'react';
import type { Dialog, Session } from '../api/types';
import { fullTime } from '../format';
import { useStore, useStoreApi } from '../state/context';
import { statusLabel } from '../state/rules';
import { channelLabel } from './ChannelIcon';

export function CustomerPanel({ dialog: d }: { dialog: Dialog }) {
  const store = useStoreApi();
  const line = useStore((s) => s.lines.get(d.line_id));
  const sessions = useStore((s) => s.sessions.get(d.id));
  const employees = useStore((s) => s.employees);
  const me = useStore((s) => s.me);
  const c = d.customer;

  // Reload when a new session starts, so the one that just ended moves to "Earlier sessions".
  useEffect(() => {
    void store.loadSessions(d.id);
  }, [store, d.id, d.session.id]);

  const operatorName = (id: number | null) =>
    id === null ? '—' : id === me.id ? me.name : (employees.get(id)?.name ?? `Employee #${id}`);

  const earlier = sessions?.items.filter((s) => s.id !== d.session.id) ?? [];

  return (
    <aside className="customer" role="complementary" aria-label="Customer">
      <h2>{c.name || `Customer #${c.id}`}</h2>
      <dl className="facts">
        <Fact term="E-mail" value={c.email} />
        <Fact term="Phone" value={c.phone} />
        <Fact term="External ID" value={c.external_id} />
        <Fact term="Channel" value={channelLabel(d)} />
        <Fact term="Line" value={line?.name ?? `Line #${d.line_id}`} />
      </dl>
      <h3>Current session</h3>
      <SessionFacts s={d.session} operator={operatorName(d.session.operator_id)} />
      {sessions?.available && (
        <>
          <h3>Earlier sessions</h3>
          {earlier.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul className="sessions">
              {earlier.map((s) => (
                <li key={s.id}>
                  <span>
                    Session #{s.id} · {statusLabel(s.status)}
                  </span>
                  <span className="muted">
                    {fullTime(s.created_at)} · {operatorName(s.operator_id)}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {sessions.cursor && (
            <button type="button" className="btn btn-ghost" onClick={() => void store.loadSessions(d.id, true)}>
              Show more sessions
            </button>
          )}
        </>
      )}
    </aside>
  );
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value || '—'}</dd>
    </>
  );
}

function SessionFacts({ s, operator }: { s: Session; operator: string }) {
  return (
    <dl className="facts">
      <Fact term="Session" value={`#${s.id}`} />
      <Fact term="Status" value={statusLabel(s.status)} />
      <Fact term="Operator" value={operator} />
      <Fact term="Created" value={fullTime(s.created_at)} />
      <Fact term="Answered" value={s.answered_at ? fullTime(s.answered_at) : ''} />
      <Fact term="Closed" value={s.closed_at ? fullTime(s.closed_at) : ''} />
    </dl>
  );
}
