// Transient notes at the bottom: errors are announced as alerts, confirmations as status.
// A toast may carry one action button (e.g. "Open" for a mention) that navigates in the app.
import { navigate } from '../router';
import { useStore, useStoreApi } from '../state/context';

export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  const store = useStoreApi();
  return (
    <div className="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span>{t.text}</span>
          {t.action && (
            <button
              type="button"
              className="btn toast-action"
              onClick={() => {
                store.dismissToast(t.id);
                navigate(t.action!.path);
              }}
            >
              {t.action.label}
            </button>
          )}
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => store.dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
