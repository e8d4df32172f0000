// The "(edited)" mark of a message: a button that opens its earlier versions
// (`GET /api/v1/messages/{id}/edits`, oldest first) next to the current text. Texts are
// rendered with the BBCode component, never as HTML; editors are named from the directory.
import { useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import { ApiError } from '../api/client';
import { messageEdits, type MessageEdit } from '../api/messages';
import type { DirectoryEntry, Employee, Message } from '../api/types';
import { BBCode } from '../bbcode';
import { clockTime, fullTime } from '../format';
import { StoreContext } from '../state/context';
import { Modal } from './Modal';

const NO_EMPLOYEES: ReadonlyMap<number, DirectoryEntry> = new Map();
const noSubscribe = () => () => {};

/** Names of colleagues from the store when there is one (component tests may render without). */
function useNamer(): (id: number) => string {
  const store = useContext(StoreContext);
  const employees = useSyncExternalStore(store ? store.subscribe : noSubscribe, () =>
    store ? store.getState().employees : NO_EMPLOYEES,
  );
  const me: Employee | null = store ? store.getState().me : null;
  return (id) => employees.get(id)?.name || (me && me.id === id ? me.name : '') || `Employee #${id}`;
}

export function EditedMark({ message }: { message: Message }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="msg-edited msg-edited-btn"
        aria-label="Edited — show earlier versions"
        aria-haspopup="dialog"
        aria-expanded={open}
        title={message.edited_at ? `Edited ${fullTime(message.edited_at)}` : undefined}
        onClick={() => setOpen(true)}
      >
        (edited)
      </button>
      {open && createPortal(<EditVersions message={message} onClose={() => setOpen(false)} />, document.body)}
    </>
  );
}

type Load = { state: 'loading' } | { state: 'error'; text: string } | { state: 'done'; items: MessageEdit[] };

export function EditVersions({ message: m, onClose }: { message: Message; onClose: () => void }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const nameOf = useNamer();

  // Again when the message is edited while the list is open.
  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    messageEdits(m.id).then(
      (page) => live && setLoad({ state: 'done', items: page.items }),
      (e: unknown) =>
        live && setLoad({ state: 'error', text: e instanceof ApiError || e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [m.id, m.edited_at]);

  const last = load.state === 'done' ? load.items[load.items.length - 1] : undefined;

  return (
    <Modal title="Earlier versions" onClose={onClose}>
      {load.state === 'loading' && <p className="muted">Loading…</p>}
      {load.state === 'error' && <p role="alert">{load.text}</p>}
      {load.state === 'done' && (
        <ol className="edit-versions" aria-label="Versions, oldest first">
          {load.items.length === 0 && <li className="muted">No earlier versions.</li>}
          {load.items.map((e, i) => (
            <li key={i} className="edit-version" data-testid="earlier-version">
              <div className="edit-version-meta">
                Replaced by {nameOf(e.editor_id)} at{' '}
                <time dateTime={e.edited_at} title={fullTime(e.edited_at)}>
                  {clockTime(e.edited_at)}
                </time>
              </div>
              <div className="edit-version-text">
                <BBCode text={e.previous_text} />
              </div>
            </li>
          ))}
          <li className="edit-version edit-version-current" data-testid="current-version">
            <div className="edit-version-meta">
              {last ? (
                <>
                  Current — edited by {nameOf(last.editor_id)} at{' '}
                  <time dateTime={last.edited_at} title={fullTime(last.edited_at)}>
                    {clockTime(last.edited_at)}
                  </time>
                </>
              ) : (
                'Current'
              )}
            </div>
            <div className="edit-version-text">
              {m.deleted ? <em>Message deleted</em> : <BBCode text={m.text} />}
            </div>
          </li>
        </ol>
      )}
    </Modal>
  );
}
