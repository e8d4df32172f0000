// The dialog toolbar. Which buttons exist depends on the session and on the caller, mirroring
// the server's rules, so an operator is never offered an action that can only fail.
import { useState } from 'react';
import type { Dialog, Employee } from '../api/types';
import { useStore, useStoreApi } from '../state/context';
import { isManager, isMyActive, isOpen, isResponsible, isUnanswered } from '../state/rules';
import { HistoryDialog } from './HistoryDialog';
import { Menu, type MenuItem } from './Menu';
import { Modal } from './Modal';
import { Picker, type PickTarget } from './Picker';

type ModalKind = 'forward' | 'invite' | 'rename' | 'history' | 'spam' | null;

export function DialogActions({ dialog: d, me }: { dialog: Dialog; me: Employee }) {
  const store = useStoreApi();
  const lines = useStore((s) => s.lines);
  const [modal, setModal] = useState<ModalKind>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: Parameters<typeof store.action>[1], body?: Parameters<typeof store.action>[2]) => {
    setBusy(true);
    const ok = await store.action(d.id, action, body);
    setBusy(false);
    return ok;
  };

  const responsible = isResponsible(d, me, lines);
  const offeredToOther = d.session.operator_id !== null && d.session.operator_id !== me.id;
  // Answering is refused when it is offered to someone else, except for managers;
  // accept-and-close is refused then for everyone.
  const mayAnswer = !offeredToOther || isManager(me);

  const copyChatId = async () => {
    try {
      await navigator.clipboard.writeText(String(d.chat_id));
      store.toast('Chat ID copied', 'info');
    } catch {
      store.toast('Could not copy the chat ID');
    }
  };

  const buttons: { label: string; onClick: () => void; primary?: boolean }[] = [];
  const more: MenuItem[] = [];

  if (isMyActive(d, me)) {
    buttons.push({ label: 'Invite user', onClick: () => setModal('invite') });
    buttons.push({ label: 'Forward', onClick: () => setModal('forward') });
    buttons.push({ label: 'Close dialog', onClick: () => void run('close'), primary: true });
    more.push(
      d.session.pinned
        ? { label: 'Unpin', onSelect: () => void run('unpin') }
        : { label: 'Pin to me', onSelect: () => void run('pin') },
      { label: 'Message history', onSelect: () => setModal('history') },
      { label: 'Spam / Force close', onSelect: () => setModal('spam') },
      { label: 'Rename', onSelect: () => setModal('rename') },
      { label: 'Copy chat ID', onSelect: () => void copyChatId() },
    );
  } else if (isOpen(d)) {
    // Unanswered, or answered by someone else.
    if (isUnanswered(d) && mayAnswer) buttons.push({ label: 'Answer', onClick: () => void run('answer'), primary: true });
    if (responsible) buttons.push({ label: 'Forward', onClick: () => setModal('forward') });
    if (isUnanswered(d) && !offeredToOther) buttons.push({ label: 'Accept and close', onClick: () => void run('accept_and_close') });
    if (responsible) buttons.push({ label: 'Spam / Force close', onClick: () => setModal('spam') });
    more.push({ label: 'View history', onSelect: () => setModal('history') });
    // Taking over needs an open session that is not already mine and answered; `closing` refuses it.
    if (d.session.status !== 'closing') more.push({ label: 'Take over', onSelect: () => void run('take_over') });
  } else {
    more.push(
      { label: 'Message history', onSelect: () => setModal('history') },
      { label: 'Rename', onSelect: () => setModal('rename') },
      { label: 'Copy chat ID', onSelect: () => void copyChatId() },
    );
  }

  const pick = async (kind: 'forward' | 'invite', t: PickTarget) => {
    if (await run(kind, t)) setModal(null);
  };

  return (
    <div className="actions" role="toolbar" aria-label="Dialog actions">
      {buttons.map((b) => (
        <button key={b.label} type="button" className={b.primary ? 'btn btn-primary' : 'btn'} disabled={busy} onClick={b.onClick}>
          {b.label}
        </button>
      ))}
      <Menu label="More actions" items={more} buttonContent="⋯" />

      {modal === 'forward' && (
        <Picker
          title="Forward"
          withLines
          excludeEmployees={[me.id, ...(d.session.operator_id !== null ? [d.session.operator_id] : [])]}
          excludeLine={d.session.line_id}
          onPick={(t) => void pick('forward', t)}
          onClose={() => setModal(null)}
        />
      )}
      {modal === 'invite' && (
        <Picker
          title="Invite user"
          withLines={false}
          excludeEmployees={[me.id]}
          onPick={(t) => void pick('invite', t)}
          onClose={() => setModal(null)}
        />
      )}
      {modal === 'rename' && <RenameDialog dialog={d} onSave={async (title) => (await run('rename', { title })) && setModal(null)} onClose={() => setModal(null)} />}
      {modal === 'history' && <HistoryDialog dialog={d} onClose={() => setModal(null)} />}
      {modal === 'spam' && (
        <Modal title="Spam / Force close" onClose={() => setModal(null)}>
          <p>
            <strong>Spam</strong> closes the session as spam. <strong>Force close</strong> closes it silently, without
            telling the customer.
          </p>
          <div className="modal-actions">
            <button type="button" className="btn btn-danger" disabled={busy} onClick={async () => (await run('spam')) && setModal(null)}>
              Mark as spam
            </button>
            <button type="button" className="btn" disabled={busy} onClick={async () => (await run('force_close')) && setModal(null)}>
              Force close
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setModal(null)}>
              Cancel
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

function RenameDialog({ dialog, onSave, onClose }: { dialog: Dialog; onSave: (t: string) => void; onClose: () => void }) {
  const [title, setTitle] = useState(dialog.custom_title ? dialog.title : '');
  return (
    <Modal title="Rename dialog" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSave(title.trim());
        }}
      >
        <label className="field">
          Title
          <input type="text" value={title} maxLength={255} placeholder={dialog.customer.name} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <p className="muted">Leave empty to go back to the customer's name.</p>
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary">
            Save
          </button>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
