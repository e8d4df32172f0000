// The ordered queue of a line's operators: drag and drop, or the Move up / Move down buttons
// (the keyboard way), add from the active employees, remove.
import { useId, useLayoutEffect, useRef, useState, type DragEvent } from 'react';
import type { Employee } from '../api/types';

export function moveItem<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [x] = next.splice(from, 1);
  next.splice(to, 0, x);
  return next;
}

interface Props {
  queue: number[];
  employees: Map<number, Employee>;
  /** Active employees that may be added. */
  candidates: Employee[];
  onChange: (next: number[], announcement: string) => void;
}

export function QueueEditor({ queue, employees, candidates, onChange }: Props) {
  const uid = useId();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);
  const [pick, setPick] = useState('');
  const refocus = useRef<{ id: number; dir: 'up' | 'down' } | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  const nameOf = (id: number) => employees.get(id)?.name ?? `Employee #${id}`;
  const addable = candidates.filter((e) => e.active && !queue.includes(e.id));

  // Moving a row moves its DOM node (which drops focus) and may disable the pressed button, so
  // focus goes back to the moved operator's usable button before the browser paints; and once
  // more on the next frame if something in between (a re-render, the browser's focus fix-up of
  // a disabled element) left it on the page body.
  useLayoutEffect(() => {
    const r = refocus.current;
    if (!r || !listRef.current) return;
    refocus.current = null;
    const idx = queue.indexOf(r.id);
    if (idx < 0) return;
    let dir = r.dir;
    if (dir === 'up' && idx === 0) dir = 'down';
    if (dir === 'down' && idx === queue.length - 1) dir = 'up';
    const list = listRef.current;
    const target = () => list.querySelector<HTMLButtonElement>(`[data-queue-id="${r.id}"][data-dir="${dir}"]`);
    target()?.focus();
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (!active || active === document.body || (list.contains(active) && (active as HTMLButtonElement).disabled))
        target()?.focus();
    });
  }, [queue]);

  const move = (from: number, to: number, dir?: 'up' | 'down') => {
    if (to < 0 || to >= queue.length || from === to) return;
    const id = queue[from];
    if (dir) refocus.current = { id, dir };
    onChange(moveItem(queue, from, to), `${nameOf(id)} moved to position ${to + 1} of ${queue.length}.`);
  };

  const onDragStart = (e: DragEvent<HTMLLIElement>, i: number) => {
    setDragFrom(i);
    e.dataTransfer.effectAllowed = 'move';
    try {
      e.dataTransfer.setData('text/plain', String(queue[i]));
    } catch {
      /* some browsers refuse custom data; the state above is enough */
    }
  };
  const onDragOver = (e: DragEvent<HTMLLIElement>, i: number) => {
    if (dragFrom === null) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    if (dragOver !== i) setDragOver(i);
  };
  const onDrop = (e: DragEvent<HTMLLIElement>, i: number) => {
    e.preventDefault();
    const from = dragFrom;
    setDragFrom(null);
    setDragOver(null);
    if (from !== null) move(from, i);
  };
  const onDragEnd = () => {
    setDragFrom(null);
    setDragOver(null);
  };

  return (
    <div className="adm-queue">
      <p id={`${uid}-help`} className="adm-hint">
        Chats are offered in this order. Drag an operator to a new place, or use the Up and Down buttons.
      </p>
      {queue.length === 0 ? (
        <p className="adm-empty">Nobody is in the queue yet, so this line’s chats will not be offered to anyone.</p>
      ) : (
        <ol className="adm-queue-list" ref={listRef} aria-label="Queue" aria-describedby={`${uid}-help`}>
          {queue.map((id, i) => {
            const name = nameOf(id);
            const cls = ['adm-queue-item'];
            if (dragFrom === i) cls.push('adm-dragging');
            if (dragOver === i && dragFrom !== i) cls.push('adm-drop-target');
            return (
              <li
                key={id}
                className={cls.join(' ')}
                draggable
                data-testid={`queue-item-${id}`}
                onDragStart={(e) => onDragStart(e, i)}
                onDragOver={(e) => onDragOver(e, i)}
                onDrop={(e) => onDrop(e, i)}
                onDragEnd={onDragEnd}
              >
                <span className="adm-drag-handle" aria-hidden="true">⠿</span>
                <span className="adm-queue-pos" aria-hidden="true">{i + 1}.</span>
                <span className="adm-queue-name">{name}</span>
                {employees.get(id) && !employees.get(id)!.active && <span className="adm-badge">deactivated</span>}
                <span className="adm-queue-actions">
                  <button type="button" className="adm-btn adm-btn-small" aria-label={`Move ${name} up`}
                    data-queue-id={id} data-dir="up" disabled={i === 0} onClick={() => move(i, i - 1, 'up')}>
                    ↑ Up
                  </button>
                  <button type="button" className="adm-btn adm-btn-small" aria-label={`Move ${name} down`}
                    data-queue-id={id} data-dir="down" disabled={i === queue.length - 1} onClick={() => move(i, i + 1, 'down')}>
                    ↓ Down
                  </button>
                  <button type="button" className="adm-btn adm-btn-small" aria-label={`Remove ${name} from the queue`}
                    onClick={() => onChange(queue.filter((q) => q !== id), `${name} removed from the queue.`)}>
                    Remove
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <form
        className="adm-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const id = Number(pick);
          if (!id || queue.includes(id)) return;
          setPick('');
          onChange([...queue, id], `${nameOf(id)} added to the queue at position ${queue.length + 1}.`);
        }}
      >
        <label htmlFor={`${uid}-pick`}>Employee to add</label>
        <select id={`${uid}-pick`} value={pick} onChange={(e) => setPick(e.target.value)} disabled={addable.length === 0}>
          <option value="">{addable.length === 0 ? 'Every active employee is in the queue' : 'Choose an employee…'}</option>
          {addable.map((e) => (
            <option key={e.id} value={String(e.id)}>
              {e.name} ({e.email})
            </option>
          ))}
        </select>
        <button type="submit" className="adm-btn" disabled={!pick}>Add to queue</button>
      </form>
    </div>
  );
}
