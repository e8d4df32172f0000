// Choosing a colleague (and, for forwarding, a line): one search over the employee directory
// and the lines the store already holds.
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { directory } from '../api/endpoints';
import type { DirectoryEntry } from '../api/types';
import { useStore } from '../state/context';
import { Modal } from './Modal';

export type PickTarget = { employee_id: number } | { line_id: number };

export function Picker({
  title,
  withLines,
  excludeEmployees,
  excludeLine,
  onPick,
  onClose,
}: {
  title: string;
  withLines: boolean;
  excludeEmployees: number[];
  excludeLine?: number;
  onPick: (t: PickTarget) => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const [people, setPeople] = useState<DirectoryEntry[]>([]);
  const [note, setNote] = useState('');
  const lines = useStore((s) => s.lines);
  const presence = useStore((s) => s.presence);

  useEffect(() => {
    let stale = false;
    const t = setTimeout(async () => {
      try {
        const page = await directory(q.trim(), null, 50);
        if (!stale) {
          setPeople(page.items);
          setNote('');
        }
      } catch (e) {
        if (stale) return;
        setPeople([]);
        setNote(e instanceof ApiError && e.status === 404 ? 'The employee directory is not available on this server.' : String((e as Error).message));
      }
    }, 200);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [q]);

  const needle = q.trim().toLowerCase();
  const shownPeople = people.filter((p) => !excludeEmployees.includes(p.id));
  const shownLines = withLines
    ? [...lines.values()].filter((l) => l.id !== excludeLine && l.name.toLowerCase().includes(needle))
    : [];
  const searchLabel = withLines ? 'Search employees and lines' : 'Search employees';

  const stateOf = (p: DirectoryEntry) => {
    const live = presence.get(p.id);
    const online = live?.online ?? p.online;
    const away = live?.away ?? p.away;
    return !online ? 'offline' : away ? 'away' : 'online';
  };

  return (
    <Modal title={title} onClose={onClose}>
      <input
        type="search"
        className="search"
        aria-label={searchLabel}
        placeholder={searchLabel}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {note && <p className="muted">{note}</p>}
      <div role="listbox" aria-label={withLines ? 'Employees and lines' : 'Employees'} className="pick-list">
        {shownPeople.map((p) => (
          <button key={`e${p.id}`} type="button" role="option" aria-selected={false} className="pick" onClick={() => onPick({ employee_id: p.id })}>
            <span className={`dot dot-${stateOf(p)}`} aria-hidden="true" />
            <span className="pick-name">{p.name}</span>
            <span className="muted">
              {p.role} · {stateOf(p)}
            </span>
          </button>
        ))}
        {shownLines.map((l) => (
          <button key={`l${l.id}`} type="button" role="option" aria-selected={false} className="pick" onClick={() => onPick({ line_id: l.id })}>
            <span className="pick-name">Line: {l.name}</span>
          </button>
        ))}
        {shownPeople.length === 0 && shownLines.length === 0 && <p className="muted">Nothing found.</p>}
      </div>
    </Modal>
  );
}
