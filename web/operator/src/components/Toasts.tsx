// Transient notes at the bottom: errors are announced as alerts, confirmations as status.
import { useStore, useStoreApi } from '../state/context';

export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  const store = useStoreApi();
  return (
    <div className="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span>{t.text}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => store.dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
