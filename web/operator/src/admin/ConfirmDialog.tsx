// A small accessible confirm dialog: role="dialog", focus moves into it, Tab stays inside,
// Escape (or Cancel) closes it, and focus goes back to where it was.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

interface Pending extends ConfirmOptions {
  resolve: (ok: boolean) => void;
}

let dialogSeq = 0;

function ConfirmDialog({ pending, onClose }: { pending: Pending; onClose: (ok: boolean) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [ids] = useState(() => {
    dialogSeq += 1;
    return { title: `adm-confirm-title-${dialogSeq}`, body: `adm-confirm-body-${dialogSeq}` };
  });
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => {
      if (before && document.contains(before)) before.focus();
    };
  }, []);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose(false);
      return;
    }
    if (e.key === 'Tab' && ref.current) {
      const items = Array.from(ref.current.querySelectorAll<HTMLElement>('button:not([disabled])'));
      if (items.length === 0) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  return (
    <div className="adm-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose(false)}>
      <div
        ref={ref}
        className="adm-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={ids.title}
        aria-describedby={ids.body}
        onKeyDown={onKeyDown}
      >
        <h2 id={ids.title} className="adm-dialog-title">{pending.title}</h2>
        <div id={ids.body} className="adm-dialog-body">{pending.message}</div>
        <div className="adm-dialog-actions">
          <button type="button" ref={cancelRef} className="adm-btn" onClick={() => onClose(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={pending.danger ? 'adm-btn adm-btn-danger' : 'adm-btn adm-btn-primary'}
            onClick={() => onClose(true)}
          >
            {pending.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/** `const [dialog, confirm] = useConfirm()`; render `dialog`, `await confirm({...})` → boolean. */
export function useConfirm(): [ReactNode, (o: ConfirmOptions) => Promise<boolean>] {
  const [pending, setPending] = useState<Pending | null>(null);
  const current = useRef<Pending | null>(null);
  const confirm = useCallback(
    (o: ConfirmOptions) =>
      new Promise<boolean>((resolve) => {
        current.current?.resolve(false);
        current.current = { ...o, resolve };
        setPending(current.current);
      }),
    [],
  );
  const close = useCallback((ok: boolean) => {
    const p = current.current;
    current.current = null;
    setPending(null);
    p?.resolve(ok);
  }, []);
  const node = pending ? <ConfirmDialog pending={pending} onClose={close} /> : null;
  return [node, confirm];
}
